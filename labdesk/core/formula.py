"""Formulas of analytical methods, evaluated in Decimal by a small parser — never by `eval`.

A method's formula turns readings into a result, e.g. ``(rho - rho0) * V * f / m``
(instrument concentration, blank, volume, dilution, mass). SENAITE formats the values
into a string and calls Python's `eval` with floats; here the text is tokenized and
parsed into a tree of five node kinds (number, name, unary, binary, call), the tree is
checked (only the declared names, only the functions below, bounded sizes), and it is
evaluated with `decimal.Context` arithmetic. Nothing of the text is ever executed.

The syntax (grammar, functions, what is refused) is `labdesk.core.formula_syntax`.

Bounds: text ≤ 2,000 characters, nesting ≤ 40, ≤ 30 significant digits in a number or an
input value and its exponent within ±30, powers only to whole exponents within ±20
(``x ** 0.5`` is refused: write ``sqrt(x)``), values within ±1E+999.

Rounding happens once, at the end (`Formula.compute(..., places=n)` or `interval=`),
by GB/T 8170 (`core.rounding`). Intermediate arithmetic runs at 40 significant digits; when
a division (or a function) made the value inexact and it lies so close to a rounding tie
that those digits cannot decide the side, the formula is evaluated again at 80 digits,
and a value that still agrees with the tie to that depth is taken to be the tie (it is
one mathematically, e.g. ``1 / 3 * 3 * 0.0015`` → 0.002 at three places).

Every refusal is a `FormulaError` (a `ValidationError`, field ``formula`` or the input's
name) that names the rule, the 0-based position in the formula and, where there is one,
the offending name: nothing is evaluated before the whole formula has been checked.
"""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from itertools import repeat
from typing import NamedTuple

from labdesk.core.errors import ValidationError
from labdesk.core.formula_columns import ColumnFn, compile_columns
from labdesk.core.formula_columns import power as _power
from labdesk.core.formula_diagnosis import explain_failure
from labdesk.core.formula_syntax import (
    FUNCTIONS,
    MAX_DIGITS,
    MAX_POWER,
    Binary,
    Call,
    FormulaError,
    Name,
    Node,
    Number,
    Step,
    Unary,
    check_size,
    first_use,
    parse_steps,
    render,
)
from labdesk.core.rounding import normalize_number_text, parse_interval, round_to_interval

__all__ = [
    "FUNCTIONS",
    "Binary",
    "Call",
    "Formula",
    "FormulaError",
    "Name",
    "Node",
    "Number",
    "Outcome",
    "Step",
    "Unary",
    "parse_formula",
    "parse_value",
    "render",
]

PRECISION = 40
RETRY_PRECISION = 80
# Digits of the working precision not trusted when deciding the side of a rounding tie.
_GUARD_DIGITS = 6


Env = Mapping[str, Decimal]
_Fn = Callable[[dict[str, Decimal]], Decimal]


class Outcome(NamedTuple):
    """A computed value: the unrounded result, the intermediates, and whether exact.

    (A named tuple: one is made per evaluation, and a frozen dataclass costs more.)"""

    value: Decimal
    intermediates: tuple[tuple[str, Decimal], ...]
    exact: bool


class Formula:
    """A checked formula: its steps, the inputs it reads, and a compiled evaluator."""

    def __init__(self, text: str, steps: tuple[Step, ...], inputs: tuple[str, ...]) -> None:
        self.text = text
        self.steps = steps
        #: the names the formula reads that no step defines (its inputs), in order of use
        self.inputs = inputs
        #: the named steps (intermediate values), in order
        self.intermediate_names = tuple(s.name for s in steps[:-1] if s.name)
        self._compiled: dict[int, tuple[Context, list[tuple[str, _Fn]]]] = {}
        self._columns: dict[int, ColumnFn] = {}

    def __repr__(self) -> str:
        return f"Formula({self.canonical()!r})"

    def canonical(self) -> str:
        """The formula re-written from its tree (normal spacing, only needed brackets)."""
        parts = []
        for step in self.steps:
            body = render(step.expr)
            parts.append(f"{step.name} = {body}" if step.name else body)
        return "; ".join(parts)

    # -- evaluation --

    def values_from(self, values: Mapping[str, Decimal | str | int]) -> dict[str, Decimal]:
        """Reads and checks every input the formula needs; refuses a missing one."""
        env: dict[str, Decimal] = {}
        for name in self.inputs:
            if name not in values:
                raise FormulaError(
                    "unknown_variable",
                    f"unknown variable {name!r}: no value was given for it",
                    f"未知变量“{name}”：没有给出它的值",
                    position=first_use(self.steps, name),
                    name=name,
                )
            env[name] = parse_value(values[name], name)
        return env

    def compute(
        self,
        values: Mapping[str, Decimal | str | int],
        *,
        places: int | None = None,
        interval: str | Decimal | None = None,
    ) -> Outcome:
        """Evaluates the formula; rounds the result once (GB/T 8170) if asked to.

        `places` rounds to that many decimals (0.001 for 3), `interval` to a GB/T 8170
        interval (0.5, 0.02 …). Intermediates are never rounded.
        """
        step = step_of(places, interval)
        env = self.values_from(values)
        outcome = self.run(env)
        if step is None:
            return outcome
        value = round_once(
            outcome.value, step, outcome.exact, lambda: self.run(env, RETRY_PRECISION)
        )
        return Outcome(value, outcome.intermediates, outcome.exact)

    def evaluate(self, values: Mapping[str, Decimal | str | int]) -> Decimal:
        """The unrounded result at the working precision."""
        return self.run(self.values_from(values)).value

    def run(self, env: dict[str, Decimal], prec: int = PRECISION, *, track: bool = True) -> Outcome:
        """Evaluates with inputs already read (`values_from` / `parse_value`), unrounded.

        Each precision's compiled program shares one decimal Context: evaluate a formula
        from one thread at a time (its flags say whether the result is exact). With
        `track` False the flags are not read and `exact` is False: rounding then checks
        for a tie whatever the value, which is always correct, only a little slower.
        """
        ctx, program = self._program(prec)
        if not track and len(program) == 1:
            try:
                return Outcome(program[0][1](env), (), False)
            except (decimal.DecimalException, OverflowError, ValueError, ZeroDivisionError):
                explain_failure(ctx, self.steps, env)
                raise  # pragma: no cover - _Checked always raises for a failing formula
        ctx.clear_flags()
        try:
            # Finite inputs give finite results: overflow, invalid operations and division
            # by zero trap, and ln/log10 refuse 0 themselves.
            if len(program) == 1:  # one expression: no scope to grow, no intermediates
                return Outcome(program[0][1](env), (), not ctx.flags[decimal.Inexact])
            scope = dict(env)
            inter: list[tuple[str, Decimal]] = []
            value = Decimal(0)
            for name, fn in program:
                value = fn(scope)
                if name:
                    scope[name] = value
                    inter.append((name, value))
        except (decimal.DecimalException, OverflowError, ValueError, ZeroDivisionError):
            # The fast path only says *that* it failed; the checked walk says where and why.
            explain_failure(ctx, self.steps, env)
            raise  # pragma: no cover - _Checked always raises for a failing formula
        exact = not ctx.flags[decimal.Inexact]
        if inter and inter[-1][0] == self.steps[-1].name and self.steps[-1].name:
            inter.pop()  # the final step is the result, not an intermediate
        return Outcome(value, tuple(inter), exact)

    def expression(self, prec: int = PRECISION) -> _Fn | None:
        """The compiled one-step formula (env → value, unrounded), or None for a formula
        with named steps. For callers that evaluate many times: a failure raises a bare
        decimal/ValueError; `run` on the same inputs says where and why."""
        program = self._program(prec)[1]
        return program[0][1] if len(program) == 1 else None

    def columns(self, prec: int = PRECISION) -> ColumnFn | None:
        """The one-step formula over columns (core.formula_columns: every determination
        of a run at once, each value the one `expression` gives), or None for a formula
        with named steps. A failure raises a bare decimal/ValueError for the whole column."""
        if len(self.steps) != 1:
            return None
        fn = self._columns.get(prec)
        if fn is None:
            fn = self._columns[prec] = compile_columns(self.steps[0].expr, self._program(prec)[0])
        return fn

    def _program(self, prec: int) -> tuple[Context, list[tuple[str, _Fn]]]:
        compiled = self._compiled.get(prec)
        if compiled is None:
            ctx = _context(prec)
            compiled = (ctx, [(s.name, _compile(s.expr, ctx)) for s in self.steps])
            self._compiled[prec] = compiled
        return compiled


_MAX_PLAIN = MAX_DIGITS  # this many characters hold at most this many digits
_PLAIN_CHARS = frozenset("0123456789.+-")  # ASCII digits only; Decimal reads the rest
_BIG = Context(prec=100_000, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)


def step_of(places: int | None = None, interval: str | Decimal | None = None) -> Decimal | None:
    """The rounding step of `places` decimals or of a GB/T 8170 interval (None: none)."""
    if places is not None and interval is not None:
        raise ValidationError("places", "one_of", "give places or interval, not both")
    if places is not None:
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 20:
            raise ValidationError(
                "places", "range", "places: a whole number from 0 to 20 (小数位数 0～20)"
            )
        return Decimal(1).scaleb(-places)
    if interval is not None:
        return parse_interval(interval)
    return None


_DECIMAL_STEPS: dict[Decimal, bool] = {}


def _is_decimal_step(step: Decimal) -> bool:
    """Is `step` a power of ten at or below 1 (0.001, 1), rounded by `quantize`?"""
    decimal_step = _DECIMAL_STEPS.get(step)
    if decimal_step is None:
        shape = step.as_tuple()
        decimal_step = _DECIMAL_STEPS[step] = shape.digits == (1,) and int(shape.exponent) <= 0
    return decimal_step


def _round(value: Decimal, step: Decimal) -> Decimal:
    """GB/T 8170 rounding to `step`. For a power of ten that is ROUND_HALF_EVEN at its
    place (the absolute value rounded, the sign kept, never -0); other intervals go
    through `core.rounding`."""
    if _is_decimal_step(step):
        result = value.quantize(step, rounding=ROUND_HALF_EVEN, context=_BIG)
        return result if result else result.copy_abs()
    return round_to_interval(value, step)


def round_guarded(value: Decimal, step: Decimal) -> Decimal | None:
    """`value` rounded to `step`, or None when it is too close to a tie to trust (then
    `round_once` with a way to evaluate it again decides)."""
    rounded = _round(value, step)
    return None if _near_tie(value, rounded, step, PRECISION) else rounded


def round_guarded_all(values: Sequence[Decimal], step: Decimal) -> list[Decimal | None]:
    """`round_guarded` of each of `values` (a run's means), the same results, computed a
    column at a time for a power-of-ten step (a GB/T 8170 interval: one by one)."""
    if not _is_decimal_step(step):
        return [round_guarded(v, step) for v in values]
    quantized = map(Decimal.quantize, values, repeat(step), repeat(ROUND_HALF_EVEN), repeat(_BIG))
    rounded = [r if r else r.copy_abs() for r in quantized]  # never -0
    gaps = map(Decimal.copy_abs, map(_BIG.subtract, values, rounded))
    offsets = map(Decimal.copy_abs, map(_BIG.subtract, gaps, repeat(_half(step))))
    known = _TOLERANCES.get
    places = map(operator.add, map(Decimal.adjusted, values), repeat(_GUARD_DIGITS - PRECISION))
    tolerances = [known(p) or _tolerance(p) for p in places]
    return [
        None if near and value else r
        for r, near, value in zip(
            rounded, map(operator.le, offsets, tolerances), values, strict=True
        )
    ]


def round_once(value: Decimal, step: Decimal, exact: bool, again: Callable[[], Outcome]) -> Decimal:
    """Rounds `value` once, guarding a rounding tie an inexact working value can blur:
    near a tie, `again()` evaluates at the higher precision; still near it, the value is
    the tie."""
    rounded = _round(value, step)
    if exact or not _near_tie(value, rounded, step, PRECISION):
        return rounded
    outcome = again()
    value = outcome.value
    if not outcome.exact and _near_tie(value, _round(value, step), step, RETRY_PRECISION):
        value = _snap_to_tie(value, step)
    return _round(value, step)


def _context(prec: int) -> Context:
    return Context(
        prec=prec,
        rounding=ROUND_HALF_EVEN,
        Emax=999,
        Emin=-999,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


_HALVES: dict[Decimal, Decimal] = {}
_TOLERANCES: dict[int, Decimal] = {}


def _near_tie(value: Decimal, rounded: Decimal, step: Decimal, prec: int) -> bool:
    """Is `value` within the untrusted last digits of a half-step (a rounding tie)?

    `rounded` is `value` rounded to `step`: the value is |value − rounded| from it, and a
    tie lies exactly half a step away. Exact arithmetic (`_BIG`), no division.
    """
    if not value:
        return False
    half = _half(step)
    tolerance = _tolerance(value.adjusted() - prec + _GUARD_DIGITS)
    gap = _BIG.subtract(value, rounded).copy_abs()
    return _BIG.subtract(gap, half).copy_abs() <= tolerance


def _half(step: Decimal) -> Decimal:
    half = _HALVES.get(step)
    if half is None:
        half = _HALVES[step] = _BIG.divide(step, 2)
    return half


def _tolerance(place: int) -> Decimal:
    """1 at `place` (10 ** place): how far from a tie a value is taken to be on it."""
    tolerance = _TOLERANCES.get(place)
    if tolerance is None:
        tolerance = _TOLERANCES[place] = Decimal(1).scaleb(place)
    return tolerance


def _snap_to_tie(value: Decimal, step: Decimal) -> Decimal:
    """The tie point (k + ½) × step nearest to `value`, with value's sign."""
    ctx = _context(RETRY_PRECISION + 10 + max(0, value.adjusted() - step.adjusted()))
    k = ctx.divide_int(value.copy_abs(), step)
    tie = ctx.multiply(ctx.add(k, Decimal("0.5")), step)
    return tie.copy_sign(value)


def _compile(node: Node, ctx: Context) -> _Fn:
    """A closure computing `node` from the scope dict, using `ctx`'s arithmetic."""
    if isinstance(node, Number):
        constant = node.value
        return lambda env: constant
    if isinstance(node, Name):
        key = node.name
        return lambda env: env[key]
    if isinstance(node, Unary):
        inner = _compile(node.operand, ctx)
        if node.op == "-":
            minus = ctx.minus
            return lambda env: minus(inner(env))
        plus = ctx.plus
        return lambda env: plus(inner(env))
    if isinstance(node, Call):
        args = [_compile(a, ctx) for a in node.args]
        return _compile_call(node.function, args, ctx)
    op = {
        "+": ctx.add,
        "-": ctx.subtract,
        "*": ctx.multiply,
        "/": ctx.divide,
    }.get(node.op)
    if op is None:  # '^'
        base = _compile(node.left, ctx)
        if isinstance(node.right, Number) and node.right.value == node.right.value.to_integral():
            if abs(node.right.value) > MAX_POWER:
                return lambda env: _power(ctx, base(env), Decimal(MAX_POWER + 1))
            exponent_value = node.right.value
            return lambda env: _power(ctx, base(env), exponent_value)
        exponent = _compile(node.right, ctx)
        return lambda env: _power(ctx, base(env), exponent(env))
    fn = op
    # Leaves read straight from the scope, and an operand that is itself an operation on
    # two names computed inline: each saves a Python call per evaluation, which is most
    # of the cost once the decimal arithmetic itself is in C.
    left, right = node.left, node.right
    if isinstance(left, Name) and isinstance(right, Name):
        a, b = left.name, right.name
        return lambda env: fn(env[a], env[b])
    if isinstance(left, Name) and isinstance(right, Number):
        a, c = left.name, right.value
        return lambda env: fn(env[a], c)
    if isinstance(left, Number) and isinstance(right, Name):
        c, b = left.value, right.name
        return lambda env: fn(c, env[b])
    paired = _pair(left, ctx)
    if paired is not None:
        g, x, y = paired
        if isinstance(right, Name):
            b = right.name
            return lambda env: fn(g(env[x], env[y]), env[b])
        if isinstance(right, Number):
            c = right.value
            return lambda env: fn(g(env[x], env[y]), c)
    paired = _pair(right, ctx)
    if paired is not None and isinstance(left, Name):
        g, x, y = paired
        a = left.name
        return lambda env: fn(env[a], g(env[x], env[y]))
    if isinstance(right, Name):
        b = right.name
        lf = _compile(left, ctx)
        return lambda env: fn(lf(env), env[b])
    if isinstance(left, Name):
        a = left.name
        rf = _compile(right, ctx)
        return lambda env: fn(env[a], rf(env))
    if isinstance(right, Number):
        c = right.value
        lf = _compile(left, ctx)
        return lambda env: fn(lf(env), c)
    lf, rf = _compile(left, ctx), _compile(right, ctx)
    return lambda env: fn(lf(env), rf(env))


def _pair(
    node: Node, ctx: Context
) -> tuple[Callable[[Decimal, Decimal], Decimal], str, str] | None:
    """(operation, name, name) when `node` is + - * / of two names, else None."""
    if (
        isinstance(node, Binary)
        and node.op in "+-*/"
        and isinstance(node.left, Name)
        and isinstance(node.right, Name)
    ):
        ops = {"+": ctx.add, "-": ctx.subtract, "*": ctx.multiply, "/": ctx.divide}
        return ops[node.op], node.left.name, node.right.name
    return None


def _compile_call(function: str, args: list[_Fn], ctx: Context) -> _Fn:
    if function == "min":
        return lambda env: min(a(env) for a in args)
    if function == "max":
        return lambda env: max(a(env) for a in args)
    (arg,) = args
    if function in ("ln", "log10"):
        log = ctx.ln if function == "ln" else ctx.log10

        def logarithm(env: dict[str, Decimal]) -> Decimal:
            x = arg(env)
            if x <= 0:  # Decimal gives -Infinity for 0, which exp() would turn into 0
                raise ValueError("domain")
            return log(x)

        return logarithm
    unary = {"abs": ctx.abs, "sqrt": ctx.sqrt, "exp": ctx.exp}[function]
    return lambda env: unary(arg(env))


# ----- entry points -----------------------------------------------------------------------


def parse_formula(text: str, declared: Iterable[str] | None = None) -> Formula:
    """Parses and checks `text`; `declared` (if given) are the only input names allowed.

    Raises `FormulaError` naming the position (and the name) of the first problem.
    """
    steps, inputs = parse_steps(text, declared)
    return Formula(text, tuple(steps), tuple(inputs))


def parse_values(texts: Sequence[str], name: str) -> list[Decimal]:
    """`parse_value` of each of `texts` (a column of one input's readings): the same
    values and refusals, and for a column of plain decimal text (an instrument's export)
    one character-set check of the whole column and `Decimal` of each, in C."""
    try:
        joined = "".join(texts)
    except TypeError:  # not all text: each read for itself
        joined = None
    if (
        joined is not None
        and _PLAIN_CHARS.issuperset(joined)
        and all(texts)
        and max(map(len, texts), default=0) <= _MAX_PLAIN
    ):
        try:
            return list(map(Decimal, texts))
        except InvalidOperation:
            pass  # "1.2.3" among them: the message below says which
    return [parse_value(t, name) for t in texts]


def parse_value(value: Decimal | str | int, name: str) -> Decimal:
    """An input value: a finite decimal (text may use an exponent, 1.2E-3), bounded in size.

    Text and ints: at most 30 significant digits, exponent within ±30. A Decimal (computed
    upstream) keeps its digits and is only bounded in range."""
    # The common case first: plain ASCII decimal text short enough that its digits and
    # exponent are within bounds by its length alone (an instrument's "1.210").
    if type(value) is str and 0 < len(value) <= _MAX_PLAIN and _PLAIN_CHARS.issuperset(value):
        try:
            return Decimal(value)  # "1.2.3", "+", "." fall through to the message below
        except InvalidOperation:
            pass
    if type(value) is Decimal and value.is_finite() and -999 <= value.adjusted() <= 999:
        return value
    if isinstance(value, bool) or not isinstance(value, (Decimal, str, int)):
        raise FormulaError(
            "decimal",
            f"give {name} as decimal text, not {type(value).__name__}",
            f"{name} 须为十进制数文本",
            field_name=name,
        )
    if isinstance(value, Decimal):
        number = value
        text = str(value)
    elif isinstance(value, int):
        number = Decimal(value)
        text = str(value)
    else:
        text = normalize_number_text(value).strip()
        body = text[1:] if text[:1] in "+-" else text
        mantissa, _, exponent = body.replace("E", "e").partition("e")
        ok = (
            bool(mantissa)
            and mantissa != "."
            and mantissa.count(".") <= 1
            and all((c.isdigit() and c.isascii()) or c == "." for c in mantissa)
            and (
                not _
                or (
                    bool(exponent.lstrip("+-"))
                    and exponent.lstrip("+-").isdigit()
                    and exponent.lstrip("+-").isascii()
                    and len(exponent.lstrip("+-")) <= 4
                )
            )
        )
        if not ok:
            raise FormulaError(
                "decimal",
                f"{value!r} is not a decimal number",
                f"“{value}”不是十进制数",
                field_name=name,
                name=name,
            )
        number = Decimal(text)
    if not number.is_finite():
        raise FormulaError(
            "decimal", f"{text!r} is not a finite number", f"“{text}”不是有限数", field_name=name
        )
    if isinstance(value, Decimal):
        # A computed value (a determination, a blank mean) carries the working precision;
        # only its range is bounded. Typed text is bounded in digits as well.
        if number and abs(number.adjusted()) > 999:
            raise FormulaError(
                "range", f"{text} is out of range", f"{text} 超出范围", field_name=name
            )
        return number
    check_size(number, text, name, None)
    return number
