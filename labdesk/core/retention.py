"""How long a sealed backup sample (复检备份样品) is kept (Qt-free).

Food sampling keeps the backup sample sealed for 3 months if the sample passed and 6 months
if it failed, counted from the day the conclusion is made (自检验结论作出之日起); when less
shelf life remains, until the end of the shelf life (domain.md, statutory clocks). A
sample concluded "not judged" (report-only items) has no failure: 3 months.

Months are counted as the Civil Code counts them (art. 202): the period ends on the
corresponding day of the last month, or on that month's last day when it has none
(31 January + 3 months = 30 April).
"""

from __future__ import annotations

import calendar
from datetime import date

PASSED_MONTHS = 3
FAILED_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` later (the month's last day when there is none)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def retention_end(concluded_on: date, failed: bool, shelf_life_end: date | None = None) -> date:
    """The last day the backup sample must be kept."""
    end = add_months(concluded_on, FAILED_MONTHS if failed else PASSED_MONTHS)
    if shelf_life_end is not None and shelf_life_end < end:
        return shelf_life_end
    return end
