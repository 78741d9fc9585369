"""Two workstations on one centre (issue 18.2): the second editor of a result is told who
changed it and when, and nothing is overwritten; the sign-in lockout counts failures
typed anywhere. On a server the two are separate connections; a SQLite file has one
writer process, so there the two users share it (a stale screen is the same case)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.services import auth, queries, results, samples
from labdesk.services.conflicts import EditConflict
from labdesk.store.audit import verify_audit
from labdesk.store.db import Database, open_database
from tests.services.recordkit import PASSWORD, World, open_world, sample_form


@pytest.fixture
def two(world_target: Path | str) -> Iterator[tuple[World, World]]:
    first = open_world(world_target)
    second = first if isinstance(world_target, Path) else open_world(world_target)
    yield first, second
    first.db.close()
    second.db.close()


def _one_item(world: World) -> int:
    sample_id = samples.register_sample(world.tech, sample_form(sample_no="W-1"))
    samples.receive_sample(world.tech, sample_id)
    return int(queries.sample_items_with_results(world.db, sample_id)[0]["id"])


def test_the_second_editor_of_a_result_is_told_and_nothing_is_overwritten(
    two: tuple[World, World],
) -> None:
    a, b = two
    item = _one_item(a)
    results.enter_result(a.tech, item, "0.010", seen_result_id=None)
    seen = results.current_result(b.db, item)
    assert seen is not None
    # Both screens show 0.010; the first saves a correction, then the second.
    results.enter_result(a.tech, item, "0.020", seen_result_id=int(seen["id"]))
    with pytest.raises(EditConflict) as refused:
        results.enter_result(b.tech2, item, "0.030", seen_result_id=int(seen["id"]))
    message = str(refused.value)
    assert "changed by Tech at " in message and "reload" in message
    assert refused.value.at[2] == ":" and len(refused.value.at) == 5  # HH:MM
    current = results.current_result(a.db, item)
    assert current is not None and current["text"] == "0.020"
    assert verify_audit(a.db).ok


def test_a_first_entry_racing_another_is_refused(two: tuple[World, World]) -> None:
    a, b = two
    item = _one_item(a)
    results.enter_result(a.tech, item, "0.010", seen_result_id=None)
    with pytest.raises(EditConflict, match="Tech"):
        results.enter_result(b.tech2, item, "0.011", seen_result_id=None)
    current = results.current_result(b.db, item)
    assert current is not None and current["text"] == "0.010"


def _wrong(db: Database) -> None:
    with pytest.raises(auth.AuthError):
        auth.sign_in(db, "tech", "not-the-password")


def test_the_lockout_counts_failures_from_every_workstation(two: tuple[World, World]) -> None:
    a, b = two
    for index in range(auth.MAX_FAILURES - 1):
        _wrong(a.db if index % 2 else b.db)
    with pytest.raises(auth.AccountLocked):
        auth.sign_in(a.db, "tech", "still-wrong")  # the fifth, typed at workstation A
    for db in (a.db, b.db):
        with pytest.raises(auth.AccountLocked):
            auth.sign_in(db, "tech", PASSWORD)  # locked everywhere, even the right one


def test_a_third_workstation_sees_the_lock_when_it_opens(world_target: Path | str) -> None:
    if isinstance(world_target, Path):
        pytest.skip("a SQLite file has one writer process")
    with open_database(world_target) as a:
        for _ in range(auth.MAX_FAILURES - 1):
            _wrong(a)
        with pytest.raises(auth.AccountLocked):
            auth.sign_in(a, "tech", "wrong-again")
    with open_database(world_target) as c, pytest.raises(auth.AccountLocked):
        auth.sign_in(c, "tech", PASSWORD)
