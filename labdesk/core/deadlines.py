"""The statutory clocks of a sample, on the official working-day calendar (Qt-free).

Which law applies follows the task's food flag (`tasks.food`):

=====================  ==================================  ===============================
clock                  food (食品安全抽样检验管理办法,      general products (产品质量法,
                       SAMR Order 15 of 2019)              SAMR Order 18 of 2019)
=====================  ==================================  ===============================
delivery to the lab    5 working days after sampling       — (no clock known)
report due             20 working days after receipt       20 working days after receipt
                                                           (the centre's default: no
                                                           statutory period found)
re-inspection (复检)    7 working days after the            15 days after the result is
                       conclusion is received              received (calendar days; a last
                       (食品安全法 art. 88)                  day on a rest day moves to the
                                                           next working day, Civil Code
                                                           art. 203)
objection (异议)        7 working days: after sampling     — (an objection to the result
                       ends (about the sampling), after    is the 15-day 复检 application)
                       the result is received (others)
=====================  ==================================  ===============================

The 24-hour report (24小时限时报告) is a report class of the national sampling system for
results that may cause serious harm; no statutory basis was found, so its 24 hours are the
system's rule and LabDesk counts them from the issue of the report (approval) to its
leaving the lab in a batch (`URGENT_HOURS`). Article numbers of Order 15 are not printed:
they come from secondary sources (docs/clocks.md).

Periods are counted as Chinese law counts them (Civil Code art. 201): the day of the
event is not counted. A clock whose end falls in a year nobody has the calendar of is
left open (None) and the year is reported (`SampleClocks.missing_year`): it is computed
once that year's calendar is imported, never guessed from weekdays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from labdesk.core.workcalendar import CalendarMissing, WorkCalendar

FOOD_DELIVERY_WORKING_DAYS = 5
REPORT_WORKING_DAYS = 20
FOOD_REINSPECTION_WORKING_DAYS = 7
FOOD_OBJECTION_WORKING_DAYS = 7
#: Product Quality Law art. 15: re-inspection within 15 days of receiving the result.
REINSPECTION_DAYS = 15
URGENT_HOURS = 24


@dataclass(frozen=True)
class ClockFacts:
    """What a sample's clocks run from. `notified_on` is the day the sampled unit received
    the conclusion (结论送达日); until it is recorded the windows run from `concluded_on`
    (the approval day), the earliest day it can have been received."""

    food: bool
    sampling_date: date | None = None
    received_date: date | None = None
    concluded_on: date | None = None
    notified_on: date | None = None


@dataclass(frozen=True)
class SampleClocks:
    delivery_due: date | None = None
    report_due: date | None = None
    reinspection_due: date | None = None
    objection_due: date | None = None  # about the result
    sampling_objection_due: date | None = None  # about the sampling itself
    #: The earliest year whose calendar was missing for a clock left None, else None.
    missing_year: int | None = None


def report_due(received: date, calendar: WorkCalendar) -> date:
    """Report due: 20 working days after the sample was received."""
    return calendar.add_working_days(received, REPORT_WORKING_DAYS)


def delivery_due(sampled: date, calendar: WorkCalendar) -> date:
    """Food: the sample reaches the laboratory within 5 working days of sampling."""
    return calendar.add_working_days(sampled, FOOD_DELIVERY_WORKING_DAYS)


def reinspection_window_end(notified: date, food: bool, calendar: WorkCalendar) -> date:
    """Last day on which the producer or seller may apply for re-inspection (复检)."""
    if food:
        return calendar.add_working_days(notified, FOOD_REINSPECTION_WORKING_DAYS)
    return calendar.next_working_day(notified + timedelta(days=REINSPECTION_DAYS))


def objection_window_end(start: date, calendar: WorkCalendar) -> date:
    """Food: an objection within 7 working days (of the end of sampling, or of receipt)."""
    return calendar.add_working_days(start, FOOD_OBJECTION_WORKING_DAYS)


def sample_clocks(facts: ClockFacts, calendar: WorkCalendar) -> SampleClocks:
    """Every clock of one sample that its facts allow; unknown years leave clocks None."""
    missing: list[int] = []

    def attempt(compute: Callable[..., date], *args: object) -> date | None:
        try:
            return compute(*args)
        except CalendarMissing as exc:
            missing.append(exc.year)
            return None

    window_from = facts.notified_on or facts.concluded_on
    clocks = SampleClocks(
        delivery_due=(
            attempt(delivery_due, facts.sampling_date, calendar)
            if facts.food and facts.sampling_date
            else None
        ),
        report_due=(
            attempt(report_due, facts.received_date, calendar) if facts.received_date else None
        ),
        reinspection_due=(
            attempt(reinspection_window_end, window_from, facts.food, calendar)
            if window_from
            else None
        ),
        objection_due=(
            attempt(objection_window_end, window_from, calendar)
            if facts.food and window_from
            else None
        ),
        sampling_objection_due=(
            attempt(objection_window_end, facts.sampling_date, calendar)
            if facts.food and facts.sampling_date
            else None
        ),
    )
    if missing:
        return SampleClocks(**{**clocks.__dict__, "missing_year": min(missing)})
    return clocks
