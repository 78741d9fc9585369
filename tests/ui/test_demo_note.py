"""The demo says what it needs (issue 20): the demo sign-in screen and the README name
the demo key passphrase next to the demo accounts."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from labdesk.batch.demo import DEMO_KEY_PASSPHRASE
from labdesk.ui.session import UiSession
from labdesk.ui.signin import SignInDialog

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_sign_in_screen_names_the_key_passphrase(qtbot: QtBot, session: UiSession) -> None:
    dialog = SignInDialog(session, show_demo_accounts=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.demo_table is not None and dialog.demo_table.isVisible()
    assert dialog.demo_passphrase.isVisible()
    assert DEMO_KEY_PASSPHRASE in dialog.demo_passphrase.text()


def test_the_readme_demo_note_names_it_too() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    note = readme[readme.index("## Quick start") : readme.index("## A tour")]
    assert "demo accounts" in note and f"`{DEMO_KEY_PASSPHRASE}`" in note
