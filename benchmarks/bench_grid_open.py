"""First paint of the result-entry grid over 1,000,000 results vs Qt's own C++ model's.

Data (fixed seed, written straight into the record schema with executemany — setup only,
no audit trail): 200,000 samples in testing × 5 test items = 1,000,000 sample items, each
with a current result (quick: 40,000 samples, 200,000 results). Every sample has the item
"铅", so mode B ("one item across samples") lists 200,000 rows (quick: 40,000).

Ours: build the result-entry grid (`ResultGridModel` + `ResultTableView`, 1280×800),
load mode B for "铅" (keyset page of ids), set the column widths as the entry screen
does and grab() the widget — the first paint, which fetches only the visible rows and
fills them into the model's C++ items (one Python call per paint, then Qt paints the
cells alone: labdesk/ui/grid_model.py).

Baseline: a plain `QTableView` with the same settings (row height, alternating colours,
hidden row numbers, widths) over a *populated* `QStandardItemModel` — Qt's C++ model,
no Python per cell — holding exactly what the grid shows: the same row count and
headers, and for every visible cell the same text, verdict colour and font, copied from
the grid once in setup (outside the timing). `extra["same_pixels"]` records that both
grabs are the same image, so the baseline paints the same visible cells.

Memory: the model holds ids (one keyset page until the user scrolls) and items for the
rows shown (at most `grid_model.FILLED_ROWS`), so peak RSS is nearly the same for
200,000 and 1,000,000 results; `extra` records the model's loaded ids, the rows holding
items and the Python heap the grid allocated.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import Benchmark

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ITEMS = (("铅", "≤0.2"), ("镉", "≤0.05"), ("总汞", "≤0.01"), ("总砷", "≤0.5"), ("铬", "≤0.5"))
WIDTH, HEIGHT = 1280, 800


@dataclass
class _State:
    folder: Path
    db: Any
    session: Any
    app: Any
    extra: dict[str, Any] = field(default_factory=dict)
    reference: Any = None


def _app() -> Any:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return app if app is not None else QApplication(["bench_grid_open"])


def _build(path: Path, samples: int) -> None:
    from labdesk.store.db import open_database

    rng = random.Random(20261126)
    db = open_database(path)
    try:
        now = "2026-06-30T08:00:00.000000Z"
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO users (id, username, display_name, role, password_hash, created_at) "
                "VALUES (1, 'tech', '张三', 'technician', 'x', ?)",
                (now,),
            )
            conn.execute("INSERT INTO lib_categories (code, name) VALUES ('VEG', '蔬菜')")
            conn.execute(
                "INSERT INTO enterprises (id, uscc, name, region_code, created_at) "
                "VALUES (1, '914403001922038216', '某某食品有限公司', '440300', ?)",
                (now,),
            )
            conn.execute(
                "INSERT INTO tasks (id, task_no, source, category, created_at) "
                "VALUES (1, 'T1', '安徽省市场监督管理局', '监督抽检', ?)",
                (now,),
            )
            conn.executemany(
                "INSERT INTO samples (id, sample_no, task_id, enterprise_id, sample_name, "
                "category_code, state, sampling_date, created_at) "
                "VALUES (?, ?, 1, 1, '菠菜', 'VEG', 'testing', '2026-06-01', ?)",
                ((sid, f"S{sid:07d}", now) for sid in range(1, samples + 1)),
            )
            conn.executemany(
                "INSERT INTO sample_items (id, sample_id, seq, name, unit, limit_text) "
                "VALUES (?, ?, ?, ?, 'mg/kg', ?)",
                (
                    ((sid - 1) * len(ITEMS) + seq, sid, seq, name, limit)
                    for sid in range(1, samples + 1)
                    for seq, (name, limit) in enumerate(ITEMS, start=1)
                ),
            )
            conn.executemany(
                "INSERT INTO results (sample_item_id, text, verdict, rounded, display, "
                "explanation_zh, explanation_en, entered_by, entered_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                (
                    (item_id, text, verdict, text, text, f"{text}，{verdict}", verdict, now)
                    for item_id in range(1, samples * len(ITEMS) + 1)
                    for text, verdict in (
                        ("0.3", "fail") if rng.random() < 0.08 else ("0.01", "pass"),
                    )
                ),
            )
        db.conn.execute("ANALYZE")
    finally:
        db.close()


def _setup(quick: bool) -> _State:
    from labdesk.store.db import open_database
    from labdesk.ui.session import UiSession, open_settings

    app = _app()
    folder = Path(tempfile.mkdtemp(prefix="labdesk-bench-grid-"))
    path = folder / "grid.sqlite"
    samples = 40_000 if quick else 200_000
    _build(path, samples)
    db = open_database(path)
    session = UiSession(db=db, db_path=path, settings=open_settings(folder / "settings.ini"))
    state = _State(folder, db, session, app)
    state.extra["results"] = samples * len(ITEMS)
    state.extra["mode_b_rows"] = samples
    state.reference = _reference_model(state)
    return state


def _ours(state: _State) -> object:
    from labdesk.ui.result_grid import ResultGridModel, ResultTableView

    view = ResultTableView()
    model = ResultGridModel(state.session, view)
    view.setModel(model)
    view.resize(WIDTH, HEIGHT)
    model.load_item("铅", "VEG")
    for column, width in enumerate(model.column_widths()):  # as the entry screen does
        view.setColumnWidth(column, width)
    pixmap = view.grab()
    state.extra["loaded_ids"] = model.rowCount()
    state.extra["filled_rows"] = model.filled_rows()
    view.deleteLater()
    state.app.processEvents()
    return pixmap


def _configure_like_grid(view: Any) -> None:
    """The view settings ResultTableView uses that change what is painted."""
    from PySide6.QtWidgets import QHeaderView

    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    vertical = view.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(26)
    vertical.setVisible(False)
    horizontal = view.horizontalHeader()
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    horizontal.setStretchLastSection(True)


def _reference_model(state: _State) -> Any:
    """A populated QStandardItemModel (Qt's own C++ model) holding exactly what the grid
    shows on its first paint: the same row count, headers and column widths, and for
    every visible cell the same text, background (verdict colours) and font. Built once,
    outside the timing, so the baseline pays only for the view and the paint."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from labdesk.ui.result_grid import ResultGridModel, ResultTableView

    view = ResultTableView()
    model = ResultGridModel(state.session, view)
    view.setModel(model)
    view.resize(WIDTH, HEIGHT)
    model.load_item("铅", "VEG")
    for column, width in enumerate(model.column_widths()):
        view.setColumnWidth(column, width)
    view.grab()
    rows, columns = model.rowCount(), model.columnCount()
    first = view.rowAt(0)
    last = view.rowAt(view.viewport().height() - 1)
    last = rows - 1 if last < 0 else last
    reference = QStandardItemModel(rows, columns)
    reference.setHorizontalHeaderLabels(
        [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(columns)]
    )
    display, background = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole
    font = Qt.ItemDataRole.FontRole
    for row in range(first, last + 1):
        for column in range(columns):
            index = model.index(row, column)
            item = QStandardItem(str(model.data(index, display) or ""))
            brush = model.data(index, background)
            if brush is not None:
                item.setBackground(brush)
            if model.data(index, font) is not None:
                item.setFont(model.data(index, font))
            item.setFlags(model.flags(index))
            reference.setItem(row, column, item)
    state.extra["visible_rows"] = last - first + 1
    state.extra["columns"] = columns
    state.extra["widths"] = [view.columnWidth(c) for c in range(columns)]
    view.deleteLater()
    state.app.processEvents()
    return reference


def _baseline(state: _State) -> object:
    from PySide6.QtWidgets import QTableView

    view = QTableView()
    _configure_like_grid(view)
    view.setModel(state.reference)
    for column, width in enumerate(state.extra["widths"]):
        view.setColumnWidth(column, width)
    view.resize(WIDTH, HEIGHT)
    pixmap = view.grab()
    view.deleteLater()
    state.app.processEvents()
    return pixmap


def _teardown(state: _State) -> None:
    # Heap the grid allocates for one open (ids page + visible rows), for the record.
    tracemalloc.start()
    _ours(state)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    state.extra["grid_python_heap_kb"] = round(peak / 1024, 1)
    # The baseline must show exactly what the grid shows, pixel for pixel.
    state.extra["same_pixels"] = bool(
        _ours(state).toImage() == _baseline(state).toImage()  # type: ignore[attr-defined]
    )
    BENCHMARK.extra.update(state.extra)
    print(f"grid_open extra: {json.dumps(state.extra)}", file=sys.stderr)
    state.db.close()
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="grid_open",
    description="result grid (mode B, one item across samples) first paint over 1,000,000 "
    "results; id-only lazy model, visible rows filled into C++ items",
    baseline_description="QTableView over a populated QStandardItemModel (C++) holding the "
    "same visible cells (text, verdict colours, headers, widths), first paint",
    target=1.5,
    setup=_setup,
    ours=_ours,
    baseline=_baseline,
    teardown=_teardown,
    rounds=7,
    quick_rounds=5,
)
