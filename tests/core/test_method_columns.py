"""A batch computed by columns gives exactly what the items computed one by one give.

`compute_items` reads and evaluates a whole batch a column at a time
(`core.formula_columns`, `replicates.assess_columns`, `formula.round_guarded_all`) and
falls back to the items one by one for anything refused or failing. Here hypothesis draws
formulas, input roles, readings (plain, with exponents, spaces, missing, malformed),
blanks, replicate counts and roundings, and the two paths must agree on every digit and
exponent of every value, or refuse with the same message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labdesk.core import method_calc
from labdesk.core.errors import LabDeskError
from labdesk.core.formula import parse_values, round_guarded, round_guarded_all
from labdesk.core.formula_syntax import Binary, Call, Name, Node, Number, Unary, render
from labdesk.core.method_calc import compute_items, method_spec
from labdesk.core.replicates import assess, assess_columns

_NAMES = ("a", "b", "c")
_literals = st.decimals(min_value=0, max_value=10**4, places=3, allow_nan=False).map(
    lambda d: d.normalize() if d else Decimal(0)
)


def _trees() -> st.SearchStrategy[Node]:
    leaves = st.one_of(_literals.map(Number), st.sampled_from(_NAMES).map(Name))

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        return st.one_of(
            st.builds(Unary, st.sampled_from("+-"), children),
            st.builds(Binary, st.sampled_from("+-*/"), children, children),
            st.builds(Binary, st.just("^"), children, st.integers(-2, 3).map(Decimal).map(Number)),
            st.builds(
                Call,
                st.sampled_from(("abs", "min", "max", "sqrt", "ln", "log10", "exp")),
                st.lists(children, min_size=1, max_size=3).map(tuple),
            ).filter(lambda c: c.function in ("min", "max") or len(c.args) == 1),
        )

    return st.recursive(leaves, extend, max_leaves=8)


_texts = st.one_of(
    _literals.map(str),
    st.decimals(min_value=-50, max_value=50, places=4, allow_nan=False).map(str),
    st.sampled_from(["", " 2.5 ", "1e3", "1.2E-2", "1.2.3", "abc", "-0.000", "+7", "0", "."]),
)


def _names_in(node: Node) -> set[str]:
    if isinstance(node, Name):
        return {node.name}
    if isinstance(node, Unary):
        return _names_in(node.operand)
    if isinstance(node, Call):
        return set().union(*(_names_in(a) for a in node.args))
    if isinstance(node, Binary):
        return _names_in(node.left) | _names_in(node.right)
    return set()


@st.composite
def _cases(draw: st.DrawFn) -> dict[str, Any]:
    tree = draw(_trees())
    text = render(tree)
    used = [n for n in _NAMES if n in _names_in(tree)]
    readings = used[:1]
    inputs: list[dict[str, str]] = []
    for name in used:
        role = draw(st.sampled_from(["reading", "default", "blank"]))
        if role == "blank" and readings and name != readings[0]:
            inputs.append({"name": name, "blank_of": readings[0]})
        elif role == "default":
            inputs.append({"name": name, "default": draw(_literals.map(str))})
        else:
            inputs.append({"name": name})
    n = draw(st.integers(1, 3))
    rounding = draw(st.sampled_from([{}, {"places": 2}, {"places": 0}, {"interval": "0.5"}]))
    items = draw(
        st.lists(
            st.lists(
                st.dictionaries(st.sampled_from(used or ["a"]), _texts, max_size=3),
                min_size=n,
                max_size=n,
            ),
            min_size=1,
            max_size=6,
        )
    )
    blank = draw(st.one_of(st.none(), st.just({readings[0]: Decimal("0.052")} if readings else {})))
    return {
        "formula": text,
        "inputs": inputs,
        "n": n,
        "rounding": rounding,
        "items": items,
        "blank": blank,
        "as_blank": draw(st.booleans()),
        "max_rel_diff": draw(st.sampled_from([None, "20", "0.5"])),
    }


def _outcome(run: Any) -> str:
    try:
        return repr(run())
    except (LabDeskError, ArithmeticError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_cases())
def test_columns_and_one_by_one_agree(case: dict[str, Any], monkeypatch_module: Any) -> None:
    try:
        spec = method_spec(
            case["formula"],
            case["inputs"],
            replicates=case["n"],
            max_rel_diff=case["max_rel_diff"],
            **case["rounding"],
        )
    except LabDeskError:
        return  # a refused method is not computed at all

    def run() -> Any:
        return compute_items(spec, case["items"], case["blank"], as_blank=case["as_blank"])

    by_columns = _outcome(run)
    with monkeypatch_module.context() as patch:
        patch.setattr(method_calc, "_by_columns", lambda *args: None)
        one_by_one = _outcome(run)
    assert by_columns == one_by_one


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_batch_path_is_taken_for_a_run_s_file() -> None:
    spec = method_spec("(a - b) * 2", [{"name": "a"}, {"name": "b", "blank_of": "a"}])
    items = [[{"a": "1.210"}, {"a": "1.230"}], [{"a": "0.5"}, {"a": "0.52"}]]
    assert method_calc._by_columns(spec, items, {"a": Decimal("0.1")}, False) is not None
    items[1][0]["a"] = "1.2.3"  # refused: computed one by one, which names it
    assert method_calc._by_columns(spec, items, {"a": Decimal("0.1")}, False) is None
    with pytest.raises(LabDeskError, match=r"items\[1\]\[1\]"):
        compute_items(spec, items, {"a": Decimal("0.1")})


@given(
    st.lists(
        st.lists(st.decimals(-(10**6), 10**6, places=5, allow_nan=False), min_size=1, max_size=5),
        min_size=1,
        max_size=5,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    st.sampled_from([None, Decimal("20"), Decimal("0.01")]),
)
def test_assess_columns_is_assess_item_by_item(
    rows: list[list[Decimal]], limit: Decimal | None
) -> None:
    by_number = [list(column) for column in zip(*rows, strict=True)]
    means, differences, withins = assess_columns(by_number, limit)
    expected = [assess(row, limit)[:3] for row in rows]
    assert repr(list(zip(means, differences, withins, strict=True))) == repr(expected)


@given(
    st.lists(st.decimals(-(10**4), 10**4, places=6, allow_nan=False), max_size=20),
    st.sampled_from([Decimal("0.01"), Decimal("1"), Decimal("0.5"), Decimal("0.001")]),
)
def test_round_guarded_all_is_round_guarded_each(values: list[Decimal], step: Decimal) -> None:
    # Ties and near-ties on purpose: k + ½ steps, and a hair off them.
    values = [*values, Decimal("2.345"), Decimal("-0.005"), Decimal("2.3449999999999999999999999")]
    assert repr(round_guarded_all(values, step)) == repr([round_guarded(v, step) for v in values])


@given(st.lists(_texts, max_size=8))
def test_parse_values_is_parse_value_each(texts: list[str]) -> None:
    from labdesk.core.formula import parse_value

    def each() -> Any:
        return [parse_value(t, "x") for t in texts]

    assert _outcome(lambda: parse_values(texts, "x")) == _outcome(each)
