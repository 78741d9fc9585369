"""The formula evaluator: Decimal results, refusals with positions, and hypothesis checks."""

from __future__ import annotations

import contextlib
import decimal
from decimal import ROUND_HALF_EVEN, Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.formula import Formula, parse_formula, parse_value
from labdesk.core.formula_syntax import (
    MAX_DEPTH,
    MAX_LENGTH,
    Binary,
    Call,
    FormulaError,
    Name,
    Node,
    Number,
    Unary,
    render,
)

LEAD = {"rho": "12.3", "rho0": "0.3", "V": "25", "f": "1", "m": "0.5012"}


def test_the_issue_formula_rounded_once() -> None:
    formula = parse_formula("(rho - rho0) * V * f / m")
    assert formula.inputs == ("rho", "rho0", "V", "f", "m")
    # 12.0 × 25 / 0.5012 = 598.5634477…
    assert formula.compute(LEAD, places=3).value == Decimal("598.563")
    assert formula.compute(LEAD, places=0).value == Decimal("599")
    unrounded = formula.compute(LEAD)
    assert not unrounded.exact
    assert str(unrounded.value).startswith("598.56344772545889864325618515")


def test_exact_arithmetic_is_exact() -> None:
    outcome = parse_formula("(a - b) * c").compute({"a": "0.3", "b": "0.1", "c": "3"})
    assert outcome.exact
    assert outcome.value == Decimal("0.6")
    assert str(outcome.value) == "0.6"  # never 0.6000000000000001


def test_rounding_follows_gbt8170_half_even() -> None:
    formula = parse_formula("x * 1")
    assert formula.compute({"x": "0.1235"}, places=3).value == Decimal("0.124")
    assert formula.compute({"x": "0.1245"}, places=3).value == Decimal("0.124")
    assert formula.compute({"x": "0.12451"}, places=3).value == Decimal("0.125")
    assert formula.compute({"x": "60.25"}, interval="0.5").value == Decimal("60.0")


def test_a_tie_reached_through_an_inexact_division_is_still_a_tie() -> None:
    # 1/3 × 3 is 0.999…9 at any finite precision; mathematically the value is the tie.
    formula = parse_formula("1 / 3 * 3 * x")
    assert formula.compute({"x": "0.0015"}, places=3).value == Decimal("0.002")
    assert formula.compute({"x": "0.0025"}, places=3).value == Decimal("0.002")
    assert formula.compute({"x": "0.0035"}, places=3).value == Decimal("0.004")
    # Not a tie: the ordinary path.
    assert formula.compute({"x": "0.00151"}, places=3).value == Decimal("0.002")
    assert formula.compute({"x": "0.00149"}, places=3).value == Decimal("0.001")


def test_steps_name_intermediates() -> None:
    formula = parse_formula("c = (rho - rho0) * f\nX = c * V / m")
    assert formula.inputs == ("rho", "rho0", "f", "V", "m")
    assert formula.intermediate_names == ("c",)
    outcome = formula.compute(LEAD, places=2)
    assert outcome.value == Decimal("598.56")
    assert outcome.intermediates == (("c", Decimal("12.0")),)


def test_functions() -> None:
    values = {"a": "-4", "b": "9"}
    assert parse_formula("abs(a) + sqrt(b)").evaluate(values) == Decimal(7)
    assert parse_formula("max(a, b, 2) - min(a, b)").evaluate(values) == Decimal(13)
    assert parse_formula("log10(b + 91)").evaluate(values) == Decimal(2)
    assert parse_formula("ln(exp(2))").compute({}, places=6).value == Decimal("2.000000")
    assert parse_formula("2 ^ 10 + 2 ** -1").evaluate({}) == Decimal("1024.5")
    assert parse_formula("-2 ^ 2").evaluate({}) == Decimal(-4)  # -(2^2), as in mathematics


def test_chinese_typing_is_read() -> None:
    formula = parse_formula("（rho－rho0）×V×f÷m")
    assert formula.canonical() == "(rho - rho0) * V * f / m"
    assert formula.compute(LEAD, places=3).value == Decimal("598.563")
    assert parse_formula("ρ × 2").evaluate({"ρ": "1.5"}) == Decimal("3.0")


def _refused(text: str, declared: tuple[str, ...] | None = None, **values: str) -> FormulaError:
    with pytest.raises(FormulaError) as info:
        parse_formula(text, declared).compute(values)
    error = info.value
    assert isinstance(error, ValidationError)
    return error


@pytest.mark.parametrize(
    ("text", "rule", "position", "name"),
    [
        ("__import__('os').system('rm')", "name", 0, "__import__"),
        ("x + __class__", "name", 4, "__class__"),
        ("x.real", "no_attributes", 1, None),
        ("(x).imag", "no_attributes", 3, None),
        ("open('f')", "no_strings", 5, None),
        ("eval(x)", "unknown_function", 0, "eval"),
        ("x if x else 1", "syntax", 2, None),
        ("x == 1", "arithmetic_only", 2, None),
        ("x % 2", "arithmetic_only", 2, None),
        ("[x]", "arithmetic_only", 0, None),
        ("lambda: 1", "arithmetic_only", 6, None),
        ("2x", "number", 0, None),
        ("1..2", "number", 0, None),
        ("x +", "syntax", 3, None),
        ("(x", "syntax", 2, None),
        ("x)", "syntax", 1, None),
        ("", "empty", 0, None),
        ("  ;  ", "empty", 0, None),
        ("sqrt(1, 2)", "arguments", 0, "sqrt"),
        ("min", "syntax", 0, "min"),
        ("x = 1; x = 2", "reassigned", 7, "x"),
        ("abs = 2", "name", 0, "abs"),
        ("x ^ 0.5", "whole_exponent", 2, None),
        ("x ^ 21", "exponent", 2, None),
        ("9 ** 9 ** 9", "exponent", 2, None),
        ("1 / (x - x)", "division_by_zero", 2, None),
        ("0 ^ -1", "division_by_zero", 2, None),
        ("sqrt(0 - x)", "domain", 0, None),
        ("exp(ln(x - x))", "domain", 4, None),
        ("1" * 31, "digits", 0, None),
        ("1e31", "exponent", 0, None),
        ("exp(2400)", "range", 0, None),
    ],
)
def test_refusals_name_the_rule_and_the_position(
    text: str, rule: str, position: int, name: str | None
) -> None:
    error = _refused(text, x="2")
    assert (error.rule, error.position) == (rule, position), str(error)
    if name is not None:
        assert error.name == name
        assert name in str(error)
    assert f"position {position}" in str(error)


def test_unknown_variables_are_refused_before_anything_runs() -> None:
    error = _refused("(rho - rho0) * V / m", ("rho", "V", "m"))
    assert (error.rule, error.name, error.position) == ("unknown_variable", "rho0", 7)
    assert "rho0" in error.message_en and "rho0" in error.message_zh
    missing = _refused("(rho - rho0) * V", rho="1", V="2")
    assert (missing.rule, missing.name) == ("unknown_variable", "rho0")


def test_size_bounds() -> None:
    with pytest.raises(FormulaError) as long:
        parse_formula("1+" * MAX_LENGTH + "1")
    assert long.value.rule == "length"
    with pytest.raises(FormulaError) as deep:
        parse_formula("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    assert deep.value.rule == "depth"
    with pytest.raises(FormulaError) as unary:
        parse_formula("-" * (MAX_DEPTH + 1) + "1")
    assert unary.value.rule == "depth"
    parse_formula("(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1))


@pytest.mark.parametrize(
    ("text", "rule"),
    [("abc", "decimal"), ("1.2.3", "decimal"), ("NaN", "decimal"), ("Infinity", "decimal"),
     ("1e99999", "decimal"), ("1" * 31, "digits"), ("1e40", "exponent"), ("", "decimal"),
     ("١٢", "decimal"), ("0x10", "decimal"), ("1_000", "decimal")],
)  # fmt: skip
def test_input_values_are_checked(text: str, rule: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_value(text, "rho")
    assert (info.value.field, info.value.rule) == ("rho", rule)


def test_input_values_accept_instrument_notation() -> None:
    assert parse_value("1.23E-03", "rho") == Decimal("0.00123")
    assert parse_value(" －0.5 ", "rho") == Decimal("-0.5")
    assert parse_value(Decimal("2.50"), "m") == Decimal("2.50")
    with pytest.raises(FormulaError):
        parse_value(0.5, "m")  # type: ignore[arg-type]  # a float never gets in


def test_places_must_be_sensible() -> None:
    formula = parse_formula("x")
    for bad in (-1, 21):
        with pytest.raises(ValidationError) as info:
            formula.compute({"x": "1"}, places=bad)
        assert info.value.field == "places"
    with pytest.raises(ValidationError) as interval:
        formula.compute({"x": "1"}, interval="0.3")
    assert interval.value.field == "interval"


# ----- hypothesis ---------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        formula = parse_formula(text)
    except FormulaError:
        return
    with contextlib.suppress(FormulaError):
        formula.compute(dict.fromkeys(formula.inputs, "1.5"), places=3)


_ALPHABET = "0123456789.+-*/^()eE, xyz_abs(sqrt)min;=\n'\"[]%"


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=_ALPHABET, max_size=60),
    st.lists(st.decimals(places=4, min_value=-1000, max_value=1000), min_size=3, max_size=3),
)
def test_formula_shaped_text_never_crashes(text: str, values: list[Decimal]) -> None:
    try:
        formula = parse_formula(text)
        env = dict(zip(("x", "y", "z"), values, strict=True))
        formula.compute({k: v for k, v in env.items() if k in formula.inputs}, places=2)
    except FormulaError:
        pass


_NAMES = ("a", "b", "c")
_literals = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False).map(
    lambda d: d.normalize() if d else Decimal(0)
)


def _trees() -> st.SearchStrategy[Node]:
    leaves = st.one_of(_literals.map(Number), st.sampled_from(_NAMES).map(Name))

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        return st.one_of(
            st.builds(Unary, st.sampled_from("+-"), children),
            st.builds(Binary, st.sampled_from("+-*/"), children, children),
            st.builds(Binary, st.just("^"), children, st.integers(0, 3).map(Decimal).map(Number)),
            st.builds(
                Call,
                st.sampled_from(("abs", "min", "max")),
                st.lists(children, min_size=1, max_size=3).map(tuple),
            ).filter(lambda c: c.function in ("min", "max") or len(c.args) == 1),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def _independent(node: Node, env: dict[str, Decimal]) -> Decimal:
    """The tree computed with Python's Decimal operators (the test's own arithmetic)."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Unary):
        value = _independent(node.operand, env)
        return -value if node.op == "-" else +value
    if isinstance(node, Call):
        args = [_independent(a, env) for a in node.args]
        return {"abs": lambda: abs(args[0]), "min": lambda: min(args), "max": lambda: max(args)}[
            node.function
        ]()
    left, right = _independent(node.left, env), _independent(node.right, env)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if node.op == "/":
        return left / right
    return left**right


_CONTEXT = Context(
    prec=40,
    rounding=ROUND_HALF_EVEN,
    Emax=999,
    Emin=-999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


@settings(max_examples=500, deadline=None)
@given(
    _trees(),
    st.lists(
        st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False),
        min_size=3,
        max_size=3,
    ),
)
def test_agrees_with_an_independent_decimal_computation(node: Node, values: list[Decimal]) -> None:
    env = dict(zip(_NAMES, values, strict=True))
    text = render(node)
    formula = parse_formula(text, _NAMES)
    assert formula.steps[0].expr == node  # the text reads back to the same tree
    with decimal.localcontext(_CONTEXT):
        try:
            expected: Decimal | None = _independent(node, env)
        except (decimal.DivisionByZero, decimal.InvalidOperation, decimal.Overflow):
            expected = None
    if expected is None:
        with pytest.raises(FormulaError):
            formula.compute(env)
        return
    assert formula.compute(env).value == expected
    assert Formula(text, formula.steps, formula.inputs).evaluate(env) == expected


@settings(max_examples=200, deadline=None)
@given(_trees())
def test_canonical_text_is_a_fixed_point(node: Node) -> None:
    once = parse_formula(render(node)).canonical()
    assert parse_formula(once).canonical() == once
