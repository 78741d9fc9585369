"""Why a formula failed: the tree walked again with explicit checks, naming the node.

The compiled fast path (`core.formula`) only learns *that* a decimal operation trapped;
this walk, run on the same inputs with the traps off, finds the first node that divides
by zero, takes a root of a negative number, raises to a bad power or leaves the range,
and raises a `FormulaError` with that node's position.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Context, Decimal

from labdesk.core.formula_syntax import (
    MAX_POWER,
    Call,
    FormulaError,
    Name,
    Node,
    Number,
    Step,
    Unary,
)

__all__ = ["explain_failure"]


def explain_failure(ctx: Context, steps: Iterable[Step], env: Mapping[str, Decimal]) -> None:
    """Raises the FormulaError that says where and why evaluating `steps` fails."""
    _Checked(ctx).explain(steps, env)


class _Checked:
    """Evaluates node by node with explicit checks, to say where and why a formula failed."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx.copy()
        self.ctx.traps = dict.fromkeys(self.ctx.traps, False)
        self.scope: dict[str, Decimal] = {}

    def explain(self, steps: Iterable[Step], env: Mapping[str, Decimal]) -> None:
        self.scope = dict(env)
        for step in steps:
            value = self.eval(step.expr)
            if step.name:
                self.scope[step.name] = value
        raise FormulaError(  # the fast path failed but no check did: say so plainly
            "evaluation", "the formula could not be evaluated", "公式无法计算", position=0
        )

    def fail(self, rule: str, en: str, zh: str, node: Node) -> FormulaError:
        return FormulaError(rule, en, zh, position=node.pos)

    def finite(self, value: Decimal, node: Node) -> Decimal:
        if not value.is_finite() or (value and abs(value.adjusted()) > 999):
            raise self.fail("range", "the value is out of range", "数值超出范围", node)
        return value

    def eval(self, node: Node) -> Decimal:
        ctx = self.ctx
        if isinstance(node, Number):
            return node.value
        if isinstance(node, Name):
            return self.scope[node.name]
        if isinstance(node, Unary):
            inner = self.eval(node.operand)
            return self.finite(ctx.minus(inner) if node.op == "-" else ctx.plus(inner), node)
        if isinstance(node, Call):
            args = [self.eval(a) for a in node.args]
            return self.finite(self.call(node, args), node)
        left, right = self.eval(node.left), self.eval(node.right)
        if node.op == "/":
            if right == 0:
                raise self.fail("division_by_zero", "division by zero", "除数为零", node)
            return self.finite(ctx.divide(left, right), node)
        if node.op == "^":
            if right != right.to_integral_value():
                raise self.fail(
                    "whole_exponent",
                    f"exponent {right} is not a whole number (use sqrt for roots)",
                    f"指数 {right} 不是整数（开方请用 sqrt）",
                    node,
                )
            if abs(right) > MAX_POWER:
                raise self.fail(
                    "exponent",
                    f"exponent {right} is beyond ±{MAX_POWER}",
                    f"指数 {right} 超过 ±{MAX_POWER}",
                    node,
                )
            if left == 0 and right <= 0:
                raise self.fail(
                    "division_by_zero",
                    "0 to a zero or negative power is undefined",
                    "0 的零次或负次幂无定义",
                    node,
                )
            return self.finite(ctx.power(left, right), node)
        op = {"+": ctx.add, "-": ctx.subtract, "*": ctx.multiply}[node.op]
        return self.finite(op(left, right), node)

    def call(self, node: Call, args: list[Decimal]) -> Decimal:
        ctx, name = self.ctx, node.function
        if name == "min":
            return min(args)
        if name == "max":
            return max(args)
        (x,) = args
        if name == "abs":
            return ctx.abs(x)
        if name == "sqrt":
            if x < 0:
                raise self.fail("domain", "sqrt of a negative number", "负数不能开平方", node)
            return ctx.sqrt(x)
        if name in ("ln", "log10"):
            if x <= 0:
                raise self.fail(
                    "domain",
                    f"{name} of a number that is not positive",
                    f"{name} 的参数须为正数",
                    node,
                )
            return ctx.ln(x) if name == "ln" else ctx.log10(x)
        if x > 2300:  # e^2300 > 1E+999
            raise self.fail("range", "exp() of too large a number", "exp() 参数过大", node)
        return ctx.exp(x)
