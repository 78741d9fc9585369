"""What a screen says when the database server is away or busy, in the UI's language.

On a server (PostgreSQL), a connection the server or the network dropped is replaced
before the next statement (store/pg_engine.py), so the user's next action simply tries
again. A screen that meets `ServerAway` or `DatabaseBusy` therefore keeps what it shows
and what the user typed (a filter, a comment), and says so plainly instead of a trace
or an error dialog; the result grid also retries its writes on its own (grid_retry.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel

from labdesk.ui.server_words import busy, plain_notice, retryable

__all__ = ["ReadNotice", "busy", "notice", "plain_notice", "retryable"]


def notice(exc: BaseException) -> str:
    """The line a screen shows for `exc`: plain words for a server away or busy (what
    happened to the user's input, what to do), else the error's own message."""
    plain = plain_notice(exc)
    if plain is not None:
        return plain
    from labdesk.ui.errors import error_text

    return error_text(exc)


def _show(line: QLabel, text: str) -> None:
    """`text` on a screen's message line as an error, whichever kind of line it has (the
    managers' banner, the inline line under a list, or a plain label)."""
    for method, args in (("show_error", (text,)), ("show_message", (text, True))):
        show = getattr(line, method, None)
        if callable(show):
            show(*args)
            return
    line.setText(text)


def _clear(line: QLabel) -> None:
    for method, args in (("clear_message", ()), ("show_message", ("", False))):
        clear = getattr(line, method, None)
        if callable(clear):
            clear(*args)
            return
    line.clear()


class ReadNotice:
    """A screen's reads of the store (its refresh, a filter or selection change), guarded.

    A read that fails with a `LabDeskError` (a server away or busy, above all) leaves what
    the screen shows and what the user typed as they are — every screen reads its rows
    first and fills its widgets after, so nothing is half-replaced — and says why on the
    screen's message line instead of raising out of the main window's refresh (an
    unhandled-error dialog and a trace). The next read that succeeds takes the notice away,
    unless the line says something else by then (an action's own result).
    """

    def __init__(self, line: QLabel) -> None:
        self.line = line
        self._shown: str | None = None

    def read(self, action: Callable[[], object]) -> bool:
        """Run `action`; False (and the notice shown) when the store could not be read."""
        from labdesk.core.errors import LabDeskError

        try:
            action()
        except LabDeskError as exc:
            self.failed(exc)
            return False
        self.succeeded()
        return True

    def failed(self, exc: BaseException) -> None:
        text = notice(exc)
        _show(self.line, text)
        self._shown = text

    def succeeded(self) -> None:
        if self._shown is not None and self.line.text() == self._shown:
            _clear(self.line)
        self._shown = None
