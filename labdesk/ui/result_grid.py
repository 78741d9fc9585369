"""The result entry grid: a lazy, id-only model, a previewing delegate and a keyboard view.

The parts, each in its own module:
- grid_columns.py — the columns (a plan item's units 1#…n# get their own columns);
- grid_model.py — id-only rows fetched in blocks as they are painted (`GridRows`);
- grid_entry_model.py — `ResultGridModel`: those rows with their writes;
- grid_cells.py — what each cell shows (stored result, preview, typed units, waiting);
- grid_writes.py — every write, one service call committed at once;
- grid_units.py — a sampling-plan item's units, saved together once all n are in;
- grid_retry.py — a write the server could not take, kept and retried off the GUI thread;
- grid_delegate.py — the editor that previews the verdict as you type;
- grid_view.py — `ResultTableView`: Enter/Tab/arrows, paste from Excel, copy;
- grid_dialogs.py — retest and detection-limit dialogs.

As you type: the delegate's editor sends each keystroke to `set_preview`, which judges
the text with `labdesk.core.judgement` without writing; the rounded, verdict and
explanation cells show the preview (italic) until the entry is accepted or abandoned.
"""

from __future__ import annotations

from labdesk.ui.grid_cells import Preview
from labdesk.ui.grid_columns import ITEM_COLUMNS, PREVIEW_BRUSH, SAMPLE_COLUMN, Column
from labdesk.ui.grid_delegate import ResultDelegate
from labdesk.ui.grid_dialogs import LodDialog, RetestDialog
from labdesk.ui.grid_entry_model import ResultGridModel
from labdesk.ui.grid_model import CACHE_ROWS, FETCH_BLOCK
from labdesk.ui.grid_view import ResultTableView
from labdesk.ui.grid_writes import REASON_STATES
from labdesk.ui.labels import VERDICT_BRUSHES, verdict_text

__all__ = [
    "CACHE_ROWS",
    "FETCH_BLOCK",
    "ITEM_COLUMNS",
    "PREVIEW_BRUSH",
    "REASON_STATES",
    "SAMPLE_COLUMN",
    "VERDICT_BRUSHES",
    "Column",
    "LodDialog",
    "Preview",
    "ResultDelegate",
    "ResultGridModel",
    "ResultTableView",
    "RetestDialog",
    "verdict_text",
]
