"""A Levey–Jennings chart of 10,000 control points with the Westgard rules marked, first
paint, vs bare pyqtgraph plotting the same points.

Data (fixed seed): 10,000 points of a control material around mean 0.100, SD 0.005,
with a drift and a few outliers so every rule fires somewhere (quick: 2,000 points).

Ours: `ui.control_chart.ControlChart(…).set_series(values, mean, sd)` — every Westgard
rule evaluated on its own over the whole series in Decimal, the curve with symbols, the
mean and ±1/2/3 SD lines, one marker item per rule violated — then grab() of the widget
(800×500): the first paint.

Baseline: a bare `pg.PlotWidget` of the same size, `plot(xs, ys, symbol="o")` of the same
points as floats with clip-to-view and downsampling as ours, then grab().
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from benchmarks.harness import Benchmark

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
WIDTH, HEIGHT = 800, 500
MEAN, SD = Decimal("0.100"), Decimal("0.005")


@dataclass
class _State:
    app: Any
    values: list[Decimal]
    floats: list[float]


def _setup(quick: bool) -> _State:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench_qc_chart"])
    rng = random.Random(1216)
    count = 2_000 if quick else 10_000
    values = []
    for i in range(count):
        drift = 0.004 if (i // 500) % 4 == 3 else 0.0  # a shift now and then: 4-1s, 10x
        x = rng.gauss(0.100 + drift, 0.005)
        if rng.random() < 0.004:
            x += rng.choice((-1, 1)) * 0.02  # an outlier: 1-3s, R-4s
        values.append(Decimal(f"{x:.4f}"))
    return _State(app, values, [float(v) for v in values])


def _ours(state: _State) -> object:
    from labdesk.ui.control_chart import ControlChart

    chart = ControlChart()
    chart.resize(WIDTH, HEIGHT)
    chart.set_series(state.values, MEAN, SD)
    pixmap = chart.grab()
    marked = sum(len(v) for v in chart.marked.values())
    chart.deleteLater()
    state.app.processEvents()
    return pixmap.width(), marked


def _baseline(state: _State) -> object:
    import pyqtgraph as pg

    widget = pg.PlotWidget()
    widget.resize(WIDTH, HEIGHT)
    xs = list(range(1, len(state.floats) + 1))
    curve = widget.plot(xs, state.floats, symbol="o", symbolSize=4)
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    pixmap = widget.grab()
    widget.deleteLater()
    state.app.processEvents()
    return pixmap.width()


BENCHMARK = Benchmark(
    name="qc_chart",
    description="Levey-Jennings chart of 10,000 points: Westgard rules each on its own in "
    "Decimal, curve, mean and ±1/2/3 SD lines, one marker item per rule; first paint",
    baseline_description="bare pyqtgraph PlotWidget.plot of the same points as floats "
    "(symbols, clip-to-view, downsampling); first paint",
    target=1.5,
    setup=_setup,
    ours=_ours,
    baseline=_baseline,
)
