"""verify_audit's progress(done, total) and cancel() callbacks (the Audit screen's)."""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.services import audit as audit_service
from labdesk.store.audit import (
    PROGRESS_EVERY,
    SYSTEM,
    VerificationCancelled,
    verify_audit,
)
from labdesk.store.db import Database, open_database, open_reader

ROWS = 2 * PROGRESS_EVERY + 345  # enterprises: one audit entry each, plus the centre's


@pytest.fixture
def db(engine_target: Path | str) -> Iterator[Database]:
    database = open_database(engine_target)
    with database.write(SYSTEM) as w:
        w.insert(
            "centre",
            {"id": 1, "name": "中心", "code": "C1", "region_code": "340100", "created_at": "t"},
        )
        w.insert_many(
            "enterprises",
            [
                {
                    "uscc": f"U{i:017d}",
                    "name": f"企业{i}",
                    "region_code": "340100",
                    "created_at": "t",
                }
                for i in range(ROWS)
            ],
        )
    yield database
    database.close()


def test_progress_is_reported_in_steps_up_to_the_total(db: Database) -> None:
    calls: list[tuple[int, int]] = []
    report = verify_audit(db, progress=lambda done, total: calls.append((done, total)))
    assert report.ok
    entries = ROWS + 1
    total = 2 * entries  # chain walk + replay
    assert {t for _, t in calls} == {total}
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    dones = [d for d, _ in calls]
    assert dones == sorted(dones)
    assert len(calls) == 2 + total // PROGRESS_EVERY
    assert all(b - a <= PROGRESS_EVERY for a, b in itertools.pairwise(dones))


def test_progress_does_not_change_the_verdict(db: Database) -> None:
    db.conn.execute("UPDATE enterprises SET name = 'x' WHERE id = 1500")
    plain = verify_audit(db)
    with_progress = verify_audit(db, progress=lambda done, total: None)
    assert not plain.ok
    assert plain.as_dict() == with_progress.as_dict()


def test_cancel_stops_verification(db: Database) -> None:
    polls: list[int] = []
    progress: list[int] = []

    def cancel() -> bool:
        polls.append(1)
        return len(polls) >= 3

    with pytest.raises(VerificationCancelled):
        verify_audit(db, progress=lambda done, total: progress.append(done), cancel=cancel)
    assert len(polls) == 3
    assert progress == [0, PROGRESS_EVERY]  # stopped before reporting the third step


def test_never_cancelled_runs_to_the_end(db: Database) -> None:
    assert verify_audit(db, cancel=lambda: False).ok


def test_the_audit_screens_call_works_on_a_reader(db: Database) -> None:
    # labdesk/ui/audit_screen.py: verify(reader, progress=state.set_progress) when the
    # service's verify_audit has a `progress` parameter.
    assert "progress" in inspect.signature(audit_service.verify_audit).parameters
    reader = open_reader(db.target)
    try:
        seen: list[tuple[int, int]] = []
        report = audit_service.verify_audit(
            reader, progress=lambda done, total: seen.append((done, total))
        )
    finally:
        reader.close()
    assert report.ok and report.entries_checked == ROWS + 1
    assert seen[-1] == (2 * (ROWS + 1), 2 * (ROWS + 1))
