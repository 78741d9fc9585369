"""Risk alerts: an item's failure rate in one product class and city against its own history.

Method (named in every alert, `METHOD`): for each cell (test item × product class × city)
the last `WINDOW` months ending at the evaluation month are compared with the `HISTORY`
months before them by a **one-sided Fisher exact test** — under "no change", the window's
failures are a hypergeometric draw from all failures of window + history, and the p-value
is the chance of at least as many failures in the window. The p-values of all cells tested
that month are then corrected for the number of cells by **Benjamini–Hochberg** at a false
discovery rate `FDR` (5 %); a cell whose adjusted value (q) is at most 5 % is an alert. A
cell is tested when it has at least `MIN_HISTORY` judged results in its history and
`MIN_WINDOW` in the window — sizes only, never its failures, so that the choice of cells
cannot bias the correction.

Arithmetic: counts are integers; the p-value is computed exactly as a fraction of binomial
coefficients (`math.comb`), Benjamini–Hochberg compares exact fractions, and what is
reported is a Decimal to four significant figures. No float anywhere. docs/province.md
gives the measured false-alarm rate and detection delay (`labdesk.province.alert_sim`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import comb
from typing import Any

from labdesk.province import regions
from labdesk.province.evidence import SAMPLE_COLUMNS, SAMPLE_FROM, SampleRef, sample_ref
from labdesk.province.scope import centre_regions
from labdesk.services.summary import Rate

WINDOW = 3
HISTORY = 12
FDR = Fraction(5, 100)
MIN_HISTORY = 10
MIN_WINDOW = 5
METHOD = (
    f"one-sided Fisher exact test, last {WINDOW} months vs the previous {HISTORY} months of "
    f"the same item × class × city; Benjamini–Hochberg FDR {FDR * 100}% across the cells tested"
)
METHOD_ID = "fisher-exact-vs-own-history+benjamini-hochberg"

Cell = tuple[str, str, str]  # item, class (category code), city code
Series = Mapping[str, tuple[int, int]]  # month "YYYY-MM" → (tested, failed)


def month_add(month: str, delta: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def fisher_greater(x: int, window: int, failures: int, total: int) -> Fraction:
    """P(X ≥ x) for X hypergeometric: `window` draws from `total` results of which
    `failures` failed (exact)."""
    top = min(window, failures)
    if x > top:
        return Fraction(0)
    hits = sum(comb(failures, k) * comb(total - failures, window - k) for k in range(x, top + 1))
    return Fraction(hits, comb(total, window))


def benjamini_hochberg(p_values: list[Fraction], fdr: Fraction = FDR) -> list[Fraction]:
    """BH-adjusted values (q), in the input order; reject where q ≤ fdr."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [Fraction(1)] * m
    running = Fraction(1)
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = min(running, Fraction(1))
    return adjusted


def decimal_of(value: Fraction, digits: int = 4) -> Decimal:
    """A fraction as a Decimal to `digits` significant figures (exact until then)."""
    if value == 0:
        return Decimal(0)
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(f"{number:.{digits - 1}e}")


@dataclass(frozen=True)
class CellTest:
    cell: Cell
    window: tuple[int, int]  # tested, failed
    history: tuple[int, int]
    p_value: Fraction
    q_value: Fraction = Fraction(1)

    @property
    def alert(self) -> bool:
        return self.q_value <= FDR


def _sum(series: Series, first: str, last: str) -> tuple[int, int]:
    tested = failed = 0
    month = first
    while month <= last:
        t, f = series.get(month, (0, 0))
        tested, failed = tested + t, failed + f
        month = month_add(month, 1)
    return tested, failed


def evaluate(cells: Mapping[Cell, Series], month: str) -> list[CellTest]:
    """Every cell that qualifies for a test in the window ending at `month`, with p and q."""
    window_first = month_add(month, -(WINDOW - 1))
    history = (month_add(window_first, -HISTORY), month_add(window_first, -1))
    tests: list[CellTest] = []
    for cell, series in cells.items():
        n_w, x = _sum(series, window_first, month)
        n_h, f_h = _sum(series, *history)
        if n_h < MIN_HISTORY or n_w < MIN_WINDOW:
            continue
        p = fisher_greater(x, n_w, x + f_h, n_w + n_h)
        tests.append(CellTest(cell, (n_w, x), (n_h, f_h), p))
    q = benjamini_hochberg([t.p_value for t in tests])
    return [
        CellTest(t.cell, t.window, t.history, t.p_value, q_i)
        for t, q_i in zip(tests, q, strict=True)
    ]


def cell_series(store: Any) -> tuple[dict[Cell, dict[str, tuple[int, int]]], dict[str, str]]:
    """The item counts of every placed city cell, and the class names."""
    rows = store.query(
        "SELECT i.centre_code, i.unit_region, i.item, i.category_code, i.month, "
        "SUM(i.tested), SUM(i.failed) FROM hq_item_counts i "
        "GROUP BY i.centre_code, i.unit_region, i.item, i.category_code, i.month"
    )
    centres = centre_regions(store)
    cells: dict[Cell, dict[str, tuple[int, int]]] = {}
    for centre, unit, item, category, month, tested, failed in rows:
        centre_region = centres.get(str(centre), "")
        placement = regions.place(str(unit), centre_region) if centre_region else None
        if placement is None or not placement.city:
            continue  # quarantined, outside the province, or known only province-wide
        series = cells.setdefault((str(item), str(category), placement.city), {})
        t, f = series.get(str(month), (0, 0))
        series[str(month)] = (t + int(tested), f + int(failed))
    names = dict(
        store.query("SELECT category_code, MIN(category) FROM hq_samples GROUP BY category_code")
    )
    return cells, {str(k): str(v) for k, v in names.items()}


@dataclass(frozen=True)
class Alert:
    test: CellTest
    class_name: str
    month: str
    tests: int  # cells tested that month (the m of the correction)
    samples: list[SampleRef]

    @property
    def item(self) -> str:
        return self.test.cell[0]

    @property
    def category(self) -> str:
        return self.test.cell[1]

    @property
    def region(self) -> str:
        return self.test.cell[2]

    def as_json(self) -> dict[str, Any]:
        first = month_add(self.month, -(WINDOW - 1))
        (n_w, x), (n_h, f_h) = self.test.window, self.test.history

        def rate(part: int, whole: int) -> str | None:
            value = Rate(part, whole).percent(2)
            return None if value is None else str(value)

        return {
            "item": self.item,
            "class": self.category,
            "class_name": self.class_name,
            "region": self.region,
            "region_name": regions.name(self.region),
            "method": METHOD_ID,
            "method_text": METHOD,
            "figures": {
                "window": {
                    "from": first,
                    "to": self.month,
                    "tested": n_w,
                    "failed": x,
                    "fail_rate": rate(x, n_w),
                },
                "history": {
                    "from": month_add(first, -HISTORY),
                    "to": month_add(first, -1),
                    "tested": n_h,
                    "failed": f_h,
                    "fail_rate": rate(f_h, n_h),
                },
                "p_value": str(decimal_of(self.test.p_value)),
                "q_value": str(decimal_of(self.test.q_value)),
                "fdr": str(Decimal(FDR.numerator) / FDR.denominator),
                "cells_tested": self.tests,
            },
            "samples": [s.as_json() for s in self.samples],
        }


def latest_month(store: Any) -> str | None:
    value = store.scalar("SELECT MAX(month) FROM hq_item_counts")
    return None if value is None else str(value)


def _evidence(store: Any, cell: Cell, first: str, last: str) -> list[SampleRef]:
    item, category, city = cell
    rows = store.query(
        f"SELECT {SAMPLE_COLUMNS}{SAMPLE_FROM} WHERE s.category_code = ? AND s.month >= ? "
        "AND s.month <= ? AND s.verdict = 'fail' ORDER BY s.sampling_date, s.sample_id",
        (category, first, last),
    )
    regions_of = centre_regions(store)
    found = []
    for row in rows:
        ref = sample_ref(row)
        placement = regions.place(ref.unit_region, regions_of.get(ref.centre_code, "") or "-")
        if placement is not None and placement.city == city and item in ref.failing_items:
            found.append(ref)
    return found


@dataclass(frozen=True)
class AlertsReport:
    month: str | None
    alerts: list[Alert]
    tested: list[CellTest]


def alerts(store: Any, month: str | None = None) -> AlertsReport:
    """The alerts of the window ending at `month` (default: the latest month received)."""
    month = month or latest_month(store)
    if month is None:
        return AlertsReport(None, [], [])
    cells, names = cell_series(store)
    tested = evaluate(cells, month)
    first = month_add(month, -(WINDOW - 1))
    found = [
        Alert(t, names.get(t.cell[1], t.cell[1]), month, len(tested),
              _evidence(store, t.cell, first, month))
        for t in sorted(tested, key=lambda t: (t.q_value, t.p_value, t.cell))
        if t.alert
    ]  # fmt: skip
    return AlertsReport(month, found, tested)


def report_json(report: AlertsReport) -> dict[str, Any]:
    return {
        "month": report.month,
        "method": METHOD_ID,
        "method_text": METHOD,
        "cells_tested": len(report.tested),
        "alerts": [a.as_json() for a in report.alerts],
    }
