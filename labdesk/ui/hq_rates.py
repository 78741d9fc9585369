"""The province's pass rates: province → city → county, by level, with the samples behind.

The figures come from `labdesk.province.rates` on a connection of the worker's own (the
HQ database may be PostgreSQL); this screen only draws them. Drill-down as on the
centre's dashboard: activate (Enter, double-click) a city row or click its bar to see its
counties, a county row to list its samples; "Up" goes back. The banner states what the
figures leave out and why.

When the server is away (ui/server_notice.py) the banner says so and the screen keeps
what it showed, where it was and the filters chosen: a drill-down or "Up" moves only once
its figures are read, so the table, the place above it and the Up button always agree.
A filter chosen then stays chosen over figures that do not answer it: a line above the
figures says whose they are (the filters they were read for) until the chosen ones are
read. Cancel in the progress dialog stops the read on the server (ui/hq_reads.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from labdesk.province import rates as province_rates
from labdesk.province import regions
from labdesk.province.evidence import SampleRef, samples_in
from labdesk.province.scope import TASK_LEVELS, Scope, parse_period
from labdesk.ui.errors import error_text
from labdesk.ui.hq_labels import exclusion_text, nothing_to_export, rate_text, verdict_text
from labdesk.ui.hq_reads import hq_read
from labdesk.ui.manager_charts import CategoryBarChart, TrendChart
from labdesk.ui.manager_widgets import FigureTile, MessageBanner, RowsModel, make_table, titled
from labdesk.ui.operations import TaskState, run_operation
from labdesk.ui.server_notice import ReadNotice

OpenStore = Callable[[], Any]


@dataclass(frozen=True)
class RatesLoad:
    report: province_rates.RatesReport
    levels: province_rates.RatesReport
    months: list[province_rates.MonthFigures]
    periods: list[str]
    classes: list[tuple[str, str]]
    within: str  # where the figures are: '' = by city, a city code = its counties
    scope: Scope  # the filters they answer


def load_rates(
    open_store: OpenStore, scope: Scope, by: str, within: str, state: TaskState
) -> RatesLoad:
    """The worker: one breakdown, the level table and the trend, in one snapshot."""
    with hq_read(open_store, state) as store:
        report = province_rates.rates(store, scope, by=by, within=within)
        levels = province_rates.rates(store, scope, by="level")
        months = province_rates.monthly(store, scope, within)
        years = [str(r[0]) for r in store.query(
            "SELECT DISTINCT substr(month, 1, 4) FROM hq_samples ORDER BY 1 DESC"
        )]  # fmt: skip
        quarters = [f"{y}-Q{q}" for y in years[:2] for q in (4, 3, 2, 1)]
        classes = [(str(c), str(n)) for c, n in store.query(
            "SELECT category_code, MIN(category) FROM hq_samples GROUP BY category_code "
            "ORDER BY category_code"
        )]  # fmt: skip
    return RatesLoad(report, levels, months, [*years, *quarters], classes, within, scope)


def load_samples(
    open_store: OpenStore, scope: Scope, region: str, state: TaskState
) -> list[SampleRef]:
    with hq_read(open_store, state) as store:
        return samples_in(store, scope, region)


class HqRatesScreen(QWidget):
    """Pass rates by region and level, drill-down, trend and Excel export."""

    def __init__(self, open_store: OpenStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hq_rates")
        self.open_store = open_store
        self.load: RatesLoad | None = None
        self.samples: list[SampleRef] = []
        self.within = ""  # '' = the province's cities; a city code = its counties
        self.loading = False
        # Each load is numbered per kind (rates, samples); only the latest one's answer is
        # shown. Without this a slower earlier load (the province's cities) could land
        # after a drill-down and fill the county table with city rows.
        self._latest = {"rates": 0, "samples": 0}
        self._waiting: set[str] = set()
        self._chose_default_period = False
        self.save_path_provider: Callable[[], Path | None] = self._ask_save_path

        self.period = QComboBox()
        self.period.setObjectName("hq_period")
        self.period.addItem(self.tr("All periods"), "all")
        self.category = QComboBox()
        self.category.setObjectName("hq_class")
        self.category.addItem(self.tr("All classes"), "")
        self.level = QComboBox()
        self.level.setObjectName("hq_level")
        self.level.addItem(self.tr("All levels"), "")
        for level in TASK_LEVELS:
            self.level.addItem(level, level)
        for combo in (self.period, self.category, self.level):
            combo.activated.connect(lambda _=0: self.refresh())
        self.up_button = QPushButton(self.tr("&Up"))
        self.up_button.setObjectName("hq_up")
        self.up_button.clicked.connect(self.go_up)
        self.export_button = QPushButton(self.tr("Export to &Excel…"))
        self.export_button.setObjectName("hq_export_rates")
        self.export_button.clicked.connect(self.export)
        self.where = QLabel()
        self.where.setObjectName("hq_where")
        self.stale = QLabel()  # the figures shown are not of the filters chosen: whose
        self.stale.setObjectName("hq_rates_stale")
        self.stale.setWordWrap(True)
        self.stale.setStyleSheet("color: #8a1111; font-weight: bold;")
        self.stale.hide()

        self.banner = MessageBanner(self)
        self.reads = ReadNotice(self.banner)
        self.tiles = {
            "pass": FigureTile(self.tr("Pass rate")),
            "fail": FigureTile(self.tr("Non-conformity rate")),
            "tested": FigureTile(self.tr("Samples judged")),
            "change": FigureTile(self.tr("Change vs previous period")),
        }
        self.rows = RowsModel(self._headers(), right_aligned=range(2, 9))
        self.table = make_table(self.rows, self)
        self.table.setObjectName("hq_rates_table")
        self.table.activated.connect(self._row_activated)
        self.table.doubleClicked.connect(self._row_activated)
        self.levels = RowsModel(self._headers(), right_aligned=range(2, 9))
        self.level_table = make_table(self.levels, self, fit_width=True)
        self.level_table.setObjectName("hq_levels_table")
        self.sample_rows = RowsModel(self._sample_headers())
        self.sample_table = make_table(self.sample_rows, self)
        self.sample_table.setObjectName("hq_samples_table")
        self.bars = CategoryBarChart(self)
        self.bars.barClicked.connect(self._bar_clicked)
        self.trend = TrendChart(self)

        filters = QHBoxLayout()
        for label, widget in (
            (self.tr("Period"), self.period),
            (self.tr("Class"), self.category),
            (self.tr("Level"), self.level),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.export_button)
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        place = QHBoxLayout()
        place.addWidget(self.where, 1)
        place.addWidget(self.up_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(place)
        left_layout.addWidget(self.table, 3)
        left_layout.addWidget(titled(self.tr("By organising level"), self.level_table), 1)
        charts = QSplitter(Qt.Orientation.Vertical)
        charts.addWidget(self.bars)
        charts.addWidget(titled(self.tr("Monthly trend"), self.trend))
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left)
        top.addWidget(charts)
        top.setSizes([600, 500])
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(titled(self.tr("Samples behind the selected row"), self.sample_table))
        body.setSizes([600, 250])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.banner)
        layout.addWidget(self.stale)
        layout.addLayout(tiles)
        layout.addWidget(body, 1)

    def _headers(self) -> list[str]:
        return [
            self.tr("Code"),
            self.tr("Name"),
            self.tr("Judged"),
            self.tr("Passed"),
            self.tr("Failed"),
            self.tr("Pass rate"),
            self.tr("Non-conformity rate"),
            self.tr("Previous pass rate"),
            self.tr("Change (points)"),
        ]

    def _sample_headers(self) -> list[str]:
        return [
            self.tr("Centre"),
            self.tr("Sample no."),
            self.tr("Report no."),
            self.tr("Sampling date"),
            self.tr("Class"),
            self.tr("Enterprise"),
            self.tr("Conclusion"),
            self.tr("Failing items"),
        ]

    # ----- loading ----------------------------------------------------------------------

    def scope(self) -> Scope:
        return Scope(
            parse_period(str(self.period.currentData() or "all")),
            str(self.category.currentData() or ""),
            str(self.level.currentData() or ""),
        )

    def refresh(self, within: str | None = None) -> None:
        """Read the figures again, of `within` (a city code, '' = the cities) when given,
        else of where the screen is; the screen moves there once they are read."""
        try:
            scope = self.scope()
        except Exception as exc:  # a bad period typed by hand: ValidationError
            self.banner.show_error(error_text(exc))
            return
        within = self.within if within is None else within
        by = "county" if within else "city"
        open_store = self.open_store
        token = self._start_load("rates")

        def work(state: TaskState) -> RatesLoad:
            return load_rates(open_store, scope, by, within, state)

        run_operation(
            self,
            work,
            label=self.tr("Counting pass rates…"),
            on_success=lambda load: self._loaded(load) if self._answered("rates", token) else None,
            on_failure=lambda exc: self._failed(exc) if self._answered("rates", token) else None,
            on_cancelled=lambda: self._mark_figures() if self._answered("rates", token) else None,
        )

    def _start_load(self, kind: str) -> int:
        self._latest[kind] += 1
        self._waiting.add(kind)
        self.loading = True
        return self._latest[kind]

    def _answered(self, kind: str, token: int) -> bool:
        """True when this is the latest load of its kind (then it is no longer awaited)."""
        if token != self._latest[kind]:
            return False
        self._waiting.discard(kind)
        self.loading = bool(self._waiting)
        return True

    def _stop_waiting(self, kind: str, token: int) -> None:
        self._answered(kind, token)  # a cancelled read: nothing of it to show

    def _failed(self, exc: BaseException) -> None:
        self.reads.failed(exc)
        self._mark_figures()

    def filter_text(self, scope: Scope) -> str:
        """The filters of `scope` as their choices name them ("2026 · All classes · …")."""
        parts = []
        for combo, value in (
            (self.period, scope.period.label),
            (self.category, scope.category),
            (self.level, scope.level),
        ):
            index = combo.findData(value)
            parts.append(combo.itemText(index) if index >= 0 else value)
        return " · ".join(parts)

    def _mark_figures(self) -> None:
        """Say whose the figures shown are when they do not answer the filters chosen (a
        filter chosen while the server was away, or its read cancelled): left unmarked,
        the old figures would read as the new filter's answer."""
        try:
            chosen: Scope | None = self.scope()
        except Exception:  # a period that does not parse: nothing it could answer
            chosen = None
        if self.load is None or self.load.scope == chosen:
            self.stale.hide()
            return
        self.stale.setText(
            self.tr(
                "The figures below are still those of the previous filter ({0}), not of "
                "the filter chosen: press F5 to read them for the filter chosen."
            ).format(self.filter_text(self.load.scope))
        )
        self.stale.show()

    def _loaded(self, load: RatesLoad) -> None:
        before = self.load
        self.load = load
        self._fill_choices(load)
        if load.within != self.within or (before is not None and before.scope != load.scope):
            # A drill-down or "Up" now read (the screen moves), or other filters: the
            # samples listed belonged to a row of the figures replaced.
            self.within = load.within
            self.sample_rows.set_rows([])
            self.samples = []
        if not self._chose_default_period and load.periods:
            # The headline figure is a year's, against the year before: start there.
            self._chose_default_period = True
            self.period.setCurrentIndex(self.period.findData(load.periods[0]))
            self.refresh()
            return
        self.reads.succeeded()
        self._mark_figures()
        self.banner.clear_message()  # the figures' own notes (exclusions) follow
        report = load.report
        total = report.total
        if self.within:  # the city's own figures: its county rows (residual included)
            total = province_rates.RateRow(
                self.within,
                regions.name(self.within),
                "",
                sum((r.current for r in report.rows), province_rates.Figures()),
                None
                if total.previous is None
                else sum(
                    (r.previous or province_rates.Figures() for r in report.rows),
                    province_rates.Figures(),
                ),
            )
        self.shown_total = total
        self.tiles["pass"].set_value(rate_text(total.current.pass_rate))
        self.tiles["fail"].set_value(rate_text(total.current.fail_rate))
        self.tiles["tested"].set_value(
            str(total.current.tested), self.tr("{0} failed").format(total.current.failed)
        )
        change = total.change()
        self.tiles["change"].set_value("—" if change is None else f"{change:+}")
        place = regions.name(self.within) if self.within else regions.PROVINCE_NAME
        self.where.setText(
            self.tr("{0}: by county").format(place)
            if self.within
            else self.tr("{0}: by city").format(place)
        )
        self.up_button.setEnabled(bool(self.within))
        self.rows.set_rows([self._row(r) for r in report.rows], [r for r in report.rows])
        self.levels.set_rows([self._row(r) for r in load.levels.rows], load.levels.rows)
        shown = [r for r in report.rows if r.current.tested]
        self._bar_rows = shown
        self.bars.set_data(
            [r.name for r in shown],
            [r.current.tested for r in shown],
            [r.current.failed for r in shown],
        )
        self.trend.set_data(
            [m.month for m in load.months],
            [m.figures.pass_rate.percent(2) for m in load.months],
            [m.figures.fail_rate.percent(2) for m in load.months],
        )
        excluded = report.exclusions
        parts = [exclusion_text(reason, n) for reason, n in sorted(excluded.counts.items())]
        if report.placed_by_centre:
            parts.append(
                self.tr("{0} placed by the centre's region").format(report.placed_by_centre)
            )
        if parts:
            self.banner.show_info(
                self.tr("Excluded: {0} samples").format(excluded.total()) + " — " + "; ".join(parts)
            )

    def _fill_choices(self, load: RatesLoad) -> None:
        known = {self.period.itemData(i) for i in range(self.period.count())}
        for period in load.periods:
            if period not in known:
                self.period.addItem(period, period)
        known = {self.category.itemData(i) for i in range(self.category.count())}
        for code, name in load.classes:
            if code not in known:
                self.category.addItem(f"{name} ({code})", code)

    def _row(self, r: province_rates.RateRow) -> tuple[Any, ...]:
        change = r.change()
        previous = None if r.previous is None else r.previous.pass_rate
        return (
            r.key,
            r.name,
            r.current.tested,
            r.current.passed,
            r.current.failed,
            rate_text(r.current.pass_rate),
            rate_text(r.current.fail_rate),
            "—" if previous is None else rate_text(previous),
            "—" if change is None else f"{change:+}",
        )

    # ----- drill-down -------------------------------------------------------------------

    def _row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.drill(self.rows.key(index.row()))

    def _bar_clicked(self, index: int) -> None:
        rows = getattr(self, "_bar_rows", [])
        if 0 <= index < len(rows):
            self.drill(rows[index])

    def drill(self, row: province_rates.RateRow) -> None:
        """A city opens its counties; a county (or a residual row) lists its samples."""
        if not self.within and not row.residual and row.key in regions.CITIES:
            self.refresh(within=row.key)
            return
        self.show_samples(row.key)

    def go_up(self) -> None:
        if self.within:
            self.refresh(within="")

    def show_samples(self, region: str) -> None:
        scope = self.scope()
        open_store = self.open_store
        token = self._start_load("samples")

        def work(state: TaskState) -> list[SampleRef]:
            return load_samples(open_store, scope, region, state)

        run_operation(
            self,
            work,
            label=self.tr("Listing samples…"),
            on_success=lambda found: (
                self._samples_loaded(found) if self._answered("samples", token) else None
            ),
            on_failure=lambda exc: self._failed(exc) if self._answered("samples", token) else None,
            on_cancelled=lambda: self._stop_waiting("samples", token),
        )

    def _samples_loaded(self, found: list[SampleRef]) -> None:
        self.reads.succeeded()
        self.samples = found
        self.sample_rows.set_rows(
            [
                (
                    s.centre_code,
                    s.sample_id,
                    s.report_no or "—",
                    s.sampling_date,
                    s.category,
                    s.enterprise_name,
                    verdict_text(s.verdict),
                    "、".join(s.failing_items),
                )
                for s in found
            ]
        )

    # ----- export -----------------------------------------------------------------------

    def _ask_save_path(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export pass rates"),
            str(Path.home() / "pass-rates.xlsx"),
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv);;JSON (*.json)"),
        )
        return Path(path) if path else None

    def export(self) -> None:
        from labdesk.province import export

        if self.load is None:  # never read (the server away since the start): say so
            self.banner.show_error(nothing_to_export())
            return
        path = self.save_path_provider()
        if path is None:
            return
        figures = province_rates.report_json(self.load.report)

        def work(state: TaskState) -> Path:
            return export.write_rates(path, figures)

        run_operation(
            self,
            work,
            label=self.tr("Exporting…"),
            on_success=lambda written: self.banner.show_info(
                self.tr("Pass rates written to {0}").format(written)
            ),
            on_failure=self._failed,
        )
