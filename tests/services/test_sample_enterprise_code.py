"""A sampling form's 统一社会信用代码 goes through the validator, with its reason on refusal."""

from __future__ import annotations

import pytest

from labdesk.core.errors import ValidationError
from labdesk.services import queries, samples
from tests.services.recordkit import ENTERPRISE_USCC, World, sample_form, snapshot


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (ENTERPRISE_USCC[:-1], "length: expected 18"),
        (ENTERPRISE_USCC[:-1] + ("1" if ENTERPRISE_USCC[-1] != "1" else "2"), "check character"),
        (ENTERPRISE_USCC[:-1] + "O", "is not allowed"),
        (ENTERPRISE_USCC[:8] + "I" + ENTERPRISE_USCC[9:], "not allowed"),
    ],
)
def test_a_bad_code_is_refused_with_the_validators_reason(
    world: World, code: str, reason: str
) -> None:
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        samples.register_sample(world.tech, sample_form(sample_no="U-1", enterprise_uscc=code))
    assert (caught.value.field, caught.value.rule) == ("enterprise_uscc", "uscc")
    assert reason in str(caught.value)
    assert snapshot(world.db) == before


@pytest.mark.parametrize(
    "typed",
    [
        ENTERPRISE_USCC.lower(),
        f" {ENTERPRISE_USCC[:6]} {ENTERPRISE_USCC[6:]} ",
        f"{ENTERPRISE_USCC[:9]}\u3000{ENTERPRISE_USCC[9:]}",  # a full-width space
    ],
)
def test_a_good_code_as_a_clerk_types_it_finds_the_enterprise(world: World, typed: str) -> None:
    sample_id = samples.register_sample(
        world.tech, sample_form(sample_no=f"U-{abs(hash(typed)) % 10_000}", enterprise_uscc=typed)
    )
    assert queries.sample_detail(world.db, sample_id)["enterprise"]["uscc"] == ENTERPRISE_USCC


def test_a_draft_without_a_code_is_still_allowed(world: World) -> None:
    sample_id = samples.register_sample(
        world.tech, sample_form(sample_no="U-DRAFT", enterprise_uscc="  "), draft=True
    )
    assert queries.sample_detail(world.db, sample_id)["state"] == "draft"
