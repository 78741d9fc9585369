"""A batch export when the database server is away (issue 18.5), on a real PostgreSQL
server, in English and in Chinese: the export cannot read or write, so nothing is
exported and no file is written; the sign-off dialog comes back as it was — signed off,
folder and passphrase filled — saying so plainly, and its Export once the server is back
writes the batch."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from pytestqt.qtbot import QtBot

from labdesk.batch.demo import DEMO_KEY_PASSPHRASE, build_demo
from labdesk.services import auth, queries
from labdesk.store.db import open_database
from labdesk.store.engine import target_of
from labdesk.ui.batches import BatchesScreen
from labdesk.ui.operations import writer_pool
from labdesk.ui.session import UiSession
from tests.ui import test_result_grid_server_away as away
from tests.ui import test_screens_server_away as said

language = said.language
TIMEOUT = 15_000


@pytest.fixture(scope="module")
def pg_batches_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo centre with a signing key and approved samples waiting for export, copied
    once onto the test server."""
    from labdesk.store.copy import copy_centre
    from tests.store.pg_world import database_name, new_database

    base = os.environ.get("LABDESK_TEST_PG_URL")
    if not base:
        pytest.skip("LABDESK_TEST_PG_URL is not set (scripts/test.sh starts a server)")
    folder = tmp_path_factory.mktemp("batches-demo")
    path = folder / "demo.sqlite"
    build_demo(path, samples=60, seed=3, outbox=folder / "outbox")
    with new_database(base) as url:
        copy_centre(path, target_of(url))
        yield database_name(url)


@pytest.fixture
def manager(pg_batches_template: str, settings: QSettings) -> Iterator[UiSession]:
    from tests.store.pg_world import new_database

    with new_database(os.environ["LABDESK_TEST_PG_URL"], template=pg_batches_template) as url:
        db = open_database(url)
        session = UiSession(db=db, db_path=target_of(url), settings=settings)
        password = next(p for u, _d, _r, p in auth.DEMO_ACCOUNTS if u == "manager")
        ctx = auth.sign_in(db, "manager", password)
        session.sign_in(ctx, "manager", "manager", ctx.role)
        try:
            yield session
        finally:
            QThreadPool.globalInstance().waitForDone(TIMEOUT)
            writer_pool().waitForDone(TIMEOUT)
            away._allow(session, True)
            db.close()


def test_an_export_while_the_server_is_away_reopens_its_dialog_filled(
    qtbot: QtBot, manager: UiSession, language: str, tmp_path: Path
) -> None:
    screen = BatchesScreen(manager)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: not screen._loading, timeout=TIMEOUT)
    waiting = queries.approved_unexported_samples(manager.db)
    assert waiting, "the demo has approved samples waiting for export"
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    dialog = screen.export_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.sign_off.click()
    dialog.folder.setText(str(outbox))
    qtbot.keyClicks(dialog.passphrase, DEMO_KEY_PASSPHRASE)

    away._allow(manager, False)
    try:
        with qtbot.waitSignal(screen.exportFinished, timeout=TIMEOUT):
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not screen._loading, timeout=TIMEOUT)
        assert screen.export_dialog is dialog and dialog.isVisible()  # back, as it was
        said._said_plainly(dialog.error.text(), language)
        assert dialog.sign_off.isChecked()
        assert dialog.folder.text() == str(outbox)
        assert dialog.passphrase.text() == DEMO_KEY_PASSPHRASE
        assert dialog.ok_button.isEnabled()
        said._said_plainly(screen.banner.text(), language)
    finally:
        away._allow(manager, True)

    assert list(outbox.iterdir()) == []  # nothing written while away
    assert queries.approved_unexported_samples(manager.db) == waiting
    with qtbot.waitSignal(screen.exportFinished, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not screen.banner.is_error, screen.banner.text()
    assert len(list(outbox.glob("*.labbatch"))) == 1
    assert queries.approved_unexported_samples(manager.db) == []
    assert screen.export_dialog is None
