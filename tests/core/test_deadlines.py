"""The statutory clocks of a sample on the official calendar."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.deadlines import (
    ClockFacts,
    delivery_due,
    objection_window_end,
    reinspection_window_end,
    report_due,
    sample_clocks,
)
from labdesk.core.workcalendar import WorkCalendar, YearCalendar, package_calendar, package_years

CAL = package_calendar()
LAST = package_years()[-1]


def test_food_clocks_around_national_day_2025() -> None:
    # Sampled Fri 26 Sep: Sun 28 Sep was worked, 1–8 Oct were off → delivery by Fri 10 Oct.
    assert delivery_due(date(2025, 9, 26), CAL) == date(2025, 10, 10)
    # Received Tue 30 Sep: counting starts Thu 9 Oct, Sat 11 Oct was worked → Tue 4 Nov.
    assert report_due(date(2025, 9, 30), CAL) == date(2025, 11, 4)
    # 9, 10, 11, 13, 14, 15, 16 October.
    assert reinspection_window_end(date(2025, 9, 30), True, CAL) == date(2025, 10, 16)
    assert objection_window_end(date(2025, 9, 30), CAL) == date(2025, 10, 16)


def test_general_products_fifteen_calendar_days_moved_off_rest_days() -> None:
    # Received 2026-09-16: day 15 is Thu 1 Oct, inside the 1–7 Oct holiday → Thu 8 Oct.
    assert reinspection_window_end(date(2026, 9, 16), False, CAL) == date(2026, 10, 8)
    # A plain weekday end stays where it is.
    assert reinspection_window_end(date(2026, 3, 2), False, CAL) == date(2026, 3, 17)


def test_sample_clocks_food_and_general() -> None:
    facts = ClockFacts(
        food=True,
        sampling_date=date(2026, 3, 2),
        received_date=date(2026, 3, 4),
        concluded_on=date(2026, 3, 20),
    )
    clocks = sample_clocks(facts, CAL)
    assert clocks.delivery_due == date(2026, 3, 9)
    assert clocks.report_due == date(2026, 4, 1)
    assert clocks.reinspection_due == date(2026, 3, 31)
    assert clocks.objection_due == date(2026, 3, 31)
    assert clocks.sampling_objection_due == date(2026, 3, 11)
    assert clocks.missing_year is None
    general = sample_clocks(ClockFacts(**{**facts.__dict__, "food": False}), CAL)
    assert general.delivery_due is None and general.objection_due is None
    assert general.reinspection_due == date(2026, 4, 7)  # 4 Apr–6 Apr: 清明 holiday
    # The windows run from the day the conclusion was received, once recorded.
    later = sample_clocks(ClockFacts(**{**facts.__dict__, "notified_on": date(2026, 3, 25)}), CAL)
    assert later.reinspection_due == date(2026, 4, 3)


def test_a_clock_into_an_unknown_year_waits_for_its_calendar() -> None:
    facts = ClockFacts(food=True, sampling_date=date(LAST, 12, 1), received_date=date(LAST, 12, 20))
    clocks = sample_clocks(facts, CAL)
    assert clocks.delivery_due is not None
    assert clocks.report_due is None and clocks.missing_year == LAST + 1
    year = YearCalendar(LAST + 1, {date(LAST + 1, 1, 1): "元旦"}, {}, "test data")
    after = sample_clocks(facts, WorkCalendar([year]))
    assert after.report_due is not None and after.missing_year is None


days = st.dates(date(2005, 1, 1), date(LAST, 9, 1))


@given(days)
def test_the_general_window_is_never_shorter_than_fifteen_days(day: date) -> None:
    end = reinspection_window_end(day, False, CAL)
    assert end >= day + timedelta(days=15) and CAL.is_working_day(end)


@given(days, days)
def test_windows_grow_with_their_start(a: date, b: date) -> None:
    early, late = sorted((a, b))
    for food in (True, False):
        assert reinspection_window_end(early, food, CAL) <= reinspection_window_end(late, food, CAL)
