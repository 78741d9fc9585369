"""Backup sample retention: 3 / 6 months from the conclusion, capped at the shelf life."""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from labdesk.core.retention import add_months, retention_end


def test_months_as_the_civil_code_counts_them() -> None:
    assert add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 3, 15), 3) == date(2026, 6, 15)


def test_retention() -> None:
    assert retention_end(date(2026, 3, 15), failed=False) == date(2026, 6, 15)
    assert retention_end(date(2026, 3, 15), failed=True) == date(2026, 9, 15)
    assert retention_end(date(2026, 3, 15), True, date(2026, 5, 1)) == date(2026, 5, 1)
    assert retention_end(date(2026, 3, 15), False, date(2027, 1, 1)) == date(2026, 6, 15)


@given(st.dates(date(2000, 1, 1), date(2190, 1, 1)), st.integers(0, 24))
def test_add_months_lands_on_the_day_or_the_month_end(day: date, months: int) -> None:
    end = add_months(day, months)
    assert (end.year * 12 + end.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(end.year, end.month)[1]
    assert end.day == min(day.day, last)


@given(st.dates(date(2000, 1, 1), date(2190, 1, 1)), st.booleans(), st.none() | st.dates())
def test_retention_never_passes_the_shelf_life(day: date, failed: bool, shelf: date | None) -> None:
    end = retention_end(day, failed, shelf)
    assert end <= add_months(day, 6 if failed else 3)
    if shelf is not None:
        assert end <= shelf
    assert retention_end(day, False, shelf) <= retention_end(day, True, shelf)
