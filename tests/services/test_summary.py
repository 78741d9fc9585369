"""The centre's figures equal independent, hand-written SQL counts over a demo database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from labdesk.batch.demo import build_demo
from labdesk.core.deadlines import reinspection_window_end
from labdesk.core.errors import ValidationError
from labdesk.core.workcalendar import package_calendar
from labdesk.services import summary as sm
from labdesk.store.db import Database, open_reader

TODAY = date(2026, 6, 30)
CONCLUDED = "state IN ('approved', 'exported')"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo centre whose exported samples left in real signed batches."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite"
    build = build_demo(path, samples=400, seed=11, today=TODAY, outbox=folder / "outbox")
    assert build.batches, "the demo exports some batches"
    return path


@pytest.fixture
def db(demo_file: Path) -> Iterator[Database]:
    reader = open_reader(demo_file)
    yield reader
    reader.close()


def count(db: Database, sql: str, *params: Any) -> int:
    return int(db.query(sql, params)[0][0])


def live(where: str = "1") -> str:
    """Samples counted by the summary: every sample except cancelled ones."""
    return f"state <> 'cancelled' AND ({where})"


def independent_counts(db: Database, where: str = "1", *params: Any) -> sm.Counts:
    """One COUNT per figure, written without the summary's SQL."""
    sample = f"SELECT count(*) FROM samples WHERE {live(where)}"
    outcome = f"{sample} AND {CONCLUDED} AND conclusion_code = ?"
    return sm.Counts(
        samples=count(db, sample, *params),
        passed=count(db, outcome, *params, "pass"),
        failed=count(db, outcome, *params, "fail"),
        not_judged=count(db, outcome, *params, "not_judged"),
    )


def test_demo_is_big_enough_to_mean_something(db: Database) -> None:
    totals = sm.totals(db)
    assert totals.samples > 300
    assert totals.failed > 5 and totals.passed > 50
    assert totals.pending > 0


def test_totals_equal_independent_counts(db: Database) -> None:
    assert sm.totals(db) == independent_counts(db)


def test_rates_derive_from_the_same_counts(db: Database) -> None:
    totals = sm.totals(db)
    judged = count(
        db,
        f"SELECT count(*) FROM samples WHERE {live()} AND {CONCLUDED} "
        "AND conclusion_code IN ('pass', 'fail')",
    )
    assert totals.pass_rate == sm.Rate(totals.passed, judged)
    assert totals.nonconformity_rate == sm.Rate(totals.failed, judged)
    pass_fraction = totals.pass_rate.fraction()
    fail_fraction = totals.nonconformity_rate.fraction()
    assert pass_fraction is not None and fail_fraction is not None
    assert pass_fraction + fail_fraction == 1
    expected = (Decimal(totals.passed) * 100 / judged).quantize(Decimal("0.01"))
    assert totals.pass_rate.percent() == expected


@pytest.mark.parametrize(
    ("dimension", "column"),
    [
        # a food sample is counted under its food class (summary.CATEGORY_KEY)
        ("category", "coalesce(nullif(category_code, ''), food_class_code, '')"),
        ("month", "substr(sampling_date, 1, 7)"),
        ("state", "state"),
        ("enterprise", "enterprise_id"),
    ],
)
def test_sample_breakdowns_equal_independent_counts(
    db: Database, dimension: str, column: str
) -> None:
    groups = sm.breakdown(db, dimension)
    keys = [
        str(r[0])
        for r in db.query(f"SELECT DISTINCT {column} FROM samples WHERE {live()} ORDER BY 1")
    ]
    assert sorted(g.key for g in groups) == sorted(keys)
    for group in groups:
        assert group.counts == independent_counts(db, f"{column} = ?", group.key), group.key
    assert sum(g.counts.samples for g in groups) == sm.totals(db).samples


def test_region_and_source_breakdowns(db: Database) -> None:
    for group in sm.breakdown(db, "region"):
        where = "enterprise_id IN (SELECT id FROM enterprises WHERE region_code = ?)"
        assert group.counts == independent_counts(db, where, group.key)
    for group in sm.breakdown(db, "source"):
        where = "task_id IN (SELECT id FROM tasks WHERE source = ?)"
        assert group.counts == independent_counts(db, where, group.key)
    assert len(sm.breakdown(db, "region")) > 3


def test_failing_items_equal_independent_counts(db: Database) -> None:
    items = sm.failing_items(db)
    assert items, "the demo has failures"
    concluded_ids = f"SELECT id FROM samples WHERE {live()} AND {CONCLUDED}"
    current = (
        "SELECT count(*) FROM results WHERE superseded_by IS NULL AND verdict {} "
        "AND sample_item_id IN (SELECT id FROM sample_items WHERE name = ? "
        f"AND sample_id IN ({concluded_ids}))"
    )
    for item in items:
        assert item.failed == count(db, current.format("= 'fail'"), item.name), item.name
        assert item.tested == count(db, current.format("IN ('pass', 'fail')"), item.name)
    names = {
        str(r[0])
        for r in db.query(
            "SELECT DISTINCT i.name FROM results r JOIN sample_items i ON i.id = r.sample_item_id "
            "WHERE r.superseded_by IS NULL AND r.verdict = 'fail' "
            f"AND i.sample_id IN ({concluded_ids})"
        )
    }
    assert {i.name for i in items} == names
    assert [i.failed for i in items] == sorted((i.failed for i in items), reverse=True)
    # Every failed sample names at least one failing item, and only failed samples do.
    failed_with_items = count(
        db,
        f"SELECT count(*) FROM samples WHERE {live()} AND {CONCLUDED} AND failing_items <> '[]'",
    )
    assert failed_with_items == sm.totals(db).failed


def test_overdue_equals_a_row_by_row_check(db: Database) -> None:
    open_states = set(sm.OPEN_STATES)
    expected = sum(
        1
        for state, due in db.query("SELECT state, report_due_date FROM samples")
        if state in open_states and due and date.fromisoformat(due) < TODAY
    )
    assert expected > 0
    assert sm.overdue_count(db, today=TODAY) == expected


def test_reinspection_open_equals_a_row_by_row_check(db: Database) -> None:
    # Recomputed here from the conclusion day on the package's calendar (the demo imports
    # no year calendar), independently of the dates stored on the samples.
    calendar = package_calendar()
    rows = db.query(
        "SELECT s.id, s.concluded_on, s.notified_on, coalesce(t.food, 0) FROM samples s "
        f"LEFT JOIN tasks t ON t.id = s.task_id WHERE s.{CONCLUDED} AND s.conclusion_code = 'fail'"
    )
    assert rows
    for today in (TODAY, TODAY - timedelta(days=40), TODAY - timedelta(days=100)):
        expected = set()
        for sample_id, concluded, notified, food in rows:
            concluded_on = date.fromisoformat(concluded)
            start = date.fromisoformat(notified or concluded)
            if concluded_on <= today <= reinspection_window_end(start, bool(food), calendar):
                expected.add(int(sample_id))
        assert sm.reinspection_open_count(db, today=today) == len(expected)
        drill = sm.DrillDown("reinspection")
        assert set(sm.sample_ids_for(db, None, drill, today=today)) == expected


def test_reports_due_this_week_equal_a_row_by_row_check(db: Database) -> None:
    open_states = set(sm.OPEN_STATES)
    for today in (TODAY, TODAY - timedelta(days=3), TODAY - timedelta(days=30)):
        sunday = today + timedelta(days=6 - today.weekday())
        expected = {
            int(sample_id)
            for sample_id, state, due in db.query("SELECT id, state, report_due_date FROM samples")
            if state in open_states and due and today <= date.fromisoformat(due) <= sunday
        }
        assert sm.clock_counts(db, today=today).report_due_week == len(expected)
        drill = sm.DrillDown("due_week")
        assert set(sm.sample_ids_for(db, None, drill, today=today)) == expected


@pytest.mark.parametrize(
    "flt",
    [
        sm.SummaryFilter(categories=("RICE", "VEG-CHIVES")),
        sm.SummaryFilter(regions=("3401",)),
        sm.SummaryFilter(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)),
        sm.SummaryFilter(sources=("安徽省市场监督管理局",)),
    ],
)
def test_filters_equal_independent_counts(db: Database, flt: sm.SummaryFilter) -> None:
    where, params = "1", []
    if flt.categories:
        where = "category_code IN (?, ?)"
        params = list(flt.categories)
    elif flt.regions:
        where = "enterprise_id IN (SELECT id FROM enterprises WHERE region_code LIKE ? || '%')"
        params = list(flt.regions)
    elif flt.date_from and flt.date_to:
        where = "sampling_date BETWEEN ? AND ?"
        params = [flt.date_from.isoformat(), flt.date_to.isoformat()]
    elif flt.sources:
        where = "task_id IN (SELECT id FROM tasks WHERE source = ?)"
        params = list(flt.sources)
    expected = independent_counts(db, where, *params)
    assert 0 < expected.samples < sm.totals(db).samples
    assert sm.totals(db, flt) == expected
    ids = {int(r[0]) for r in db.query(f"SELECT id FROM samples WHERE {live(where)}", params)}
    months = sm.breakdown(db, "month", flt)
    assert sum(g.counts.samples for g in months) == len(ids)


def test_enterprise_filter(db: Database) -> None:
    top = sm.breakdown(db, "enterprise", order="failed", limit=1)[0]
    flt = sm.SummaryFilter(enterprise_ids=(int(top.key),))
    assert sm.totals(db, flt) == top.counts
    assert top.counts.failed == max(g.counts.failed for g in sm.breakdown(db, "enterprise"))


def test_drill_down_returns_the_samples_behind_a_bar(db: Database) -> None:
    category = sm.breakdown(db, "category", order="failed", limit=1)[0]
    ids = sm.sample_ids_for(db, None, sm.DrillDown("category", category.key))
    assert len(ids) == category.counts.samples
    failed = sm.sample_ids_for(db, None, sm.DrillDown("category", category.key, "fail"))
    assert len(failed) == category.counts.failed
    rows = db.query(
        f"SELECT id FROM samples WHERE {live('category_code = ?')} AND {CONCLUDED} "
        "AND conclusion_code = 'fail' ORDER BY id",
        (category.key,),
    )
    assert failed == [int(r[0]) for r in rows]
    item = sm.failing_items(db, limit=1)[0]
    behind = sm.sample_ids_for(db, None, sm.DrillDown("item", item.name))
    assert len(behind) == item.failed  # one current result per item and sample
    overdue = sm.sample_ids_for(db, None, sm.DrillDown("overdue"), today=TODAY)
    assert len(overdue) == sm.overdue_count(db, today=TODAY)
    pending = sm.sample_ids_for(db, None, sm.DrillDown("state", "testing", "pending"))
    assert len(pending) == count(db, "SELECT count(*) FROM samples WHERE state = 'testing'")


def test_dashboard_bundles_the_figures(db: Database) -> None:
    data = sm.dashboard(db, today=TODAY, top=5)
    assert data.totals == sm.totals(db)
    assert len(data.top_items) <= 5 and len(data.top_enterprises) <= 5
    assert all(g.counts.failed > 0 for g in data.top_enterprises)
    assert {g.key for g in data.by_state} <= set(sm.OPEN_STATES + sm.CONCLUDED_STATES + ("draft",))
    assert data.overdue == sm.overdue_count(db, today=TODAY)


def test_summary_json_shape_and_rates(db: Database) -> None:
    data = sm.summary_json(sm.centre_summary(db, today=TODAY))
    json.dumps(data)  # serialisable
    totals = sm.totals(db)
    assert (data["samples"], data["pass"], data["fail"]) == (
        totals.samples,
        totals.passed,
        totals.failed,
    )
    assert data["pass_rate"] == str(totals.pass_rate.percent(2))
    assert Decimal(data["pass_rate"]) + Decimal(data["nonconformity_rate"]) == 100
    for key in ("by_category", "by_month", "by_region", "by_enterprise", "by_source"):
        assert sum(g["samples"] for g in data[key]) == totals.samples, key


def test_batch_summaries_equal_independent_counts(db: Database) -> None:
    batches = sm.batch_summaries(db)
    pending = [b for b in batches if b.batch_id is None]
    assert len(pending) == 1
    assert pending[0].counts == independent_counts(
        db, "state = 'approved' AND export_batch_id IS NULL"
    )
    exported = [b for b in batches if b.batch_id is not None]
    assert exported
    for batch in exported:
        assert batch.counts == independent_counts(db, "export_batch_id = ?", batch.batch_id)
        assert len(batch.samples) == batch.counts.samples
        assert sum(n for _name, n in batch.approvers) == batch.counts.samples
    assert sum(b.counts.samples for b in exported) == count(
        db, "SELECT count(*) FROM samples WHERE state = 'exported'"
    )


def test_bad_filter_and_dimension(db: Database) -> None:
    with pytest.raises(ValidationError):
        sm.totals(db, sm.SummaryFilter(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1)))
    with pytest.raises(ValidationError):
        sm.breakdown(db, "colour")
    with pytest.raises(ValidationError):
        sm.sample_ids_for(db, None, sm.DrillDown("category", "RICE", "maybe"))


def test_rate_of_nothing_is_undefined() -> None:
    rate = sm.Rate(0, 0)
    assert rate.percent() is None and rate.percent_text() == "—"
    assert sm.Rate(1, 8).percent(1) == Decimal("12.5")
    assert sm.Rate(1, 8).percent(0) == Decimal("12")  # half-even, GB/T 8170
