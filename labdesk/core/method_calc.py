"""From readings to a reported value by a method version: replicates, blank, one rounding.

A method version names its inputs (`InputSpec`): a reading typed or imported for every
determination (ρ, m …), a constant with a default (V = 25 mL, f = 1) that a reading may
override, or a blank input (``blank_of="rho"``: ρ₀ is the mean of the run's blank readings
of ρ). `compute_item` evaluates the formula for each of the n parallel determinations,
unrounded, checks their difference against the method's permitted difference, and rounds
the mean once (GB/T 8170). A blank QC sample is computed by the same formula with its
blank inputs at zero (it is not subtracted from itself), so it is in result units and can
be compared with the LOD.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, DecimalException
from functools import partial
from itertools import repeat
from typing import Any, NamedTuple, overload

from labdesk.core.decision import UncertaintySpec, expanded_u, parse_uncertainty
from labdesk.core.errors import ValidationError
from labdesk.core.formula import (
    PRECISION,
    RETRY_PRECISION,
    Formula,
    Outcome,
    parse_formula,
    parse_value,
    parse_values,
    round_guarded,
    round_guarded_all,
    round_once,
    step_of,
)
from labdesk.core.formula_syntax import FormulaError
from labdesk.core.replicates import ReplicateCheck, assess, assess_columns, check_replicates
from labdesk.core.rounding import parse_interval

__all__ = [
    "InputSpec",
    "ItemCalculation",
    "MethodSpec",
    "ReplicateValues",
    "blank_means",
    "compute_item",
    "compute_items",
    "method_spec",
]


@dataclass(frozen=True)
class InputSpec:
    name: str
    label: str = ""
    unit: str = ""
    default: str | None = None
    blank_of: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"name": self.name}
        for key in ("label", "unit", "default", "blank_of"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out

    @property
    def is_reading(self) -> bool:
        """Read per determination (imported or typed), not taken from the blank."""
        return self.blank_of is None


@dataclass(frozen=True)
class _Plan:
    """What `compute_item` needs of a spec, read once: defaults as decimals, which inputs
    are read per determination, which take the blank, the rounding step."""

    names: tuple[str, ...]
    # (input, the reading it is the blank of or None, its default or None), declared order
    slots: tuple[tuple[str, str | None, Decimal | None], ...]
    step: Decimal | None


@dataclass(frozen=True)
class MethodSpec:
    """A method version's calculation, checked once."""

    formula: Formula
    inputs: tuple[InputSpec, ...]
    replicates: int = 2
    places: int | None = None
    interval: str | None = None
    max_rel_diff: Decimal | None = None
    lod: str | None = None
    uncertainty: UncertaintySpec | None = None
    spike_low: Decimal | None = None
    spike_high: Decimal | None = None
    unit: str = ""
    plan: _Plan = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plan = _Plan(
            tuple(i.name for i in self.inputs),
            tuple(
                (i.name, i.blank_of, None if i.default is None else parse_value(i.default, i.name))
                for i in self.inputs
            ),
            step_of(self.places, self.interval),
        )
        object.__setattr__(self, "plan", plan)  # derived once; the spec stays immutable

    @property
    def reading_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs if i.is_reading)

    @property
    def required_readings(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs if i.is_reading and i.default is None)

    def input(self, name: str) -> InputSpec:
        return next(i for i in self.inputs if i.name == name)

    def rounding_text(self) -> str:
        if self.interval:
            return f"interval {self.interval}"
        return f"{self.places} decimal places" if self.places is not None else "not rounded"


def _inputs(raw: Sequence[Mapping[str, Any]] | str) -> tuple[InputSpec, ...]:
    items = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise ValidationError("inputs", "list", "inputs: a list of the formula's inputs")
    out: list[InputSpec] = []
    for index, item in enumerate(items):
        field = f"inputs[{index}]"
        if not isinstance(item, Mapping) or not str(item.get("name", "")).strip():
            raise ValidationError(field, "name", f"{field}: every input needs a name")
        name = str(item["name"]).strip()
        default = item.get("default")
        if default not in (None, ""):
            parse_value(str(default), name)
        blank_of = item.get("blank_of") or None
        out.append(
            InputSpec(
                name=name,
                label=str(item.get("label") or ""),
                unit=str(item.get("unit") or ""),
                default=None if default in (None, "") else str(default).strip(),
                blank_of=None if blank_of is None else str(blank_of).strip(),
            )
        )
    return tuple(out)


def method_spec(
    formula: str,
    inputs: Sequence[Mapping[str, Any]] | str,
    *,
    replicates: int = 2,
    places: int | None = None,
    interval: str | None = None,
    max_rel_diff: str | None = None,
    lod: str | None = None,
    uncertainty: str | None = None,
    spike_low: str | None = None,
    spike_high: str | None = None,
    unit: str = "",
) -> MethodSpec:
    """Checks a method version's calculation: every name of the formula is a declared
    input and every input is used; blank inputs name a reading; sizes are sane."""
    specs = _inputs(inputs)
    names = [i.name for i in specs]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValidationError("inputs", "unique", f"inputs: {duplicated[0]} is declared twice")
    parsed = parse_formula(formula, declared=names)
    unused = [n for n in names if n not in parsed.inputs]
    if unused:
        raise FormulaError(
            "unused_input",
            f"input {unused[0]!r} is declared but the formula does not use it",
            f"输入“{unused[0]}”已声明但公式未使用",
            name=unused[0],
        )
    for spec in specs:
        if spec.blank_of is not None:
            target = next((i for i in specs if i.name == spec.blank_of), None)
            if target is None or target.blank_of is not None or target is spec:
                raise ValidationError(
                    "inputs",
                    "blank_of",
                    f"inputs: {spec.name} takes the blank of {spec.blank_of!r}, which is not a "
                    "reading of this formula（空白对应的输入须为本公式的读数）",
                )
    if isinstance(replicates, bool) or not isinstance(replicates, int) or not 1 <= replicates <= 20:
        raise ValidationError(
            "replicates", "range", "replicates: 1 to 20 parallel determinations（平行测定次数）"
        )
    if places is not None and interval:
        raise ValidationError("places", "one_of", "places: give decimal places or an interval")
    if places is not None and not 0 <= places <= 20:
        raise ValidationError("places", "range", "places: 0 to 20 decimal places")
    if interval:
        parse_interval(interval)
    rel = None if not max_rel_diff else parse_value(max_rel_diff, "max_rel_diff")
    if rel is not None and rel <= 0:
        raise ValidationError("max_rel_diff", "positive", "max_rel_diff: must be above 0 %")
    if lod:
        parse_value(lod, "lod")
    low = None if not spike_low else parse_value(spike_low, "spike_low")
    high = None if not spike_high else parse_value(spike_high, "spike_high")
    if (low is None) != (high is None) or (low is not None and high is not None and low > high):
        raise ValidationError(
            "spike_low", "range", "spike_low: give both ends of the recovery range, low ≤ high"
        )
    return MethodSpec(
        formula=parsed,
        inputs=specs,
        replicates=replicates,
        places=places,
        interval=interval or None,
        max_rel_diff=rel,
        lod=lod or None,
        uncertainty=parse_uncertainty(uncertainty),
        spike_low=low,
        spike_high=high,
        unit=unit,
    )


class ReplicateValues(NamedTuple):
    """One determination: the inputs as used, the intermediates, the unrounded value."""

    inputs: tuple[tuple[str, Decimal], ...]
    intermediates: tuple[tuple[str, Decimal], ...]
    value: Decimal


class ItemCalculation(NamedTuple):
    inputs: Sequence[dict[str, Decimal]]  # per determination, the inputs as used
    intermediates: tuple[tuple[tuple[str, Decimal], ...], ...]
    check: ReplicateCheck
    reported: Decimal  # the mean, rounded once
    uncertainty: UncertaintySpec | None = None

    @property
    def replicates(self) -> tuple[ReplicateValues, ...]:
        """Each determination: inputs (declared order), intermediates, unrounded value."""
        return tuple(
            ReplicateValues(tuple(env.items()), steps, value)
            for env, steps, value in zip(
                self.inputs, self.intermediates, self.check.values, strict=True
            )
        )

    @property
    def text(self) -> str:
        return format(self.reported, "f")

    @property
    def u(self) -> Decimal | None:
        """The expanded uncertainty of the reported value (k = 2), if the method states it."""
        return expanded_u(self.uncertainty, self.reported)


def blank_means(spec: MethodSpec, blanks: Sequence[Mapping[str, str]]) -> dict[str, Decimal]:
    """The mean of the blank determinations' readings, per reading a blank input needs."""
    wanted = {i.blank_of for i in spec.inputs if i.blank_of}
    out: dict[str, Decimal] = {}
    for name in sorted(n for n in wanted if n):
        values = [parse_value(b[name], name) for b in blanks if b.get(name, "").strip()]
        if values:
            out[name] = check_replicates(values).mean
    return out


def compute_item(
    spec: MethodSpec,
    readings: Sequence[Mapping[str, str]],
    blank: Mapping[str, Decimal] | None = None,
    *,
    as_blank: bool = False,
    where: str = "readings",
) -> ItemCalculation:
    """The n determinations of one item → values, replicate check, reported mean.

    `readings` has one mapping per determination (input name → text). `blank` gives the
    run's blank mean of each reading a blank input takes; `as_blank` computes a blank
    sample itself (its blank inputs at zero). Raises ValidationError naming the
    determination and the input.
    """
    return compute_items(spec, [readings], blank, as_blank=as_blank, where=[where])[0]


def compute_items(
    spec: MethodSpec,
    items: Sequence[Sequence[Mapping[str, str]]],
    blank: Mapping[str, Decimal] | None = None,
    *,
    as_blank: bool = False,
    where: Sequence[str] | None = None,
) -> list[ItemCalculation]:
    """`compute_item` for many items of one method version (a run's file) in one pass.

    One loop, so the per-item cost is the arithmetic rather than Python calls: the
    formula's compiled expression is called directly, inputs are read once, the
    replicate check and the one rounding are made in place. `where[i]` names item i in
    messages (default ``items[i]``).
    """
    n = spec.replicates
    limit = spec.max_rel_diff if n > 1 else None
    columns = _by_columns(spec, items, blank, as_blank)
    if columns is not None:
        return _results(spec, columns, limit, where)
    single = spec.formula.expression(PRECISION)
    step = spec.plan.step
    out: list[ItemCalculation] = []
    for index, readings in enumerate(items):
        if len(readings) != n:
            name_of = _where(where, index)
            got = len(readings)
            raise ValidationError(
                name_of,
                "replicates",
                f"{name_of}: the method asks for {n} parallel determination(s), {got} given"
                f"（方法要求平行测定 {n} 次，实有 {got} 次）",
            )
        envs, values, inter = _one_by_one(spec, single, readings, blank, as_blank, where, index)
        average, difference, within, _total = assess(values, limit)
        reported = average
        if step is not None:
            guarded = round_guarded(average, step)
            reported = (
                _near_a_tie(spec, envs, average, step, where, index) if guarded is None else guarded
            )
        check = _check((tuple(values), average, reported, difference, limit, within))
        out.append(_item((tuple(envs), tuple(inter), check, reported, spec.uncertainty)))
    return out


def _results(
    spec: MethodSpec,
    columns: tuple[list[list[Decimal]], Sequence[Decimal]],
    limit: Decimal | None,
    where: Sequence[str] | None,
) -> list[ItemCalculation]:
    """The items of a batch evaluated by columns: replicate checks and roundings a column
    at a time too (the values `assess` and `round_guarded` give, item by item)."""
    inputs, values = columns
    n = spec.replicates
    names = spec.plan.names
    envs = list(
        map(_LazyInputs, repeat(names), repeat(inputs), range(0, len(values), n), repeat(n))
    )
    by_number = [values[k::n] for k in range(n)]  # determination k of every item
    means, differences, withins = assess_columns(by_number, limit)
    step = spec.plan.step
    reported: list[Decimal | None] = list(means) if step is None else round_guarded_all(means, step)
    for index, rounded in enumerate(reported):
        if rounded is None:  # near a rounding tie: evaluate again, more precisely
            assert step is not None
            item_envs = list(envs[index])
            reported[index] = _near_a_tie(spec, item_envs, means[index], step, where, index)
    # Grouped n by n into tuples, and the result tuples made, each by one C-level map.
    value_groups = zip(*[iter(values)] * n, strict=True)
    checks = map(_check, zip(value_groups, means, reported, differences, repeat(limit), withins))
    rows = zip(envs, repeat(_NO_STEPS[n]), checks, reported, repeat(spec.uncertainty))
    return list(map(_item, rows))


class _LazyInputs(Sequence[dict[str, Decimal]]):
    """One item's determinations' inputs as used, each made a dict when read.

    A batch keeps its inputs as columns: the 10,000 dicts of a run's file, which most
    callers never read, cost as much as the whole calculation (docs/performance.md)."""

    __slots__ = ("_columns", "_low", "_n", "_names")

    def __init__(
        self, names: tuple[str, ...], columns: list[list[Decimal]], low: int, n: int
    ) -> None:
        self._names, self._columns, self._low, self._n = names, columns, low, n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> dict[str, Decimal]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[dict[str, Decimal]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Decimal] | Sequence[dict[str, Decimal]]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if not -self._n <= index < self._n:
            raise IndexError(index)
        at = self._low + index % self._n
        return dict(zip(self._names, [column[at] for column in self._columns], strict=True))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]  # as a tuple of dicts: not hashable

    def __repr__(self) -> str:
        return repr(tuple(self))


def _near_a_tie(
    spec: MethodSpec,
    envs: list[dict[str, Decimal]],
    average: Decimal,
    step: Decimal,
    where: Sequence[str] | None,
    index: int,
) -> Decimal:
    """The rounding of a mean too close to a tie to trust at the working precision: the
    determinations evaluated again at the higher one decide (`round_once`)."""

    def again() -> Outcome:
        precise = [o.value for o in _evaluate(spec, envs, RETRY_PRECISION, _where(where, index))]
        return Outcome(assess(precise, None)[0], (), False)

    return round_once(average, step, False, again)


# The result tuples made without their Python-level __new__ (a call per item saved).
_check = partial(tuple.__new__, ReplicateCheck)
_item = partial(tuple.__new__, ItemCalculation)


# The (empty) intermediates of n determinations of a one-step formula, made once.
_NO_STEPS: dict[int, tuple[tuple[tuple[str, Decimal], ...], ...]] = {
    n: ((),) * n for n in range(21)
}

_Inter = Sequence[tuple[tuple[str, Decimal], ...]]


def _one_by_one(
    spec: MethodSpec,
    single: Callable[[dict[str, Decimal]], Decimal] | None,
    readings: Sequence[Mapping[str, str]],
    blank: Mapping[str, Decimal] | None,
    as_blank: bool,
    where: Sequence[str] | None,
    index: int,
) -> tuple[list[dict[str, Decimal]], list[Decimal], _Inter]:
    """One item's determinations read and evaluated one at a time; refusals name them."""
    envs = [_inputs_of(spec.plan, given, blank, as_blank, where, index, k)
            for k, given in enumerate(readings, start=1)]  # fmt: skip
    if single is not None:
        try:
            return envs, [single(env) for env in envs], _NO_STEPS[len(envs)]
        except (DecimalException, OverflowError, ValueError, ZeroDivisionError):
            _evaluate(spec, envs, PRECISION, _where(where, index))  # raises, naming it
            raise
    outcomes = _evaluate(spec, envs, PRECISION, _where(where, index))
    return envs, [o.value for o in outcomes], [o.intermediates for o in outcomes]


def _by_columns(
    spec: MethodSpec,
    items: Sequence[Sequence[Mapping[str, str]]],
    blank: Mapping[str, Decimal] | None,
    as_blank: bool,
) -> tuple[list[list[Decimal]], Sequence[Decimal]] | None:
    """Every determination's inputs (a column per input, in declared order) and value, the
    batch at once (core.formula_columns):
    each input read over all determinations as `_inputs_of` reads it, the formula applied
    column by column. None when that cannot be done or something is refused or fails:
    the items are then computed one by one, which names what and where."""
    fn = spec.formula.columns(PRECISION)
    n = spec.replicates
    if fn is None or not items or any(len(r) != n for r in items):
        return None
    readings = [given for item in items for given in item]
    size = len(readings)
    columns: dict[str, list[Decimal]] = {}
    try:
        for name, of, default in spec.plan.slots:
            if of is not None and as_blank:
                columns[name] = [_ZERO] * size
                continue
            fill = default if of is None or not blank or of not in blank else blank[of]
            texts = [given.get(name) for given in readings]
            if all(texts):
                columns[name] = parse_values(texts, name)  # type: ignore[arg-type]
            elif fill is None:
                return None  # missing: named one by one
            elif not any(texts):  # a constant of the method (V, f) or the run's blank
                columns[name] = [fill] * size
            else:
                columns[name] = [parse_value(t, name) if t else fill for t in texts]
        values = fn(columns, size)
    except (FormulaError, DecimalException, OverflowError, ValueError, ZeroDivisionError):
        return None
    return [columns[k] for k in spec.plan.names], values


def _where(where: Sequence[str] | None, index: int) -> str:
    return where[index] if where is not None else f"items[{index}]"


def _inputs_of(
    plan: _Plan,
    given: Mapping[str, str],
    blank: Mapping[str, Decimal] | None,
    as_blank: bool,
    names: Sequence[str] | None,
    index: int,
    number: int,
) -> dict[str, Decimal]:
    """One determination's inputs, in declared order: read, defaulted or the blank."""
    env: dict[str, Decimal] = {}
    for name, of, default in plan.slots:
        text = given.get(name)
        if of is None:  # a reading of this determination
            if text:
                try:
                    env[name] = parse_value(text, name)
                except FormulaError as exc:
                    raise _refused(exc, _where(names, index), number, name) from exc
            elif default is not None:
                env[name] = default
            else:
                field = f"{_where(names, index)}[{number}].{name}"
                raise ValidationError(
                    field, "required", f"{field}: no reading for {name}（缺少读数 {name}）"
                )
        elif as_blank:
            env[name] = _ZERO
        elif text:
            try:
                env[name] = parse_value(text, name)
            except FormulaError as exc:
                raise _refused(exc, _where(names, index), number, name) from exc
        elif blank and of in blank:
            env[name] = blank[of]
        elif default is not None:
            env[name] = default
        else:
            field = f"{_where(names, index)}[{number}].{name}"
            raise ValidationError(
                field,
                "blank_required",
                f"{field}: the formula subtracts the blank's {of}, but the run has no "
                f"blank reading（公式需要空白的 {of}，本批无空白读数）",
            )
    return env


_ZERO = Decimal(0)


def _refused(exc: FormulaError, where: str, number: int, name: str) -> ValidationError:
    """A refused reading, named by its determination (built only when refused)."""
    field = f"{where}[{number}].{name}"
    return ValidationError(field, exc.rule, f"{where}[{number}]: {exc}")


def _evaluate(
    spec: MethodSpec, envs: list[dict[str, Decimal]], prec: int, where: str
) -> list[Outcome]:
    run = spec.formula.run
    try:
        return [run(env, prec, track=False) for env in envs]
    except FormulaError as exc:  # say which determination, found again on the slow path
        for number, env in enumerate(envs, start=1):
            try:
                run(env, prec, track=False)
            except FormulaError:
                raise ValidationError(where, exc.rule, f"{where}[{number}]: {exc}") from exc
        raise
