"""`labdesk --screenshot DIR`: every main screen as a PNG, for the README and the docs.

Renders the sign-in dialog, then signs in as the demo manager and renders each registry
screen plus the sampling form, each at 1280×800 (never smaller), with `QWidget.grab()` —
so it works offscreen (QT_QPA_PLATFORM=offscreen) without a display.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QSize, QThreadPool
from PySide6.QtWidgets import QApplication, QWidget

from labdesk.core.errors import LabDeskError
from labdesk.ui.session import UiSession

log = logging.getLogger(__name__)

SIZE = QSize(1280, 800)
# The dashboard scrolls at 800 px: its shot is taller so both charts show whole.
TALL = {"dashboard": QSize(1280, 1200)}

# File names in the order a reader meets the screens.
SCREEN_FILES = (
    ("tasks", "02-tasks.png"),
    ("samples", "03-samples.png"),
    ("entry", "05-result-entry.png"),
    ("review", "06-review.png"),
    ("batches", "07-batches.png"),
    ("dashboard", "08-dashboard.png"),
    ("standards", "09-standards.png"),
    ("audit", "10-audit.png"),
    ("users", "11-users.png"),
)


def wait_for_background(timeout_ms: int = 60_000) -> None:
    """Let every background load finish and its result be drawn before a grab.

    Screens load off the GUI thread (`operations.run_operation`); a grab taken before
    the result arrived shows an empty screen. Wait for both thread pools, then process
    events until no operation is left in flight (results are delivered as queued calls).
    """
    from labdesk.ui.operations import live_operations, writer_pool

    deadline = QDeadlineTimer(timeout_ms)
    while True:
        for pool in (QThreadPool.globalInstance(), writer_pool()):
            pool.waitForDone(max(0, deadline.remainingTime()))
        for _ in range(5):
            QApplication.processEvents()
        if not any(op.running for op in live_operations()) or deadline.hasExpired():
            break
    for _ in range(5):  # the delivered results' own follow-up events (layout, repaint)
        QApplication.processEvents()


def _settle(widget: QWidget, size: QSize = SIZE) -> None:
    widget.resize(size)
    widget.show()
    wait_for_background()


def _save(widget: QWidget, path: Path, size: QSize = SIZE) -> Path:
    _settle(widget, size)
    pixmap = widget.grab()
    if pixmap.width() < size.width() or pixmap.height() < size.height():
        widget.setMinimumSize(size)
        _settle(widget, size)
        pixmap = widget.grab()
    if not pixmap.save(str(path), "PNG"):
        raise LabDeskError(f"could not write {path}")
    return path


def _manager_password(session: UiSession) -> tuple[str, str]:
    from labdesk.services import auth

    for username, password, role in auth.demo_accounts(session.db):
        if role == "manager":
            return username, password
    raise LabDeskError(
        "screenshots are taken signed in as the demo manager: use a demo database "
        "(labdesk --db PATH --demo)"
    )


def _entry_sample(session: UiSession) -> int | None:
    """A sample in testing with some results typed (the most telling entry screen)."""
    row = session.db.query_one(
        "SELECT s.id FROM samples s WHERE s.state IN ('testing', 'returned') "
        "AND EXISTS (SELECT 1 FROM sample_items si JOIN results r ON r.sample_item_id = si.id "
        "WHERE si.sample_id = s.id AND r.verdict = 'fail') ORDER BY s.id DESC LIMIT 1"
    ) or session.db.query_one(
        "SELECT id FROM samples WHERE state IN ('testing', 'received', 'submitted') "
        "ORDER BY id DESC LIMIT 1"
    )
    return None if row is None else int(row[0])


def _pick_telling_queue(session: UiSession, screen: QWidget) -> None:
    """Show the queue whose first sample carries an exception (the point of the screen)."""
    from labdesk.services import queries
    from labdesk.ui.review import ReviewScreen, queue_flags

    if not isinstance(screen, ReviewScreen):
        return
    for state in ("reviewed", "submitted"):
        ids = queries.review_queue(session.db, state=state)
        if ids and any(queue_flags(session.db, ids[:1]).get(ids[0], {}).values()):
            screen.state_choice.setCurrentIndex(screen.state_choice.findData(state))
            return


def render_screenshots(session: UiSession, out_dir: Path) -> list[Path]:
    """Write the PNGs into `out_dir`; returns their paths."""
    from labdesk.services import auth
    from labdesk.ui.main_window import MainWindow
    from labdesk.ui.sampling_form import SamplingFormDialog
    from labdesk.ui.signin import SignInDialog, apply_sign_in

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    username, password = _manager_password(session)
    sign_in = SignInDialog(session, show_demo_accounts=True)
    sign_in.username.setText(username)
    sign_in.password.setText(password)
    written.append(_save(sign_in, out_dir / "01-sign-in.png"))
    sign_in.close()
    sign_in.deleteLater()

    apply_sign_in(session, auth.sign_in(session.db, username, password))
    window = MainWindow(session)
    window.resize(SIZE)
    window.show()
    for key, name in SCREEN_FILES:
        screen = window.show_screen(key)
        if key == "review":
            _pick_telling_queue(session, screen)
        if key == "entry":
            sample_id = _entry_sample(session)
            open_record = getattr(screen, "open_record", None)
            if sample_id is not None and callable(open_record):
                open_record(sample_id)
        written.append(_save(window, out_dir / name, TALL.get(key, SIZE)))
        window.setMinimumSize(0, 0)

    form = SamplingFormDialog(session, window)
    chives = form.form.category.findData("VEG-CHIVES")
    if chives >= 0:
        form.form.category.setCurrentIndex(chives)
    form.form.unit_name.setText("某某蔬菜种植专业合作社")
    form.form.sample_name.setText("韭菜")
    form.form.sample_qty.setText("2.5")
    form.form.qty_unit.setText("kg")
    form.form.sampler1.setText("张伟")
    form.form.sampler2.setText("李芳")
    form.form.uscc.setText("91440300192203821X")  # wrong check character: shows the rule
    written.append(_save(form, out_dir / "04-sampling-form.png"))
    form.close()
    window.close()
    return sorted(written)
