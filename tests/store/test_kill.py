"""SIGKILL at random moments during long writes: every acknowledged write survives,
nothing is partial, the file is sound and the audit trail verifies."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labdesk.store.audit import verify_audit
from labdesk.store.db import open_reader
from tests.services.recordkit import copy_database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

ROOT = Path(__file__).resolve().parents[2]
KILLS = 22


def _run_and_kill(args: list[str], delay: float, ready: str | None) -> list[str]:
    child = subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    lines: list[str] = []
    if ready is not None:
        first = child.stdout.readline()
        assert first.strip() == ready, (first, child.stderr.read() if child.stderr else "")
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the child ended before it was killed"
    # A line cut off by the kill has no newline: it was not acknowledged.
    complete = out.split("\n")[:-1]
    lines.extend(complete)
    return lines


def _check_file(path: Path) -> None:
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()
    reader = open_reader(path)
    try:
        report = verify_audit(reader)
        assert report.ok, report.problem
    finally:
        reader.close()


def test_sigkill_during_result_entry_loses_no_acknowledged_write(
    record_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "kill.sqlite"
    copy_database(record_template, path)
    rng = random.Random(20261126)
    acked: list[str] = []
    for round_no in range(KILLS):
        lines = _run_and_kill(
            [sys.executable, "-m", "tests.store.kill_child", str(path), str(round_no)],
            rng.uniform(0.05, 0.8),
            "READY",
        )
        acked.extend(lines)
        _check_file(path)
    reader = open_reader(path)
    try:
        samples_acked = [line.split() for line in acked if line.startswith("SAMPLE")]
        results_acked = [line.split() for line in acked if line.startswith("RESULT")]
        assert len(samples_acked) >= KILLS // 2, "the children barely wrote anything"
        for _, sample_id, n_items in samples_acked:
            count = reader.scalar(
                "SELECT count(*) FROM sample_items WHERE sample_id = ?", (int(sample_id),)
            )
            assert count == int(n_items)  # items frozen all together or not at all
        for _, row_id, item_id, text in results_acked:
            row = reader.query_one(
                "SELECT sample_item_id, text FROM results WHERE id = ?", (int(row_id),)
            )
            assert row is not None, f"acknowledged result {row_id} is missing"
            assert (row[0], row[1]) == (int(item_id), text)
        for line in acked:
            if line.startswith("STATE"):
                _, sample_id, state = line.split()
                assert (
                    reader.scalar(
                        "SELECT count(*) FROM sample_events WHERE sample_id = ? AND to_state = ?",
                        (int(sample_id), state),
                    )
                    == 1
                )
        # Every sample has exactly the items of its category: no half-registered sample.
        sizes = {
            r[0]
            for r in reader.query(
                "SELECT count(i.id) FROM samples s LEFT JOIN sample_items i "
                "ON i.sample_id = s.id GROUP BY s.id"
            )
        }
        assert len(sizes) == 1 and 0 not in sizes
    finally:
        reader.close()


def test_sigkill_during_demo_generation_leaves_a_verifiable_database(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    rng = random.Random(7)
    for _ in range(3):
        _run_and_kill(
            [sys.executable, "-m", "labdesk", "--db", str(path), "demo", "--samples", "5000"],
            rng.uniform(1.5, 4.0),
            None,
        )
        _check_file(path)
    reader = open_reader(path)
    try:
        assert reader.scalar("SELECT count(*) FROM samples") > 0
    finally:
        reader.close()
