"""What the demo centre's data needs to show the newer features (helpers of `services.demo`).

- Tasks carry a 检验目的 and, for food sampling, the food flag, so the national sheet's
  purpose column is filled and SAMR Order 15's working-day clocks apply to food tasks.
- A modest share of samples is registered against leaf classes of the food library the
  program ships (its limits stay marked as sample data), under the food tasks.
- Open reports are spread over the report clock relative to the demo's today: some due
  this week, most not yet due, a few overdue — as a working lab's list looks.
- No demo date makes a clock fall in a year no calendar knows (`chinese-calendar` knows
  2004–2026; LabDesk ships no other year): the latest day any sample is sampled or
  received is the last one whose clocks can all be computed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from labdesk.core.deadlines import ClockFacts, sample_clocks
from labdesk.core.workcalendar import CalendarMissing, WorkCalendar
from labdesk.services.clock_counts import week_end
from labdesk.store.protocol import Store

# (category, 检验目的, food?) of the six quarterly tasks, in turn.
TASK_KINDS: tuple[tuple[str, str, bool], ...] = (
    ("监督抽检", "监督抽检", False),
    ("风险监测", "风险监测", True),
    ("专项", "评价性抽检", False),
    ("监督抽检", "抽检监测", True),
    ("风险监测", "风险监测", False),
    ("专项", "监督抽检", True),
)

# Leaf classes of the shipped food library with several items each, and the names the
# samples take (the sample's name as typed on the sampling form).
FOOD_PRODUCTS: dict[str, tuple[str, ...]] = {
    "大米": ("大米", "粳米", "籼米"),
    "韭菜": ("韭菜",),
    "菠菜": ("菠菜",),
    "芹菜": ("芹菜", "西芹"),
    "番茄": ("番茄", "樱桃番茄"),
    "黄瓜": ("黄瓜",),
    "鸡肉": ("鸡胸肉", "鸡腿"),
}
# Failure propensity of food classes (domain.md: pesticides on chives, metals in rice).
FOOD_FAIL = {"韭菜": "0.40", "大米": "0.30", "芹菜": "0.20"}
FOOD_HOT_ITEMS = {"韭菜": ("克百威", "氧乐果"), "大米": ("镉",), "芹菜": ("氧乐果",)}

OPEN_RECEIVED = ("received", "testing", "submitted", "reviewed", "returned")
_LOOKBACK = 60  # days searched back from today for the latest computable day


def food_classes(db: Store) -> list[tuple[str, str]]:
    """(code, name) of the leaf classes in `FOOD_PRODUCTS` the database's library has."""
    rows = db.query(
        "SELECT c.code, c.name FROM food_classes AS c WHERE NOT EXISTS "
        "(SELECT 1 FROM food_classes AS d WHERE d.parent_code = c.code) ORDER BY c.code"
    )
    return [(str(r[0]), str(r[1])) for r in rows if str(r[1]) in FOOD_PRODUCTS]


def food_indices(samples: int, seed: int) -> set[int]:
    """Which samples are food samples: one in eight, at most 40, spread over all ages
    (so over every workflow state). Its own random stream: the rest of the demo keeps
    the same draws whatever this picks."""
    count = min(40, samples // 8)
    return set(random.Random(f"demo-food-{seed}").sample(range(samples), count))


def latest_day(today: date, calendar: WorkCalendar) -> date:
    """The last day ≤ today on which a sample can be sampled, received and concluded with
    every clock (food or not) inside a known calendar year; `today` if none within
    `_LOOKBACK` days (then the app's own refusal shows: the clocks wait for the year)."""
    for back in range(_LOOKBACK):
        day = today - timedelta(days=back)
        concluded = min(today, day + timedelta(days=14))
        facts = [
            ClockFacts(food=food, sampling_date=day, received_date=day, concluded_on=concluded)
            for food in (True, False)
        ]
        if all(sample_clocks(f, calendar).missing_year is None for f in facts):
            return day
    return today


def _report_due(day: date, calendar: WorkCalendar) -> date | None:
    try:
        return sample_clocks(ClockFacts(food=False, received_date=day), calendar).report_due
    except CalendarMissing:
        return None


def receipt_plan(
    states: list[str],
    dates: list[date],
    today: date,
    latest: date,
    calendar: WorkCalendar,
    seed: int,
) -> dict[int, date]:
    """Receipt days for the open reports (index → day), with `dates` moved to match.

    About 30 % are received so that their report falls due this week (today through
    Sunday), 55 % recently enough not to be due yet (due this week too when every later
    due date would fall in a year no calendar knows), and the rest keep their older dates
    (overdue). Registered samples were sampled in the last week. Draws from its own
    random stream, so the rest of the demo keeps its draws."""
    rng = random.Random(f"demo-receipts-{seed}")
    end = week_end(today)
    due_week: list[date] = []
    not_due: list[date] = []
    for back in range(45):
        day = latest - timedelta(days=back)
        due = _report_due(day, calendar)
        if due is None:
            continue
        if today <= due <= end:
            due_week.append(day)
        elif due > end:
            not_due.append(day)
    plan: dict[int, date] = {}
    for index, state in enumerate(states):
        if state == "registered":
            dates[index] = latest - timedelta(days=rng.randint(0, 6))
            continue
        if state not in OPEN_RECEIVED:
            continue
        draw = rng.random()
        # Near the year's end nothing received by `latest` is due after this week.
        pool = due_week if draw < 0.3 else (not_due or due_week) if draw < 0.85 else []
        if not pool:
            continue
        received = rng.choice(pool)
        plan[index] = received
        dates[index] = received - timedelta(days=rng.randint(0, 2))
    return plan
