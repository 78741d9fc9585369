"""Registering a food sample with 150 items vs raw inserts of the same rows.

Data: the shipped library plus 150 synthetic MRL rows for 苹果 (a leaf with no item
template, so all 150 are proposed).

Ours: `samples.register_sample` for 10 samples per round — the whole form validated
(USCC, task, dates, samplers, the leaf class), the items composed from every version in
force on the sampling date (inheritance, exclusions, the most specific row, sources),
then one audited transaction per sample: the sample row, 150 frozen items and the
register event, each with its hash-chained audit entry.

Baseline: per sample, one transaction of raw sqlite3 inserts of the same rows (the
sample row, executemany of the 150 item rows, the event row), same PRAGMAs, no
validation, no composition, no audit. The target is store_insert's per-row ratio (3×).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.food_data import HEADER, PASSWORD, lab, write_csv
from benchmarks.harness import Benchmark
from labdesk.core.uscc import make_uscc, org_code_check_digit
from labdesk.services import auth, enterprises, food_imports, food_library, samples, tasks
from labdesk.services.context import ServiceContext
from labdesk.store.db import Database

SAMPLES = 10
ITEMS = 150
APPLE = "F20030101"


@dataclass
class State:
    folder: Path
    db: Database
    tech: ServiceContext
    uscc: str
    base: sqlite3.Connection
    sample_row: dict[str, Any]
    item_rows: list[tuple[Any, ...]]
    item_sql: str
    counter: list[int] = field(default_factory=lambda: [0])


def setup(quick: bool) -> State:
    folder = Path(tempfile.mkdtemp(prefix="bench-register-"))
    db, admin = lab(folder / "lab.sqlite")
    rows = [
        ["GB 9764-2021", "pesticide", "", f"农药{i:03d}", f"P{i:03d}", "苹果", f"0.{i % 90 + 10}"]
        for i in range(ITEMS)
    ]
    assert len(HEADER) == len(rows[0])
    path = write_csv(folder / "apple.csv", rows)
    food_imports.import_limits(admin, food_imports.read_limits(db, path))
    auth.add_user(admin, "tech", "Tech", "technician", PASSWORD)
    auth.add_user(admin, "manager", "Manager", "manager", PASSWORD)
    tech = auth.sign_in(db, "tech", PASSWORD)
    manager = auth.sign_in(db, "manager", PASSWORD)
    body = "MA2N0000"
    uscc = make_uscc(f"91340100{body}{org_code_check_digit(body)}")
    enterprises.register_enterprise(tech, enterprises.EnterpriseForm(uscc=uscc, name="某公司"))
    tasks.create_task(manager, tasks.TaskForm("T-1", "某局", "监督抽检"))
    composed = food_library.compose_items(db, APPLE, date.today() - timedelta(days=3))
    assert len(composed.items) >= ITEMS, len(composed.items)

    base = sqlite3.connect(folder / "base.sqlite", isolation_level=None)
    with db.lock:
        db.conn.backup(base)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        base.execute(f"PRAGMA {pragma}")
    columns = (
        "sample_id, seq, code, name, name_en, unit, limit_text, method, interval, decimals, "
        "lod, loq, test_method, standard_no, standard_year, sample_data, source, mark, "
        "mark_meaning, lib_limit_id"
    )
    item_rows = [
        (
            0,
            seq,
            i["code"],
            i["name"],
            i["name_en"],
            i["unit"],
            i["limit_text"],
            i["method"],
            i["interval"],
            i["decimals"],
            i["lod"],
            i["loq"],
            i["test_method"],
            i["standard_no"],
            i["standard_year"],
            i["sample_data"],
            i["source"],
            i["mark"],
            i["mark_meaning"],
            i["lib_limit_id"],
        )
        for seq, i in enumerate(composed.items, start=1)
    ]
    item_sql = f"INSERT INTO sample_items ({columns}) VALUES ({', '.join('?' * 20)})"
    sample_row = {
        "task_id": 1,
        "enterprise_id": 1,
        "sample_name": "苹果",
        "food_class_code": APPLE,
        "sampling_date": (date.today() - timedelta(days=3)).isoformat(),
        "samplers": '["张三", "李四"]',
        "state": "registered",
        "created_at": "2026-01-01T00:00:00Z",
    }
    return State(folder, db, tech, uscc, base, sample_row, item_rows, item_sql)


def ours(state: State) -> None:
    for _ in range(SAMPLES):
        state.counter[0] += 1
        samples.register_sample(
            state.tech,
            samples.SampleForm(
                sample_no=f"B-{state.counter[0]:06d}",
                sample_name="苹果",
                category_code="",
                food_class_code=APPLE,
                sampling_date=date.today() - timedelta(days=3),
                enterprise_uscc=state.uscc,
                task_no="T-1",
                samplers=["张三", "李四"],
                sealed=True,
                unit_acknowledged=True,
            ),
        )


def baseline(state: State) -> None:
    columns = ", ".join(["sample_no", *state.sample_row])
    marks = ", ".join("?" * (len(state.sample_row) + 1))
    for _ in range(SAMPLES):
        state.counter[0] += 1
        state.base.execute("BEGIN IMMEDIATE")
        cursor = state.base.execute(
            f"INSERT INTO samples ({columns}) VALUES ({marks})",
            (f"R-{state.counter[0]:06d}", *state.sample_row.values()),
        )
        sample_id = cursor.lastrowid
        state.base.executemany(state.item_sql, [(sample_id, *r[1:]) for r in state.item_rows])
        state.base.execute(
            "INSERT INTO sample_events (sample_id, action, from_state, to_state, user_id, at_utc) "
            "VALUES (?, 'register', 'draft', 'registered', 2, '2026-01-01T00:00:00Z')",
            (sample_id,),
        )
        state.base.execute("COMMIT")


def teardown(state: State) -> None:
    state.db.close()
    state.base.close()
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="sample_register",
    description="10 food samples registered with 150 composed items each (validated, audited)",
    baseline_description="raw inserts of the same sample, item and event rows, one txn each",
    target=3.0,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
)
