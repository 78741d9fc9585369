"""A Levey–Jennings control chart with the Westgard rules marked (pyqtgraph).

The points are drawn as one curve with symbols; the mean and ±1, ±2, ±3 SD as horizontal
lines; every rule violated (`core.westgard`, each rule on its own) as one scatter item
with its own symbol over the points that complete it, named in the legend — six items
at most, whatever the number of points, so a chart of 10,000 points paints as fast as
the bare curve does (benchmarks/bench_qc_chart.py). Floats only for drawing: the rules
are decided in Decimal before anything is plotted.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from labdesk.core.westgard import RULES, Violation, control_limits, westgard

# symbol, colour per rule: the warning in amber, rejections in reds.
RULE_MARKS = {
    "1-2s": ("o", (255, 160, 0)),
    "1-3s": ("x", (200, 0, 0)),
    "2-2s": ("s", (200, 0, 0)),
    "R-4s": ("d", (150, 0, 90)),
    "4-1s": ("t", (220, 60, 0)),
    "10x": ("+", (120, 0, 0)),
}
LINE_COLOURS = {0: (30, 30, 30), 1: (120, 170, 120), 2: (230, 160, 40), 3: (200, 40, 40)}


class ControlChart(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("control_chart")
        self.setBackground("w")
        self.setMenuEnabled(False)
        # No grid: the mean and SD lines are the chart's grid, and pyqtgraph's grid cost
        # about as much as the 10,000 points on the first paint.
        item = self.getPlotItem()
        item.setLabel("bottom", QCoreApplication.translate("ControlChart", "Run order"))
        item.setLabel("left", QCoreApplication.translate("ControlChart", "Value"))
        self.legend = item.addLegend(offset=(-10, 10))
        self.violations: list[Violation] = []
        self.marked: dict[str, list[int]] = {}

    def set_series(
        self,
        values: Sequence[Decimal],
        mean: Decimal,
        sd: Decimal,
        violations: Sequence[Violation] | None = None,
    ) -> None:
        """Plots the series; `violations` default to every Westgard rule over it."""
        found = list(westgard(values, mean, sd) if violations is None else violations)
        self.violations = found
        plot = self.getPlotItem()
        plot.clear()
        self.legend.clear()
        xs = list(range(1, len(values) + 1))
        ys = [float(v) for v in values]
        curve = plot.plot(xs, ys, pen=pg.mkPen((60, 90, 160), width=1), symbol="o",
                          symbolSize=4, symbolBrush=(60, 90, 160), symbolPen=None)  # fmt: skip
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")
        for k, (low, high) in {0: (mean, mean), **control_limits(mean, sd)}.items():
            pen = pg.mkPen(LINE_COLOURS[k], width=1, style=pg.QtCore.Qt.PenStyle.DashLine)
            for level in {low, high}:
                plot.addItem(pg.InfiniteLine(pos=float(level), angle=0, pen=pen))
        self.marked = {}
        for violation in found:
            self.marked.setdefault(violation.rule, []).append(violation.index)
        for rule in RULES:
            indexes = self.marked.get(rule)
            if not indexes:
                continue
            symbol, colour = RULE_MARKS[rule]
            scatter = pg.ScatterPlotItem(
                x=[i + 1 for i in indexes],
                y=[ys[i] for i in indexes],
                symbol=symbol,
                size=11,
                pen=pg.mkPen(colour, width=2),
                brush=None if symbol in ("x", "+") else pg.mkBrush(*colour, 90),
                name=f"{rule} ({len(indexes)})",
            )
            plot.addItem(scatter)
