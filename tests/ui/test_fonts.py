"""A font that is always there (issue 20): on a machine without a Chinese font, the CJK
font shipped for reports is registered for the UI, so no label is a row of boxes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from labdesk.reports.fonts import FONT_FAMILY
from labdesk.ui.app import pick_font

ROOT = Path(__file__).resolve().parents[2]

BARE = """
import json, sys
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from labdesk.ui.app import ensure_application, pick_font
app = ensure_application()
before = QFontMetrics(app.font()).inFontUcs4(ord("结"))
family = pick_font(app)
after = QFontMetrics(app.font()).inFontUcs4(ord("结"))
print(json.dumps({"before": before, "family": family, "after": after, "font": app.font().family()}))
"""


def test_without_a_chinese_font_the_bundled_one_is_used(qapp: QApplication) -> None:
    old = QApplication.font()
    try:
        assert pick_font(qapp, chinese=[]) == FONT_FAMILY
        assert QApplication.font().family() == FONT_FAMILY
        assert FONT_FAMILY in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    finally:
        QApplication.setFont(old)


def test_a_system_chinese_font_is_preferred(qapp: QApplication) -> None:
    old = QApplication.font()
    try:
        assert pick_font(qapp, chinese=["Some Song", "Noto Sans CJK SC"]) == "Noto Sans CJK SC"
        assert pick_font(qapp, chinese=["Some Song"]) == "Some Song"
    finally:
        QApplication.setFont(old)
    assert isinstance(old, QFont)


def test_on_a_bare_machine_chinese_still_renders(tmp_path: Path) -> None:
    """A fresh process whose fontconfig knows no font directory at all."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{tmp_path / 'no-fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", BARE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    import json

    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["before"] is False, "the bare machine has a Chinese font after all"
    assert result["family"] == FONT_FAMILY and result["font"] == FONT_FAMILY
    assert result["after"] is True
