"""Showing errors: a user's problem plainly, a bug logged with its trace.

`LabDeskError` (ValidationError, PermissionDenied, WorkflowError, NotFound, the store's
DatabaseLocked …) carries a message fit for the user; anything else is a bug, logged with
its trace and shown as a short plain dialog that says where the log is.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget

from labdesk.core.errors import LabDeskError
from labdesk.paths import make_private, make_private_folder, private_opener

log = logging.getLogger("labdesk.ui")

# Where bugs are logged with their trace (set by `install_log_file`).
_log_file: Path | None = None


class _RotatingLog(logging.Handler):
    """A `RotatingFileHandler` made on the first record it handles.

    Why: `logging.handlers` (socket, pickle, queue…) costs ~15 ms to import, at every
    start-up, for a file that is only written when something goes wrong.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._inner: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._inner is None:
            from logging.handlers import RotatingFileHandler

            try:
                inner = RotatingFileHandler(
                    self.path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
                )
            except OSError:
                self.handleError(record)
                return
            inner.setLevel(self.level)
            inner.setFormatter(self.formatter)
            self._inner = inner
        self._inner.handle(record)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
        super().close()


def install_log_file(path: Path) -> Path | None:
    """Also log warnings and errors to `path` (rotated), so a bug's trace survives a GUI
    session with no console. Returns the path, or None if it cannot be written."""
    global _log_file
    try:
        make_private_folder(path.parent)
        with open(path, "a", encoding="utf-8", opener=private_opener):
            pass
        make_private(path)  # writable now: the handler itself is made on the first record
    except OSError:
        return None
    handler = _RotatingLog(path)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("labdesk").addHandler(handler)
    _log_file = path
    return path


def ui_language() -> str:
    """The interface's language, "zh" or "en" (`install_translators` sets the default locale)."""
    from PySide6.QtCore import QLocale

    return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"


def _fault_text(exc: BaseException, language: str) -> str | None:
    """A fault the user can act on that is not a LabDeskError (a missing folder, a
    read-only medium, a damaged database), in `language`; None for a bug."""
    if isinstance(exc, OSError):
        from labdesk.core.os_faults import describe_os_error_in_both, names_a_known_fault

        if not names_a_known_fault(exc):
            return None
        english, chinese = describe_os_error_in_both(exc)
        return chinese if language == "zh" else english
    import sqlite3

    if isinstance(exc, sqlite3.DatabaseError):
        from labdesk.store.errors import StoreError, translate

        translated = translate(exc)
        if isinstance(translated, StoreError):
            return translated.in_language(language)
    return None


def is_bug(exc: BaseException) -> bool:
    """True when `exc` is not the user's to act on (log it with its trace)."""
    return not isinstance(exc, LabDeskError) and _fault_text(exc, "en") is None


def user_message(exc: BaseException, language: str | None = None) -> str:
    """The text to show for an exception, wholly in the interface language (issue 21.8):
    the message for what the user can act on, a plain sentence (never the exception's own
    English, never a trace) for a bug."""
    chosen = language or ui_language()
    from labdesk.ui.server_words import plain_notice

    plain = plain_notice(exc)  # a server away or busy: plain words, never its address
    if plain is not None and chosen == ui_language():
        return plain
    if isinstance(exc, LabDeskError):
        from labdesk.ui.uscc_text import uscc_error_text

        return uscc_error_text(exc) or exc.in_language(chosen)
    fault = _fault_text(exc, chosen)
    if fault is not None:
        return fault
    message = QCoreApplication.translate(
        "Errors",
        "An unexpected error occurred inside LabDesk (a fault in the program, not in "
        "what you did).",
    )
    if _log_file is not None:
        message += "\n\n" + QCoreApplication.translate(
            "Errors", "The details are in the log file: {0}"
        ).format(_log_file)
    return message


def error_text(exc: BaseException) -> str:
    """`user_message(exc)`, after logging a bug with its trace: what every screen shows
    for an exception it caught (never `str(exc)`, which holds both languages)."""
    if is_bug(exc):
        log.error(
            "unexpected error: %s",
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        )
    return user_message(exc)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show `exc` in a plain dialog. Bugs are logged with their trace first."""
    from PySide6.QtWidgets import QMessageBox  # not at import: the sign-in window's start

    text = error_text(exc)
    if is_bug(exc):
        QMessageBox.critical(parent, QCoreApplication.translate("Errors", "LabDesk — error"), text)
    else:
        QMessageBox.warning(parent, QCoreApplication.translate("Errors", "LabDesk"), text)


def install_excepthook() -> None:
    """Route unhandled exceptions (e.g. in slots) to the log and a plain dialog."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unhandled exception", exc_info=(exc_type, exc, tb))
        # Offscreen (screenshots, CI) nobody could close a dialog: the log is enough.
        if QApplication.instance() is not None and QApplication.platformName() != "offscreen":
            try:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.critical(
                    QApplication.activeWindow(),
                    QCoreApplication.translate("Errors", "LabDesk — error"),
                    user_message(exc),
                )
            except Exception:  # never recurse out of the hook
                log.exception("could not show the error dialog")

    sys.excepthook = hook
