"""Persisting column layouts (QSettings): widths, order and sort of a table header."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView


def save_header(settings: QSettings, key: str, header: QHeaderView) -> None:
    if header.count():
        settings.setValue(f"columns/{key}", header.saveState())


def restore_header(settings: QSettings, key: str, header: QHeaderView) -> bool:
    """Restore a saved header state if one matches the current column count."""
    state = settings.value(f"columns/{key}")
    if isinstance(state, QByteArray) and not state.isEmpty():
        return bool(header.restoreState(state))
    return False
