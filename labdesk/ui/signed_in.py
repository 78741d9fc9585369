"""Recording a sign-in on the session: what the main window needs, without the dialog.

The sign-in dialog (`ui/signin.py`) calls it when the password is accepted; so do the
paths that sign in without a dialog (the start-up benchmark's, screenshots, the smoke
test), which then need not import the dialog's widgets.
"""

from __future__ import annotations

from typing import Any

from labdesk.ui.session import UiSession


def display_name_of(session: UiSession, username: str) -> str:
    row = session.db.query_one(
        "SELECT display_name FROM users WHERE username = ? COLLATE NOCASE", (username,)
    )
    return str(row["display_name"]) if row is not None and row["display_name"] else username


def apply_sign_in(session: UiSession, context: Any) -> None:
    """Record a successful sign-in on the session (display facts for the status bar)."""
    actor = context.actor
    session.sign_in(
        context,
        user_name=actor.username,
        display_name=display_name_of(session, actor.username),
        role=actor.role,
    )
