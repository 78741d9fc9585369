"""What a screen says when the database server is away or busy, in the UI's language.

On a server (PostgreSQL), a connection the server or the network dropped is replaced
before the next statement (store/pg_engine.py), so the user's next action simply tries
again. A screen that meets `ServerAway` or `DatabaseBusy` therefore keeps what it shows
and what the user typed (a filter, a comment), and says so plainly instead of a trace
or an error dialog; the result grid also retries its writes on its own (grid_retry.py).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def retryable(exc: BaseException) -> bool:
    """Whether `exc` says the same change or read may simply be tried again: the server
    is away, or busy with another workstation's lock on the same records. Either way the
    server rolled the transaction back: nothing of it was written."""
    from labdesk.store.errors import DatabaseBusy, ServerAway

    return isinstance(exc, ServerAway | DatabaseBusy)


def busy(exc: BaseException) -> bool:
    """Whether `exc` is the server being busy (not away): said differently to the user."""
    from labdesk.store.errors import DatabaseBusy

    return isinstance(exc, DatabaseBusy)


def notice(exc: BaseException) -> str:
    """The line a screen shows for `exc`: plain words for a server away or busy (what
    happened to the user's input, what to do), else the error's own message."""
    if busy(exc):
        return QCoreApplication.translate(
            "ServerNotice",
            "The database is busy with another workstation's change: nothing was changed "
            "and what you typed is kept — try again.",
        )
    if retryable(exc):
        return QCoreApplication.translate(
            "ServerNotice",
            "The database server cannot be reached: nothing was changed and what you typed "
            "is kept; your next action tries again.",
        )
    from labdesk.ui.errors import error_text

    return error_text(exc)
