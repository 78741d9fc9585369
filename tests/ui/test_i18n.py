"""Translations: every .ts is finished, every .qm is up to date, every UI string is translated.

Covers ALL `resources/i18n/*.ts` files (one per engineer) and ALL of `labdesk/ui`:
`pyside6-lupdate` scans the sources into a scratch .ts, and each (context, source) it
finds must have a finished translation in one of the committed .ts files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from pytestqt.qtbot import QtBot

from labdesk.paths import resources_dir
from labdesk.ui.i18n import choose_language, install_translators, remove_translators

ROOT = Path(__file__).resolve().parents[2]
I18N = resources_dir() / "i18n"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: it comes with PySide6 (pip install PySide6-Essentials)")
    return found


def ts_files() -> list[Path]:
    files = sorted(I18N.glob("*.ts"))
    assert files, "no .ts files in resources/i18n"
    return files


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    tree = ET.parse(ts)
    found = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            found.append((name, message.findtext("source", ""), message))
    return found


def test_no_unfinished_translations() -> None:
    problems = []
    for ts in ts_files():
        for context, source, message in messages(ts):
            translation = message.find("translation")
            assert translation is not None
            kind = translation.get("type")
            if kind in ("vanished", "obsolete"):
                continue  # kept for history, not shown
            if kind == "unfinished" or not (translation.text or "").strip():
                problems.append(f"{ts.name}: {context}: {source!r}")
    assert not problems, "untranslated:\n" + "\n".join(problems)


def test_committed_qm_files_are_up_to_date(tmp_path: Path) -> None:
    lrelease = _tool("pyside6-lrelease")
    for ts in ts_files():
        committed = ts.with_suffix(".qm")
        assert committed.exists(), f"{committed.name} is missing: run pyside6-lrelease {ts}"
        fresh = tmp_path / committed.name
        subprocess.run(
            [lrelease, str(ts), "-qm", str(fresh)], check=True, capture_output=True, timeout=60
        )
        assert fresh.read_bytes() == committed.read_bytes(), (
            f"{committed.name} is stale: run pyside6-lrelease {ts.relative_to(ROOT)}"
        )


def test_every_ui_string_has_a_translation(tmp_path: Path) -> None:
    lupdate = _tool("pyside6-lupdate")
    sources = sorted(str(p) for p in (ROOT / "labdesk" / "ui").glob("*.py"))
    scratch = tmp_path / "scan.ts"
    subprocess.run(
        [lupdate, *sources, "-ts", str(scratch), "-locations", "none"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    translated: set[tuple[str, str]] = set()
    for ts in ts_files():
        for context, source, message in messages(ts):
            translation = message.find("translation")
            if translation is not None and translation.get("type") is None and translation.text:
                translated.add((context, source))
    missing = [
        f"{context}: {source!r}"
        for context, source, _ in messages(scratch)
        if (context, source) not in translated
    ]
    assert not missing, "strings in labdesk/ui without a translation:\n" + "\n".join(missing)


def test_chinese_by_default_english_on_request(qtbot: QtBot) -> None:
    assert choose_language(None, None) == "zh"
    assert choose_language("en", None) == "en"
    try:
        loaded = install_translators("zh")
        names = {p.name for p in loaded}
        assert "labdesk_zh_CN.qm" in names
        assert "qtbase_zh_CN.qm" in names  # Qt's own dialogs and buttons
        assert QCoreApplication.translate("Verdict", "Fail") == "不合格"
        assert QCoreApplication.translate("Verdict", "Not judged") == "未判定"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert QLocale().language() == QLocale.Language.Chinese
        assert install_translators("en") == []
        assert QCoreApplication.translate("Verdict", "Fail") == "Fail"
    finally:
        remove_translators()
        QLocale.setDefault(QLocale.c())


def test_saved_language_setting_is_used(tmp_path: Path) -> None:
    from labdesk.ui.i18n import SETTING_KEY
    from labdesk.ui.session import open_settings

    settings = open_settings(tmp_path / "s.ini")
    settings.setValue(SETTING_KEY, "en")
    assert choose_language(None, settings) == "en"
    assert choose_language("zh", settings) == "zh"  # --lang wins
