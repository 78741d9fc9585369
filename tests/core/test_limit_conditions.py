"""A limit's note read for a condition on the food's container (core/limit_conditions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.limit_conditions import container_condition


@pytest.mark.parametrize(
    ("note", "container"),
    [
        ("以Sn计；仅限于采用镀锡薄钢板容器包装的食品", "镀锡薄钢板容器"),
        ("仅限于采用镀锡薄钢板容器包装的食品", "镀锡薄钢板容器"),
        ("仅限于采用 玻璃瓶 包装的食品。", "玻璃瓶"),
        ("以Pb计", None),
        ("仅限于婴幼儿谷类辅助食品", None),  # a class, which the composition already holds
        ("", None),
        (None, None),
    ],
)
def test_a_container_condition_is_read_from_the_note(
    note: str | None, container: str | None
) -> None:
    assert container_condition(note) == container


@given(st.text())
def test_any_note_is_read_without_failing_and_a_condition_needs_the_standard_s_words(
    note: str,
) -> None:
    found = container_condition(note)
    assert found is None or ("仅限于采用" in note and found and found in note)
