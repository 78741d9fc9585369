"""The sample list and the review screen when the database server is away (issue 18),
on a real PostgreSQL server, in English and in Chinese: the screen says so plainly
(no trace, no error dialog), keeps what it shows and what the user typed (the filter,
the comment), and the user's next action, once the server is back, works — the
connection is replaced before the next statement.

The server goes away for this one database as in test_result_grid_server_away.py: its
connections ended (pg_terminate_backend) and new ones refused while it is "away".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labdesk.ui.i18n import install_translators
from labdesk.ui.review import ReviewScreen
from labdesk.ui.samples import SamplesScreen
from labdesk.ui.session import UiSession
from tests.ui import test_result_grid_server_away as away
from tests.ui.conftest import sign_in_as
from tests.ui.typing import type_text

pg_demo_template = away.pg_demo_template
pg_session = away.pg_session

AWAY = {"en": "cannot be reached", "zh": "无法连接数据库服务器"}
KEPT = {"en": "what you typed is kept", "zh": "您录入的内容仍保留"}


@pytest.fixture(params=["en", "zh"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    install_translators(str(request.param))
    try:
        yield str(request.param)
    finally:
        install_translators("en")


def _said_plainly(text: str, language: str) -> None:
    assert AWAY[language] in text and KEPT[language] in text, text
    assert "Traceback" not in text and "psycopg" not in text
    if language == "zh":
        assert "reached" not in text


def test_the_sample_list_says_the_server_is_away_and_keeps_the_filter(
    qtbot: QtBot, pg_session: UiSession, language: str
) -> None:
    sign_in_as(pg_session, "tech1")
    screen = SamplesScreen(pg_session)
    qtbot.addWidget(screen)
    screen.show()
    everything = screen.table.sample_model.rowCount()
    assert everything > 1
    number = str(screen.table.sample_model.row_data(0)["sample_no"])
    type_text(qtbot, screen.text_filter, number)
    qtbot.waitUntil(lambda: screen.table.sample_model.rowCount() == 1, timeout=5_000)

    away._allow(pg_session, False)  # the server ends the connections and refuses new ones
    try:
        # The user picks another state: the list cannot be read.
        screen.state_filter.setCurrentIndex(screen.state_filter.count() - 1)
        _said_plainly(screen.message.text(), language)
        assert screen.text_filter.text() == number  # what was typed stays
        assert screen.table.sample_model.rowCount() == 1  # what was shown stays
        # Enter in the filter (a scanned number) while away: said again, nothing lost.
        screen.message.clear()
        qtbot.keyClick(screen.text_filter, Qt.Key.Key_Return)
        _said_plainly(screen.message.text(), language)
        assert screen.text_filter.text() == number
    finally:
        away._allow(pg_session, True)

    # The next action reads again on a new connection; the notice goes.
    screen.state_filter.setCurrentIndex(0)
    assert screen.message.text() == ""
    assert screen.table.sample_model.rowCount() == 1
    assert screen.table.sample_model.row_data(0)["sample_no"] == number


def test_the_review_screen_says_the_server_is_away_and_keeps_the_comment(
    qtbot: QtBot, pg_session: UiSession, language: str
) -> None:
    sign_in_as(pg_session, "reviewer")
    screen = ReviewScreen(pg_session)
    qtbot.addWidget(screen)
    screen.show()
    ids = screen.queue_model.ids()
    assert ids, "the demo centre has samples waiting for review"
    sample_id = screen.selected_sample_id()
    assert sample_id is not None
    qtbot.keyClicks(screen.comment, "raw data checked")

    away._allow(pg_session, False)
    try:
        qtbot.mouseClick(screen.review_button, Qt.MouseButton.LeftButton)
        _said_plainly(screen.message.text(), language)
        assert screen.message.is_error
        assert screen.comment.text() == "raw data checked"  # what was typed stays
        # Another sample picked while away: said plainly, the queue stays.
        if len(ids) > 1:
            screen.queue.selectRow(1)
            _said_plainly(screen.message.text(), language)
        screen.refresh()  # the screen shown again (F5) while away
        _said_plainly(screen.message.text(), language)
        assert screen.queue_model.ids() == ids
    finally:
        away._allow(pg_session, True)

    # Back: the same click now works, with the comment typed before.
    screen.select_sample(sample_id)
    assert not screen.message.is_error and screen.message.text() == ""
    qtbot.mouseClick(screen.review_button, Qt.MouseButton.LeftButton)
    assert not screen.message.is_error, screen.message.text()
    state = pg_session.db.scalar("SELECT state FROM samples WHERE id = ?", (sample_id,))
    assert state == "reviewed"
    comment = pg_session.db.scalar(
        "SELECT reason FROM sample_events WHERE sample_id = ? AND action = 'review'",
        (sample_id,),
    )
    assert comment == "raw data checked"
    assert screen.comment.text() == ""
