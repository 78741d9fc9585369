"""Where LabDesk keeps its files when the user does not say (Qt-free)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "LabDesk"
DB_FILENAME = "labdesk.sqlite"


def data_dir() -> Path:
    """The per-user application-data folder, never the program folder."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resources_dir() -> Path:
    """`resources/` beside the package, or inside a PyInstaller bundle."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
