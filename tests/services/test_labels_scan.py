"""What labels carry, what a scanned code means, and receiving by scanning (services)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labdesk.core.errors import NotFound, PermissionDenied, ValidationError
from labdesk.services import labels
from labdesk.services.labels import ScanRefused, label_code, receive_scanned, resolve_code
from tests.services.recordkit import World, sample_in_state, snapshot


def _no(world: World, sample_id: int) -> str:
    return str(world.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (sample_id,)))


def test_a_sample_has_a_label_for_itself_and_each_portion(world: World) -> None:
    sample_id = sample_in_state(world, "registered", sample_name="小白菜")
    number = _no(world, sample_id)
    made = labels.sample_labels(world.db, [number])
    assert [(lab.portion, lab.portion_name, lab.code) for lab in made] == [
        ("sample", "样品", number),
        ("test", "检验样", f"{number}/J"),
        ("backup", "备份样", f"{number}/B"),
        ("retest", "复检样", f"{number}/F"),
    ]
    assert {lab.sample_name for lab in made} == {"小白菜"} and made[0].sampling_date
    assert made[0].centre == "测试中心"
    only = labels.sample_labels(world.db, [number], ["backup"])
    assert [lab.code for lab in only] == [f"{number}/B"]


def test_labels_are_refused_for_unknown_cancelled_and_draft_samples(world: World) -> None:
    cancelled = _no(world, sample_in_state(world, "cancelled"))
    draft = _no(world, sample_in_state(world, "draft"))
    good = _no(world, sample_in_state(world, "registered"))
    with pytest.raises(NotFound):
        labels.sample_labels(world.db, [good, "NO-SUCH"])
    with pytest.raises(ScanRefused) as info:
        labels.sample_labels(world.db, [good, cancelled])
    assert info.value.reason == "cancelled"
    with pytest.raises(ScanRefused) as info:
        labels.sample_labels(world.db, [draft])
    assert info.value.reason == "draft"
    with pytest.raises(ValidationError, match="portion"):
        labels.sample_labels(world.db, [good], ["lid"])


def test_a_number_a_barcode_cannot_carry_is_refused(world: World) -> None:
    number = _no(world, sample_in_state(world, "registered", sample_no="抽样-001"))
    with pytest.raises(ValidationError) as info:
        labels.sample_labels(world.db, [number])
    assert info.value.rule == "code128_ascii"


def test_scanned_codes_name_the_sample_and_portion(world: World) -> None:
    sample_id = sample_in_state(world, "received")
    number = _no(world, sample_id)
    for portion in labels.PORTIONS:
        hit = resolve_code(world.db, "  " + label_code(number, portion) + "\n")
        assert (hit.sample_id, hit.portion, hit.state) == (sample_id, portion, "received")
    assert resolve_code(world.db, f"{number}/j").portion == "test"  # caps lock off
    with pytest.raises(ScanRefused) as info:
        resolve_code(world.db, f"{number}/X")
    assert info.value.reason == "unknown"


def test_a_number_with_a_slash_resolves_whole(world: World) -> None:
    plain = sample_in_state(world, "registered", sample_no="AH-7")
    slashed = sample_in_state(world, "registered", sample_no="AH-7/B")
    assert (resolve_code(world.db, "AH-7/B").sample_id, "sample") == (slashed, "sample")
    assert resolve_code(world.db, "AH-7/B/B").sample_id == slashed
    assert resolve_code(world.db, "AH-7/J").sample_id == plain


# The fixture is read only here, so sharing it across inputs is safe.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=30))
def test_any_scanned_text_resolves_or_is_refused_as_unknown(world: World, text: str) -> None:
    try:
        hit = resolve_code(world.db, text)
    except ScanRefused as exc:
        assert exc.reason == "unknown"
    else:
        assert hit.sample_no in text


def test_receiving_by_scanning_refuses_with_the_reason_and_writes_nothing(world: World) -> None:
    first = sample_in_state(world, "registered")
    second = sample_in_state(world, "registered")
    cancelled = sample_in_state(world, "cancelled")
    testing = sample_in_state(world, "testing")
    draft = sample_in_state(world, "draft")
    seen: list[int] = []
    hit = receive_scanned(world.tech, f"{_no(world, first)}/J", seen)
    assert hit.state == "received" and hit.portion == "test"
    seen.append(hit.sample_id)
    assert world.db.scalar("SELECT state FROM samples WHERE id = ?", (first,)) == "received"
    assert world.db.scalar("SELECT received_date FROM samples WHERE id = ?", (first,))
    before = snapshot(world.db)
    for code, reason in (
        (_no(world, first), "duplicate"),
        ("NOT-A-SAMPLE", "unknown"),
        (_no(world, cancelled), "cancelled"),
        (_no(world, draft), "draft"),
        (_no(world, testing), "already_received"),
    ):
        with pytest.raises(ScanRefused) as info:
            receive_scanned(world.tech, code, seen)
        assert info.value.reason == reason
    assert snapshot(world.db) == before
    with pytest.raises(PermissionDenied):
        receive_scanned(world.reviewer, _no(world, second), seen)
    assert snapshot(world.db) == before
    receive_scanned(world.tech, _no(world, second), seen)
