"""The CJK font embedded in every PDF LabDesk writes.

We ship WenQuanYi Micro Hei (文泉驿微米黑, `resources/fonts/wqy-microhei.ttc`, Apache-2.0 or
GPLv3 with the font exception; copyright text beside it) rather than relying on whatever the
workstation has: offline Windows machines in county centres often lack a CJK font Qt can embed,
and a report must look the same, and extract as the same text, wherever it was printed.
Qt's PDF engine embeds the glyphs it uses with a ToUnicode map, so `pdftotext` gets real text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from labdesk.core.errors import LabDeskError
from labdesk.paths import resources_dir

FONT_FILE = "wqy-microhei.ttc"
#: The family inside the collection that reports use (the other face is its monospace twin).
FONT_FAMILY = "WenQuanYi Micro Hei"

_registered: str | None = None


def font_path() -> Path:
    return resources_dir() / "fonts" / FONT_FILE


def ensure_cjk_font() -> str:
    """Registers the shipped font with Qt (once per process) and returns its family name.

    Needs a QGuiApplication: Qt's font database lives in it.
    """
    global _registered
    if _registered is not None:
        return _registered
    if QGuiApplication.instance() is None:
        raise RuntimeError("ensure_cjk_font() needs a QGuiApplication")
    path = font_path()
    if not path.is_file():
        raise LabDeskError(f"报告字体缺失 / report font missing: {path}")
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        raise LabDeskError(f"报告字体无法加载 / cannot load the report font: {path}")
    _registered = FONT_FAMILY if FONT_FAMILY in families else families[0]
    return _registered


def report_font(point_size: float = 10.5) -> QFont:
    """The body font of reports (五号 = 10.5 pt, the usual size of Chinese official documents)."""
    font = QFont(ensure_cjk_font())
    font.setPointSizeF(point_size)
    return font
