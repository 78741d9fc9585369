"""Shared test set-up.

Qt runs offscreen and any Qt warning fails a test (pyproject: qt_log_level_fail).
Tools the suite shells out to (openssl, pdftotext, PostgreSQL) are skipped when
missing on a developer's machine but are required in CI, so CI can never pass by
skipping them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support import IN_CI


@pytest.fixture(scope="session", autouse=True)
def _widgets_application() -> object:
    """One QApplication for the whole session, made first. Rendering a PDF makes a bare
    QGuiApplication when no application exists (reports/pdf.py), and a widget created in
    the same process after it aborts the interpreter: a CLI test that renders in-process
    (tests/cli/test_cli_faults.py) then killed every later widget test."""
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


@pytest.fixture(autouse=True)
def _english_after_each_test() -> object:
    """Every test starts in English (Qt's source language): a test or an in-process
    command that installs the Chinese translators, or leaves QLocale's default Chinese
    (which the UI's own wording follows), would otherwise decide the language of every
    test after it, by run order."""
    yield
    from PySide6.QtCore import QLocale

    from labdesk.ui import i18n

    if i18n._installed or QLocale().language() == QLocale.Language.Chinese:
        i18n.install_translators("en")  # no translators, QLocale's default English again


_journal_folders = itertools.count()


@pytest.fixture(autouse=True)
def _pending_journal_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test keeps the grid's waiting values (services/pending_journal.py) in a folder
    of its own, never in the user's data folder (made only when a value waits). Set
    without `monkeypatch`: an autouse fixture requesting it would make it the first set
    up and so the last torn down, after fixtures that need a test's patches undone."""
    from labdesk.services.pending_journal import FOLDER_ENV

    before = os.environ.get(FOLDER_ENV)
    os.environ[FOLDER_ENV] = str(
        tmp_path_factory.getbasetemp() / f"pending-{next(_journal_folders)}"
    )
    yield
    if before is None:
        os.environ.pop(FOLDER_ENV, None)
    else:
        os.environ[FOLDER_ENV] = before


@pytest.fixture
def pg_url() -> str:
    """URL of a scratch PostgreSQL database for HQ tests (scripts/pg-test-server.sh)."""
    url = os.environ.get("LABDESK_TEST_PG_URL")
    if not url:
        message = "LABDESK_TEST_PG_URL is not set (scripts/test.sh starts a server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def province_demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small province demo (3 centres, real signed batches, real ingest) as an HQ file:
    built once per session; tests read it and never write to it."""
    from datetime import date

    from labdesk.province.demo import build_province_demo

    folder = tmp_path_factory.mktemp("province")
    url = str(folder / "hq.sqlite")
    made = build_province_demo(
        url, folder / "centres", centres=3, samples=80, seed=7, today=date(2026, 12, 3)
    )
    assert all(o.status == "loaded" for o in made.outcomes)
    return url
