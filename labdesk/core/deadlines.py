"""Deadline arithmetic for the dashboard and services: plain dates in, plain dates out.

No holiday calendar: a "working day" here is Monday to Friday. China's public holidays
and the weekend days swapped around them (调休) are set by a State Council notice each
year, so a fixed list would be wrong within a year; the result is therefore a lower bound
around holidays (a real deadline can fall later, never earlier). Periods are counted the
way Chinese law counts them (Civil Code art. 201): the day of the triggering event is not
counted, the period starts the next day.
"""

from __future__ import annotations

from datetime import date, timedelta

from labdesk.core.errors import ValidationError

#: Product Quality Law art. 15: re-inspection may be requested within 15 days of receipt.
REINSPECTION_DAYS = 15
#: Food: 7 working days (SAMR Order 15 (2019), 食品安全抽样检验管理办法 — (verify)).
FOOD_REINSPECTION_WORKING_DAYS = 7
#: Typical report deadline after the sample is received (verify against the task's rules).
REPORT_WORKING_DAYS = 20


def is_working_day(day: date) -> bool:
    """Monday–Friday (no holiday calendar; see the module docstring)."""
    return day.weekday() < 5


def add_working_days(start: date, working_days: int) -> date:
    """The `working_days`-th working day after `start` (`start` itself is not counted).

    Zero returns `start` unchanged, even on a weekend.
    """
    if working_days < 0:
        raise ValidationError("working_days", "non-negative", "working days must be 0 or more")
    # Whole weeks first so that long periods cost nothing; then step the rest.
    weeks, rest = divmod(working_days, 5)
    day = start + timedelta(weeks=weeks)
    if weeks and not is_working_day(start):
        # From a weekend day, n·5 working days end on the Friday n weeks on, not the weekend.
        day -= timedelta(days=day.weekday() - 4)
    while rest:
        day += timedelta(days=1)
        if is_working_day(day):
            rest -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def report_due(received: date, working_days: int = REPORT_WORKING_DAYS) -> date:
    """Date the test report is due: `working_days` working days after `received`.

    Weekends are skipped; public holidays are not known (module docstring), so around
    Spring Festival or National Day the real deadline is later than this date.
    """
    return add_working_days(received, working_days)


def reinspection_window_end(notified: date, food: bool) -> date:
    """Last day on which the producer or seller may request re-inspection (复检).

    Non-food products: 15 calendar days after receiving the result (Product Quality Law
    art. 15), and — as Civil Code art. 203 says — when that last day is a rest day, the
    period ends on the next working day (only weekends are known here).

    Food: 7 working days after receipt (SAMR Order 15 of 2019 — marked (verify)
    in the domain brief: confirm against the official text before relying on it).
    """
    if food:
        return add_working_days(notified, FOOD_REINSPECTION_WORKING_DAYS)
    end = notified + timedelta(days=REINSPECTION_DAYS)
    while not is_working_day(end):
        end += timedelta(days=1)
    return end
