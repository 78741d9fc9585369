"""Tampering behind the program's back is caught: plain sqlite3 with the triggers dropped on
a file, a superuser with the triggers off on a server (LABDESK_TEST_ENGINE=postgresql)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labdesk.services import queries, results
from labdesk.services.audit import verify_audit
from tests.services.recordkit import Backdoor, World, item_ids, sample_in_state


@pytest.fixture
def tampered(world: World) -> Iterator[tuple[World, Backdoor, int]]:
    """An approved sample with a corrected result, and a raw connection to the file."""
    sample_id = sample_in_state(world, "testing")
    first = item_ids(world, sample_id)[0]
    for item_id in item_ids(world, sample_id):
        results.enter_result(world.tech, item_id, "0.001")
    results.enter_result(world.tech, first, "0.002")  # a correction before submission
    assert verify_audit(world.db).ok
    raw = Backdoor(world.db)
    yield world, raw, sample_id
    raw.close()


def _last_seq(raw: Backdoor, table: str, record_id: int) -> int:
    return int(
        raw.execute(
            "SELECT max(seq) FROM audit_log WHERE table_name = ? AND record_id = ?",
            (table, record_id),
        ).fetchone()[0]
    )


def _drop_triggers(raw: Backdoor) -> None:
    raw.triggers_off()


def test_an_edited_result_value_is_caught(tampered: tuple[World, Backdoor, int]) -> None:
    world, raw, _ = tampered
    result_id = int(raw.execute("SELECT max(id) FROM results").fetchone()[0])
    raw.execute("UPDATE results SET text = '0.0001' WHERE id = ?", (result_id,))
    report = verify_audit(world.db)
    assert not report.ok
    assert f"results #{result_id}.text" in report.problem
    assert report.first_broken_seq == _last_seq(raw, "results", result_id)


def test_an_edited_verdict_is_caught(tampered: tuple[World, Backdoor, int]) -> None:
    world, raw, _ = tampered
    raw.execute("UPDATE results SET verdict = 'fail' WHERE id = 1")
    report = verify_audit(world.db)
    assert not report.ok
    assert "results #1.verdict" in report.problem


def test_an_edited_sample_field_is_caught(tampered: tuple[World, Backdoor, int]) -> None:
    world, raw, sample_id = tampered
    raw.execute("UPDATE samples SET sample_name = '番茄' WHERE id = ?", (sample_id,))
    report = verify_audit(world.db)
    assert not report.ok
    assert f"samples #{sample_id}.sample_name" in report.problem
    assert report.first_broken_seq == _last_seq(raw, "samples", sample_id)


def test_a_frozen_limit_edited_is_caught(tampered: tuple[World, Backdoor, int]) -> None:
    world, raw, _ = tampered
    raw.execute("UPDATE sample_items SET limit_text = '≤5' WHERE id = 1")
    assert "sample_items #1.limit_text" in verify_audit(world.db).problem


def test_an_edited_audit_row_is_caught(tampered: tuple[World, Backdoor, int]) -> None:
    world, raw, _ = tampered
    _drop_triggers(raw)
    raw.execute("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 20")
    report = verify_audit(world.db)
    assert not report.ok
    assert report.first_broken_seq == 20
    assert "entry 20 was altered" in report.problem


def test_an_audit_value_rewritten_to_match_an_edited_table_is_caught(
    tampered: tuple[World, Backdoor, int],
) -> None:
    world, raw, _ = tampered
    _drop_triggers(raw)
    seq, new_value = raw.execute(
        "SELECT seq, new_value FROM audit_log WHERE table_name = 'results' AND field IS NULL "
        "ORDER BY seq LIMIT 1"
    ).fetchone()
    raw.execute(
        "UPDATE audit_log SET new_value = ? WHERE seq = ?",
        (new_value.replace('"text":"0.001"', '"text":"0.0001"'), seq),
    )
    raw.execute("UPDATE results SET text = '0.0001' WHERE id = 1")
    report = verify_audit(world.db)
    assert not report.ok
    assert report.first_broken_seq == seq


def test_a_deleted_audit_row_is_caught(tampered: tuple[World, Backdoor, int]) -> None:
    world, raw, _ = tampered
    _drop_triggers(raw)
    raw.execute("DELETE FROM audit_log WHERE seq = 15")
    report = verify_audit(world.db)
    assert not report.ok
    assert report.first_broken_seq == 15
    assert "entry 15 is missing" in report.problem


def test_reordered_audit_rows_are_caught(tampered: tuple[World, Backdoor, int]) -> None:
    world, raw, _ = tampered
    _drop_triggers(raw)
    # Swap the contents of entries 30 and 31, keeping their seq numbers.
    columns = "at_utc, at_offset, user_id, username, action, table_name, record_id, field, "
    columns += "old_value, new_value, reason, prev_hash, hash"
    a = raw.execute(f"SELECT {columns} FROM audit_log WHERE seq = 30").fetchone()
    b = raw.execute(f"SELECT {columns} FROM audit_log WHERE seq = 31").fetchone()
    assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
    raw.execute(f"UPDATE audit_log SET {assignments} WHERE seq = 30", b)
    raw.execute(f"UPDATE audit_log SET {assignments} WHERE seq = 31", a)
    report = verify_audit(world.db)
    assert not report.ok
    assert report.first_broken_seq == 30


def test_a_truncated_log_is_caught(tampered: tuple[World, Backdoor, int]) -> None:
    world, raw, _ = tampered
    _drop_triggers(raw)
    last = int(raw.execute("SELECT max(seq) FROM audit_log").fetchone()[0])
    raw.execute("DELETE FROM audit_log WHERE seq > ?", (last - 4,))
    report = verify_audit(world.db)
    assert not report.ok
    assert report.first_broken_seq == last - 3
    assert "truncated" in report.problem


def test_a_truncated_log_with_a_rewritten_head_is_still_caught_by_replay(
    tampered: tuple[World, Backdoor, int],
) -> None:
    world, raw, _ = tampered
    _drop_triggers(raw)
    last = int(raw.execute("SELECT max(seq) FROM audit_log").fetchone()[0])
    raw.execute("DELETE FROM audit_log WHERE seq > ?", (last - 4,))
    new_last = raw.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    raw.execute("UPDATE audit_head SET seq = ?, hash = ?", new_last)
    report = verify_audit(world.db)
    assert not report.ok  # the tables still hold the changes the cut entries recorded
    assert report.first_broken_seq is not None


def test_a_row_deleted_behind_the_programs_back_is_caught(
    tampered: tuple[World, Backdoor, int],
) -> None:
    world, raw, _ = tampered
    result_id = int(raw.execute("SELECT max(id) FROM results").fetchone()[0])
    raw.foreign_keys_off()
    raw.execute("DELETE FROM results WHERE id = ?", (result_id,))
    report = verify_audit(world.db)
    assert not report.ok
    assert f"results #{result_id} is in the audit log" in report.problem


def test_a_row_inserted_behind_the_programs_back_is_caught(
    tampered: tuple[World, Backdoor, int],
) -> None:
    world, raw, _ = tampered
    raw.execute(
        "INSERT INTO results (id, sample_item_id, text, verdict, entered_by, entered_at) "
        "VALUES ((SELECT max(id) + 1 FROM results), 1, '0.5', 'pass', 2, 'now')"
    )
    report = verify_audit(world.db)
    assert not report.ok
    assert "not in the audit log" in report.problem


def test_intact_history_reads_back_old_and_new(
    tampered: tuple[World, Backdoor, int],
) -> None:
    world, _, sample_id = tampered
    history = queries.sample_history(world.db, sample_id)
    corrections = [h for h in history if h["action"] == "correction" and h["field"]]
    assert corrections and corrections[0]["field"] == "superseded_by"
    assert verify_audit(world.db).ok
