"""pyqtgraph charts for the dashboard: a monthly trend line and clickable category bars.

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

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QGraphicsSceneMouseEvent, QWidget

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
    """Monthly pass rate (line) and non-conformity rate, both in percent."""

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

    def set_data(
        self,
        months: Sequence[str],
        pass_rates: Sequence[Decimal | None],
        fail_rates: Sequence[Decimal | None],
    ) -> None:
        item = self.getPlotItem()
        item.clear()
        self.months = list(months)
        # Months without judged samples have no rate: leave them out of the curve (a
        # gap on the axis) rather than draw NaN points.
        pass_x = [float(i) for i, r in enumerate(pass_rates) if r is not None]
        pass_y = [float(r) for r in pass_rates if r is not None]
        fail_x = [float(i) for i, r in enumerate(fail_rates) if r is not None]
        fail_y = [float(r) for r in fail_rates if r is not None]
        self.pass_curve = item.plot(
            pass_x,
            pass_y,
            pen=pg.mkPen(PASS_COLOUR, width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=PASS_COLOUR,
            name=QCoreApplication.translate("ManagerCharts", "Pass rate"),
        )
        self.fail_curve = item.plot(
            fail_x,
            fail_y,
            pen=pg.mkPen(FAIL_COLOUR, width=2),
            symbol="t",
            symbolSize=6,
            symbolBrush=FAIL_COLOUR,
            name=QCoreApplication.translate("ManagerCharts", "Non-conformity rate"),
        )
        # After adding: as plot() kwargs these raise on PySide6.
        for curve in (self.pass_curve, self.fail_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        step = max(1, (len(months) + 5) // 6)
        ticks = [(float(i), m) for i, m in enumerate(months) if i % step == 0]
        item.getAxis("bottom").setTicks([ticks])
        item.setYRange(0, 100, padding=0.05)
        if months:
            item.setXRange(-0.5, len(months) - 0.5, padding=0)
