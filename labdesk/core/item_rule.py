"""How one test item is judged (`ItemRule`), and the stored columns that say it.

`ItemRule` holds the rule as the standard and the laboratory give it, all numbers as their
decimal text; `item_rule` reads one from a stored item (a library item or a frozen sample
item); `parse_factor` and `parse_positive` read its numbers for `core.judgement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol

from labdesk.core.errors import ValidationError
from labdesk.core.limits import Limit
from labdesk.core.numbers import parse_number, quote
from labdesk.core.rounding import ROUNDING_RULES, parse_interval, parse_marked

__all__ = [
    "KIND_COLUMNS",
    "RULE_COLUMNS",
    "ItemColumns",
    "ItemRule",
    "check_method",
    "check_rounding",
    "item_rule",
    "parse_factor",
    "parse_positive",
    "rounding_step",
]


@dataclass(frozen=True, slots=True)
class ItemRule:
    """How one test item is judged. All numbers as the decimal text the standard gives."""

    limit: str
    method: Literal["full", "rounded"] = "full"
    interval: str | None = None
    decimals: int | None = None
    lod: str | None = None
    loq: str | None = None
    unit: str = ""  # the result's unit; converted exactly when the limit states another
    factor: str | None = None  # 以…计: measured × factor is the limited form (苯甲酸钠 → 苯甲酸)
    rounding: str = "gb8170"  # or "gb4789.2": colony counts reported by the method's rule
    screening: bool = False  # clears a limit but cannot fail it (total Hg for methylmercury)


# The columns of a library item (lib_items) and of a frozen sample item (sample_items) that
# make its judgement rule: `item_rule` is the one place that reads them, so a new rule
# field is added here and in the schema, not in every caller.
RULE_COLUMNS = ("limit_text", "method", "interval", "decimals", "lod", "loq", "unit")


class ItemColumns(Protocol):
    """A stored item: a database row or a dict, read by column name."""

    def __getitem__(self, key: str, /) -> Any: ...


# Rule columns a stored item may lack (a library item, a row of a query that does not
# select them, a database before schema 10): read with these defaults.
KIND_COLUMNS = {"factor": None, "rounding": "gb8170", "screening": 0}


def _optional(item: ItemColumns, column: str) -> Any:
    try:
        value = item[column]
    except (KeyError, IndexError):
        return KIND_COLUMNS[column]
    return KIND_COLUMNS[column] if value is None else value


def item_rule(item: ItemColumns) -> ItemRule:
    """The judgement rule of a stored item (a row or dict with `RULE_COLUMNS`, and
    optionally the `KIND_COLUMNS` of issue 14)."""
    decimals = item["decimals"]
    return ItemRule(
        limit=str(item["limit_text"]),
        method=item["method"],
        interval=item["interval"],
        decimals=None if decimals is None else int(decimals),
        lod=item["lod"],
        loq=item["loq"],
        unit=str(item["unit"] or ""),
        factor=_optional(item, "factor"),
        rounding=str(_optional(item, "rounding")),
        screening=bool(_optional(item, "screening")),
    )


def parse_factor(text: str | None) -> Decimal | None:
    """The 以…计 factor: a positive number (0.847), in the one number grammar."""
    if text is None or str(text).strip() == "":
        return None
    value = parse_number(str(text), "factor")
    if value <= 0:
        raise ValidationError(
            "factor",
            "factor_positive",
            f"factor: {quote(str(text))!r} must be above 0 （换算系数须大于 0）",
        )
    return value


def parse_positive(text: str | None, field: str) -> Decimal | None:
    if text is None or text == "":
        return None
    marked = parse_marked(text, field)
    if marked.mark or marked.value <= 0:
        raise ValidationError(
            field, "positive", f"{field}: {text!r} must be a positive decimal （{field} 须为正数）"
        )
    return marked.value


def check_method(rule: ItemRule) -> None:
    """The method is one of the two of GB/T 8170."""
    if rule.method not in ("full", "rounded"):
        raise ValidationError(
            "method",
            "method_choice",
            f"method: {rule.method!r} must be 'full' (全数值比较法) or 'rounded' (修约值比较法)",
        )


def check_rounding(rule: ItemRule) -> None:
    """The rounding rule is one of `ROUNDING_RULES`."""
    if rule.rounding not in ROUNDING_RULES:
        raise ValidationError(
            "rounding",
            "rounding_rule",
            f"rounding: {quote(str(rule.rounding))!r} must be one of "
            f"{', '.join(ROUNDING_RULES)} （修约规则须为 GB/T 8170 或 GB 4789.2）",
        )


def rounding_step(rule: ItemRule, limit: Limit) -> Decimal | None:
    """The rounding interval of the rounded method (None for the full-value method): the
    rule's ``interval``, or ``decimals`` places, or else the limit's own last digit place."""
    step: Decimal | None = None
    if rule.interval not in (None, "") and rule.decimals is not None:
        raise ValidationError("interval", "one_of", "give either an interval or decimals, not both")
    if rule.interval not in (None, ""):
        step = parse_interval(rule.interval)
    elif rule.decimals is not None:
        if isinstance(rule.decimals, bool) or not isinstance(rule.decimals, int):
            raise ValidationError("decimals", "integer", "decimals: give a whole number")
        if not -12 <= rule.decimals <= 12:
            raise ValidationError("decimals", "range", "decimals: must be between -12 and 12")
        step = Decimal(1).scaleb(-rule.decimals)
    elif rule.method == "rounded":
        step = limit.default_interval()
    if rule.method != "rounded":
        step = None
    return step
