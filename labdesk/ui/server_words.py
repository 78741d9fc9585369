"""The plain words for a database server away or busy, in the UI's language.

Apart from `server_notice` (the screens' guard) so that `errors.user_message`, which every
screen's messages go through, can use them without an import circle.
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


def plain_notice(exc: BaseException) -> str | None:
    """The plain words for a server away or busy, None for any other error (whose own
    message is shown). Every screen's messages go through `errors.user_message`, which
    asks here first: the store's own text for these names the server's address and the
    driver's words, which tell a technician nothing they can act on."""
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
    return None
