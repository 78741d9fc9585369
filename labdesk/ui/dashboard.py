"""The centre manager's dashboard: headline rates, breakdowns, trend, drill-down.

Every figure comes from `labdesk.services.summary`, which counts in SQL; this screen only
draws the few aggregated rows it returns. Loading runs off the GUI thread on its own
read-only connection (WAL lets it read beside the writer), so a 50,000-sample database
never freezes the window; the progress dialog appears only if it takes a while.

Clicking a category bar, a state, a failing item or a failing enterprise lists the samples
behind it in the drill-down table at the bottom and asks the main window to open them
(`samplesRequested`, and `session.open_samples(ids)` when the session offers it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from labdesk.core.errors import LabDeskError
from labdesk.core.rates import MIN_SAMPLES
from labdesk.services import summary
from labdesk.services.summary import DashboardData, DrillDown, Group, SummaryFilter
from labdesk.store.engine import DbTarget
from labdesk.ui.manager_charts import CategoryBarChart, TrendChart
from labdesk.ui.manager_format import month_keys, state_title
from labdesk.ui.manager_lazy import LazyRowsModel
from labdesk.ui.manager_widgets import (
    FigureTile,
    MessageBanner,
    RowsModel,
    make_table,
    titled,
)
from labdesk.ui.operations import TaskState, run_operation
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

ALL = ""  # combo data meaning "no filter"
TOP = 10
PERIODS = ("all", "this_year", "last_12_months", "this_month", "custom")
MIN_SAMPLES_KEY = "dashboard/min_samples"


@dataclass(frozen=True)
class FilterChoices:
    """What the filter combos offer: every value present in the database."""

    categories: list[Group]
    regions: list[Group]
    enterprises: list[Group]
    sources: list[Group]


@dataclass(frozen=True)
class DashboardLoad:
    data: DashboardData
    choices: FilterChoices | None


def load_dashboard(
    db_path: DbTarget, flt: SummaryFilter, *, with_choices: bool, today: date | None = None
) -> DashboardLoad:
    """The worker: every figure over its own read-only connection (never the writer)."""
    from labdesk.store.db import open_reader

    reader = open_reader(db_path)
    try:
        data = summary.dashboard(reader, flt, today=today, top=TOP)
        choices = None
        if with_choices:
            choices = FilterChoices(
                categories=summary.breakdown(reader, "category"),
                regions=summary.breakdown(reader, "region"),
                enterprises=summary.breakdown(reader, "enterprise"),
                sources=summary.breakdown(reader, "source"),
            )
        return DashboardLoad(data, choices)
    finally:
        reader.close()


def drill_sample_ids(
    db_path: DbTarget, flt: SummaryFilter, drill: DrillDown, today: date | None = None
) -> list[int]:
    from labdesk.store.db import open_reader

    reader = open_reader(db_path)
    try:
        return summary.sample_ids_for(reader, flt, drill, today=today)
    finally:
        reader.close()


def _state_rank(state: str) -> int:
    from labdesk.store.schema import SAMPLE_STATES

    return SAMPLE_STATES.index(state) if state in SAMPLE_STATES else len(SAMPLE_STATES)


def period_range(period: str, today: date) -> tuple[date | None, date | None]:
    """The dates a period preset covers (None = open)."""
    if period == "this_year":
        return date(today.year, 1, 1), today
    if period == "last_12_months":
        return today - timedelta(days=365), today
    if period == "this_month":
        return today.replace(day=1), today
    return None, None


class DashboardScreen(QWidget):
    """Headline figures, breakdowns, charts and drill-down for the centre manager."""

    # Sample ids behind a clicked bar or row, and a caption saying what they are.
    samplesRequested = Signal(list, str)
    # Emitted each time new figures have been drawn (tests wait on it).
    refreshed = Signal()

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("screen_dashboard")
        self.data: DashboardData | None = None
        self.today: date | None = None  # None = the real today; tests may pin it
        self._loading = False
        self._reload_pending = False
        self._choices_loaded = False
        self._drill_ids: list[int] = []
        self._category_keys: list[str] = []

        outer = QVBoxLayout(self)
        # No size constraint: a top-level screen (tests, screenshots) must not push its
        # minimum size to the window, which the offscreen platform warns about.
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.banner = MessageBanner(self)
        outer.addWidget(self.banner)
        outer.addLayout(self._build_filters())

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.addLayout(self._build_tiles())

        self.state_model = RowsModel([self.tr("State"), self.tr("Samples")], (1,), self)
        self.state_table = make_table(self.state_model, body, fit_width=True)
        self.state_table.setObjectName("state_table")
        self.items_model = RowsModel(
            [self.tr("Test item"), self.tr("Tested"), self.tr("Failed"), self.tr("Failure rate")],
            (1, 2, 3),
            self,
        )
        self.items_table = make_table(self.items_model, body, fit_width=True)
        self.items_table.setObjectName("items_table")
        self.enterprises_model = RowsModel(
            [
                self.tr("Enterprise"),
                self.tr("Samples"),
                self.tr("Failed"),
                self.tr("Non-conformity rate"),
            ],
            (1, 2, 3),
            self,
        )
        self.enterprises_table = make_table(self.enterprises_model, body, fit_width=True)
        self.enterprises_table.setObjectName("enterprises_table")
        for table in (self.state_table, self.items_table, self.enterprises_table):
            table.setMinimumHeight(200)
        # A click, or Enter on the current row, opens the samples behind it.
        for table, slot in (
            (self.state_table, self._on_state_clicked),
            (self.items_table, self._on_item_clicked),
            (self.enterprises_table, self._on_enterprise_clicked),
        ):
            table.clicked.connect(slot)
            table.activated.connect(slot)

        tables = QHBoxLayout()
        tables.addWidget(titled(self.tr("Samples by state"), self.state_table, body), 1)
        tables.addWidget(titled(self.tr("Top failing items"), self.items_table, body), 2)
        tables.addWidget(
            titled(self.tr("Top failing enterprises"), self.enterprises_table, body), 2
        )
        layout.addLayout(tables)

        self.trend_chart = TrendChart(body)
        self.trend_chart.setObjectName("trend_chart")
        self.category_chart = CategoryBarChart(body)
        self.category_chart.setObjectName("category_chart")
        self.category_chart.barClicked.connect(self._on_category_bar)
        for chart in (self.trend_chart, self.category_chart):
            chart.setMinimumHeight(260)
        charts = QSplitter(body)
        charts.addWidget(titled(self.tr("Monthly pass and non-conformity rates"), self.trend_chart))
        charts.addWidget(
            titled(self.tr("Samples by product category (click a bar)"), self.category_chart)
        )
        layout.addWidget(charts)
        layout.addLayout(self._build_min_samples())

        self.drill_label = QLabel(self.tr("Click a bar or a row to list its samples."), body)
        self.drill_label.setObjectName("drill_label")
        self.drill_model = LazyRowsModel(
            [
                self.tr("Sample no."),
                self.tr("Sample"),
                self.tr("Enterprise"),
                self.tr("Category"),
                self.tr("Sampling date"),
                self.tr("State"),
                self.tr("Conclusion"),
            ],
            parent=self,
        )
        self.drill_model.readFailed.connect(self._show_failure)
        self.drill_table = make_table(self.drill_model, body)
        self.drill_table.setObjectName("drill_table")
        self.drill_table.setMinimumHeight(200)
        layout.addWidget(self.drill_label)
        layout.addWidget(self.drill_table)
        outer.addWidget(scroll, 1)
        self.refresh()

    # ----- building -------------------------------------------------------------------

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.period_combo = QComboBox(self)
        self.period_combo.setObjectName("period_combo")
        for key, text in zip(
            PERIODS,
            (
                self.tr("All time"),
                self.tr("This year"),
                self.tr("Last 12 months"),
                self.tr("This month"),
                self.tr("Custom dates"),
            ),
            strict=True,
        ):
            self.period_combo.addItem(text, key)
        self.date_from = QDateEdit(self)
        self.date_from.setObjectName("date_from")
        self.date_to = QDateEdit(self)
        self.date_to.setObjectName("date_to")
        today = QDate.currentDate()
        self.date_from.setDate(today.addYears(-1))
        self.date_to.setDate(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.category_combo = self._filter_combo("category_combo", self.tr("All categories"))
        self.region_combo = self._filter_combo("region_combo", self.tr("All regions"))
        self.enterprise_combo = self._filter_combo("enterprise_combo", self.tr("All enterprises"))
        self.source_combo = self._filter_combo("source_combo", self.tr("All task sources"))
        self.apply_button = QPushButton(self.tr("Apply"), self)
        self.apply_button.setObjectName("apply_button")
        self.apply_button.clicked.connect(self.reload)
        self.export_button = QPushButton(self.tr("Export tables…"), self)
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(self._choose_export)
        self.period_combo.currentIndexChanged.connect(self._on_period_changed)
        row.addWidget(QLabel(self.tr("Period:"), self))
        row.addWidget(self.period_combo)
        row.addWidget(self.date_from)
        row.addWidget(QLabel("–", self))
        row.addWidget(self.date_to)
        for combo in (
            self.category_combo,
            self.region_combo,
            self.enterprise_combo,
            self.source_combo,
        ):
            row.addWidget(combo)
        row.addWidget(self.apply_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        return row

    def _build_min_samples(self) -> QHBoxLayout:
        """ "Few samples" below N judged (default 10, kept in the settings): such months are
        drawn hollow and left out of the trend line."""
        row = QHBoxLayout()
        self.min_samples = QSpinBox(self)
        self.min_samples.setObjectName("min_samples")
        self.min_samples.setRange(1, 1000)
        saved = self.session.settings.value(MIN_SAMPLES_KEY, MIN_SAMPLES, type=int)
        self.min_samples.setValue(saved if isinstance(saved, int) and saved > 0 else MIN_SAMPLES)
        self.min_samples.valueChanged.connect(self._min_samples_changed)
        row.addWidget(QLabel(self.tr("Rates from fewer judged samples than"), self))
        row.addWidget(self.min_samples)
        row.addWidget(
            QLabel(self.tr("are drawn hollow, left out of the line; bars: 95 % interval"), self)
        )
        row.addStretch(1)
        return row

    def _min_samples_changed(self, value: int) -> None:
        self.session.settings.setValue(MIN_SAMPLES_KEY, value)
        if self.data is not None:
            self._draw_trend(self.data.by_month)

    def _filter_combo(self, name: str, all_text: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItem(all_text, ALL)
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.activated.connect(lambda _index: self.reload())
        return combo

    def _build_tiles(self) -> QGridLayout:
        grid = QGridLayout()
        self.samples_tile = FigureTile(self.tr("Samples"), self)
        self.pass_tile = FigureTile(self.tr("Pass rate (合格率)"), self)
        self.fail_tile = FigureTile(self.tr("Non-conformity rate (不合格率)"), self)
        self.pending_tile = FigureTile(self.tr("Not yet concluded"), self)
        self.overdue_tile = FigureTile(self.tr("Overdue reports"), self)
        self.reinspection_tile = FigureTile(self.tr("Failed, re-inspection window open"), self)
        tiles = (
            self.samples_tile,
            self.pass_tile,
            self.fail_tile,
            self.pending_tile,
            self.overdue_tile,
            self.reinspection_tile,
        )
        for column, tile in enumerate(tiles):
            grid.addWidget(tile, 0, column)
        self.overdue_button = QPushButton(self.tr("List overdue samples"), self)
        self.overdue_button.setObjectName("overdue_button")
        self.overdue_button.clicked.connect(
            lambda: self._drill(DrillDown("overdue"), self.tr("Overdue samples"))
        )
        self.reinspection_button = QPushButton(self.tr("List them"), self)
        self.reinspection_button.setObjectName("reinspection_button")
        self.reinspection_button.clicked.connect(
            lambda: self._drill(
                DrillDown("reinspection"), self.tr("Failed samples, re-inspection window open")
            )
        )
        grid.addWidget(self.overdue_button, 1, 4)
        grid.addWidget(self.reinspection_button, 1, 5)
        # The law's clocks (issue 17): reports due this week on the official calendar,
        # and one line for the others.
        self.due_week_tile = FigureTile(self.tr("Reports due this week"), self)
        grid.addWidget(self.due_week_tile, 0, 6)
        self.due_week_button = QPushButton(self.tr("List them"), self)
        self.due_week_button.setObjectName("due_week_button")
        self.due_week_button.clicked.connect(
            lambda: self._drill(DrillDown("due_week"), self.tr("Reports due this week"))
        )
        grid.addWidget(self.due_week_button, 1, 6)
        self.clocks_label = QLabel(self)
        self.clocks_label.setObjectName("dashboard_clocks")
        self.clocks_label.setWordWrap(True)
        grid.addWidget(self.clocks_label, 2, 0, 1, 7)
        return grid

    # ----- filters --------------------------------------------------------------------

    def _today(self) -> date:
        return self.today or date.today()

    def _on_period_changed(self, _index: int) -> None:
        period = self.period_combo.currentData()
        custom = period == "custom"
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(custom)
        if not custom:
            start, end = period_range(str(period), self._today())
            if start is not None and end is not None:
                self.date_from.setDate(QDate(start.year, start.month, start.day))
                self.date_to.setDate(QDate(end.year, end.month, end.day))
            self.reload()

    def current_filter(self) -> SummaryFilter:
        """The filter the controls describe (raises ValidationError for reversed dates)."""
        period = str(self.period_combo.currentData())
        if period == "custom":
            start: date | None = self.date_from.date().toPython()  # type: ignore[assignment]
            end: date | None = self.date_to.date().toPython()  # type: ignore[assignment]
        else:
            start, end = period_range(period, self._today())

        def chosen(combo: QComboBox) -> tuple[str, ...]:
            value = combo.currentData()
            return () if value in (None, ALL) else (str(value),)

        enterprise = chosen(self.enterprise_combo)
        flt = SummaryFilter(
            date_from=start,
            date_to=end,
            categories=chosen(self.category_combo),
            regions=chosen(self.region_combo),
            enterprise_ids=tuple(int(e) for e in enterprise),
            sources=chosen(self.source_combo),
        )
        flt.where()  # validates (reversed dates) before any work starts
        return flt

    def _fill_choices(self, choices: FilterChoices) -> None:
        def fill(combo: QComboBox, groups: Sequence[Group], show_key: bool) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for g in groups:
                if not g.key:
                    continue
                text = f"{g.label} ({g.key})" if show_key and g.label != g.key else g.label
                combo.addItem(text, g.key)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

        fill(self.category_combo, choices.categories, True)
        fill(self.region_combo, choices.regions, False)
        fill(self.enterprise_combo, choices.enterprises, False)
        fill(self.source_combo, choices.sources, False)
        self._choices_loaded = True

    # ----- loading --------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the figures and the filter choices (data changed elsewhere)."""
        self._choices_loaded = False
        self.reload()

    def reload(self) -> None:
        """Recompute the figures for the current filter, off the GUI thread."""
        self.banner.clear_message()
        try:
            flt = self.current_filter()
        except Exception as exc:
            self._show_failure(exc)
            return
        if self._loading:
            self._reload_pending = True
            return
        self._loading = True
        with_choices = not self._choices_loaded
        db_path = self.session.db_path
        today = self._today()

        def work(state: TaskState) -> DashboardLoad:
            state.set_progress(0, 0)
            return load_dashboard(db_path, flt, with_choices=with_choices, today=today)

        run_operation(
            self,
            work,
            label=self.tr("Counting samples…"),
            on_success=self._on_loaded,
            on_failure=self._on_load_failed,
        )

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._show_failure(exc)
        self._maybe_reload_again()

    def _show_failure(self, exc: BaseException) -> None:
        from labdesk.ui.errors import user_message

        if not isinstance(exc, LabDeskError):
            log.error("dashboard failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.banner.show_error(user_message(exc))

    def _maybe_reload_again(self) -> None:
        if self._reload_pending:
            self._reload_pending = False
            self.reload()

    def _on_loaded(self, load: DashboardLoad) -> None:
        self._loading = False
        if load.choices is not None:
            self._fill_choices(load.choices)
        self.show_data(load.data)
        self.refreshed.emit()
        self._maybe_reload_again()

    # ----- drawing --------------------------------------------------------------------

    def show_data(self, data: DashboardData) -> None:
        self.data = data
        t = data.totals
        self.samples_tile.set_value(str(t.samples), self.tr("{0} concluded").format(t.concluded))
        self.pass_tile.set_value(
            t.pass_rate.percent_text(),
            self.tr("{0} passed of {1} judged").format(t.passed, t.judged),
        )
        self.fail_tile.set_value(
            t.nonconformity_rate.percent_text(),
            self.tr("{0} failed of {1} judged").format(t.failed, t.judged),
        )
        self.pending_tile.set_value(
            str(t.pending), self.tr("{0} not judged (report only)").format(t.not_judged)
        )
        self.overdue_tile.set_value(str(data.overdue))
        self.reinspection_tile.set_value(str(data.reinspection_open))
        c = data.clocks
        self.due_week_tile.set_value(str(c.report_due_week))
        self.clocks_label.setText(
            self.tr(
                "Deliveries overdue: {0} · 24-hour reports not yet sent: {1} ({2} past 24 h) · "
                "waiting for a year's calendar: {3} · re-inspections and objections open: {4}, "
                "upheld: {5}, overturned: {6} · backup samples due for disposal: {7}"
            ).format(
                c.delivery_overdue,
                c.urgent_pending,
                c.urgent_overdue,
                c.waiting_calendar,
                c.cases_open,
                c.upheld,
                c.overturned,
                c.backups_due,
            )
        )

        # Workflow order, not alphabetical: draft → … → exported, then returned.
        states = sorted(data.by_state, key=lambda g: _state_rank(g.key))
        self.state_model.set_rows(
            [(state_title(g.key), g.counts.samples) for g in states],
            [g.key for g in states],
        )
        self.items_model.set_rows(
            [(i.name, i.tested, i.failed, i.failure_rate.percent_text()) for i in data.top_items],
            [i.name for i in data.top_items],
        )
        self.enterprises_model.set_rows(
            [
                (
                    g.label,
                    g.counts.samples,
                    g.counts.failed,
                    g.counts.nonconformity_rate.percent_text(),
                )
                for g in data.top_enterprises
            ],
            [g.key for g in data.top_enterprises],
        )
        self._draw_trend(data.by_month)
        categories = [g for g in data.by_category if g.key]
        self._category_keys = [g.key for g in categories]
        self.category_chart.set_data(
            [g.label for g in categories],
            [g.counts.samples for g in categories],
            [g.counts.failed for g in categories],
        )

    def _draw_trend(self, by_month: Sequence[Group]) -> None:
        groups = {g.key: g for g in by_month if g.key}
        if not groups:
            self.trend_chart.set_data([], [], [])
            return
        months = month_keys(min(groups), max(groups))
        pass_rates = []
        fail_rates = []
        judged = []
        passed = []
        for month in months:
            g = groups.get(month)
            pass_rates.append(g.counts.pass_rate.percent() if g else None)
            fail_rates.append(g.counts.nonconformity_rate.percent() if g else None)
            judged.append(g.counts.judged if g else 0)
            passed.append(g.counts.passed if g else 0)
        self.trend_chart.set_data(
            months,
            pass_rates,
            fail_rates,
            judged=judged,
            passed=passed,
            minimum=self.min_samples.value(),
        )

    # ----- drill-down -----------------------------------------------------------------

    def _on_category_bar(self, index: int) -> None:
        if 0 <= index < len(self._category_keys):
            label = self.category_chart.labels[index]
            self._drill(
                DrillDown("category", self._category_keys[index]),
                self.tr("Samples of category {0}").format(label),
            )

    def _on_state_clicked(self, index: QModelIndex) -> None:
        key = self.state_model.key(index.row())
        self._drill(
            DrillDown("state", str(key)),
            self.tr("Samples in state {0}").format(state_title(str(key))),
        )

    def _on_item_clicked(self, index: QModelIndex) -> None:
        name = str(self.items_model.key(index.row()))
        self._drill(DrillDown("item", name, "fail"), self.tr("Samples failing {0}").format(name))

    def _on_enterprise_clicked(self, index: QModelIndex) -> None:
        key = str(self.enterprises_model.key(index.row()))
        label = str(self.enterprises_model.row(index.row())[0])
        self._drill(
            DrillDown("enterprise", key, "fail"),
            self.tr("Failed samples of {0}").format(label),
        )

    def _drill(self, drill: DrillDown, caption: str) -> None:
        """List the samples behind a click and ask the main window to open them."""
        self.banner.clear_message()
        try:
            flt = self.current_filter()
            ids = drill_sample_ids(self.session.db_path, flt, drill, self._today())
            self.show_samples(ids, caption)
        except Exception as exc:
            self._show_failure(exc)
            return
        opener = getattr(self.session, "open_samples", None)
        if callable(opener):
            opener(ids)
        self.samplesRequested.emit(ids, caption)

    def show_samples(self, ids: list[int], caption: str) -> None:
        shown, self._drill_ids = self._drill_ids, list(ids)
        try:
            self.drill_model.set_source(self._drill_page)
        except LabDeskError:
            self._drill_ids = shown  # the samples listed stay, with their caption
            raise
        self.drill_label.setText(self.tr("{0}: {1} samples").format(caption, len(ids)))

    def drill_ids(self) -> list[int]:
        return list(self._drill_ids)

    def _drill_page(self, last: Any, limit: int) -> list[tuple[Any, Sequence[Any]]]:
        from labdesk.ui.grid_data import sample_rows

        start = 0 if last is None else int(last) + 1
        chunk = self._drill_ids[start : start + limit]
        rows = sample_rows(self.session.db, chunk)
        out: list[tuple[Any, Sequence[Any]]] = []
        for offset, sample_id in enumerate(chunk):
            r = rows.get(sample_id, {})
            out.append(
                (
                    start + offset,
                    (
                        r.get("sample_no", ""),
                        r.get("sample_name", ""),
                        r.get("enterprise_name", ""),
                        r.get("category_code", ""),
                        r.get("sampling_date", ""),
                        state_title(str(r.get("state", ""))),
                        r.get("conclusion_label", ""),
                    ),
                )
            )
        return out

    # ----- export ---------------------------------------------------------------------

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export dashboard tables"),
            str(Path.home() / "dashboard.xlsx"),
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the dashboard tables (one sheet each) for the current filter."""
        from labdesk.services import exports

        self.banner.clear_message()
        try:
            flt = self.current_filter()
        except Exception as exc:
            self._show_failure(exc)
            return
        db_path = self.session.db_path
        today = self._today()

        def work(state: TaskState) -> Path:
            from labdesk.store.db import open_reader

            reader = open_reader(db_path)
            try:
                tables = summary.summary_tables(summary.centre_summary(reader, flt, today=today))
            finally:
                reader.close()
            if path.suffix.lower() == ".csv":
                # One CSV holds one table: the headline figures and per-table files beside it.
                written = exports.write_table(path, tables[0])
                for table in tables[1:]:
                    exports.write_table(path.with_name(f"{path.stem}-{table.name}.csv"), table)
                return Path(written)
            return Path(exports.write_workbook(path, tables))

        run_operation(
            self,
            work,
            label=self.tr("Exporting tables…"),
            on_success=lambda written: self.banner.show_info(
                self.tr("Dashboard tables written to {0}").format(written)
            ),
            on_failure=self._show_failure,
        )
