"""pyqtgraph charts for the dashboard: a monthly trend line and clickable category bars.

The trend says how much stands behind each point (sample count, Wilson interval, hollow
points from few samples: `core.rates`).

The charts receive figures already aggregated in SQL by the summary service (one point a
month, one bar a category), so they stay light on a 50,000-sample database. Curves still
get clip-to-view and automatic downsampling, set on the item after it is added: passing
them as `plot()` keyword arguments raises on PySide6.

Chart values are floats only for drawing; the numbers shown as text come from the
service's Decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QGraphicsSceneMouseEvent, QWidget

from labdesk.core.rates import MIN_SAMPLES, few_samples, wilson_percent

BAR_WIDTH = 0.6
PASS_COLOUR = (46, 125, 50)
FAIL_COLOUR = (198, 40, 40)


def _ticks(labels: Sequence[str]) -> list[list[tuple[float, str]]]:
    return [[(float(i), label) for i, label in enumerate(labels)]]


class ClickableBars(pg.BarGraphItem):
    """A horizontal bar series (one bar per row y = 0, 1, …) that reports clicks by index."""

    barClicked = Signal(int)

    def __init__(self, values: Sequence[int], brush: object) -> None:
        self.positions = [float(i) for i in range(len(values))]
        self.values = [float(v) for v in values]
        super().__init__(
            x0=[0.0] * len(values),
            width=self.values,
            y=self.positions,
            height=BAR_WIDTH,
            brush=brush,
        )

    def bar_at(self, y: float) -> int | None:
        for index, centre in enumerate(self.positions):
            if abs(y - centre) <= BAR_WIDTH / 2:
                return index
        return None

    def mouseClickEvent(self, ev: QGraphicsSceneMouseEvent) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        index = self.bar_at(ev.pos().y())
        if index is not None:
            ev.accept()
            self.barClicked.emit(index)


class CategoryBarChart(pg.PlotWidget):
    """Samples per product category as horizontal bars (long Chinese names fit on the
    left axis), with the failed part overlaid in red.

    `barClicked(index)` names the category by its position in the last `set_data()` call.
    """

    barClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.showGrid(x=True, alpha=0.3)
        item = self.getPlotItem()
        item.setLabel("bottom", QCoreApplication.translate("ManagerCharts", "Samples"))
        item.invertY(True)  # first category at the top
        item.addLegend(offset=(-10, -10))
        self._bars: ClickableBars | None = None
        self._fail_bars: ClickableBars | None = None
        self.labels: list[str] = []

    def set_data(self, labels: Sequence[str], totals: Sequence[int], fails: Sequence[int]) -> None:
        item = self.getPlotItem()
        item.clear()
        self.labels = list(labels)
        self._bars = ClickableBars(totals, pg.mkBrush(PASS_COLOUR))
        self._fail_bars = ClickableBars(fails, pg.mkBrush(FAIL_COLOUR))
        item.addItem(self._bars)
        item.addItem(self._fail_bars)
        legend = item.legend
        if legend is not None:
            legend.clear()
            legend.addItem(self._bars, QCoreApplication.translate("ManagerCharts", "Samples"))
            legend.addItem(self._fail_bars, QCoreApplication.translate("ManagerCharts", "Failed"))
        self._bars.barClicked.connect(self.barClicked)
        self._fail_bars.barClicked.connect(self.barClicked)
        axis = item.getAxis("left")
        axis.setTicks(_ticks(self.labels))
        # Every category name stays visible: the chart grows with the number of bars.
        axis.setStyle(hideOverlappingLabels=False)
        metrics = QFontMetrics(axis.style.get("tickFont") or self.font())
        widest = max((metrics.horizontalAdvance(label) for label in labels), default=0)
        axis.setWidth(min(260, widest + 20))
        self.setMinimumHeight(max(260, 24 * len(labels) + 80))
        if labels:
            item.setYRange(-0.6, len(labels) - 0.4, padding=0)
            # Head-room on the right: the legend sits there, clear of the longest bar.
            item.setXRange(0, max([*totals, 1]) * 1.3, padding=0)

    def bar_scene_pos(self, index: int) -> QPointF:
        """Where bar `index` sits in scene coordinates (half way along): used by tests."""
        assert self._bars is not None
        length = self._bars.values[index]
        view = self.getPlotItem().getViewBox()
        return view.mapViewToScene(QPointF(length / 2, float(index)))


class TrendChart(pg.PlotWidget):
    """Monthly pass rate and non-conformity rate, both in percent, with what stands behind
    each point: its number of judged samples (the tooltip, and a count row under the
    axis), its 95 % Wilson interval (error bars), and — from fewer than `minimum`
    samples — a hollow point left out of the line, so one failing sample in a quiet month
    does not draw a crisis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setMenuEnabled(False)
        self.showGrid(x=True, y=True, alpha=0.3)
        item = self.getPlotItem()
        item.setLabel("left", QCoreApplication.translate("ManagerCharts", "Rate (%)"))
        item.addLegend(offset=(-10, 10))
        self.pass_curve: pg.PlotDataItem | None = None
        self.fail_curve: pg.PlotDataItem | None = None
        self.months: list[str] = []
        self.minimum = MIN_SAMPLES
        #: Per month: judged samples (None: no sample judged), and the tooltip text.
        self.counts: list[int | None] = []
        self.tips: list[str] = []
        self.count_labels: list[pg.TextItem] = []
        #: Per series ("pass", "fail"): x of the filled and of the hollow points.
        self.solid: dict[str, list[float]] = {}
        self.hollow: dict[str, list[float]] = {}
        self.scatters: dict[str, pg.ScatterPlotItem] = {}
        #: Per series: month index → its 95 % Wilson interval in percent.
        self.intervals: dict[str, dict[int, tuple[Decimal, Decimal]]] = {}

    def set_data(
        self,
        months: Sequence[str],
        pass_rates: Sequence[Decimal | None],
        fail_rates: Sequence[Decimal | None],
        *,
        judged: Sequence[int] | None = None,
        passed: Sequence[int] | None = None,
        minimum: int = MIN_SAMPLES,
    ) -> None:
        """One point per month. With `judged` (and `passed`) counts, each point carries its
        sample count and Wilson interval, and counts below `minimum` are drawn hollow."""
        item = self.getPlotItem()
        item.clear()
        self.months = list(months)
        self.minimum = minimum
        count = len(self.months)
        self.counts = [None] * count
        if judged is not None:
            self.counts = [
                (int(n) if rate is not None else None)
                for n, rate in zip(judged, pass_rates, strict=True)
            ]
        wins = list(passed) if passed is not None else [0] * count
        self.solid, self.hollow, self.scatters = {}, {}, {}
        series = (
            (
                "pass",
                pass_rates,
                PASS_COLOUR,
                "o",
                QCoreApplication.translate("ManagerCharts", "Pass rate"),
            ),
            (
                "fail",
                fail_rates,
                FAIL_COLOUR,
                "t",
                QCoreApplication.translate("ManagerCharts", "Non-conformity rate"),
            ),
        )
        for key, rates, colour, symbol, name in series:
            self._draw_series(key, rates, colour, symbol, name, wins)
        self.tips = [self._tip(i, pass_rates[i], fail_rates[i], wins[i]) for i in range(count)]
        for key, scatter in self.scatters.items():
            scatter.setData(
                **self._spots(key, pass_rates if key == "pass" else fail_rates, colour_of(key))
            )
        self._draw_counts()
        step = max(1, (len(months) + 5) // 6)
        ticks = [(float(i), m) for i, m in enumerate(months) if i % step == 0]
        item.getAxis("bottom").setTicks([ticks])
        bottom = -14 if judged is not None else 0
        item.setYRange(bottom, 100, padding=0.05)
        if months:
            item.setXRange(-0.5, len(months) - 0.5, padding=0)

    def _few(self, index: int) -> bool:
        n = self.counts[index]
        return n is not None and few_samples(n, self.minimum)

    def _draw_series(
        self,
        key: str,
        rates: Sequence[Decimal | None],
        colour: tuple[int, int, int],
        symbol: str,
        name: str,
        wins: Sequence[int],
    ) -> None:
        item = self.getPlotItem()
        present = [i for i, r in enumerate(rates) if r is not None]
        solid = [i for i in present if not self._few(i)]
        self.solid[key] = [float(i) for i in solid]
        self.hollow[key] = [float(i) for i in present if self._few(i)]
        # The line joins only the points that rest on enough samples.
        curve = item.plot(
            [float(i) for i in solid],
            [float(rates[i] or 0) for i in solid],
            pen=pg.mkPen(colour, width=2),
            name=name,
        )
        # After adding: as plot() kwargs these raise on PySide6.
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")
        if key == "pass":
            self.pass_curve = curve
        else:
            self.fail_curve = curve
        self._draw_intervals(key, present, wins, colour)
        scatter = pg.ScatterPlotItem(symbol=symbol, size=8, hoverable=True, tip=_point_tip)
        item.addItem(scatter)
        self.scatters[key] = scatter

    def _spots(
        self, key: str, rates: Sequence[Decimal | None], colour: tuple[int, int, int]
    ) -> dict[str, Any]:
        spots = []
        for i, rate in enumerate(rates):
            if rate is None:
                continue
            hollow = self._few(i)
            spots.append(
                {
                    "pos": (float(i), float(rate)),
                    "brush": pg.mkBrush(255, 255, 255) if hollow else pg.mkBrush(colour),
                    "pen": pg.mkPen(colour, width=1.5),
                    "data": self.tips[i],
                }
            )
        return {"spots": spots}

    def _draw_intervals(
        self, key: str, present: Sequence[int], wins: Sequence[int], colour: tuple[int, int, int]
    ) -> None:
        """Each point's 95 % Wilson interval as a vertical bar (one segment per month)."""
        xs: list[float] = []
        ys: list[float] = []
        self.intervals[key] = {}
        for i in present:
            n = self.counts[i]
            if not n:
                continue
            k = wins[i] if key == "pass" else n - wins[i]
            interval = wilson_percent(k, n)
            if interval is None:
                continue
            self.intervals[key][i] = interval
            x = float(i) + (-0.06 if key == "pass" else 0.06)
            xs += [x, x]
            ys += [float(interval[0]), float(interval[1])]
        if xs:
            bars = self.getPlotItem().plot(xs, ys, connect="pairs", pen=pg.mkPen(*colour, 110))
            bars.setZValue(-1)

    def _tip(
        self, index: int, pass_rate: Decimal | None, fail_rate: Decimal | None, wins: int
    ) -> str:
        month = self.months[index]
        n = self.counts[index]
        if pass_rate is None:
            return QCoreApplication.translate("ManagerCharts", "{0}: no judged samples").format(
                month
            )
        lines = [
            QCoreApplication.translate(
                "ManagerCharts", "{0}: pass rate {1} %, non-conformity rate {2} %"
            ).format(month, pass_rate, fail_rate)
        ]
        if n is not None:
            lines.append(
                QCoreApplication.translate("ManagerCharts", "{0} judged samples").format(n)
            )
            interval = wilson_percent(wins, n)
            if interval is not None:
                lines.append(
                    QCoreApplication.translate(
                        "ManagerCharts", "95 % interval of the pass rate: {0}–{1} %"
                    ).format(*interval)
                )
            if few_samples(n, self.minimum):
                lines.append(
                    QCoreApplication.translate(
                        "ManagerCharts", "Fewer than {0} samples: drawn hollow, off the line"
                    ).format(self.minimum)
                )
        return "\n".join(lines)

    def _draw_counts(self) -> None:
        """The count row: n under every month that has judged samples."""
        self.count_labels = []
        item = self.getPlotItem()
        for i, n in enumerate(self.counts):
            if n is None:
                continue
            label = pg.TextItem(
                f"n={n}",
                color=(150, 150, 150) if few_samples(n, self.minimum) else (60, 60, 60),
                anchor=(0.5, 0.5),
            )
            label.setPos(float(i), -8.0)
            item.addItem(label)
            self.count_labels.append(label)

    def point_scene_pos(self, key: str, index: int) -> QPointF:
        """Where the point of `key` ("pass"/"fail") for month `index` is, in scene
        coordinates (tests hover it)."""
        scatter = self.scatters[key]
        for spot in scatter.points():
            if round(spot.pos().x()) == index:
                return self.getPlotItem().getViewBox().mapViewToScene(spot.pos())
        raise KeyError(index)


def colour_of(key: str) -> tuple[int, int, int]:
    return PASS_COLOUR if key == "pass" else FAIL_COLOUR


def _point_tip(x: float, y: float, data: object) -> str:
    return str(data)
