"""Exporting 10,000 approved samples as one signed batch vs a raw select-serialise-zip-hash.

Data (fixed, setup only): a centre database with 10,000 approved samples (quick: 2,000),
each with 3 frozen test items, one current result per item and its workflow events,
written through the audited write primitive so the audit trail is realistic (~14 entries
per sample). One copy of the database per round, because an export changes it.

Ours: `labdesk.batch.export.export_batch` — argon2id unlock of the SM2 key, a snapshot read
of the samples, items, results, events and audit entries, JSON Lines, SHA-256 + SM3 of
every file, the SM2 signature, the deterministic ZIP, fsync'd temp file, recording the
batch and marking 10,000 samples exported (audited), and the atomic rename.

Baseline: the same rows selected on a bare sqlite3 connection, serialised to JSON Lines
with json.dumps, zipped (deflate) in memory and each file hashed with SHA-256 — no
signature, no database writes, no audit, no fsync.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import Benchmark
from labdesk.batch.export import export_batch
from labdesk.services import auth, keys
from labdesk.services.context import Actor, ServiceContext
from labdesk.store.db import open_database

PASSPHRASE = "benchmark passphrase"
ITEMS = (("铅", "≤0.2", "mg/kg"), ("镉", "≤0.05", "mg/kg"), ("总砷", "≤0.5", "mg/kg"))


@dataclass
class _State:
    folder: Path
    template: Path
    copies: list[Path]
    manager: Actor
    samples: int
    outputs: list[Path] = field(default_factory=list)


def _build(path: Path, samples: int) -> Actor:
    db = open_database(path)
    try:
        admin = auth.setup_centre(
            db, name="基准测试中心", code="BENCH", region_code="340100",
            admin_username="admin", admin_password="bench-password-1",
        )  # fmt: skip
        manager_id = auth.add_user(admin, "boss", "王五", "manager", "bench-password-1")
        tech_id = auth.add_user(admin, "tech", "张三", "technician", "bench-password-1")
        manager = Actor(manager_id, "boss", "manager")
        keys.init_keys(ServiceContext(db, manager), "sm2", PASSPHRASE)
        now = "2026-10-10T08:00:00.000000Z"
        with db.write(admin.actor) as w:
            w.insert("lib_categories", {"code": "VEG", "name": "新鲜蔬菜"})
            enterprise = w.insert(
                "enterprises",
                {"uscc": "914403001922038216", "name": "某某公司", "region_code": "340100",
                 "created_at": now},
            )  # fmt: skip
            task = w.insert(
                "tasks",
                {"task_no": "T1", "source": "省局", "category": "监督抽检", "created_at": now},
            )
        for start in range(0, samples, 1000):
            n_range = range(start, min(start + 1000, samples))
            with db.write(Actor(tech_id, "tech", "technician")) as w:
                sample_ids = w.insert_many(
                    "samples",
                    [
                        {
                            "sample_no": f"AH2026{n:06d}", "task_id": task,
                            "enterprise_id": enterprise, "sample_name": "青菜",
                            "category_code": "VEG", "sampling_date": f"2026-{1 + n % 9:02d}-15",
                            "samplers": '["张三", "李四"]', "sample_qty": "2", "qty_unit": "kg",
                            "state": "approved",
                            "conclusion_code": "fail" if n % 9 == 0 else "pass",
                            "conclusion_label": "不合格" if n % 9 == 0 else "合格",
                            "conclusion_zh": "经抽样检验，所检项目符合标准要求，检验结论为合格。",
                            "failing_items": '["铅"]' if n % 9 == 0 else "[]",
                            "created_at": now,
                        }
                        for n in n_range
                    ],
                )  # fmt: skip
                item_ids = w.insert_many(
                    "sample_items",
                    [
                        {"sample_id": sid, "seq": seq + 1, "name": name, "limit_text": limit,
                         "unit": unit, "standard_no": "GB 2762", "standard_year": "2022"}
                        for sid in sample_ids
                        for seq, (name, limit, unit) in enumerate(ITEMS)
                    ],
                )  # fmt: skip
                w.insert_many(
                    "results",
                    [
                        {"sample_item_id": iid, "text": "0.35" if i % 27 == 0 else "0.01",
                         "verdict": "fail" if i % 27 == 0 else "pass", "display": "0.01",
                         "entered_by": tech_id, "entered_at": now}
                        for i, iid in enumerate(item_ids)
                    ],
                )  # fmt: skip
                w.insert_many(
                    "sample_events",
                    [
                        {"sample_id": sid, "action": action, "from_state": a, "to_state": b,
                         "user_id": tech_id, "at_utc": now}
                        for sid in sample_ids
                        for action, a, b in (
                            ("submit", "testing", "submitted"),
                            ("review", "submitted", "reviewed"),
                            ("approve", "reviewed", "approved"),
                        )
                    ],
                )  # fmt: skip
        return manager
    finally:
        db.close()


def setup(quick: bool) -> _State:
    samples = 2_000 if quick else 10_000
    folder = Path(tempfile.mkdtemp(prefix="labdesk-bench-export-"))
    template = folder / "template.sqlite"
    manager = _build(template, samples)
    rounds = BENCHMARK.quick_rounds if quick else BENCHMARK.rounds
    copies = []
    for n in range(rounds):
        copy = folder / f"round{n}" / "centre.sqlite"
        copy.parent.mkdir()
        shutil.copy(template, copy)
        (copy.parent / "out").mkdir()
        copies.append(copy)
    return _State(folder, template, copies, manager, samples)


def ours(state: _State) -> object:
    path = state.copies.pop(0)
    db = open_database(path)
    try:
        result = export_batch(ServiceContext(db, state.manager), path.parent / "out", PASSPHRASE)
    finally:
        db.close()
    assert result.sample_count == state.samples
    return result


_QUERIES = {
    "samples.jsonl": "SELECT s.*, e.uscc, e.name AS e_name, t.task_no FROM samples s "
    "LEFT JOIN enterprises e ON e.id = s.enterprise_id LEFT JOIN tasks t ON t.id = s.task_id "
    "WHERE s.state = 'approved' ORDER BY s.id",
    "items.jsonl": "SELECT i.* FROM sample_items i JOIN samples s ON s.id = i.sample_id "
    "WHERE s.state = 'approved' ORDER BY i.sample_id, i.seq",
    "results.jsonl": "SELECT r.* FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
    "JOIN samples s ON s.id = i.sample_id WHERE s.state = 'approved' ORDER BY r.id",
    "audit.jsonl": "SELECT * FROM audit_log WHERE table_name IN "
    "('samples', 'sample_items', 'results', 'sample_events') ORDER BY seq",
}


def baseline(state: _State) -> object:
    conn = sqlite3.connect(f"file:{state.template}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    files: dict[str, bytes] = {}
    try:
        for name, sql in _QUERIES.items():
            rows: list[Any] = conn.execute(sql).fetchall()
            files[name] = "".join(
                json.dumps(dict(r), ensure_ascii=False, sort_keys=True) + "\n" for r in rows
            ).encode()
    finally:
        conn.close()
    buffer = io.BytesIO()
    digests = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            digests[name] = hashlib.sha256(data).hexdigest()
            zf.writestr(name, data)
    return digests


def teardown(state: _State) -> None:
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="export",
    description="signed batch export of 10,000 approved samples (quick: 2,000)",
    baseline_description="select the same rows, json.dumps, zip in memory, SHA-256",
    target=2.0,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
)
