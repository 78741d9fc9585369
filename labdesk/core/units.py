"""Units of results and limits, and exact conversion between them.

A unit belongs to a *dimension* (mass fraction, mass concentration in a liquid, colony
count per gram …) and has a factor to that dimension's base unit. Every factor is a power
of ten, held as a Decimal, so a conversion is one exact Decimal multiplication: 850 mg/kg
is 0.850 g/kg, never 0.8500000000000001.

Units of different dimensions are never converted: mg/kg against mg/L (a mass fraction
against a concentration in a liquid) needs the density, which LabDesk does not guess;
CFU against MPN are different methods. `ratio` refuses both with a message naming the
two units. A unit outside the table is refused as unknown when a conversion is needed;
the same text on both sides needs no table (mg/m³ against mg/m³).

``%`` is read as a mass fraction (g/100 g), as GB 5009 methods report it; a volume
fraction is written ``%vol`` (its own dimension).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from labdesk.core.errors import ValidationError
from labdesk.core.numbers import quote

__all__ = ["MAX_UNIT_LENGTH", "Unit", "canonical_unit", "known_unit", "ratio"]

MAX_UNIT_LENGTH = 24  # the longest real unit here is "MPN/100mL"; a paste is refused

_DIMENSIONS = {
    "mass_fraction": ("质量分数", "mass fraction"),
    "mass_concentration": ("质量浓度", "mass concentration"),
    "volume_fraction": ("体积分数", "volume fraction"),
    "cfu_mass": ("菌落数/质量", "colony count per mass"),
    "cfu_volume": ("菌落数/体积", "colony count per volume"),
    "mpn_mass": ("MPN/质量", "MPN per mass"),
    "mpn_volume": ("MPN/体积", "MPN per volume"),
}

# canonical name → (dimension, factor to the dimension's base: mg/kg, mg/L, CFU/g …)
_TABLE: dict[str, tuple[str, Decimal]] = {
    "g/kg": ("mass_fraction", Decimal("1E+3")),
    "mg/g": ("mass_fraction", Decimal("1E+3")),
    "mg/kg": ("mass_fraction", Decimal(1)),
    "μg/g": ("mass_fraction", Decimal(1)),
    "μg/kg": ("mass_fraction", Decimal("1E-3")),
    "ng/g": ("mass_fraction", Decimal("1E-3")),
    "ng/kg": ("mass_fraction", Decimal("1E-6")),
    "g/100g": ("mass_fraction", Decimal("1E+4")),
    "mg/100g": ("mass_fraction", Decimal(10)),
    "μg/100g": ("mass_fraction", Decimal("1E-2")),
    "%": ("mass_fraction", Decimal("1E+4")),
    "‰": ("mass_fraction", Decimal("1E+3")),
    "g/L": ("mass_concentration", Decimal("1E+3")),
    "mg/mL": ("mass_concentration", Decimal("1E+3")),
    "mg/L": ("mass_concentration", Decimal(1)),
    "μg/mL": ("mass_concentration", Decimal(1)),
    "μg/L": ("mass_concentration", Decimal("1E-3")),
    "ng/mL": ("mass_concentration", Decimal("1E-3")),
    "ng/L": ("mass_concentration", Decimal("1E-6")),
    "g/100mL": ("mass_concentration", Decimal("1E+4")),
    "mg/100mL": ("mass_concentration", Decimal(10)),
    "%vol": ("volume_fraction", Decimal(1)),
    "mL/100mL": ("volume_fraction", Decimal(1)),
    "CFU/g": ("cfu_mass", Decimal(1)),
    "CFU/kg": ("cfu_mass", Decimal("1E-3")),
    "CFU/100g": ("cfu_mass", Decimal("1E-2")),
    "CFU/mL": ("cfu_volume", Decimal(1)),
    "CFU/100mL": ("cfu_volume", Decimal("1E-2")),
    "CFU/L": ("cfu_volume", Decimal("1E-3")),
    "MPN/g": ("mpn_mass", Decimal(1)),
    "MPN/100g": ("mpn_mass", Decimal("1E-2")),
    "MPN/mL": ("mpn_volume", Decimal(1)),
    "MPN/100mL": ("mpn_volume", Decimal("1E-2")),
    "MPN/L": ("mpn_volume", Decimal("1E-3")),
}


@dataclass(frozen=True, slots=True)
class Unit:
    name: str  # canonical: "μg/kg"
    dimension: str
    factor: Decimal  # to the dimension's base unit


def _key(text: str) -> str:
    # µ (micro sign), μ (Greek mu) and a typed u are the same prefix; case is not meaning
    # here ("mg/l", "CFU/ML" as instrument exports write them).
    return text.replace("μ", "u").replace("µ", "u").lower()


_BY_KEY = {_key(name): name for name in _TABLE}
_BY_KEY.update({"%(v/v)": "%vol", "%v/v": "%vol", "%(m/m)": "%", "g/100g(%)": "g/100g"})


def canonical_unit(text: str) -> str:
    """The unit without spaces, µ/u read as μ, case fixed where the table knows it."""
    compact = "".join(text.split())
    return _BY_KEY.get(_key(compact), compact)


def _check_length(text: str, field: str) -> None:
    if len(text) > MAX_UNIT_LENGTH:
        raise ValidationError(
            field,
            "unit_length",
            f"{field}: {quote(text)!r} is longer than {MAX_UNIT_LENGTH} characters "
            f"（单位过长，最多 {MAX_UNIT_LENGTH} 个字符）",
        )


@lru_cache(maxsize=512)
def known_unit(text: str) -> Unit | None:
    """The table's unit for ``text``, or None when the table does not know it."""
    name = canonical_unit(text)
    found = _TABLE.get(name)
    return Unit(name, *found) if found else None


def ratio(source: str, target: str, field: str = "unit") -> Decimal | None:
    """The exact factor taking a value in ``source`` to ``target``; None when no
    conversion is needed (the same unit, or either side empty).

    ValidationError (``field``) when the units are unknown or of different dimensions.
    """
    _check_length(source, field)
    _check_length(target, field)
    if not source.strip() or not target.strip():
        return None
    if canonical_unit(source) == canonical_unit(target):
        return None
    a, b = known_unit(source), known_unit(target)
    for text, unit in ((source, a), (target, b)):
        if unit is None:
            raise ValidationError(
                field,
                "unknown_unit",
                f"{field}: unknown unit {quote(text)!r}, so {quote(source)} cannot be converted to "
                f"{quote(target)}. Known: {', '.join(_TABLE)} "
                f"（未知单位“{quote(text)}”，无法由 {quote(source)} 换算为 {quote(target)}）",
                en=f"{field}: unknown unit {quote(text, language='en')!r}, so "
                f"{quote(source, language='en')} cannot be converted to "
                f"{quote(target, language='en')}. Known: {', '.join(_TABLE)}",
                zh=f"未知单位“{quote(text, language='zh')}”，无法由"
                f"“{quote(source, language='zh')}”换算为“{quote(target, language='zh')}”",
            )
    assert a is not None and b is not None
    if a.dimension != b.dimension:
        zh_a, en_a = _DIMENSIONS[a.dimension]
        zh_b, en_b = _DIMENSIONS[b.dimension]
        raise ValidationError(
            field,
            "incompatible_units",
            f"{field}: a result in {a.name} ({en_a}) cannot be judged against a limit in "
            f"{b.name} ({en_b}): the units are incompatible "
            f"（单位不兼容：{a.name}（{zh_a}）不能换算为 {b.name}（{zh_b}））",
        )
    return a.factor / b.factor  # powers of ten: exact
