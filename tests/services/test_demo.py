"""The demo generator: believable, complete, audited, and only for demo databases."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from labdesk.core.errors import WorkflowError
from labdesk.core.uscc import validate_uscc
from labdesk.services import auth, demo, queries
from labdesk.services.audit import integrity_problems, verify_audit
from labdesk.services.clock_counts import OPEN_STATES, count_clocks, week_end
from labdesk.services.context import ServiceContext
from labdesk.store.db import Database, open_database
from labdesk.store.schema import SAMPLE_STATES, TASK_PURPOSES
from tests.services.recordkit import World


@pytest.fixture(scope="module")
def demo_db(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Database, demo.DemoSummary]]:
    db = open_database(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    summary = demo.fill_demo(db, samples=400, seed=11)
    yield db, summary
    db.close()


def test_every_state_but_exported_occurs_without_an_exporter(
    demo_db: tuple[Database, demo.DemoSummary],
) -> None:
    """Only the batch layer signs batches (labdesk.batch.demo); alone, the generator
    leaves the samples meant for export approved and records no batch at all."""
    db, summary = demo_db
    counts = queries.count_by_state(db)
    assert all(counts[s] > 0 for s in SAMPLE_STATES if s != "exported"), counts
    assert counts.get("exported", 0) == 0
    assert sum(counts.values()) == summary.samples == 400
    assert {k: v for k, v in counts.items() if v} == summary.states
    assert db.scalar("SELECT count(*) FROM export_batches") == 0
    assert len(queries.approved_unexported_samples(db)) == counts["approved"]


def test_pass_rate_is_national_like(demo_db: tuple[Database, demo.DemoSummary]) -> None:
    db, _ = demo_db
    rows = db.query(
        "SELECT conclusion_code, count(*) FROM samples WHERE state IN ('approved', 'exported') "
        "AND conclusion_code IN ('pass', 'fail') GROUP BY conclusion_code"
    )
    counts = {r[0]: r[1] for r in rows}
    rate = counts["pass"] / (counts["pass"] + counts["fail"])
    assert 0.85 <= rate <= 0.92, counts


def test_failures_cluster_in_a_few_items(demo_db: tuple[Database, demo.DemoSummary]) -> None:
    db, _ = demo_db
    failing = collections.Counter(
        (r[0], r[1])
        for r in db.query(
            "SELECT s.category_code, i.name FROM results r JOIN sample_items i "
            "ON i.id = r.sample_item_id JOIN samples s ON s.id = i.sample_id "
            "WHERE r.verdict = 'fail' AND r.superseded_by IS NULL"
        )
    )
    total = sum(failing.values())
    top = sum(n for _, n in failing.most_common(5))
    pairs = db.scalar("SELECT count(*) FROM lib_items WHERE active = 1")
    assert total > 10
    assert top / total >= 0.5, failing.most_common(8)
    assert len(failing) < pairs / 2


def test_the_audit_trail_is_complete(demo_db: tuple[Database, demo.DemoSummary]) -> None:
    db, _ = demo_db
    report = verify_audit(db)
    assert report.ok, report.problem
    assert integrity_problems(db) == []
    retests = db.scalar("SELECT count(*) FROM results WHERE kind = 'retest'")
    assert retests > 0


def test_enterprises_have_valid_codes_across_anhui(
    demo_db: tuple[Database, demo.DemoSummary],
) -> None:
    db, _ = demo_db
    rows = db.query("SELECT uscc, region_code FROM enterprises")
    assert all(validate_uscc(r[0]).valid for r in rows)
    regions = {r[1] for r in rows}
    assert len(regions) >= 5
    assert regions <= {code for code, _ in demo.ANHUI_REGIONS}


def test_demo_accounts_work_and_are_flagged(demo_db: tuple[Database, demo.DemoSummary]) -> None:
    db, summary = demo_db
    centre = auth.centre(db)
    assert centre is not None and centre["demo"] == 1 and "演示" in centre["name"]
    roles = {role for _, _, role in summary.accounts}
    assert roles == {"admin", "technician", "reviewer", "manager"}
    for username, password, role in auth.demo_accounts(db):
        assert auth.sign_in(db, username, password).actor.role == role


def test_demo_refuses_a_real_centre(world: World) -> None:
    with pytest.raises(WorkflowError, match="real centre"):
        demo.fill_demo(world.db, samples=5)


def test_demo_extends_a_demo_database(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.sqlite")
    try:
        demo.fill_demo(db, samples=15, seed=1)
        demo.fill_demo(db, samples=15, seed=2)
        assert db.scalar("SELECT count(*) FROM samples") == 30
        assert verify_audit(db).ok
    finally:
        db.close()


def test_the_exporter_gets_approved_chunks_as_the_manager(tmp_path: Path) -> None:
    seen: list[list[int]] = []
    roles: set[str] = set()

    def exporter(ctx: ServiceContext, ids: list[int]) -> None:
        roles.add(ctx.actor.role)
        seen.append(ids)

    db = open_database(tmp_path / "d.sqlite")
    try:
        made = demo.fill_demo(db, samples=30, seed=4, exporter=exporter, outbox_dir="/x/out")
        assert seen and all(isinstance(i, int) for chunk in seen for i in chunk)
        assert all(0 < len(chunk) <= 25 for chunk in seen) and roles == {"manager"}
        flat = [i for chunk in seen for i in chunk]
        assert len(flat) == len(set(flat)) == made.states["exported"]
        assert db.scalar("SELECT count(*) FROM export_batches") == 0
        states = {queries.sample_detail(db, i)["state"] for chunk in seen for i in chunk}
        assert states == {"approved"}
        assert db.scalar("SELECT outbox_dir FROM centre") == "/x/out"
    finally:
        db.close()


def test_tasks_have_a_purpose_and_food_samples_sit_under_food_tasks(
    demo_db: tuple[Database, demo.DemoSummary],
) -> None:
    """The national sheet's 检验目的 comes from the task; the food flag decides the law."""
    db, _ = demo_db
    tasks = db.query("SELECT purpose, food FROM tasks")
    assert tasks and all(r["purpose"] in TASK_PURPOSES for r in tasks)
    assert {int(r["food"]) for r in tasks} == {0, 1}
    kinds = db.query(
        "SELECT s.food_class_code <> '' AS is_food, t.food FROM samples s "
        "JOIN tasks t ON t.id = s.task_id GROUP BY 1, 2"
    )
    assert {(int(r[0]), int(r[1])) for r in kinds} == {(0, 0), (1, 1)}


def test_some_samples_are_registered_against_food_classes(
    demo_db: tuple[Database, demo.DemoSummary],
) -> None:
    db, summary = demo_db
    food = db.query("SELECT id, state, food_class_code FROM samples WHERE food_class_code <> ''")
    assert 20 <= len(food) <= 40 < summary.samples
    assert len({r["state"] for r in food}) >= 5
    assert len({r["food_class_code"] for r in food}) >= 4
    leaves = {
        str(r[0])
        for r in db.query(
            "SELECT code FROM food_classes c WHERE NOT EXISTS "
            "(SELECT 1 FROM food_classes d WHERE d.parent_code = c.code)"
        )
    }
    assert {r["food_class_code"] for r in food} <= leaves
    # Items come from the food library, its sample-data marks carried onto the sample.
    items = db.query(
        "SELECT i.sample_data, l.sample_data AS lib_sample_data, s.state FROM sample_items i "
        "JOIN samples s ON s.id = i.sample_id JOIN lib_limits l ON l.id = i.lib_limit_id "
        "WHERE s.food_class_code <> ''"
    )
    assert items and all(r["sample_data"] == r["lib_sample_data"] for r in items)
    assert any(r["sample_data"] for r in items)
    without_items = db.scalar(
        "SELECT count(*) FROM samples s WHERE s.food_class_code <> '' AND s.state <> 'draft' "
        "AND NOT EXISTS (SELECT 1 FROM sample_items i WHERE i.sample_id = s.id)"
    )
    assert without_items == 0
    judged = db.scalar(
        "SELECT count(*) FROM samples WHERE food_class_code <> '' "
        "AND state IN ('approved', 'exported') AND conclusion_code IN ('pass', 'fail')"
    )
    assert judged > 0


@pytest.mark.parametrize("today", [date(2026, 12, 3), date(2026, 12, 28), date(2026, 6, 15)])
def test_some_reports_are_due_this_week_and_no_clock_waits_for_a_calendar(
    tmp_path: Path, today: date
) -> None:
    """Relative to the demo's today; near the year's end no clock may reach a year that
    no calendar knows (chinese-calendar knows up to 2026, LabDesk ships no 2027)."""
    db = open_database(tmp_path / "d.sqlite")
    try:
        demo.fill_demo(db, samples=120, seed=3, today=today)
        counts = count_clocks(db, "1 = 1", [], today=today)
        assert counts.report_due_week > 0
        assert counts.waiting_calendar == 0
        open_ = f"state IN ({', '.join(repr(s) for s in OPEN_STATES)})"
        overdue = db.scalar(
            f"SELECT count(*) FROM samples WHERE {open_} AND report_due_date < ?",
            (today.isoformat(),),
        )
        later = db.scalar(
            f"SELECT count(*) FROM samples WHERE {open_} AND report_due_date > ?",
            (week_end(today).isoformat(),),
        )
        assert counts.report_due_week + later > overdue
        assert db.scalar("SELECT max(received_date) FROM samples") <= today.isoformat()
    finally:
        db.close()


def test_the_demo_is_the_same_for_a_seed(tmp_path: Path) -> None:
    def build(name: str) -> list[tuple[object, ...]]:
        db = open_database(tmp_path / name)
        try:
            demo.fill_demo(db, samples=40, seed=5, today=date(2026, 12, 3))
            return [
                tuple(r)
                for r in db.query(
                    "SELECT sample_no, sample_name, category_code, food_class_code, state, "
                    "sampling_date, received_date, report_due_date, task_id FROM samples "
                    "ORDER BY sample_no"
                )
            ]
        finally:
            db.close()

    assert build("a.sqlite") == build("b.sqlite")
