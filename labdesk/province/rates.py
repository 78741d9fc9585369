"""Three-level pass rates (省、市、县三级产品质量监督抽查合格率) over the ingested samples.

One grouped query counts the samples by centre, sampled unit's region (and level or
class when asked) and verdict; Python then places each group (`regions.place`) and adds
the counts up county → city → province. So every level is the exact sum of the level
below (residual rows hold what is known only at the higher level), and the pass rate and
the non-conformity rate of a row come from the same two counts (`services.summary.Rate`:
numerator and denominator kept, percent to two places, half-even). The previous period is
counted the same way for comparison. What was left out is counted in `exclusions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from labdesk.core.errors import ValidationError
from labdesk.province import regions
from labdesk.province.scope import TASK_LEVELS, Exclusions, Scope, centre_regions
from labdesk.services.summary import Rate

BY_CHOICES = ("province", "city", "county", "level", "class")


@dataclass(frozen=True)
class Figures:
    passed: int = 0
    failed: int = 0

    @property
    def tested(self) -> int:
        return self.passed + self.failed

    @property
    def pass_rate(self) -> Rate:
        return Rate(self.passed, self.tested)

    @property
    def fail_rate(self) -> Rate:
        return Rate(self.failed, self.tested)

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.passed + other.passed, self.failed + other.failed)


@dataclass(frozen=True)
class RateRow:
    key: str  # GB/T 2260 code, level or product-class code
    name: str
    parent: str  # the code of the level above ('' for the province, a level or a class)
    current: Figures
    previous: Figures | None
    residual: bool = False  # samples known only at the level above (市本级/未分县 …)

    def change(self) -> Decimal | None:
        """Pass rate now minus then, in percentage points (two places, half-even)."""
        if self.previous is None:
            return None
        now, then = self.current.pass_rate.fraction(), self.previous.pass_rate.fraction()
        if now is None or then is None:
            return None
        return ((now - then) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


@dataclass
class Tally:
    """Placed counts of one period: by (county, city) cell, level and class."""

    cells: dict[tuple[str, str], Figures] = field(default_factory=dict)
    levels: dict[str, Figures] = field(default_factory=dict)
    classes: dict[str, Figures] = field(default_factory=dict)
    class_names: dict[str, str] = field(default_factory=dict)
    total: Figures = field(default_factory=Figures)
    exclusions: Exclusions = field(default_factory=Exclusions)
    placed_by_centre: int = 0


def _bump(table: dict[str, Figures] | dict[tuple[str, str], Figures], key: Any, f: Figures) -> None:
    table[key] = table.get(key, Figures()) + f


def tally(store: Any, scope: Scope, by: str = "county") -> Tally:
    """Counts for `scope`, grouped as `by` needs (region, level or class)."""
    extra = {"level": ", s.org_level", "class": ", s.category_code, s.category"}.get(by, "")
    where, params = scope.where()
    rows = store.query(
        f"SELECT s.centre_code, s.unit_region{extra}, s.verdict, COUNT(*) FROM hq_samples s"
        f"{where} GROUP BY s.centre_code, s.unit_region{extra}, s.verdict",
        params,
    )
    centres = centre_regions(store)
    out = Tally()
    for row in rows:
        centre, unit, verdict, count = row[0], row[1], row[-2], int(row[-1])
        centre_region = centres.get(str(centre), "")
        if not centre_region:
            out.exclusions.add("centre-no-region", count)
            continue
        placement = regions.place(str(unit), centre_region)
        if placement is None:
            out.exclusions.add("region-outside", count)
            continue
        if verdict not in ("pass", "fail"):
            out.exclusions.add("not-judged", count)
            continue
        f = Figures(count, 0) if verdict == "pass" else Figures(0, count)
        out.total += f
        if placement.source == "centre":
            out.placed_by_centre += count
        _bump(out.cells, (placement.county, placement.city), f)
        if by == "level":
            level = str(row[2])
            if level in TASK_LEVELS:
                _bump(out.levels, level, f)
            else:
                out.exclusions.add("level-not-stated", count)
        elif by == "class":
            _bump(out.classes, str(row[2]), f)
            out.class_names.setdefault(str(row[2]), str(row[3]))
    return out


def _region_figures(t: Tally) -> dict[str, Figures]:
    """Figures per county code, per city code (and residual '<city>' rows) and province."""
    out: dict[str, Figures] = {}
    for (county, city), f in t.cells.items():
        if county:
            _bump(out, county, f)
        if city:
            _bump(out, city, f)
            if not county:
                _bump(out, "residual:" + city, f)
        else:
            _bump(out, "residual:" + regions.PROVINCE_CODE, f)
        _bump(out, regions.PROVINCE_CODE, f)
    return out


def _region_rows(
    by: str, now: dict[str, Figures], then: dict[str, Figures] | None, within: str
) -> list[RateRow]:
    def row(key: str, name: str, parent: str, residual: bool = False) -> RateRow:
        look = ("residual:" + key) if residual else key
        before = None if then is None else then.get(look, Figures())
        return RateRow(key, name, parent, now.get(look, Figures()), before, residual)

    def present(key: str) -> bool:
        look = "residual:" + key
        return look in now or (then is not None and look in then)

    province = regions.PROVINCE_CODE
    if by == "province":
        return [row(province, regions.PROVINCE_NAME, "")]
    rows: list[RateRow] = []
    if by == "city":
        rows = [row(c, regions.name(c), province) for c in regions.CITIES]
        if present(province):
            rows.append(row(province, f"{regions.PROVINCE_NAME}（未分市）", province, True))
        return rows
    cities = [within] if within else list(regions.CITIES)
    for city in cities:
        rows += [row(c, regions.name(c), city) for c in regions.counties_of(city)]
        if present(city):
            rows.append(row(city, f"{regions.name(city)}（市本级/未分县）", city, True))
    return rows


def _keyed_rows(
    keys: Iterable[str],
    names: dict[str, str],
    now: dict[str, Figures],
    then: dict[str, Figures] | None,
) -> list[RateRow]:
    return [
        RateRow(
            key,
            names.get(key, key),
            "",
            now.get(key, Figures()),
            None if then is None else then.get(key, Figures()),
        )
        for key in keys
    ]


@dataclass(frozen=True)
class RatesReport:
    by: str
    scope: Scope
    rows: list[RateRow]
    total: RateRow
    exclusions: Exclusions
    placed_by_centre: int
    previous_exclusions: Exclusions | None


def rates(
    store: Any, scope: Scope | None = None, by: str = "city", within: str = ""
) -> RatesReport:
    """The rows of one breakdown for `scope` and, when it has one, its previous period.

    `within` (a city code) keeps only that city's counties (`by="county"`)."""
    if by not in BY_CHOICES:
        raise ValidationError("by", "one_of", f"--by: one of {' | '.join(BY_CHOICES)}")
    if within and within not in regions.CITIES:
        raise ValidationError("within", "city", f"{within!r} is not a city of the province")
    scope = scope or Scope()
    now = tally(store, scope, by)
    before = scope.period.previous()
    then = None if before is None else tally(store, scope.with_period(before), by)
    if by in ("province", "city", "county"):
        now_fig = _region_figures(now)
        then_fig = None if then is None else _region_figures(then)
        rows = _region_rows(by, now_fig, then_fig, within)
    elif by == "level":
        rows = _keyed_rows(TASK_LEVELS, {}, now.levels, None if then is None else then.levels)
    else:
        keys = sorted(set(now.classes) | (set(then.classes) if then else set()))
        names = {**(then.class_names if then else {}), **now.class_names}
        rows = _keyed_rows(keys, names, now.classes, None if then is None else then.classes)
    total = RateRow(
        regions.PROVINCE_CODE,
        regions.PROVINCE_NAME,
        "",
        now.total,
        None if then is None else then.total,
    )
    return RatesReport(
        by,
        scope,
        rows,
        total,
        now.exclusions,
        now.placed_by_centre,
        None if then is None else then.exclusions,
    )


def percent(rate: Rate) -> str | None:
    value = rate.percent(2)
    return None if value is None else str(value)


def figures_json(f: Figures) -> dict[str, Any]:
    return {
        "tested": f.tested,
        "passed": f.passed,
        "failed": f.failed,
        "pass_rate": percent(f.pass_rate),
        "fail_rate": percent(f.fail_rate),
    }


def row_json(row: RateRow, by: str) -> dict[str, Any]:
    label = {"level": "level", "class": "class"}.get(by, "region")
    change = row.change()
    return {
        label: row.key,
        "name": row.name,
        **({"parent": row.parent, "residual": row.residual} if label == "region" else {}),
        **figures_json(row.current),
        "previous": None if row.previous is None else figures_json(row.previous),
        "change": None if change is None else f"{change:+}",
    }


def report_json(report: RatesReport) -> dict[str, Any]:
    previous = report.scope.period.previous()
    return {
        "by": report.by,
        "scope": report.scope.as_json(),
        "previous_period": None if previous is None else previous.as_json(),
        "rows": [row_json(r, report.by) for r in report.rows],
        "total": row_json(report.total, "province"),
        "excluded": report.exclusions.as_json(),
        "placed_by_centre_code": report.placed_by_centre,
        "region_list": regions.SOURCE,
    }


@dataclass(frozen=True)
class MonthFigures:
    month: str
    figures: Figures


def monthly(store: Any, scope: Scope | None = None, region: str = "") -> list[MonthFigures]:
    """Pass/fail per month inside `region` (a city or county code; '' = the province)."""
    scope = scope or Scope()
    where, params = scope.where()
    rows = store.query(
        "SELECT s.month, s.centre_code, s.unit_region, s.verdict, COUNT(*) FROM hq_samples s"
        f"{where} GROUP BY s.month, s.centre_code, s.unit_region, s.verdict",
        params,
    )
    centres = centre_regions(store)
    months: dict[str, Figures] = {}
    for month, centre, unit, verdict, count in rows:
        placement = regions.place(str(unit), centres.get(str(centre), "") or "-")
        if not centres.get(str(centre)) or placement is None or verdict not in ("pass", "fail"):
            continue
        if region and region not in (placement.city, placement.county):
            continue
        f = Figures(int(count), 0) if verdict == "pass" else Figures(0, int(count))
        months[str(month)] = months.get(str(month), Figures()) + f
    return [MonthFigures(m, months[m]) for m in sorted(months)]
