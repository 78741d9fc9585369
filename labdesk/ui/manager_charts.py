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
from PySide6.QtWidgets import QGraphicsSceneMouseEvent, QWidget

BAR_WIDTH = 0.6
PASS_COLOUR = (46, 125, 50)
FAIL_COLOUR = (198, 40, 40)


def tr(text: str) -> str:
    return QCoreApplication.translate("ManagerCharts", text)


def _ticks(labels: Sequence[str]) -> list[list[tuple[float, str]]]:
    return [[(float(i), label) for i, label in enumerate(labels)]]


class ClickableBars(pg.BarGraphItem):
    """A bar series that reports which bar was clicked (by index)."""

    barClicked = Signal(int)

    def __init__(self, **opts: object) -> None:
        super().__init__(**opts)
        self._x: list[float] = [float(x) for x in opts.get("x", [])]  # type: ignore[attr-defined]
        self._width = float(opts.get("width", BAR_WIDTH))  # type: ignore[arg-type]

    def bar_at(self, x: float) -> int | None:
        for index, centre in enumerate(self._x):
            if abs(x - centre) <= self._width / 2:
                return index
        return None

    def mouseClickEvent(self, ev: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 (Qt name)
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        index = self.bar_at(ev.pos().x())
        if index is not None:
            ev.accept()
            self.barClicked.emit(index)


class CategoryBarChart(pg.PlotWidget):
    """Samples per product category: total bars with the failing part overlaid in red.

    `barClicked(index)` names the category by its position in the last `set_data()` call.
    """

    barClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.showGrid(y=True, alpha=0.3)
        self.getPlotItem().setLabel("left", tr("Samples"))
        self.getPlotItem().addLegend(offset=(-10, 10))
        self._bars: ClickableBars | None = None
        self._fail_bars: ClickableBars | None = None
        self.labels: list[str] = []

    def set_data(self, labels: Sequence[str], totals: Sequence[int], fails: Sequence[int]) -> None:
        item = self.getPlotItem()
        item.clear()
        self.labels = list(labels)
        xs = list(range(len(labels)))
        self._bars = ClickableBars(
            x=xs, height=list(totals), width=BAR_WIDTH, brush=pg.mkBrush(PASS_COLOUR)
        )
        self._fail_bars = ClickableBars(
            x=xs, height=list(fails), width=BAR_WIDTH, brush=pg.mkBrush(FAIL_COLOUR)
        )
        item.addItem(self._bars)
        item.addItem(self._fail_bars)
        legend = item.legend
        if legend is not None:
            legend.clear()
            legend.addItem(self._bars, tr("Samples"))
            legend.addItem(self._fail_bars, tr("Failed"))
        self._bars.barClicked.connect(self.barClicked)
        self._fail_bars.barClicked.connect(self.barClicked)
        item.getAxis("bottom").setTicks(_ticks(self.labels))
        if labels:
            item.setXRange(-0.6, len(labels) - 0.4, padding=0)
            item.setYRange(0, max([*totals, 1]) * 1.1, padding=0)

    def bar_scene_pos(self, index: int) -> QPointF:
        """Where bar `index` sits in scene coordinates (half way up): used by tests."""
        assert self._bars is not None
        height = float(self._bars.opts["height"][index])
        view = self.getPlotItem().getViewBox()
        return view.mapViewToScene(QPointF(float(index), height / 2))


class TrendChart(pg.PlotWidget):
    """Monthly pass rate (line) and non-conformity rate, both in percent."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setMenuEnabled(False)
        self.showGrid(x=True, y=True, alpha=0.3)
        item = self.getPlotItem()
        item.setLabel("left", tr("Rate (%)"))
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
        xs = [float(i) for i in range(len(months))]
        pass_y = [float("nan") if r is None else float(r) for r in pass_rates]
        fail_y = [float("nan") if r is None else float(r) for r in fail_rates]
        self.pass_curve = item.plot(
            xs,
            pass_y,
            pen=pg.mkPen(PASS_COLOUR, width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=PASS_COLOUR,
            name=tr("Pass rate"),
            connect="finite",
        )
        self.fail_curve = item.plot(
            xs,
            fail_y,
            pen=pg.mkPen(FAIL_COLOUR, width=2),
            symbol="t",
            symbolSize=6,
            symbolBrush=FAIL_COLOUR,
            name=tr("Non-conformity rate"),
            connect="finite",
        )
        # After adding: as plot() kwargs these raise on PySide6.
        for curve in (self.pass_curve, self.fail_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        step = max(1, len(months) // 12)
        ticks = [(float(i), m) for i, m in enumerate(months) if i % step == 0]
        item.getAxis("bottom").setTicks([ticks])
        item.setYRange(0, 100, padding=0.05)
        if months:
            item.setXRange(-0.5, len(months) - 0.5, padding=0)
