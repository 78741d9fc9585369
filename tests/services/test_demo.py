"""The demo generator: believable, complete, audited, and only for demo databases."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.core.errors import WorkflowError
from labdesk.core.uscc import validate_uscc
from labdesk.services import auth, demo, queries
from labdesk.services.audit import integrity_problems, verify_audit
from labdesk.services.context import ServiceContext
from labdesk.store.db import Database, open_database
from labdesk.store.schema import SAMPLE_STATES
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
