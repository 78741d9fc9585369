"""Clocks stored on the samples, the centre's calendar imports and the dashboard counts."""

from __future__ import annotations

from datetime import date

import pytest

from labdesk.core.calendar_file import CalendarFileError
from labdesk.core.errors import ValidationError
from labdesk.core.workcalendar import package_years
from labdesk.services import calendar_import, calendars, clocks, samples, summary
from labdesk.services.audit import verify_audit
from tests.services.clockkit import food_task
from tests.services.recordkit import World, register, snapshot

LAST = package_years()[-1]
NEXT = LAST + 1
# Test data, not the State Council's notice: a year with New Year's Day off only.
NEXT_CALENDAR = f"year,{NEXT}\nsource,test data\ndate,kind,name\n{NEXT}-01-01,holiday,元旦\n"


def _food_sample(world: World, sampled: date) -> int:
    task = food_task(world)
    return register(world, task_no=task, sampling_date=sampled, production_date=sampled)


def _row(world: World, sample_id: int) -> dict[str, object]:
    row = world.db.query_one("SELECT * FROM samples WHERE id = ?", (sample_id,))
    assert row is not None
    return dict(row)


def test_food_clocks_are_stored_at_registration_and_receipt(world: World) -> None:
    sample_id = _food_sample(world, date(2026, 9, 25))
    assert _row(world, sample_id)["delivery_due"] == "2026-10-09"  # 1–7 Oct off, 10 Oct worked
    samples.receive_sample(world.tech, sample_id, date(2026, 9, 29))
    row = _row(world, sample_id)
    # 30 Sep (1), 8–9 Oct (2–3), Sat 10 Oct (4), 12–30 Oct (5–19) → Mon 2 Nov (20).
    assert row["report_due_date"] == "2026-11-02"
    # 28–30 Sep (1–3), 8–10 Oct (4–6), 12 Oct (7).
    assert row["sampling_objection_due"] == "2026-10-12"
    assert row["clock_missing_year"] is None
    assert verify_audit(world.db).ok


def test_general_products_have_no_delivery_clock(world: World) -> None:
    sample_id = register(world, sampling_date=date(2026, 3, 2), production_date=date(2026, 3, 1))
    samples.receive_sample(world.tech, sample_id, date(2026, 3, 4))
    row = _row(world, sample_id)
    assert row["delivery_due"] is None and row["sampling_objection_due"] is None
    assert row["report_due_date"] == "2026-04-01"


def test_a_clock_into_an_unknown_year_waits_then_the_import_computes_it(world: World) -> None:
    # Sampling dates cannot lie in the future; receipt is late in the last known year.
    sample_id = _food_sample(world, min(date(LAST, 12, 1), date.today()))
    samples.receive_sample(world.tech, sample_id, date(LAST, 12, 16))
    row = _row(world, sample_id)
    assert row["report_due_date"] is None and row["clock_missing_year"] == NEXT
    flt = summary.SummaryFilter()
    assert summary.clock_counts(world.db, flt, today=date(LAST, 12, 16)).waiting_calendar == 1
    lines = {c.key: c for c in clocks.sample_clock_lines(world.db, sample_id, date(LAST, 12, 16))}
    assert lines["calendar"].status == "waiting_calendar" and lines["calendar"].due == str(NEXT)

    outcome = calendar_import.import_calendar(world.manager, NEXT_CALENDAR.encode(), "n.csv")
    assert (outcome.year, outcome.holidays, outcome.clocks_updated) == (NEXT, 1, 1)
    row = _row(world, sample_id)
    assert row["clock_missing_year"] is None and str(row["report_due_date"]).startswith(str(NEXT))
    years = {y["year"]: y for y in calendars.year_list(world.db)}
    assert years[NEXT]["origin"] == "imported" and years[LAST]["origin"] == "package"
    assert verify_audit(world.db).ok


def test_reimport_same_file_changes_nothing_and_another_replaces_it(world: World) -> None:
    first = calendar_import.import_calendar(world.manager, NEXT_CALENDAR.encode())
    before = snapshot(world.db)
    again = calendar_import.import_calendar(world.manager, NEXT_CALENDAR.encode())
    assert again.unchanged and snapshot(world.db) == before
    other = NEXT_CALENDAR + f"{NEXT}-01-04,holiday,test\n"
    replaced = calendar_import.import_calendar(world.manager, other.encode())
    assert replaced.replaced and not first.replaced
    rows = world.db.query("SELECT state, replaced_by FROM calendar_years ORDER BY id")
    assert [r["state"] for r in rows] == ["replaced", "current"]
    assert world.db.scalar("SELECT count(*) FROM calendar_days") == 3  # old days kept
    assert not calendars.centre_calendar(world.db).is_working_day(date(NEXT, 1, 4))
    assert verify_audit(world.db).ok


def test_a_bad_calendar_file_is_refused_naming_the_row_and_writes_nothing(world: World) -> None:
    before = snapshot(world.db)
    with pytest.raises(CalendarFileError, match="第 5 行"):
        calendar_import.import_calendar(
            world.manager, (NEXT_CALENDAR + f"{NEXT}-01-01,holiday\n").encode()
        )
    assert snapshot(world.db) == before


def test_an_import_of_a_package_year_reports_where_it_differs(world: World) -> None:
    text = f"year,{LAST}\ndate,kind,name\n{LAST}-01-01,holiday,元旦\n"
    outcome = calendar_import.import_calendar(world.manager, text.encode())
    assert outcome.differs_from_package  # the package knows the whole year's holidays
    assert all(d.year == LAST for d in outcome.differs_from_package)


def test_the_notification_day_moves_the_windows(world: World) -> None:
    from tests.services.clockkit import failed_sample

    sample_id = failed_sample(world)
    concluded = date.fromisoformat(str(_row(world, sample_id)["concluded_on"]))
    with pytest.raises(ValidationError, match="早于"):
        clocks.record_notification(world.manager, sample_id, date(2000, 1, 1))
    before = _row(world, sample_id)["reinspection_due"]
    later = date.fromordinal(concluded.toordinal() + 3)
    if not calendars.centre_calendar(world.db).knows(later.year):
        pytest.skip("the calendar of the coming year is not known yet")
    clocks.record_notification(world.manager, sample_id, later)
    row = _row(world, sample_id)
    assert row["notified_on"] == later.isoformat()
    assert before is None or str(row["reinspection_due"] or "9") > str(before)
    assert verify_audit(world.db).ok


def test_refresh_all_after_an_upgrade_is_idempotent(world: World) -> None:
    register(world, sampling_date=date(2026, 3, 2), production_date=date(2026, 3, 1))
    assert clocks.refresh_all(world.manager) == 0
    assert verify_audit(world.db).ok


def test_a_corrected_report_approved_again_keeps_the_first_conclusion_day(world: World) -> None:
    """Issue 17 follow-up: the 复检 window runs from the first conclusion notified; a
    correction approved later must not restart it (nor the report clock)."""
    from labdesk.services import report_issues, results, workflow
    from tests.services.clockkit import reviewed_sample
    from tests.services.recordkit import item_ids

    sample_id = reviewed_sample(
        world,
        value="9",
        sampling_date=date(2026, 3, 2),
        production_date=date(2026, 3, 1),
        received=date(2026, 3, 4),
    )
    with world.db.write(world.manager.actor) as w:
        workflow.approve_in(w, sample_id, on=date(2026, 3, 20))
    first = _row(world, sample_id)
    assert first["concluded_on"] == "2026-03-20" and first["reinspection_due"]

    report_issues.open_correction(world.manager, sample_id, "检验结果录入错误")
    samples.start_testing(world.tech, sample_id)
    for item in item_ids(world, sample_id):
        results.enter_result(world.tech, item, "8", reason="复核原始记录")
    workflow.submit(world.tech, sample_id)
    workflow.review(world.reviewer, sample_id)
    workflow.approve(world.manager, sample_id)  # today, months later
    again = _row(world, sample_id)
    assert again["state"] == "approved"
    assert again["concluded_on"] == "2026-03-20"
    assert again["reinspection_due"] == first["reinspection_due"]
    assert again["objection_due"] == first["objection_due"]
    assert len(report_issues.report_history(world.db, sample_id)) == 2
    assert verify_audit(world.db).ok
