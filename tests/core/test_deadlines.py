"""Deadline arithmetic: working days (Mon–Fri, no holiday calendar) and re-inspection windows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.deadlines import (
    add_working_days,
    is_working_day,
    reinspection_window_end,
    report_due,
    working_days_between,
)
from labdesk.core.errors import ValidationError

# 2026-11-02 is a Monday.
MON = date(2026, 11, 2)
FRI = date(2026, 11, 6)
SAT = date(2026, 11, 7)
SUN = date(2026, 11, 8)


def _brute_force(start: date, n: int) -> date:
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def test_calendar_assumption() -> None:
    assert MON.weekday() == 0 and SUN.weekday() == 6
    assert is_working_day(FRI) and not is_working_day(SAT) and not is_working_day(SUN)


def test_report_due_default_is_twenty_working_days() -> None:
    # Mon 2 Nov + 20 working days = four whole weeks = Mon 30 Nov.
    assert report_due(MON) == date(2026, 11, 30)
    # Received Friday: the count starts on Monday; the 20th working day is Fri 4 Dec.
    assert report_due(FRI) == date(2026, 12, 4)


def test_report_due_from_weekend() -> None:
    assert report_due(SAT, 1) == date(2026, 11, 9)
    assert report_due(SUN, 5) == date(2026, 11, 13)
    assert report_due(SAT, 20) == date(2026, 12, 4)


def test_zero_working_days_is_the_day_itself() -> None:
    assert report_due(SAT, 0) == SAT


def test_negative_working_days_rejected() -> None:
    with pytest.raises(ValidationError, match="0 or more"):
        report_due(MON, -1)


def test_reinspection_non_food_fifteen_calendar_days() -> None:
    # Tue 3 Nov + 15 = Wed 18 Nov.
    assert reinspection_window_end(date(2026, 11, 3), food=False) == date(2026, 11, 18)


def test_reinspection_non_food_rolls_off_a_weekend() -> None:
    # Thu 5 Nov + 15 = Fri 20 Nov; Fri 6 Nov + 15 = Sat 21 Nov → Mon 23 Nov.
    assert reinspection_window_end(date(2026, 11, 5), food=False) == date(2026, 11, 20)
    assert reinspection_window_end(FRI, food=False) == date(2026, 11, 23)
    assert reinspection_window_end(SAT, food=False) == date(2026, 11, 23)


def test_reinspection_food_seven_working_days() -> None:
    # Mon 2 Nov + 7 working days = Wed 11 Nov.
    assert reinspection_window_end(MON, food=True) == date(2026, 11, 11)
    # Fri 6 Nov: Mon..Fri (5) + Mon, Tue → Tue 17 Nov.
    assert reinspection_window_end(FRI, food=True) == date(2026, 11, 17)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 300))
def test_add_working_days_matches_day_by_day_count(start: date, n: int) -> None:
    due = add_working_days(start, n)
    assert due == _brute_force(start, n)
    if n:
        assert is_working_day(due)
        assert working_days_between(start, due) == n
        assert working_days_between(due, start) == -n


def test_working_days_between_same_day() -> None:
    assert working_days_between(MON, MON) == 0
    assert working_days_between(FRI, SUN) == 0
    assert working_days_between(FRI, date(2026, 11, 9)) == 1
