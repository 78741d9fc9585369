"""The main window: navigation over the registry screens, shortcuts, status bar.

Screens are built the first time they are shown (so start-up costs one screen) and
refreshed whenever they are shown again or the session reports changed data. A screen
whose module cannot be imported shows the import error in its place: the rest of the
application keeps working.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from labdesk.ui import backend
from labdesk.ui.roles import role_title
from labdesk.ui.screens import SCREENS, ScreenInfo, load_screen_class
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

GEOMETRY_KEY = "main_window/geometry"
STATE_KEY = "main_window/state"
SPLITTER_KEY = "main_window/splitter"
LAST_SCREEN_KEY = "main_window/screen"

# A restored geometry smaller than this (bounded by the screen) is not used: seen on a
# fresh Xvfb run, a saved 892×260 window cut the navigation labels off.
SANE_SIZE = QSize(1024, 640)
DEFAULT_SIZE = QSize(1280, 800)
# The smallest the user may make the window (bounded by the screen as well).
MINIMUM_SIZE = QSize(800, 520)
# Room around the longest navigation label: item padding, frame, a scroll bar.
NAV_TEXT_MARGIN = 48


class ScreenLoadError(QLabel):
    """Shown in place of a screen that could not be built (with the reason). A screen that
    failed because the database server was away or busy is `retryable`: the main window
    builds it again when it is next shown or refreshed (F5); any other failure stays until
    the program is fixed."""

    def __init__(self, info: ScreenInfo, error: BaseException, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"screen_error_{info.key}")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        from labdesk.ui.errors import user_message  # already logged with its trace
        from labdesk.ui.server_words import retryable

        self.retryable = retryable(error)
        text = self.tr("This screen could not be opened: {0}").format(user_message(error))
        if self.retryable:
            text += "\n\n" + self.tr(
                "It opens by itself when you come back to it, or press F5 (Refresh) to try now."
            )
        self.setText(text)

    def refresh(self) -> None:
        """Nothing to refresh here: a retryable one is rebuilt by the main window."""


class MainWindow(QMainWindow):
    """Navigation list on the left, the current screen on the right."""

    signOutRequested = Signal()

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("main_window")
        # Asked before closing over values not saved yet (True: close); tests replace it.
        self.close_unsaved_provider: Callable[[MainWindow, list[str]], bool] = (
            MainWindow._ask_close_unsaved
        )
        self._screens: dict[str, QWidget] = {}
        self._stale: set[str] = set()

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet("QListWidget::item { padding: 7px 6px; }")
        for info in SCREENS:
            item = QListWidgetItem(info.title())
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            self.nav.addItem(item)
        # Wide enough for the longest label in the current language (结果录入, 审计记录,
        # "Result entry"…): the splitter cannot squeeze it below this.
        metrics = self.nav.fontMetrics()
        widest = max(metrics.horizontalAdvance(info.title()) for info in SCREENS)
        self.nav.setMinimumWidth(widest + NAV_TEXT_MARGIN)
        self.nav.setMaximumWidth(max(200, widest + NAV_TEXT_MARGIN))
        self.stack = QStackedWidget()
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.setCentralWidget(self.splitter)
        self.nav.currentRowChanged.connect(self._on_nav)

        self._build_menus()
        self._build_status_bar()
        self.session.events.dataChanged.connect(self._on_data_changed)
        self.session.events.userChanged.connect(self.update_status)
        self.session.events.navigate.connect(self.navigate)
        self._restore_layout()
        self.update_status()
        self.setWindowTitle(self.tr("LabDesk — {0}").format(session.db_path.name))
        # On a server, other workstations write too: refresh what they changed.
        from labdesk.ui.change_watch import ChangeWatch

        self.change_watch = ChangeWatch(session)
        self.change_watch.remoteChange.connect(self._on_remote_change)
        self.change_watch.start()

    # ----- building -----------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        change_password = QAction(self.tr("Change my &password…"), self)
        change_password.setObjectName("action_change_password")
        change_password.triggered.connect(self.open_change_password)
        file_menu.addAction(change_password)
        sign_out = QAction(self.tr("Sign &out"), self)
        sign_out.setObjectName("action_sign_out")
        sign_out.triggered.connect(self.signOutRequested.emit)
        file_menu.addAction(sign_out)
        import_results = QAction(self.tr("&Import results…"), self)
        import_results.setObjectName("action_import_results")
        import_results.triggered.connect(self.open_result_import)
        file_menu.addAction(import_results)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        self.screen_actions: list[QAction] = []
        for index, info in enumerate(SCREENS):
            action = QAction(info.title(), self)
            action.setObjectName(f"action_screen_{info.key}")
            if index < 9:  # Ctrl+1 … Ctrl+9; there is no Ctrl+10
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.triggered.connect(lambda _=False, key=info.key: self.show_screen(key))
            go_menu.addAction(action)
            self.addAction(action)
            self.screen_actions.append(action)
        scan = QAction(self.tr("&Scan a sample…"), self)
        scan.setObjectName("action_scan")
        scan.setShortcut(QKeySequence("F8"))
        scan.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        scan.triggered.connect(self.open_scan)
        go_menu.addSeparator()
        go_menu.addAction(scan)
        self.addAction(scan)
        refresh = QAction(self.tr("&Refresh"), self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh_current)
        go_menu.addSeparator()
        go_menu.addAction(refresh)

        settings_menu = self.menuBar().addMenu(self.tr("&Settings"))
        for code, label in (("zh", "中文"), ("en", "English")):
            action = QAction(label, self)
            action.setObjectName(f"action_language_{code}")
            action.triggered.connect(lambda _=False, c=code: self._set_language(c))
            settings_menu.addAction(action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About LabDesk"), self)
        about.setObjectName("action_about")
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def open_scan(self) -> QWidget:
        """The global scan box (F8): a scanned label opens its sample (ui/scanning)."""
        from labdesk.ui.scanning import ScanDialog

        old = getattr(self, "_scan_dialog", None)
        if old is not None:
            old.setParent(None)  # replaced, not deleteLater()-ed (see ui/samples)
        self._scan_dialog = ScanDialog(self.session, self)
        self._scan_dialog.open()
        return self._scan_dialog

    def open_result_import(self) -> QWidget:
        """Result import, from the File menu: on the result entry screen, so the grid
        shows what was imported."""
        screen = self.show_screen("entry")
        opener = getattr(screen, "open_import", None)
        if callable(opener):
            dialog: QWidget = opener()
            return dialog
        from labdesk.ui.result_import import ResultImportDialog

        fallback = ResultImportDialog(self.session, self)
        fallback.open()
        return fallback

    def open_change_password(self) -> QWidget:
        """File → Change my password (any role): modal; returned for tests."""
        from labdesk.ui.change_password import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(self.tr("Your password was changed."), 8000)
        )
        dialog.open()
        return dialog

    def show_about(self) -> QWidget:
        from labdesk.ui.about import show_about

        return show_about(self.session, self)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.user_label = QLabel()
        self.user_label.setObjectName("status_user")
        self.db_label = QLabel()
        self.db_label.setObjectName("status_db")
        self.unsent_label = QLabel()
        self.unsent_label.setObjectName("status_unsent")
        for label in (self.user_label, self.db_label, self.unsent_label):
            bar.addPermanentWidget(label)
        from labdesk.ui.backups import BackupKeeper

        self.backups = BackupKeeper(self.session, self)  # daily and on-exit (issue 21.9)
        bar.addPermanentWidget(self.backups.label)
        self._exit_backup_taken = False

    # ----- screens --------------------------------------------------------------------

    def screen_widget(self, key: str) -> QWidget:
        """The screen widget for `key`, built on first use."""
        widget = self._screens.get(key)
        if widget is None:
            info = next(i for i in SCREENS if i.key == key)
            try:
                factory = load_screen_class(info)
                widget = factory(self.session, self.stack)
            except Exception as exc:  # a broken screen must not take the window down
                log.error(
                    "screen %s failed to load:\n%s", key, "".join(traceback.format_exception(exc))
                )
                widget = ScreenLoadError(info, exc, self.stack)
            widget.setObjectName(widget.objectName() or f"screen_{key}")
            requested = getattr(widget, "samplesRequested", None)
            if requested is not None:  # the dashboard's drill-down
                requested.connect(self.open_samples)
            self._screens[key] = widget
            self.stack.addWidget(widget)
        return widget

    def show_screen(self, key: str) -> QWidget:
        row = next(i for i, info in enumerate(SCREENS) if info.key == key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # → _on_nav
        return self._screens[key]

    def navigate(self, key: str, record: object) -> None:
        """Show screen `key` and open `record` in it (its `open_record`, if any)."""
        widget = self.show_screen(key)
        open_record = getattr(widget, "open_record", None)
        if callable(open_record) and record is not None:
            open_record(record)

    def open_samples(self, ids: list[int], caption: str) -> None:
        """Show the Samples screen listing exactly `ids`, captioned (dashboard drill-down)."""
        widget = self.show_screen("samples")
        show_ids = getattr(widget, "show_ids", None)
        if callable(show_ids):
            show_ids(list(ids), caption)

    def current_key(self) -> str:
        row = self.nav.currentRow()
        return SCREENS[row].key if row >= 0 else ""

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        key = SCREENS[row].key
        self._drop_if_retryable(key)
        fresh = key not in self._screens
        widget = self.screen_widget(key)
        self.stack.setCurrentWidget(widget)
        if not fresh and key in self._stale:
            self._refresh(key)
        self._stale.discard(key)
        self.session.settings.setValue(LAST_SCREEN_KEY, key)

    def _drop_if_retryable(self, key: str) -> bool:
        """Forgets a screen that could not be built while the server was away or busy, so
        that it is built again (True when it was dropped)."""
        widget = self._screens.get(key)
        if not (isinstance(widget, ScreenLoadError) and widget.retryable):
            return False
        del self._screens[key]
        self.stack.removeWidget(widget)
        widget.deleteLater()
        return True

    def _refresh(self, key: str) -> None:
        if self._drop_if_retryable(key):
            self.stack.setCurrentWidget(self.screen_widget(key))
            return
        widget = self._screens.get(key)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()

    def refresh_current(self) -> None:
        key = self.current_key()
        if key:
            self._refresh(key)
        self.update_status()

    def _on_data_changed(self, topic: str) -> None:
        # Refresh the visible screen now, the hidden ones when next shown.
        current = self.current_key()
        for key in self._screens:
            if key != current:
                self._stale.add(key)
        QTimer.singleShot(0, self.update_status)

    def _on_remote_change(self) -> None:
        """Another workstation changed the record: hidden screens refresh when shown; the
        visible one now, unless the user is typing in it (never lose what they type)."""
        current = self.current_key()
        for key in self._screens:
            if key != current:
                self._stale.add(key)
        # Imported here: the spin box and text edit types (and their enums) are not needed
        # to show the window (docs/performance.md).
        from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit

        focus = QApplication.focusWidget()
        widget = self._screens.get(current)
        typing = isinstance(focus, QLineEdit | QAbstractSpinBox | QTextEdit | QPlainTextEdit)
        if current and widget is not None and typing and focus and widget.isAncestorOf(focus):
            self._stale.add(current)
        elif current:
            self._refresh(current)
        self.update_status()

    # ----- status ---------------------------------------------------------------------

    def update_status(self) -> None:
        s = self.session
        if s.signed_in:
            self.user_label.setText(
                self.tr("User: {0} ({1})").format(s.display_name or s.user_name, role_title(s.role))
            )
        else:
            self.user_label.setText(self.tr("Not signed in"))
        self.db_label.setText(self.tr("Database: {0}").format(str(s.db_path)))
        try:
            count = backend.unsent_approved_count(s)
        except Exception:
            log.exception("could not count unsent approved samples")
            count = -1
        self.unsent_label.setText(
            self.tr("Approved, not yet sent: {0}").format(count if count >= 0 else "?")
        )

    # ----- settings -------------------------------------------------------------------

    def _set_language(self, code: str) -> None:
        from labdesk.ui.i18n import SETTING_KEY

        self.session.settings.setValue(SETTING_KEY, code)
        self.statusBar().showMessage(
            self.tr("The language changes the next time LabDesk starts."), 8000
        )

    def _screen(self) -> QScreen | None:
        return self.screen() or QGuiApplication.primaryScreen()

    def _restore_layout(self) -> None:
        settings = self.session.settings
        screen = self._screen()
        if screen is not None:
            available = screen.availableGeometry().size()
            self.setMinimumSize(MINIMUM_SIZE.boundedTo(available))
        else:
            self.setMinimumSize(MINIMUM_SIZE)
        geometry = settings.value(GEOMETRY_KEY)
        restored = (
            isinstance(geometry, QByteArray)
            and not geometry.isEmpty()
            and self.restoreGeometry(geometry)
        )
        if not restored or not self.geometry_is_sane():
            self.apply_default_geometry()
        state = settings.value(STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = settings.value(SPLITTER_KEY)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([160, 1120])

    def geometry_is_sane(self) -> bool:
        """Is the (restored) geometry big enough and on a screen the user can see?"""
        if self.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            return True
        frame = self.geometry()
        screens = QGuiApplication.screens()
        if not screens:
            return True  # nothing to compare with (no display): keep what was saved
        # The screen holding the window's centre; none means the window is off-screen.
        holder = next((s for s in screens if s.geometry().contains(frame.center())), None)
        if holder is None:
            return False
        available = holder.availableGeometry()
        if not available.contains(QRect(frame.topLeft(), QSize(1, 1))):
            return False  # the title bar would be out of reach
        needed = SANE_SIZE.boundedTo(available.size())
        return frame.width() >= needed.width() and frame.height() >= needed.height()

    def apply_default_geometry(self) -> None:
        """1280×800 centred on the screen, or maximised when the screen is smaller."""
        screen = self._screen()
        if screen is None:
            self.resize(DEFAULT_SIZE)
            return
        available = screen.availableGeometry()
        if available.width() < DEFAULT_SIZE.width() or available.height() < DEFAULT_SIZE.height():
            self.setGeometry(available)
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
            return
        rect = QRect(QPoint(0, 0), DEFAULT_SIZE)
        rect.moveCenter(available.center())
        self.setGeometry(rect)

    def open_initial_screen(self) -> None:
        last = self.session.settings.value(LAST_SCREEN_KEY, "tasks", type=str)
        keys = [info.key for info in SCREENS]
        self.show_screen(last if last in keys else "tasks")
        self.backups.start()
        self.resume_waiting()

    def resume_waiting(self) -> None:
        """Result values typed at an earlier session of this user at this centre that
        were never saved (LabDesk killed or the power cut while they waited for the
        server): result entry shows them and writes them again (ui/grid_writes.py)."""
        from labdesk.services.pending_journal import anything_kept, journal_for

        if not self.session.signed_in or not anything_kept():
            return
        if not journal_for(self.session.db_path, self.session.context.actor).entries():
            return
        resume = getattr(self.show_screen("entry"), "resume_waiting", None)
        if callable(resume):
            resume()

    def save_layout(self) -> None:
        settings = self.session.settings
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(STATE_KEY, self.saveState())
        settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        for widget in self._screens.values():
            save = getattr(widget, "save_layout", None)
            if callable(save):
                save()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Nothing to flush for data: every accepted edit was committed when accepted.
        # An editor still open holds text that was never accepted; commit it first.
        for widget in self._screens.values():
            commit = getattr(widget, "commit_pending", None)
            if callable(commit):
                commit()
        # Typed but not saved yet (a plan's units the server could not take, a value
        # waiting for it): kept on this computer for the next sign-in (ui/grid_writes),
        # but not saved before then, so ask first (issue 18.5).
        unsaved: list[str] = []
        for widget in self._screens.values():
            pending = getattr(widget, "unsaved_values", None)
            if callable(pending):
                unsaved.extend(pending())
        if unsaved and not self.close_unsaved_provider(self, unsaved):
            event.ignore()
            return
        self.save_layout()
        if not self._exit_backup_taken and self.backups.take_on_exit(self._close_after_backup):
            event.ignore()  # closed again once the exit backup (off the GUI thread) is over
            return
        self.change_watch.stop()
        super().closeEvent(event)

    def _ask_close_unsaved(self, unsaved: list[str]) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            self.tr("Values not saved"),
            self.tr(
                "These values are typed but not saved yet: {0}. They are kept on this "
                "computer and saved when you next sign in here. Close anyway?"
            ).format("、".join(unsaved)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _close_after_backup(self) -> None:
        self._exit_backup_taken = True
        self.close()
