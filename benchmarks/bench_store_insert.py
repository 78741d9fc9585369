"""Inserting results with their audit entries vs a bare executemany of the same rows.

Ours: `Writer.insert_many("results", rows)` — the audited primitive that bulk imports
(`services.result_bulk.enter_results_bulk`) and the demo generator use: every row completed
with defaults, one hash-chained audit entry each, all in one transaction.
Baseline: `sqlite3.executemany` of the same rows into the same schema, one transaction,
same PRAGMAs (WAL, synchronous=FULL, foreign keys), no audit trail.
Both databases grow by one batch per round, alike.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import Benchmark
from labdesk.store.audit import Actor
from labdesk.store.db import Database, open_database

ITEMS = 1000
COLUMNS = (
    "sample_item_id",
    "attempt",
    "kind",
    "text",
    "verdict",
    "compared",
    "rounded",
    "display",
    "explanation_zh",
    "explanation_en",
    "report_only",
    "instrument",
    "method",
    "entered_by",
    "entered_at",
    "reason",
)


@dataclass
class State:
    folder: Path
    ours_db: Database
    actor: Actor
    rows: list[dict[str, Any]]
    base: sqlite3.Connection
    base_rows: list[tuple[Any, ...]]
    sql: str


def _prepare(path: Path, actor: Actor) -> Database:
    """A database with a user, one sample and ITEMS frozen items for the results' FKs."""
    db = open_database(path)
    with db.write(actor) as w:
        w.insert(
            "users",
            {
                "id": actor.user_id,
                "username": actor.username,
                "display_name": "bench",
                "role": "technician",
                "password_hash": "x",
                "created_at": "2026-01-01T00:00:00Z",
            },
        )
        sample_id = w.insert(
            "samples", {"sample_no": "B-1", "state": "testing", "created_at": "2026-01-01"}
        )
        w.insert_many(
            "sample_items",
            [
                {"sample_id": sample_id, "seq": i + 1, "name": f"item {i}", "limit_text": "≤0.5"}
                for i in range(ITEMS)
            ],
        )
    return db


def setup(quick: bool) -> State:
    count = 20_000 if quick else 100_000
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    actor = Actor(1, "bench", "technician")
    ours_db = _prepare(folder / "ours.sqlite", actor)
    _prepare(folder / "base.sqlite", actor).close()
    base = sqlite3.connect(folder / "base.sqlite", isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        base.execute(f"PRAGMA {pragma}")
    rows = [
        {
            "sample_item_id": 1 + i % ITEMS,
            "attempt": 1,
            "kind": "entry",
            "text": f"0.{i % 1000:03d}",
            "verdict": "pass",
            "compared": f"0.{i % 1000:03d}",
            "rounded": None,
            "display": f"0.{i % 1000:03d}",
            "explanation_zh": "0.123 ≤ 0.5，合格",
            "explanation_en": "0.123 ≤ 0.5: pass",
            "report_only": 0,
            "instrument": "ICP-MS 7900",
            "method": "GB 5009.15",
            "entered_by": 1,
            "entered_at": "2026-11-26T08:00:00.000000Z",
            "reason": "",
        }
        for i in range(count)
    ]
    base_rows = [tuple(r[c] for c in COLUMNS) for r in rows]
    sql = f"INSERT INTO results ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    return State(folder, ours_db, actor, rows, base, base_rows, sql)


def ours(state: State) -> None:
    with state.ours_db.write(state.actor) as w:
        w.insert_many("results", state.rows)


def baseline(state: State) -> None:
    state.base.execute("BEGIN IMMEDIATE")
    state.base.executemany(state.sql, state.base_rows)
    state.base.execute("COMMIT")


def teardown(state: State) -> None:
    state.ours_db.close()
    state.base.close()
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="store_insert",
    description="100,000 results + hash-chained audit entries via Writer.insert_many",
    baseline_description="sqlite3 executemany of the same result rows, one transaction, no audit",
    target=3.0,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
)
