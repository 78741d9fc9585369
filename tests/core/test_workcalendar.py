"""Working days on the official calendar: the package's years, imported years, refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.errors import ValidationError
from labdesk.core.workcalendar import (
    CalendarMissing,
    WorkCalendar,
    YearCalendar,
    due,
    package_calendar,
    package_years,
)

FIRST, LAST = package_years()[0], package_years()[-1]
known_days = st.dates(date(FIRST, 1, 1), date(LAST, 10, 1))


def test_the_issue_example_national_day_2025() -> None:
    # Sep 28 (a Sunday) was a make-up working day; Oct 1–8 were holidays.
    assert due(date(2025, 9, 26), 5) == date(2025, 10, 10)
    cal = package_calendar()
    assert cal.is_working_day(date(2025, 9, 28))
    assert not any(cal.is_working_day(date(2025, 10, d)) for d in range(1, 9))


def test_spring_festival_2026_and_its_make_up_days() -> None:
    cal = package_calendar()
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday worked
    assert not cal.is_working_day(date(2026, 2, 16))  # Monday off
    assert cal.is_working_day(date(2026, 2, 28))


def test_the_installed_package_knows_the_current_years() -> None:
    assert FIRST <= 2004 and LAST >= 2026
    assert list(package_years()) == list(range(FIRST, LAST + 1))


def test_a_year_nobody_knows_is_refused_never_weekdays() -> None:
    beyond = LAST + 1
    with pytest.raises(CalendarMissing) as caught:
        due(date(LAST, 12, 20), 20)
    assert caught.value.year == beyond
    assert str(beyond) in str(caught.value)
    with pytest.raises(CalendarMissing):
        package_calendar().is_working_day(date(FIRST - 1, 6, 1))


def test_an_imported_year_is_used_and_overrides_the_package() -> None:
    beyond = LAST + 1
    jan1 = date(beyond, 1, 1)
    imported = YearCalendar(beyond, {jan1: "元旦"}, {}, "test notice")
    cal = WorkCalendar([imported])
    assert cal.knows(beyond) and not package_calendar().knows(beyond)
    assert cal.known_years()[beyond] == "test notice"
    first_working = jan1 + timedelta(days=1)
    while first_working.weekday() >= 5:
        first_working += timedelta(days=1)
    assert cal.add_working_days(date(beyond - 1, 12, 31), 1) == first_working
    # Overriding a package year: here a weekday declared a holiday.
    day = date(2026, 3, 3)
    assert package_calendar().is_working_day(day)
    override = WorkCalendar([YearCalendar(2026, {day: "test"}, {})])
    assert not override.is_working_day(day)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValidationError):
        due(date(2026, 1, 5), -1)


@given(known_days, st.integers(min_value=1, max_value=60))
def test_due_is_a_working_day_after_start(start: date, n: int) -> None:
    end = due(start, n)
    cal = package_calendar()
    assert end > start
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n


@given(known_days, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_due_is_monotone_in_the_count(start: date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert due(start, low) <= due(start, high)
    if low < high:
        assert due(start, low) < due(start, high)


@given(known_days, known_days, st.integers(min_value=1, max_value=30))
def test_due_is_monotone_in_the_start(a: date, b: date, n: int) -> None:
    early, late = sorted((a, b))
    assert due(early, n) <= due(late, n)


@given(st.integers(min_value=LAST + 1, max_value=2200), st.integers(1, 12), st.integers(1, 28))
def test_every_unknown_year_is_refused(year: int, month: int, day: int) -> None:
    with pytest.raises(CalendarMissing):
        package_calendar().is_working_day(date(year, month, day))


@given(known_days, st.integers(min_value=1, max_value=30))
def test_due_matches_counting_day_by_day(start: date, n: int) -> None:
    cal = package_calendar()
    day, left = start, n
    while left:
        day += timedelta(days=1)
        left -= cal.is_working_day(day)
    assert due(start, n) == day
