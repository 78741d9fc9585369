"""The centre's figures for managers: totals, rates, breakdowns, overdue work, batches (Qt-free).

Everything is counted by SQLite (`GROUP BY`), never by looping over rows in Python, so a
dashboard over 50,000 samples and a million results stays interactive. Python only turns
the handful of aggregated rows into typed values.

Definitions (docs/reports.md says the same for users):

- *samples*: samples in the filter that are not cancelled (drafts included: they are work).
- *concluded*: samples whose conclusion is official, i.e. state `approved` or `exported`.
  Only concluded samples count as pass, fail or not judged: a conclusion can still change
  during review, and a headline rate must not move backwards when a reviewer returns work.
- *judged* = pass + fail; *not judged* = concluded samples whose items are report-only.
- pass rate (合格率) = pass / judged; non-conformity rate (不合格率) = fail / judged. Both come
  from the same stored counts (`Rate` keeps numerator and denominator), so they always add
  up to 100 %, as national reports since 2018-19 require of the latter.
- *failing items*: current results (not superseded) judged `fail` on concluded samples.
- *overdue*: report due date passed and the sample not yet approved.
- *re-inspection open*: failed, concluded samples whose 复检 window
  (stored on the sample, `services.clocks`) is open today; the other clocks: `ClockCounts`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal, Protocol

from labdesk.core.errors import ValidationError
from labdesk.core.rates import MIN_SAMPLES, few_samples, wilson_percent
from labdesk.services.clock_counts import (
    CONCLUDED_STATES,
    DUE_THIS_WEEK,
    OPEN_STATES,
    REINSPECTION_OPEN,
    ClockCounts,
    count_clocks,
    week_end,
)

#: Values of samples.conclusion_code.
PASS_CODE = "pass"
FAIL_CODE = "fail"
NOT_JUDGED_CODE = "not_judged"

Dimension = Literal["month", "category", "region", "enterprise", "source", "state", "item"]
DIMENSIONS: tuple[str, ...] = (
    "month",
    "category",
    "region",
    "enterprise",
    "source",
    "state",
    "item",
)


class Reader(Protocol):
    """What summaries need from a database: `labdesk.store.db.Database` (or a reader)."""

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ...) -> list[Any]: ...


# -- values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """numerator / denominator, kept whole so that both rates derive from the same counts."""

    numerator: int
    denominator: int

    @property
    def defined(self) -> bool:
        return self.denominator > 0

    def fraction(self) -> Decimal | None:
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    def percent(self, places: int = 2) -> Decimal | None:
        """Percent rounded half-even (GB/T 8170) to `places`; None when nothing was judged."""
        value = self.fraction()
        if value is None:
            return None
        return (value * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)

    def percent_text(self, places: int = 2) -> str:
        value = self.percent(places)
        return "—" if value is None else f"{value}%"

    def interval(self, places: int = 2) -> tuple[Decimal, Decimal] | None:
        """The 95 % Wilson interval in percent, rounded outwards (`core.rates`)."""
        return wilson_percent(self.numerator, self.denominator, places)

    def few(self, minimum: int = MIN_SAMPLES) -> bool:
        """Rests on fewer than `minimum` samples: drawn hollow, marked "few samples"."""
        return few_samples(self.denominator, minimum)


@dataclass(frozen=True)
class Counts:
    """Sample counts of one group (the whole centre, a month, a category …)."""

    samples: int
    passed: int
    failed: int
    not_judged: int

    @property
    def judged(self) -> int:
        return self.passed + self.failed

    @property
    def concluded(self) -> int:
        return self.judged + self.not_judged

    @property
    def pending(self) -> int:
        return self.samples - self.concluded

    @property
    def pass_rate(self) -> Rate:
        return Rate(self.passed, self.judged)

    @property
    def nonconformity_rate(self) -> Rate:
        return Rate(self.failed, self.judged)


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: a key (what `sample_ids_for` takes), a label to show, counts."""

    key: str
    label: str
    counts: Counts


@dataclass(frozen=True)
class ItemFailures:
    """A test item's record on concluded samples: how often tested, how often failed."""

    name: str
    tested: int
    failed: int

    @property
    def failure_rate(self) -> Rate:
        return Rate(self.failed, self.tested)


@dataclass(frozen=True)
class SummaryFilter:
    """Which samples a summary covers. Empty tuples mean "all"; dates are inclusive.

    `regions` are GB/T 2260 code prefixes ("34" = Anhui, "3401" = Hefei), matching the
    sampled enterprise's region code.
    """

    date_from: date | None = None
    date_to: date | None = None
    categories: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    enterprise_ids: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()

    def where(self) -> tuple[str, list[Any]]:
        """SQL condition on aliases s (samples), e (enterprises), t (tasks) and its params."""
        clauses = ["s.state <> 'cancelled'"]
        params: list[Any] = []
        if self.date_from is not None:
            clauses.append("s.sampling_date >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to is not None:
            clauses.append("s.sampling_date <= ?")
            params.append(self.date_to.isoformat())
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError("date_to", "not_before_date_from", "结束日期早于开始日期")
        if self.categories:
            clauses.append(f"{CATEGORY_KEY} IN ({_marks(self.categories)})")
            params.extend(self.categories)
        if self.regions:
            clauses.append(
                "(" + " OR ".join("substr(e.region_code, 1, ?) = ?" for _ in self.regions) + ")"
            )
            for prefix in self.regions:
                params.extend((len(prefix), prefix))
        if self.enterprise_ids:
            clauses.append(f"s.enterprise_id IN ({_marks(self.enterprise_ids)})")
            params.extend(self.enterprise_ids)
        if self.sources:
            clauses.append(f"t.source IN ({_marks(self.sources)})")
            params.extend(self.sources)
        return " AND ".join(clauses), params


#: A sample's product category: its flat-library category, or for a food sample (issue 15)
#: the food class it was registered against — so food samples are counted by class, not
#: lumped under "".
CATEGORY_KEY = "coalesce(nullif(s.category_code, ''), s.food_class_code, '')"


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


# -- SQL ---------------------------------------------------------------------------------

_ENTERPRISE_JOIN = "LEFT JOIN enterprises AS e ON e.id = s.enterprise_id"
_TASK_JOIN = "LEFT JOIN tasks AS t ON t.id = s.task_id"


def _from(*sql: str) -> str:
    """`FROM samples AS s` plus only the joins the given SQL fragments use: SQLite does
    not drop an unused LEFT JOIN here, and joining every sample to its enterprise and
    task for nothing doubled the time of a breakdown."""
    text = " ".join(sql)
    joins = ["FROM samples AS s"]
    if re.search(r"\be\.", text):
        joins.append(_ENTERPRISE_JOIN)
    if re.search(r"\bt\.", text):
        joins.append(_TASK_JOIN)
    return " ".join(joins)


_CONCLUDED = f"s.state IN ({', '.join(repr(x) for x in CONCLUDED_STATES)})"
_COUNT_COLUMNS = (
    "count(*) AS samples, "
    f"coalesce(sum({_CONCLUDED} AND s.conclusion_code = '{PASS_CODE}'), 0) AS passed, "
    f"coalesce(sum({_CONCLUDED} AND s.conclusion_code = '{FAIL_CODE}'), 0) AS failed, "
    f"coalesce(sum({_CONCLUDED} AND s.conclusion_code = '{NOT_JUDGED_CODE}'), 0) AS not_judged"
)

#: The grouping expression and the label expression of each sample dimension.
_DIMENSION_SQL: dict[str, tuple[str, str, str]] = {
    # key expression, label expression, extra join
    "month": ("coalesce(substr(s.sampling_date, 1, 7), '')", "", ""),
    "category": (
        CATEGORY_KEY,
        f"coalesce(c.name, fc.name, {CATEGORY_KEY})",
        "LEFT JOIN lib_categories AS c ON c.code = s.category_code "
        "LEFT JOIN food_classes AS fc ON fc.code = s.food_class_code",
    ),
    "region": ("coalesce(e.region_code, '')", "", ""),
    "enterprise": ("coalesce(s.enterprise_id, '')", "coalesce(e.name, '')", ""),
    "source": ("coalesce(t.source, '')", "", ""),
    "state": ("s.state", "", ""),
}


def _counts(row: Any) -> Counts:
    return Counts(
        int(row["samples"]), int(row["passed"]), int(row["failed"]), int(row["not_judged"])
    )


def totals(db: Reader, flt: SummaryFilter | None = None) -> Counts:
    """The centre's headline counts over the filter."""
    where, params = (flt or SummaryFilter()).where()
    rows = db.query(f"SELECT {_COUNT_COLUMNS} {_from(where)} WHERE {where}", params)
    return _counts(rows[0])


def breakdown(
    db: Reader,
    dimension: str,
    flt: SummaryFilter | None = None,
    *,
    order: Literal["key", "failed"] = "key",
    limit: int | None = None,
) -> list[Group]:
    """Counts grouped by one sample dimension (month, category, region, enterprise, source,
    state); `order="failed"` puts the groups with most failures first (top-N lists)."""
    if dimension not in _DIMENSION_SQL:
        raise ValidationError("dimension", "known_dimension", f"unknown breakdown: {dimension}")
    key_sql, label_sql, join = _DIMENSION_SQL[dimension]
    where, params = (flt or SummaryFilter()).where()
    label = label_sql or key_sql
    ordering = "failed DESC, samples DESC, key" if order == "failed" else "key"
    sql = (
        # max(): the label follows from the key; PostgreSQL wants it aggregated.
        f"SELECT {key_sql} AS key, max({label}) AS label, {_COUNT_COLUMNS} "
        f"{_from(where, key_sql, label)} {join} "
        f"WHERE {where} GROUP BY 1 ORDER BY {ordering}"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, int(limit)]
    return [Group(str(r["key"]), str(r["label"]), _counts(r)) for r in db.query(sql, params)]


def failing_items(
    db: Reader, flt: SummaryFilter | None = None, *, limit: int | None = None
) -> list[ItemFailures]:
    """Test items by failures on concluded samples (current results only), most first."""
    where, params = (flt or SummaryFilter()).where()
    sql = (
        "SELECT si.name AS name, "
        "sum(r.verdict IN ('pass', 'fail')) AS tested, sum(r.verdict = 'fail') AS failed "
        f"{_from(where)} JOIN sample_items AS si ON si.sample_id = s.id "
        "JOIN results AS r ON r.sample_item_id = si.id AND r.superseded_by IS NULL "
        f"WHERE {where} AND {_CONCLUDED} "
        # HAVING names the expression, not its alias: PostgreSQL has no output
        # aliases in HAVING.
        "GROUP BY si.name HAVING sum(r.verdict = 'fail') > 0 "
        "ORDER BY failed DESC, tested DESC, name"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, int(limit)]
    return [
        ItemFailures(str(r["name"]), int(r["tested"]), int(r["failed"]))
        for r in db.query(sql, params)
    ]


def overdue_count(db: Reader, flt: SummaryFilter | None = None, *, today: date) -> int:
    """Samples past their report due date and not yet approved."""
    where, params = (flt or SummaryFilter()).where()
    states = ", ".join(repr(x) for x in OPEN_STATES)
    rows = db.query(
        f"SELECT count(*) {_from(where)} WHERE {where} AND s.state IN ({states}) "
        "AND s.report_due_date IS NOT NULL AND s.report_due_date < ?",
        [*params, today.isoformat()],
    )
    return int(rows[0][0])


def clock_counts(
    db: Reader, flt: SummaryFilter | None = None, *, today: date, now_utc: str = ""
) -> ClockCounts:
    """The clocks of the samples in the filter (`services.clock_counts`)."""
    where, params = (flt or SummaryFilter()).where()
    joins = _from(where).removeprefix("FROM samples AS s")
    return count_clocks(db, where, params, joins, today=today, now_utc=now_utc)


def reinspection_open_count(db: Reader, flt: SummaryFilter | None = None, *, today: date) -> int:
    """Failed concluded samples whose re-inspection window is open on `today`."""
    return clock_counts(db, flt, today=today).reinspection_open


# -- the dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard screen draws, computed in one go (off the GUI thread)."""

    filter: SummaryFilter
    today: date
    totals: Counts
    by_state: list[Group]
    overdue: int
    reinspection_open: int
    top_items: list[ItemFailures]
    top_enterprises: list[Group]
    by_month: list[Group]
    by_category: list[Group]
    by_region: list[Group]
    by_source: list[Group]
    clocks: ClockCounts = field(default_factory=ClockCounts)


def dashboard(
    db: Reader,
    flt: SummaryFilter | None = None,
    *,
    today: date | None = None,
    top: int = 10,
    now_utc: str = "",
) -> DashboardData:
    flt = flt or SummaryFilter()
    if today is None and not now_utc:
        # The real today: the 24-hour reports are counted at the real moment.
        now_utc = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    today = today or date.today()
    by_state = breakdown(db, "state", flt)
    clocks = clock_counts(db, flt, today=today, now_utc=now_utc)
    return DashboardData(
        filter=flt,
        today=today,
        # The states partition the samples: adding up their few rows saves a table scan.
        totals=Counts(
            samples=sum(g.counts.samples for g in by_state),
            passed=sum(g.counts.passed for g in by_state),
            failed=sum(g.counts.failed for g in by_state),
            not_judged=sum(g.counts.not_judged for g in by_state),
        ),
        by_state=by_state,
        overdue=overdue_count(db, flt, today=today),
        reinspection_open=clocks.reinspection_open,
        top_items=failing_items(db, flt, limit=top),
        top_enterprises=[
            g
            for g in breakdown(db, "enterprise", flt, order="failed", limit=top)
            if g.counts.failed
        ],
        by_month=breakdown(db, "month", flt),
        by_category=breakdown(db, "category", flt),
        by_region=breakdown(db, "region", flt),
        by_source=breakdown(db, "source", flt),
        clocks=clocks,
    )


@dataclass(frozen=True)
class DrillDown:
    """What the user clicked: a dimension and key (as in `Group.key` / `ItemFailures.name`),
    optionally narrowed to an outcome ("pass", "fail", "not_judged", "pending") or to the
    clock lists (dimension "overdue", "reinspection", "due_week" or "waiting_calendar";
    key ignored)."""

    dimension: str
    key: str = ""
    outcome: str | None = None


def sample_ids_for(
    db: Reader, flt: SummaryFilter | None, drill: DrillDown, *, today: date | None = None
) -> list[int]:
    """The sample ids behind a bar or row of the dashboard, in sample order."""
    where, params = (flt or SummaryFilter()).where()
    join = ""
    if drill.dimension in _DIMENSION_SQL:
        key_sql, _label, join = _DIMENSION_SQL[drill.dimension]
        where += f" AND CAST({key_sql} AS TEXT) = ?"
        params.append(drill.key)
    elif drill.dimension == "item":
        where += (
            f" AND {_CONCLUDED} AND EXISTS (SELECT 1 FROM sample_items AS si "
            "JOIN results AS r ON r.sample_item_id = si.id AND r.superseded_by IS NULL "
            "WHERE si.sample_id = s.id AND si.name = ? AND r.verdict = ?)"
        )
        params.extend((drill.key, "pass" if drill.outcome == "pass" else "fail"))
    elif drill.dimension == "overdue":
        states = ", ".join(repr(x) for x in OPEN_STATES)
        where += f" AND s.state IN ({states}) AND s.report_due_date < ?"
        params.append((today or date.today()).isoformat())
    elif drill.dimension == "reinspection":
        day = (today or date.today()).isoformat()
        where += f" AND {REINSPECTION_OPEN}"
        params.extend((day, day))
    elif drill.dimension == "due_week":
        now = today or date.today()
        where += f" AND {DUE_THIS_WEEK}"
        params.extend((now.isoformat(), week_end(now).isoformat()))
    elif drill.dimension == "waiting_calendar":
        where += " AND s.clock_missing_year IS NOT NULL"
    else:
        raise ValidationError(
            "dimension", "known_dimension", f"unknown drill-down: {drill.dimension}"
        )
    if drill.outcome and drill.dimension != "item":
        if drill.outcome == "pending":
            where += f" AND NOT {_CONCLUDED}"
        elif drill.outcome in (PASS_CODE, FAIL_CODE, NOT_JUDGED_CODE):
            where += f" AND {_CONCLUDED} AND s.conclusion_code = ?"
            params.append(drill.outcome)
        else:
            raise ValidationError("outcome", "known_outcome", f"unknown outcome: {drill.outcome}")
    rows = db.query(f"SELECT s.id {_from(where)} {join} WHERE {where} ORDER BY s.id", params)
    return [int(r[0]) for r in rows]


# -- the `summary` command's figures ---------------------------------------------------------

#: Places of the percentages in JSON and tables ("91.30" = 91.30 %).
RATE_PLACES = 2


def _rate_text(rate: Rate) -> str | None:
    value = rate.percent(RATE_PLACES)
    return None if value is None else str(value)


def _interval_json(rate: Rate) -> list[str] | None:
    interval = rate.interval(RATE_PLACES)
    return None if interval is None else [str(interval[0]), str(interval[1])]


def rate_strength(counts: Counts, minimum: int = MIN_SAMPLES) -> dict[str, Any]:
    """How much stands behind the group's rates: the 95 % Wilson intervals (percent
    strings, rounded outwards) and whether fewer than `minimum` samples were judged."""
    return {
        "pass_rate_interval": _interval_json(counts.pass_rate),
        "nonconformity_rate_interval": _interval_json(counts.nonconformity_rate),
        "few_samples": counts.pass_rate.few(minimum),
    }


def _group_json(group: Group, minimum: int = MIN_SAMPLES) -> dict[str, Any]:
    c = group.counts
    return {
        "key": group.key,
        "label": group.label,
        "samples": c.samples,
        "judged": c.judged,
        "pass": c.passed,
        "fail": c.failed,
        "not_judged": c.not_judged,
        "pass_rate": _rate_text(c.pass_rate),
        "nonconformity_rate": _rate_text(c.nonconformity_rate),
        **rate_strength(c, minimum),
    }


@dataclass(frozen=True)
class CentreSummary:
    """The figures `labdesk summary` prints: the dashboard plus every enterprise."""

    dashboard: DashboardData
    by_enterprise: list[Group] = field(default_factory=list)
    failing_items: list[ItemFailures] = field(default_factory=list)


def centre_summary(
    db: Reader, flt: SummaryFilter | None = None, *, today: date | None = None
) -> CentreSummary:
    flt = flt or SummaryFilter()
    return CentreSummary(
        dashboard=dashboard(db, flt, today=today),
        by_enterprise=breakdown(db, "enterprise", flt, order="failed"),
        failing_items=failing_items(db, flt),
    )


def summary_json(summary: CentreSummary, *, min_samples: int = MIN_SAMPLES) -> dict[str, Any]:
    """JSON-ready figures. Rates are percent strings with `RATE_PLACES` places rounded
    half-even ("91.30"), null when nothing was judged; counts are integers. Every rate
    has its 95 % Wilson interval and a `few_samples` mark (fewer than `min_samples`
    judged)."""
    d = summary.dashboard
    t = d.totals
    flt = d.filter
    return {
        "today": d.today.isoformat(),
        "filter": {
            "date_from": flt.date_from.isoformat() if flt.date_from else None,
            "date_to": flt.date_to.isoformat() if flt.date_to else None,
            "categories": list(flt.categories),
            "regions": list(flt.regions),
            "enterprise_ids": list(flt.enterprise_ids),
            "sources": list(flt.sources),
        },
        "samples": t.samples,
        "concluded": t.concluded,
        "judged": t.judged,
        "pass": t.passed,
        "fail": t.failed,
        "not_judged": t.not_judged,
        "pending": t.pending,
        "pass_rate": _rate_text(t.pass_rate),
        "nonconformity_rate": _rate_text(t.nonconformity_rate),
        **rate_strength(t, min_samples),
        "min_samples": min_samples,
        "rate_unit": "percent",
        "overdue": d.overdue,
        "reinspection_open": d.reinspection_open,
        "clocks": dict(d.clocks.__dict__),
        "by_state": {g.key: g.counts.samples for g in d.by_state},
        "by_month": [_group_json(g, min_samples) for g in d.by_month],
        "by_category": [_group_json(g, min_samples) for g in d.by_category],
        "by_region": [_group_json(g, min_samples) for g in d.by_region],
        "by_enterprise": [_group_json(g, min_samples) for g in summary.by_enterprise],
        "by_source": [_group_json(g, min_samples) for g in d.by_source],
        "top_failing_items": [
            {
                "item": i.name,
                "tested": i.tested,
                "fail": i.failed,
                "failure_rate": _rate_text(i.failure_rate),
            }
            for i in summary.failing_items
        ],
    }


def _interval_cell(interval: list[str] | None) -> str:
    return "" if interval is None else f"{interval[0]}～{interval[1]}"


def summary_tables(summary: CentreSummary, *, min_samples: int = MIN_SAMPLES) -> list[Any]:
    """The summary as exportable tables (`labdesk.services.exports.Table`), one per sheet."""
    from labdesk.services.exports import Column, Table

    data = summary_json(summary, min_samples=min_samples)
    few_title = f"样品少(<{min_samples})"
    for key in ("by_month", "by_category", "by_region", "by_enterprise", "by_source"):
        for group in data[key]:
            group["pass_rate_ci"] = _interval_cell(group["pass_rate_interval"])
            group["few"] = "是" if group["few_samples"] else ""
    group_columns = [
        Column("label", "分组"),
        Column("key", "代码"),
        Column("samples", "样品数"),
        Column("judged", "已判定"),
        Column("pass", "合格"),
        Column("fail", "不合格"),
        Column("not_judged", "不判定"),
        Column("pass_rate", "合格率(%)"),
        Column("nonconformity_rate", "不合格率(%)"),
        Column("pass_rate_ci", "合格率95%区间(%)"),
        Column("few", few_title),
    ]
    values = {**data, **data["clocks"]}
    headline = [
        {"figure": label, "value": values[key]}
        for key, label in (
            ("samples", "样品数"),
            ("concluded", "已出结论"),
            ("judged", "已判定"),
            ("pass", "合格"),
            ("fail", "不合格"),
            ("not_judged", "不判定"),
            ("pending", "未出结论"),
            ("pass_rate", "合格率(%)"),
            ("nonconformity_rate", "不合格率(%)"),
            ("overdue", "报告逾期"),
            ("reinspection_open", "复检期内不合格"),
            ("report_due_week", "本周到期报告"),
            ("cases_open", "复检/异议办理中"),
            ("upheld", "复检维持原结论"),
            ("overturned", "复检改变原结论"),
        )
    ]
    headline.append(
        {"figure": "合格率95%区间(%)", "value": _interval_cell(data["pass_rate_interval"])}
    )
    headline.append({"figure": few_title, "value": "是" if data["few_samples"] else "否"})
    tables = [
        Table("总览", [Column("figure", "指标"), Column("value", "数值")], headline),
        Table(
            "按状态",
            [Column("state", "状态"), Column("samples", "样品数")],
            [{"state": k, "samples": v} for k, v in data["by_state"].items()],
        ),
    ]
    for key, title in (
        ("by_month", "按月份"),
        ("by_category", "按产品类别"),
        ("by_region", "按地区"),
        ("by_enterprise", "按企业"),
        ("by_source", "按任务来源"),
    ):
        tables.append(Table(title, group_columns, data[key]))
    tables.append(
        Table(
            "不合格项目",
            [
                Column("item", "检验项目"),
                Column("tested", "检验数"),
                Column("fail", "不合格数"),
                Column("failure_rate", "不合格率(%)"),
            ],
            data["top_failing_items"],
        )
    )
    return tables


# -- batch summaries -------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchSample:
    sample_no: str
    sample_name: str
    enterprise: str
    conclusion: str
    failing_items: str


@dataclass(frozen=True)
class BatchSummary:
    """One export batch, or the pending one (`batch_id` None: approved, not yet exported)."""

    batch_id: int | None
    sequence: int | None
    file_name: str
    created_at: str
    created_by: str
    counts: Counts
    failing_items: list[ItemFailures]
    #: (approver's display name, samples approved) — who signed the conclusions.
    approvers: list[tuple[str, int]]
    samples: list[BatchSample]

    @property
    def title(self) -> str:
        return "待导出批次" if self.batch_id is None else f"第 {self.sequence} 批"


def _batch_scope(batch_id: int | None) -> tuple[str, list[Any]]:
    if batch_id is None:
        return "s.state = 'approved' AND s.export_batch_id IS NULL", []
    return "s.export_batch_id = ?", [batch_id]


def batch_summary(db: Reader, batch_id: int | None) -> BatchSummary:
    """Counts, pass rate, failing items, approvers and samples of one batch (None = pending)."""
    scope, params = _batch_scope(batch_id)
    head: dict[str, Any] = {"sequence": None, "file_name": "", "created_at": "", "created_by": ""}
    if batch_id is not None:
        rows = db.query(
            "SELECT b.sequence, b.file_name, b.created_at, coalesce(u.display_name, '') AS by "
            "FROM export_batches AS b LEFT JOIN users AS u ON u.id = b.created_by WHERE b.id = ?",
            [batch_id],
        )
        if not rows:
            from labdesk.core.errors import NotFound

            raise NotFound(f"没有导出批次 {batch_id} (no export batch {batch_id})")
        r = rows[0]
        head = {
            "sequence": int(r["sequence"]),
            "file_name": str(r["file_name"]),
            "created_at": str(r["created_at"]),
            "created_by": str(r["by"]),
        }
    # Every sample in a batch is concluded, so the plain conclusion counts apply.
    count_row = db.query(
        "SELECT count(*) AS samples, "
        f"coalesce(sum(s.conclusion_code = '{PASS_CODE}'), 0) AS passed, "
        f"coalesce(sum(s.conclusion_code = '{FAIL_CODE}'), 0) AS failed, "
        f"coalesce(sum(s.conclusion_code = '{NOT_JUDGED_CODE}'), 0) AS not_judged "
        f"FROM samples AS s WHERE {scope}",
        params,
    )[0]
    items = db.query(
        "SELECT si.name AS name, sum(r.verdict IN ('pass', 'fail')) AS tested, "
        "sum(r.verdict = 'fail') AS failed FROM samples AS s "
        "JOIN sample_items AS si ON si.sample_id = s.id "
        "JOIN results AS r ON r.sample_item_id = si.id AND r.superseded_by IS NULL "
        f"WHERE {scope} GROUP BY si.name HAVING sum(r.verdict = 'fail') > 0 "
        "ORDER BY failed DESC, name",
        params,
    )
    approvers = db.query(
        "SELECT coalesce(u.display_name, u.username, '') AS name, count(DISTINCT s.id) AS n "
        "FROM samples AS s JOIN sample_events AS ev ON ev.sample_id = s.id "
        "AND ev.to_state = 'approved' AND ev.id = (SELECT max(e2.id) FROM sample_events AS e2 "
        "WHERE e2.sample_id = s.id AND e2.to_state = 'approved') "
        f"LEFT JOIN users AS u ON u.id = ev.user_id WHERE {scope} GROUP BY 1 ORDER BY n DESC, 1",
        params,
    )
    samples = db.query(
        "SELECT s.sample_no, s.sample_name, coalesce(e.name, '') AS enterprise, "
        "s.conclusion_label, s.failing_items FROM samples AS s "
        f"LEFT JOIN enterprises AS e ON e.id = s.enterprise_id WHERE {scope} ORDER BY s.sample_no",
        params,
    )
    return BatchSummary(
        batch_id=batch_id,
        sequence=head["sequence"],
        file_name=head["file_name"],
        created_at=head["created_at"],
        created_by=head["created_by"],
        counts=_counts(count_row),
        failing_items=[
            ItemFailures(str(r["name"]), int(r["tested"]), int(r["failed"])) for r in items
        ],
        approvers=[(str(r["name"]), int(r["n"])) for r in approvers],
        samples=[
            BatchSample(
                str(r["sample_no"]),
                str(r["sample_name"]),
                str(r["enterprise"]),
                str(r["conclusion_label"]),
                "、".join(_json_list(r["failing_items"])),
            )
            for r in samples
        ],
    )


def _json_list(text: str | None) -> list[str]:
    import json

    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def batch_summaries(db: Reader, *, include_pending: bool = True) -> list[BatchSummary]:
    """The pending batch (if it has samples) and every exported batch, newest first."""
    out: list[BatchSummary] = []
    if include_pending:
        pending = batch_summary(db, None)
        if pending.counts.samples:
            out.append(pending)
    for row in db.query("SELECT id FROM export_batches ORDER BY sequence DESC"):
        out.append(batch_summary(db, int(row[0])))
    return out
