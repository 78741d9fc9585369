"""Abolishing one standard version from a date (废止), without re-importing the library."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from labdesk.core.errors import NotFound, PermissionDenied, ValidationError
from labdesk.services import library
from labdesk.services.audit import verify_audit
from tests.services.recordkit import CATEGORY, World, register, snapshot

# The shipped sample library: GB 2762-2022 in force from 2023-06-30, covers VEG-FRESH.
NUMBER, YEAR, EFFECTIVE = "GB 2762", "2022", date(2023, 6, 30)


def _rows(world: World) -> list[dict[str, object]]:
    return [
        dict(r)
        for r in world.db.query(
            "SELECT id, abolished_from FROM lib_items WHERE active = 1 AND standard_no = ? "
            "AND standard_year = ? ORDER BY id",
            (NUMBER, YEAR),
        )
    ]


def _codes(world: World, on: date) -> set[str]:
    return {str(i["standard_no"]) for i in library.items_for(world.db, CATEGORY, on)}


def test_abolish_sets_the_date_on_every_item_audited_with_the_reason(world: World) -> None:
    before_rows = _rows(world)
    assert before_rows and all(r["abolished_from"] is None for r in before_rows)
    day = date(2026, 1, 1)
    changed = library.abolish_standard(world.admin, NUMBER, YEAR, day, " 被 GB 2762-2025 代替 ")
    assert changed == len(before_rows)
    assert {r["abolished_from"] for r in _rows(world)} == {"2026-01-01"}
    entries = world.db.query(
        "SELECT record_id, field, old_value, new_value, reason, action, username "
        "FROM audit_log WHERE action = 'abolish_standard' ORDER BY seq"
    )
    assert [int(e["record_id"]) for e in entries] == [int(str(r["id"])) for r in before_rows]
    for e in entries:
        assert e["field"] == "abolished_from"
        assert json.loads(e["old_value"]) is None
        assert json.loads(e["new_value"]) == "2026-01-01"
        assert e["reason"] == "被 GB 2762-2025 代替"
        assert e["username"] == "admin"
    assert verify_audit(world.db).ok


def test_items_for_stops_offering_the_standard_from_that_day(world: World) -> None:
    day = date.today() + timedelta(days=30)
    assert NUMBER in _codes(world, day)
    library.abolish_standard(world.admin, NUMBER, YEAR, day, "replaced")
    assert NUMBER in _codes(world, day - timedelta(days=1))
    assert NUMBER not in _codes(world, day)


def test_registered_samples_keep_their_frozen_items(world: World) -> None:
    sample_id = register(world)
    frozen = world.db.query(
        "SELECT * FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
    )
    assert any(r["standard_no"] == NUMBER for r in frozen)
    library.abolish_standard(world.admin, NUMBER, YEAR, date.today() - timedelta(days=1), "old")
    after = world.db.query(
        "SELECT * FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
    )
    assert [dict(r) for r in after] == [dict(r) for r in frozen]


@pytest.mark.parametrize("day", [EFFECTIVE, EFFECTIVE - timedelta(days=1), date(2000, 1, 1)])
def test_a_date_not_after_the_effective_date_is_refused(world: World, day: date) -> None:
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        library.abolish_standard(world.admin, NUMBER, YEAR, day, "typo")
    assert caught.value.field == "from_date"
    assert caught.value.rule == "after_effective"
    assert "2023-06-30" in str(caught.value)
    assert snapshot(world.db) == before


def test_the_day_after_the_effective_date_is_accepted(world: World) -> None:
    assert library.abolish_standard(
        world.admin, NUMBER, YEAR, EFFECTIVE + timedelta(days=1), "withdrawn"
    ) == len(_rows(world))


def test_a_reason_is_required(world: World) -> None:
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        library.abolish_standard(world.admin, NUMBER, YEAR, date(2026, 1, 1), "  ")
    assert caught.value.field == "reason"
    assert snapshot(world.db) == before


def test_an_unknown_standard_is_not_found(world: World) -> None:
    with pytest.raises(NotFound, match="GB 9999-2020"):
        library.abolish_standard(world.admin, "GB 9999", "2020", date(2026, 1, 1), "x")
    with pytest.raises(NotFound):
        library.abolish_standard(world.admin, NUMBER, "2099", date(2026, 1, 1), "x")


def test_a_standard_without_effective_date_can_be_abolished_any_day(world: World) -> None:
    assert library.abolish_standard(world.admin, "GB 2763", "2021", date(2001, 1, 1), "x") > 0


def test_abolishing_again_on_the_same_day_changes_nothing(world: World) -> None:
    day = date(2026, 1, 1)
    library.abolish_standard(world.admin, NUMBER, YEAR, day, "replaced")
    before = snapshot(world.db)
    assert library.abolish_standard(world.admin, NUMBER, YEAR, day, "again") == 0
    assert snapshot(world.db) == before


@pytest.mark.parametrize("role", ["technician", "reviewer", "manager"])
def test_only_the_admin_may_abolish(world: World, role: str) -> None:
    before = snapshot(world.db)
    with pytest.raises(PermissionDenied, match="abolish a standard"):
        library.abolish_standard(world.ctx(role), NUMBER, YEAR, date(2026, 1, 1), "x")
    assert snapshot(world.db) == before
