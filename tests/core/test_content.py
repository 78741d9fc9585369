"""Content digests depend on the values only, and see every change."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.content import body_digest, content_digest

_value = st.one_of(st.none(), st.integers(-(2**40), 2**40), st.text(max_size=8))
_rows = st.lists(st.tuples(_value, _value, _value), max_size=8)


@given(_rows)
def test_equal_values_give_equal_digests_whatever_objects_hold_them(rows: list[tuple]) -> None:
    copied = [tuple(("".join(v) if isinstance(v, str) else v) for v in r) for r in rows]
    shared = "同一个对象"
    assert body_digest(rows) == body_digest(copied)
    assert body_digest([(shared, shared)]) == body_digest([("同一个对象", "同一个" + "对象")])


@given(_rows, _rows)
def test_different_rows_give_different_digests(a: list[tuple], b: list[tuple]) -> None:
    if a != b:
        assert body_digest(a) != body_digest(b)


def test_none_empty_text_and_zero_differ_and_ids_bind() -> None:
    assert len({body_digest([(None,)]), body_digest([("",)]), body_digest([(0,)])}) == 3
    body = body_digest([("x",)])
    assert content_digest(body, 1, 1) != content_digest(body, 2, 1)
