"""Starting the desktop application: `labdesk` with no sub-command.

`run_app(args)` sets up Qt and the language, opens the database as the single writer
(a second LabDesk on the same file is refused politely), creates the demo database when
asked, runs the first-run wizard when the database has no centre yet, then signs the
user in and shows the main window. `--screenshot DIR` instead renders every main screen
to PNG, signed in as the demo manager, and exits.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from labdesk.core.errors import LabDeskError
from labdesk.paths import data_dir, default_db_path
from labdesk.ui.errors import install_excepthook, install_log_file
from labdesk.ui.i18n import choose_language, install_translators
from labdesk.ui.session import APPLICATION, ORGANISATION, UiSession, open_settings

if TYPE_CHECKING:
    from labdesk.store.engine import DbTarget

log = logging.getLogger(__name__)

# Tests and screenshot runs point this at a temporary INI file so they never touch
# the real user settings.
SETTINGS_ENV = "LABDESK_SETTINGS_FILE"

# Start-up benchmark hooks (benchmarks/bench_startup*.py), never for people: with
# LABDESK_EXIT_WHEN_SHOWN=1 the application quits as soon as its first window is shown —
# the sign-in dialog; or, with LABDESK_AUTO_SIGN_IN=user:password (honoured only then),
# the main window, the dialog replaced by the same `auth.sign_in` service call it makes
# (a wrong password fails just the same).
EXIT_WHEN_SHOWN_ENV = "LABDESK_EXIT_WHEN_SHOWN"
AUTO_SIGN_IN_ENV = "LABDESK_AUTO_SIGN_IN"

# How long after the first window the start-up's leftovers are collected (`tidy_heap`).
TIDY_HEAP_MS = 3000

CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC")


def ensure_application() -> QApplication:
    """The QApplication (created once per process)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("LabDesk")
    return app


def pick_font(app: QApplication, chinese: list[str] | None = None) -> str:
    """A UI font with Chinese glyphs, so no label is ever a row of boxes; returns it.

    The system's Chinese fonts (`chinese`, default: those Qt's font database lists for
    Simplified Chinese — about 10 ms, the font database's first use, which the first
    label would pay anyway): a preferred one if present, else the first. A machine with
    none (a bare Windows or Linux install, the frozen build on it) gets the CJK font we
    ship for reports, registered in a few milliseconds (docs/performance.md).
    """
    if chinese is None:
        chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    family = next((f for f in CJK_FAMILIES if f in chinese), chinese[0] if chinese else "")
    if not family:
        from labdesk.reports.fonts import ensure_cjk_font

        try:
            family = ensure_cjk_font()
        except LabDeskError as exc:  # the resources folder is damaged: say so, go on
            log.error("no Chinese font on this machine and none shipped: %s", exc)
            return ""
        log.info("no Chinese font installed: using the bundled %s", family)
    font = QFont(family)
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return family


def settle_heap() -> None:
    """Freeze what the start-up made and let the collector run again; tidy up later.

    Called when the first window is up (the first pass of the event loop) if the CLI
    paused the collector for the start-up. Nearly all of it lives as long as the
    process (modules, classes, Qt's enum types): frozen, no later pass walks it again,
    during the session nor at exit (PySide's shutdown collects several times: ~15 ms
    less). The few hundred cycles the start-up left are collected by `tidy_heap` a
    little later, while the person reads the window, not before it is shown (a full
    collection of the start-up's ~30,000 objects is 5–8 ms).
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
    QTimer.singleShot(TIDY_HEAP_MS, tidy_heap)


def tidy_heap() -> None:
    """Collect the start-up's leftover cycles once, then freeze the rest again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def settings_path_from_env() -> Path | None:
    value = os.environ.get(SETTINGS_ENV)
    return Path(value) if value else None


def run_app(args: argparse.Namespace) -> int:
    """Entry point from the CLI. Returns the process exit code."""
    from labdesk.store import health
    from labdesk.store.engine import target_of

    given = getattr(args, "db", None)
    target: DbTarget | LabDeskError
    try:
        # A file, or postgresql://… (never taken as a folder name; no password in it).
        target = target_of(str(given)) if given is not None else default_db_path()
    except LabDeskError as exc:
        target = exc  # said once Qt is up
    # The open's integrity check runs in SQLite without Python's lock: started now, it is
    # done (or nearly) by the time Qt, the translators and the font are (docs/performance.md).
    checking = health.check_ahead(target) if isinstance(target, Path) else None
    try:
        return _run_app(args, target)
    finally:
        if checking is not None:
            checking.join()  # never left running into interpreter shutdown


def _run_app(args: argparse.Namespace, target: DbTarget | LabDeskError) -> int:
    app = ensure_application()
    if not gc.isenabled():  # paused by the CLI for the start-up (labdesk/cli)
        QTimer.singleShot(0, settle_heap)  # the first pass of the first event loop
    install_excepthook()
    install_log_file(data_dir() / "logs" / "labdesk.log")
    settings = open_settings(settings_path_from_env())
    language = choose_language(getattr(args, "lang", None), settings)
    install_translators(language)
    pick_font(app)
    from labdesk.ui.about import app_icon

    app.setWindowIcon(app_icon())
    if isinstance(target, LabDeskError):
        from labdesk.ui.errors import error_text

        return _fail(error_text(target))
    db_path = target
    from labdesk.store.engine import file_only

    demo = bool(getattr(args, "demo", False))
    screenshot_dir: Path | None = getattr(args, "screenshot", None)

    from labdesk.ui import backend

    if (demo or screenshot_dir is not None) and not isinstance(db_path, Path):
        return _fail(str(file_only(db_path)))  # the demo is made in a file
    if (demo or screenshot_dir is not None) and isinstance(db_path, Path) and not db_path.exists():
        error = _create_demo(db_path)
        if error is not None:
            return _fail(
                QCoreApplication.translate(
                    "App", "The demo database could not be created: {0}"
                ).format(error)
            )
        if not db_path.exists():
            return 0  # cancelled

    try:
        db = backend.open_db(db_path)
    except backend.DatabaseLocked:
        return _fail(
            QCoreApplication.translate(
                "App",
                "This database is already open in another LabDesk window.\n\n{0}\n\n"
                "Switch to that window, or close it and try again.",
            ).format(db_path),
            title=QCoreApplication.translate("App", "Already open"),
        )
    except LabDeskError as exc:
        from labdesk.ui.errors import error_text

        return _fail(error_text(exc))

    # The automatic backups are the interactive app's (not a screenshot or start-up run).
    interactive = screenshot_dir is None and os.environ.get(EXIT_WHEN_SHOWN_ENV) != "1"
    session = UiSession(db=db, db_path=db_path, settings=settings, auto_backups=interactive)
    try:
        if screenshot_dir is not None:
            from labdesk.ui.screenshots import render_screenshots

            written = render_screenshots(session, Path(screenshot_dir))
            print("\n".join(str(p) for p in written))
            return 0
        return _interactive(app, session, demo=demo)
    finally:
        # A backup still copying finishes before the close. Operations (backups included)
        # only run through labdesk.ui.operations: if nothing imported it, nothing is
        # running, and importing it just to wait would cost the sign-in window's start
        # PySide's whole `Qt` namespace (~20–30 ms, docs/performance.md).
        operations = sys.modules.get("labdesk.ui.operations")
        if operations is not None:
            operations.writer_pool().waitForDone()
        db.close()


def _create_demo(path: Path) -> str | None:
    """Create the demo database off the GUI thread with a (delayed) progress dialog.

    Returns an error message, or None when done (or cancelled: then no file exists).
    """
    from PySide6.QtCore import QEventLoop

    from labdesk.ui import backend
    from labdesk.ui.operations import TaskState, run_operation

    errors: list[str] = []
    loop = QEventLoop()

    def work(state: TaskState) -> None:
        backend.create_demo_database(path, state=state)

    def failed(exc: BaseException) -> None:
        from labdesk.ui.errors import error_text  # logs a bug with its trace

        errors.append(error_text(exc))

    op = run_operation(
        None,
        work,
        label=QCoreApplication.translate("App", "Creating the demo database…"),
        on_success=lambda _r: None,
        on_failure=failed,
        writes=True,
    )
    op.finished.connect(loop.quit)
    if op.running:
        loop.exec()
    return errors[0] if errors else None


def _interactive(app: QApplication, session: UiSession, *, demo: bool) -> int:
    from labdesk.ui import backend

    if not backend.has_centre(session.db):
        from labdesk.ui.wizard import FirstRunWizard  # first run only: imported then

        wizard = FirstRunWizard(session)
        if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
            return 0
    exit_when_shown = os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1"
    if exit_when_shown and os.environ.get(AUTO_SIGN_IN_ENV):
        return _benchmark_start(app, session)
    from labdesk.ui.signin import SignInDialog

    if exit_when_shown:
        dialog = SignInDialog(session, show_demo_accounts=demo or backend.is_demo(session.db))
        QTimer.singleShot(0, dialog.reject)  # after the first pass of the event loop
        dialog.exec()
        return 0
    prefetch: list[threading.Thread] = []

    def start_prefetch() -> None:
        # Once the sign-in window is up: its first paint does not share Python's lock
        # with the imports; they have the person's typing time.
        if not prefetch:
            prefetch.append(prefetch_main_window(session))

    try:
        while True:
            dialog = SignInDialog(session, show_demo_accounts=demo or backend.is_demo(session.db))
            QTimer.singleShot(0, start_prefetch)  # the dialog's first pass of its loop
            if dialog.exec() != SignInDialog.DialogCode.Accepted:
                return 0
            for thread in prefetch:
                thread.join()  # done by now unless the person typed faster than it imports
            if not _run_main_window(app, session):
                return 0
            session.sign_out()
    finally:
        for thread in prefetch:
            thread.join()  # never leave an import running into interpreter shutdown


def prefetch_main_window(session: UiSession) -> threading.Thread:
    """Import the main window and its first screen's module on a worker thread.

    Signing in waits for a person (or, without one, for the argon2id check, which runs
    in C without Python's lock): the ~50–100 ms of imports the main window needs (PySide's
    whole `Qt` namespace, the screens' modules and the services behind them) happen
    meanwhile instead of after the click. Only modules are imported there, no widget is
    made; an import that fails is left for the GUI thread to raise (and show) again.
    """
    from labdesk.ui.screens import SCREENS

    last = str(session.settings.value("main_window/screen", "tasks", type=str))
    module = next((s.module for s in SCREENS if s.key == last), SCREENS[0].module)

    def work() -> None:
        try:
            # argon2 first: the sign-in waits for it (on the module's import lock, not
            # on Python's), then checks the password in C while the rest imports here.
            for name in ("argon2", "labdesk.ui.main_window", module):
                importlib.import_module(name)
        except Exception:
            log.debug("prefetching the main window failed", exc_info=True)

    thread = threading.Thread(target=work, name="labdesk-prefetch", daemon=True)
    thread.start()
    return thread


def _benchmark_start(app: QApplication, session: UiSession) -> int:
    """The start-up benchmark's path: sign in through the service (LABDESK_AUTO_SIGN_IN),
    show the main window with its first screen, quit once it is shown."""
    from labdesk.services import auth
    from labdesk.ui.signed_in import apply_sign_in  # not the dialog's widgets

    user, sep, password = os.environ.get(AUTO_SIGN_IN_ENV, "").partition(":")
    if not sep:
        return _fail(f"{AUTO_SIGN_IN_ENV} must be user:password")
    # As in the interactive path, the main window's modules load beside the sign-in:
    # there they have the person's typing time, here the argon2id check's.
    prefetch = prefetch_main_window(session)
    try:
        apply_sign_in(session, auth.sign_in(session.db, user, password))
    except LabDeskError as exc:
        from labdesk.ui.errors import error_text

        return _fail(error_text(exc))
    prefetch.join()
    _run_main_window(app, session, exit_when_shown=True)
    return 0


def _run_main_window(
    app: QApplication, session: UiSession, *, exit_when_shown: bool = False
) -> bool:
    """Show the main window until it closes; True if the user signed out (sign in again)."""
    from labdesk.ui.main_window import MainWindow

    window = MainWindow(session)
    signed_out: list[bool] = []

    def sign_out() -> None:
        signed_out.append(True)
        window.close()

    window.signOutRequested.connect(sign_out)
    window.show()
    window.open_initial_screen()
    if exit_when_shown:
        QTimer.singleShot(0, app.quit)  # after the first pass of the event loop
    app.exec()
    window.deleteLater()
    return bool(signed_out)


def _fail(message: str, title: str | None = None) -> int:
    """Say what went wrong in a dialog (stderr too, for scripts) and return exit code 2."""
    print(f"labdesk: {message}", file=sys.stderr)
    if QApplication.platformName() != "offscreen":
        # Imported here: QMessageBox's type (and its enums) cost the sign-in window ~2 ms.
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, title or QCoreApplication.translate("App", "LabDesk"), message)
    return 2
