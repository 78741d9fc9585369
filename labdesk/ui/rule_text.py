"""An item's rule (issue 14) in a library table's cell: its 以…计 factor, the GB 4789.2
rounding of colony counts, the screening flag — empty for the plain rule (GB/T 8170,
no factor), so a table shows only what differs from it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication


def rule_text(factor: Any, rounding: Any, screening: Any) -> str:
    parts = []
    if factor:
        parts.append(QCoreApplication.translate("ItemRule", "expressed as: × {0}").format(factor))
    if rounding and rounding != "gb8170":
        parts.append(QCoreApplication.translate("ItemRule", "GB 4789.2 rounding"))
    if screening:
        parts.append(QCoreApplication.translate("ItemRule", "screening"))
    return "; ".join(parts)
