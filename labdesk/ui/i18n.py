"""Interface language: Chinese by default, English on request.

Source strings in the code are English (`self.tr()` / `QCoreApplication.translate`);
the Chinese lives in `resources/i18n/<area>_zh_CN.ts` (one file per engineer), compiled
to the committed `.qm` files next to them. Chinese loads every `*_zh_CN.qm` found there
plus Qt's own `qtbase_zh_CN.qm` so Qt's standard dialogs and buttons are Chinese too.
English needs no translator.

The language comes from `--lang`, else the saved setting `ui/language`, else Chinese.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from labdesk.paths import resources_dir

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
SETTING_KEY = "ui/language"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Mark `source` for translation in `context` without translating it now (typed)."""
    return source


# Translators must outlive the application's use of them: keep references here.
_installed: list[QTranslator] = []


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def choose_language(cli_lang: str | None, settings: QSettings | None) -> str:
    """`--lang` wins, then the saved setting, then Chinese."""
    if cli_lang in LANGUAGES:
        return str(cli_lang)
    if settings is not None:
        saved = settings.value(SETTING_KEY, "", type=str)
        if saved in LANGUAGES:
            return str(saved)
    return DEFAULT_LANGUAGE


def remove_translators() -> None:
    app = QCoreApplication.instance()
    for translator in _installed:
        if app is not None:
            QCoreApplication.removeTranslator(translator)
    _installed.clear()


def install_translators(language: str) -> list[Path]:
    """Install the translators for `language`; returns the .qm files loaded.

    Any translators installed earlier by this function are removed first, so it can be
    called again to switch language.
    """
    remove_translators()
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return []
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    loaded: list[Path] = []
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    candidates = [qt_dir / "qtbase_zh_CN.qm", *sorted(i18n_dir().glob("*_zh_CN.qm"))]
    for path in candidates:
        if not path.is_file():
            continue
        translator = QTranslator()
        if translator.load(str(path)):
            QCoreApplication.installTranslator(translator)
            _installed.append(translator)
            loaded.append(path)
    return loaded
