"""What the user is told when a command meets a fault they caused or can fix.

A missing output folder, a read-only medium, a full disk, a damaged database: these are
the user's to act on, so `labdesk.cli.main` prints one plain line naming the file and the
reason instead of a traceback (issue 21.6). Anything not recognised here is a bug and
keeps its trace. Imported only when a command has failed, so it costs start-up nothing.
"""

from __future__ import annotations

from labdesk.core.os_faults import describe_os_error, describe_os_error_in_both

__all__ = ["describe_os_error", "describe_os_error_in_both", "plain_message", "shorten"]

# An error message quotes what was typed so the user can find it; a 120,000-character
# limit or number quoted whole (twice) buries the message (issue 21.8). Any one run of
# text longer than this is cut to its start and end, with its length said.
LONGEST_QUOTED = 60
LONGEST_PATH = 1024
_KEEP = 24


def shorten(message: str, language: str | None = None) -> str:
    """`message` with every overlong run of non-space text cut to a few dozen characters;
    the length said in `language` ("zh", "en"; English when None)."""
    import re

    def cut(match: re.Match[str]) -> str:
        text = match.group(0)
        if len(text) <= LONGEST_PATH and ("/" in text or "\\" in text):
            return text  # a file's path: the user needs all of it (to chmod it, say)
        if language == "zh":
            return f"{text[:_KEEP]}…{text[-8:]}（共 {len(text):,} 个字符）"
        return f"{text[:_KEEP]}…{text[-8:]} ({len(text):,} characters)"

    return re.sub(rf"[^\s“”\"'‘’]{{{LONGEST_QUOTED + 1},}}", cut, message)


def plain_message(exc: BaseException, language: str = "en") -> str | None:
    """The line to print for `exc` in `language` ("zh", "en"), or None when it is a bug
    (keep the traceback)."""
    import sqlite3

    if isinstance(exc, OSError):
        english, chinese = describe_os_error_in_both(exc)
        return chinese if language == "zh" else english
    if isinstance(exc, sqlite3.DatabaseError):
        from labdesk.store.errors import StoreError, translate

        translated = translate(exc)
        if isinstance(translated, StoreError):
            return translated.in_language(language)
    return None
