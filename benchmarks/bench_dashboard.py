"""The dashboard's aggregation over 1,000,000 results vs the raw SQL GROUP BY it needs.

Data (fixed seed, written straight into the record schema with executemany — setup only,
no audit trail): 115,000 samples × 10 test items; every sample past receipt has a current
result per item — 1,012,540 current results — plus ~3 % superseded corrections; 2,000
enterprises in 16 regions, 3 task sources, 17 product categories, every workflow state,
~11 % of concluded samples failing; every concluded sample has a backup sample and ~3 %
of failed ones a 复检 case (quick: 23,000 samples, ~200,000 results).

Ours: `labdesk.services.summary.dashboard(reader)` — totals, samples by state, overdue,
the law's clocks (due this week, deliveries overdue, re-inspection windows open, 24-hour
reports, samples waiting for a calendar, 复检 cases, backup samples due; over the due
dates stored on the samples, `services.clock_counts`), top-10 failing items and
enterprises, months, categories, regions, sources — through the `Database` wrapper,
into typed dataclasses with Decimal rates.

Baseline: the same figures as hand-written GROUP BY queries on the bare sqlite3
connection (each joining only the table it needs), returning raw tuples; no filter
machinery, no dataclasses, no Decimal.

Indexes: the schema's own (`samples_state`, `sample_items (sample_id, seq)`, `results_item
(sample_item_id, superseded_by)`) serve every query; covering indexes on results and
sample items were tried and made no measurable difference.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.harness import Benchmark
from labdesk.services import summary
from labdesk.store.db import Database, open_database, open_reader

TODAY = date(2026, 6, 30)
ITEMS_PER_SAMPLE = 10
CATEGORIES = [f"CAT{n:02d}" for n in range(17)]
ITEM_NAMES = [f"项目{n:02d}" for n in range(40)]
REGIONS = [f"34{n:02d}00" for n in range(1, 17)]
SOURCES = ("国家市场监督管理总局", "安徽省市场监督管理局", "合肥市市场监督管理局")
STATES = (
    ["exported"] * 55
    + ["approved"] * 10
    + ["reviewed", "submitted", "testing", "testing", "received", "registered"] * 5
    + ["returned", "draft", "cancelled"] * 2
)


_INSERTS = {
    "samples": "INSERT INTO samples (id, sample_no, task_id, enterprise_id, category_code, "
    "state, conclusion_code, sampling_date, received_date, report_due_date, created_at, "
    "delivery_due, concluded_on, reinspection_due, urgent_due, clock_missing_year) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "backups": "INSERT INTO backup_samples (sample_id, location, seal_no, quantity, "
    "retain_until, registered_at) VALUES (?, 'A', ?, '1', ?, ?)",
    "cases": "INSERT INTO reinspection_cases (sample_id, kind, applicant, applied_on, state, "
    "outcome, created_at) VALUES (?, 'reinspection', 'x', ?, ?, ?, ?)",
    "events": "INSERT INTO sample_events (sample_id, action, from_state, to_state, user_id, "
    "at_utc) VALUES (?, ?, ?, ?, ?, ?)",
    "items": "INSERT INTO sample_items (id, sample_id, seq, name, limit_text) "
    "VALUES (?, ?, ?, ?, ?)",
    "results": "INSERT INTO results (id, sample_item_id, text, verdict, entered_by, entered_at, "
    "superseded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "corrections": "INSERT INTO results (id, sample_item_id, text, verdict, entered_by, "
    "entered_at, superseded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
}


@dataclass
class _State:
    folder: Path
    reader: Database


def _build(path: Path, samples: int) -> None:
    rng = random.Random(20260630)
    db = open_database(path)
    try:
        with db.transaction() as conn:
            now = "2026-06-30T08:00:00.000000Z"
            conn.execute(
                "INSERT INTO users (id, username, display_name, role, password_hash, created_at) "
                "VALUES (1, 'boss', '王五', 'manager', 'x', ?)",
                (now,),
            )
            conn.executemany(
                "INSERT INTO lib_categories (code, name) VALUES (?, ?)",
                [(c, f"类别{c}") for c in CATEGORIES],
            )
            conn.executemany(
                "INSERT INTO enterprises (id, uscc, name, region_code, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(n, f"U{n:017d}", f"企业{n}", REGIONS[n % 16], now) for n in range(1, 2001)],
            )
            conn.executemany(
                "INSERT INTO tasks (id, task_no, source, category, created_at) "
                "VALUES (?, ?, ?, '监督抽检', ?)",
                [(n + 1, f"T{n}", s, now) for n, s in enumerate(SOURCES)],
            )
            start = date(2025, 7, 1)
            rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in _INSERTS}
            corrections = 0
            for sid in range(1, samples + 1):
                state = rng.choice(STATES)
                sampled = start + timedelta(days=rng.randrange(365))
                received = sampled + timedelta(days=1)
                concluded = state in ("approved", "exported")
                failing = concluded and rng.random() < 0.11
                names = rng.sample(ITEM_NAMES[:20] if sid % 2 else ITEM_NAMES[20:], 10)
                bad = {rng.choice(names[:3])} if failing else set()
                approved = received + timedelta(days=rng.randrange(5, 40))
                rows["samples"].append(
                    (
                        sid,
                        f"S{sid:07d}",
                        rng.randrange(1, 4),
                        rng.randrange(1, 2001),
                        rng.choice(CATEGORIES),
                        state,
                        ("fail" if failing else "pass") if concluded else "",
                        sampled.isoformat(),
                        received.isoformat(),
                        (received + timedelta(days=28)).isoformat(),
                        now,
                        (sampled + timedelta(days=7)).isoformat() if sid % 3 == 0 else None,
                        approved.isoformat() if concluded else None,
                        (approved + timedelta(days=15)).isoformat() if concluded else None,
                        f"{approved}T06:00:00.000000Z" if concluded and sid % 97 == 0 else None,
                        2027 if sid % 211 == 0 else None,
                    )
                )
                if concluded:
                    rows["events"].append(
                        (sid, "approve", "reviewed", "approved", 1, f"{approved}T02:00:00.000000Z")
                    )
                    rows["backups"].append(
                        (sid, f"F{sid}", (approved + timedelta(days=91)).isoformat(), now)
                    )
                    if failing and rng.random() < 0.3:
                        state_ = rng.choice(("open", "closed"))
                        outcome = rng.choice(("upheld", "overturned")) if state_ == "closed" else ""
                        rows["cases"].append((sid, approved.isoformat(), state_, outcome, now))
                for seq, name in enumerate(names, start=1):
                    item_id = (sid - 1) * ITEMS_PER_SAMPLE + seq
                    rows["items"].append((item_id, sid, seq, name, "≤0.2"))
                    if state in ("draft", "registered", "received"):
                        continue
                    verdict = "fail" if name in bad else "pass"
                    # The current result takes the item's id, so a correction can point at it.
                    rows["results"].append((item_id, item_id, "0.1", verdict, 1, now, None))
                    if rng.random() < 0.03:
                        # Ids above every item id: they never meet a current result's id.
                        corrections += 1
                        correction_id = samples * ITEMS_PER_SAMPLE + corrections
                        rows["corrections"].append(
                            (correction_id, item_id, "0.3", "fail", 1, now, item_id)
                        )
                if sid % 5000 == 0 or sid == samples:  # insert in chunks: bounded memory
                    for key, sql in _INSERTS.items():
                        conn.executemany(sql, rows[key])
                        rows[key].clear()
        db.conn.execute("ANALYZE")
    finally:
        db.close()


def _setup(quick: bool) -> _State:
    folder = Path(tempfile.mkdtemp(prefix="labdesk-bench-dashboard-"))
    path = folder / "dashboard.sqlite"
    _build(path, 23_000 if quick else 115_000)
    return _State(folder, open_reader(path))


def _ours(state: _State) -> object:
    return summary.dashboard(state.reader, today=TODAY, top=10)


_BASELINE_SQL = {
    "totals": "SELECT count(*), "
    "sum(state IN ('approved','exported') AND conclusion_code = 'pass'), "
    "sum(state IN ('approved','exported') AND conclusion_code = 'fail'), "
    "sum(state IN ('approved','exported') AND conclusion_code = 'not_judged') "
    "FROM samples WHERE state <> 'cancelled'",
    "state": "SELECT state, count(*) FROM samples WHERE state <> 'cancelled' GROUP BY state",
    "overdue": "SELECT count(*) FROM samples WHERE state IN ('registered','received','testing',"
    "'submitted','reviewed','returned') AND report_due_date < :today",
    # The law's clocks over the due dates stored on the samples (issue 17).
    "clocks": "SELECT "
    "sum(state IN ('registered','received','testing','submitted','reviewed','returned') "
    "AND report_due_date BETWEEN :today AND :sunday), "
    "sum(state = 'registered' AND delivery_due < :today), "
    "sum(state IN ('approved','exported') AND conclusion_code = 'fail' "
    "AND concluded_on <= :today AND reinspection_due >= :today), "
    "sum(state = 'approved' AND urgent_due IS NOT NULL), "
    "sum(state = 'approved' AND urgent_due < :now), "
    "sum(clock_missing_year IS NOT NULL) FROM samples WHERE state <> 'cancelled'",
    "cases": "SELECT sum(state = 'open'), sum(outcome = 'upheld'), sum(outcome = 'overturned') "
    "FROM reinspection_cases",
    "backups": "SELECT count(*) FROM backup_samples WHERE state = 'kept' AND retain_until < :today",
    "items": "SELECT si.name, sum(r.verdict IN ('pass','fail')) AS tested, "
    "sum(r.verdict = 'fail') AS failed FROM results r "
    "JOIN sample_items si ON si.id = r.sample_item_id JOIN samples s ON s.id = si.sample_id "
    "WHERE r.superseded_by IS NULL AND s.state IN ('approved','exported') "
    "GROUP BY si.name HAVING failed > 0 ORDER BY failed DESC LIMIT 10",
    "enterprises": "SELECT enterprise_id, count(*), sum(conclusion_code = 'fail') AS failed "
    "FROM samples WHERE state <> 'cancelled' GROUP BY enterprise_id "
    "ORDER BY failed DESC LIMIT 10",
}
# Each breakdown joins only the table its key lives in, as hand-written SQL would.
_GROUPED = {
    "month": ("substr(s.sampling_date, 1, 7)", ""),
    "category": ("s.category_code", ""),
    "region": ("e.region_code", "LEFT JOIN enterprises e ON e.id = s.enterprise_id"),
    "source": ("t.source", "LEFT JOIN tasks t ON t.id = s.task_id"),
}


def _baseline(state: _State) -> object:
    conn = state.reader.conn
    params: dict[str, Any] = {
        "today": TODAY.isoformat(),
        "sunday": (TODAY + timedelta(days=6 - TODAY.weekday())).isoformat(),
        "now": f"{TODAY.isoformat()}T00:00:00.000000Z",
    }
    out = {}
    for key, sql in _BASELINE_SQL.items():
        used = {k: v for k, v in params.items() if f":{k}" in sql}
        out[key] = conn.execute(sql, used).fetchall()
    for key, (column, join) in _GROUPED.items():
        out[key] = conn.execute(
            f"SELECT {column}, count(*), "
            "sum(s.state IN ('approved','exported') AND s.conclusion_code = 'pass'), "
            "sum(s.state IN ('approved','exported') AND s.conclusion_code = 'fail') "
            f"FROM samples s {join} WHERE s.state <> 'cancelled' GROUP BY 1"
        ).fetchall()
    return out


def _teardown(state: _State) -> None:
    state.reader.close()
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="dashboard",
    description="summary.dashboard() over ~1,000,000 current results (115k samples; quick ~200k)",
    baseline_description="the same figures as hand-written GROUP BY queries on bare sqlite3",
    target=1.5,
    setup=_setup,
    ours=_ours,
    baseline=_baseline,
    teardown=_teardown,
)
