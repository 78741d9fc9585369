"""Fixtures for the desktop UI tests.

A small demo database (users, library, tasks, a few dozen samples) is built once per
session and copied for each test, so every test starts from the same known state. The
QSettings of every test live in a temporary INI file: tests never touch the real user
settings.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from labdesk.services import auth
from labdesk.services.demo import fill_demo
from labdesk.store.db import Database, open_database
from labdesk.ui.session import UiSession, open_settings

DEMO_SAMPLES = 40

# The offscreen platform plugin (used in CI) warns whenever a shown top-level window's
# size constraints change, and when a popup (a completer's list) raises itself or grabs
# the keyboard/mouse — limitations of the plugin, not of LabDesk. Every other Qt warning
# still fails the test.
OFFSCREEN_NOISE = (
    r"This plugin does not support "
    r"(propagateSizeHints\(\)|raise\(\)|grabbing the keyboard|grabbing the mouse)"
)


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items: mark only the UI tests.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui-template") / "demo.sqlite"
    db = open_database(path)
    try:
        fill_demo(db, samples=DEMO_SAMPLES, seed=7)
    finally:
        db.close()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "labdesk.sqlite"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return open_settings(tmp_path / "settings.ini")


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    db = open_database(demo_path)
    yield db
    db.close()


@pytest.fixture
def session(demo_db: Database, demo_path: Path, settings: QSettings) -> UiSession:
    return UiSession(db=demo_db, db_path=demo_path, settings=settings)


def password_of(db: Database, username: str) -> str:
    for name, password, _role in auth.demo_accounts(db):
        if name == username:
            return password
    raise KeyError(username)


def sign_in_as(session: UiSession, username: str) -> None:
    """Sign `session` in through the service (tests of other screens)."""
    from labdesk.ui.signin import apply_sign_in

    apply_sign_in(session, auth.sign_in(session.db, username, password_of(session.db, username)))
