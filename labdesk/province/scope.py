"""What a province figure covers: a period (and the one before it), filters, exclusions.

Every figure the province shows says what it left out and why (`Exclusions`): samples
whose centre has no known region (batches of `labdesk-batch/1` only), samples neither
the sampled unit's nor the centre's code places in the province, samples not judged,
tasks without a stated level (for the by-level figures), enterprise codes that are
missing or fail GB 32100 (for credit). Nothing excluded is dropped silently.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from labdesk.core.errors import ValidationError

# Exclusion reasons: stable codes (JSON, CLI) → what they mean (docs/province.md).
EXCLUSION_REASONS: dict[str, str] = {
    "centre-no-region": "the centre's region is unknown (only labdesk-batch/1 batches so far)",
    "region-outside": "neither the sampled unit's nor the centre's code is in the province",
    "not-judged": "the sample was not judged (report-only items)",
    "level-not-stated": "the task states no organising level",
    "uscc-missing": "the sample names no 统一社会信用代码",
    "uscc-invalid": "the 统一社会信用代码 fails GB 32100",
}
TASK_LEVELS = ("国家级", "省级", "市级", "县级")

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """Sampling dates from `start` to `end` inclusive (None = open); `kind` says how the
    previous period is found: year, quarter, month, range (same length, just before), all."""

    start: date | None
    end: date | None
    kind: str
    label: str

    @staticmethod
    def everything() -> Period:
        return Period(None, None, "all", "all")

    def previous(self) -> Period | None:
        if self.start is None or self.end is None:
            return None
        if self.kind == "year":
            return parse_period(str(self.start.year - 1))
        if self.kind == "quarter":
            year, quarter = self.start.year, (self.start.month - 1) // 3 + 1
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
            return parse_period(f"{year}-Q{quarter}")
        if self.kind == "month":
            year, month = self.start.year, self.start.month
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            return parse_period(f"{year}-{month:02d}")
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        start = end - length
        return Period(start, end, "range", f"{start.isoformat()}..{end.isoformat()}")

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "from": None if self.start is None else self.start.isoformat(),
            "to": None if self.end is None else self.end.isoformat(),
        }


def _month_end(year: int, month: int) -> date:
    first_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_next - timedelta(days=1)


def parse_period(text: str) -> Period:
    """`2026`, `2026-Q3`, `2026-07` or `all`; anything else is refused naming the forms."""
    text = text.strip()
    if text in ("", "all"):
        return Period.everything()
    if m := _YEAR.match(text):
        year = int(m[1])
        return Period(date(year, 1, 1), date(year, 12, 31), "year", text)
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * quarter - 2
        return Period(date(year, first, 1), _month_end(year, first + 2), "quarter", text)
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        year, month = int(m[1]), int(m[2])
        return Period(date(year, month, 1), _month_end(year, month), "month", text)
    raise ValidationError("period", "format", f"period {text!r}: use YYYY, YYYY-Qn, YYYY-MM or all")


def date_range(start: date, end: date) -> Period:
    if end < start:
        raise ValidationError("to", "after_from", "the period ends before it starts")
    return Period(start, end, "range", f"{start.isoformat()}..{end.isoformat()}")


@dataclass(frozen=True)
class Scope:
    """The samples a figure counts: a period and optional filters (exact values)."""

    period: Period = field(default_factory=Period.everything)
    category: str = ""  # product class (category_code)
    level: str = ""  # organising level of the task
    task_category: str = ""  # 监督抽检 / 风险监测 / 专项

    def with_period(self, period: Period) -> Scope:
        return Scope(period, self.category, self.level, self.task_category)

    def where(self, alias: str = "s") -> tuple[str, list[Any]]:
        """SQL conditions on hq_samples (`alias`) and their parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.period.start is not None:
            clauses.append(f"{alias}.sampling_date >= ?")
            params.append(self.period.start.isoformat())
        if self.period.end is not None:
            clauses.append(f"{alias}.sampling_date <= ?")
            params.append(self.period.end.isoformat())
        for column, value in (
            ("category_code", self.category),
            ("org_level", self.level),
            ("task_category", self.task_category),
        ):
            if value:
                clauses.append(f"{alias}.{column} = ?")
                params.append(value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period.as_json(),
            "class": self.category or None,
            "level": self.level or None,
            "task_category": self.task_category or None,
        }


@dataclass
class Exclusions:
    """Samples left out of a figure, by reason code."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, reason: str, count: int = 1) -> None:
        self.counts[reason] += count

    def total(self) -> int:
        return sum(self.counts.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total(),
            "by_reason": [
                {"reason": reason, "samples": count, "meaning": EXCLUSION_REASONS[reason]}
                for reason, count in sorted(self.counts.items())
            ],
        }


def centre_regions(store: Any) -> dict[str, str]:
    """centre code → its GB/T 2260 code ('' while unknown)."""
    return {str(c): str(r) for c, r in store.query("SELECT code, region_code FROM hq_centres")}


def centres(store: Any) -> list[dict[str, Any]]:
    """Every centre HQ has heard from: region, batches, samples, and whether quarantined."""
    batches = dict(store.query("SELECT centre_code, COUNT(*) FROM hq_batches GROUP BY centre_code"))
    samples = dict(store.query("SELECT centre_code, COUNT(*) FROM hq_samples GROUP BY centre_code"))
    keys = dict(
        store.query("SELECT centre_code, COUNT(*) FROM hq_centre_keys GROUP BY centre_code")
    )
    return [
        {
            "centre": str(code),
            "name": str(name),
            "region_code": str(region) or None,
            "batches": int(batches.get(code, 0)),
            "samples": int(samples.get(code, 0)),
            "keys": int(keys.get(code, 0)),
            "quarantined": not region,
        }
        for code, name, region in store.query(
            "SELECT code, name, region_code FROM hq_centres ORDER BY code"
        )
    ]
