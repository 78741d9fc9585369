"""A formula evaluated over columns: each operation applied to every determination at once.

`Formula.expression` evaluates one determination at a time, a Python call per node and
per determination. A run's instrument file computes thousands of determinations of one
formula, and then most of the time was those calls, not the decimal arithmetic. Here each
node of the checked tree is one `map` of the context's own operation over the whole
column (the loop runs in C). The same context does the same operations in the same order
on the same operands, so every value is the one `Formula.expression` gives, digit for
digit (tests/core/test_formula_columns.py checks it on generated formulas and inputs).

A failure anywhere (a division by zero, a refused power, ln of a value ≤ 0) fails the
whole column: the caller then evaluates one determination at a time, which says which one
and why. Nothing of the formula's text is executed here either: the tree was parsed and
checked by `core.formula_syntax`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Context, Decimal
from functools import partial

from labdesk.core.formula_syntax import MAX_POWER, Binary, Call, Name, Node, Number, Unary

# The inputs by name, each a column (one value per determination, all the same length).
Columns = Mapping[str, Sequence[Decimal]]
# Evaluates a node over columns of `size` determinations.
ColumnFn = Callable[[Columns, int], Sequence[Decimal]]


def power(ctx: Context, base: Decimal, exponent: Decimal) -> Decimal:
    """`base ** exponent` for a whole exponent within ±MAX_POWER, else ValueError."""
    if exponent != exponent.to_integral_value() or abs(exponent) > MAX_POWER:
        raise ValueError("power")
    value = ctx.power(base, exponent)
    if not value.is_finite():  # 0 ** -1 is Infinity without a trapped signal
        raise ValueError("power")
    return value


def compile_columns(node: Node, ctx: Context) -> ColumnFn:
    """A function computing `node` over columns with `ctx`'s arithmetic."""
    if isinstance(node, Number):
        constant = node.value
        return lambda cols, size: [constant] * size
    if isinstance(node, Name):
        key = node.name
        return lambda cols, size: cols[key]
    if isinstance(node, Unary):
        inner = compile_columns(node.operand, ctx)
        sign = ctx.minus if node.op == "-" else ctx.plus
        return lambda cols, size: list(map(sign, inner(cols, size)))
    if isinstance(node, Call):
        return _call(node.function, [compile_columns(a, ctx) for a in node.args], ctx)
    assert isinstance(node, Binary)
    op: Callable[[Decimal, Decimal], Decimal] = {
        "+": ctx.add,
        "-": ctx.subtract,
        "*": ctx.multiply,
        "/": ctx.divide,
    }.get(node.op) or partial(power, ctx)
    left, right = node.left, node.right
    # A constant operand is repeated, not made into a column (map stops with the other).
    if isinstance(right, Number):
        lf, c = compile_columns(left, ctx), right.value
        return lambda cols, size: list(map(op, lf(cols, size), [c] * size))
    if isinstance(left, Number):
        rf, c = compile_columns(right, ctx), left.value
        return lambda cols, size: list(map(op, [c] * size, rf(cols, size)))
    lf, rf = compile_columns(left, ctx), compile_columns(right, ctx)
    return lambda cols, size: list(map(op, lf(cols, size), rf(cols, size)))


def _call(function: str, args: list[ColumnFn], ctx: Context) -> ColumnFn:
    if function in ("min", "max"):
        pick = min if function == "min" else max
        if len(args) == 1:
            return args[0]  # min(x) is x
        # min(a, b, …) per determination: the first of equal values, as min() over them.
        return lambda cols, size: list(map(pick, *(a(cols, size) for a in args)))
    (arg,) = args
    if function in ("ln", "log10"):
        log = ctx.ln if function == "ln" else ctx.log10

        def logarithm(cols: Columns, size: int) -> Sequence[Decimal]:
            values = arg(cols, size)
            if any(x <= 0 for x in values):  # Decimal gives -Infinity for 0
                raise ValueError("domain")
            return list(map(log, values))

        return logarithm
    unary = {"abs": ctx.abs, "sqrt": ctx.sqrt, "exp": ctx.exp}[function]
    return lambda cols, size: list(map(unary, arg(cols, size)))
