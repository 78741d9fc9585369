"""What the user is told when a command meets a fault they caused or can fix.

A missing output folder, a read-only medium, a full disk, a damaged database: these are
the user's to act on, so `labdesk.cli.main` prints one plain line naming the file and the
reason instead of a traceback (issue 21.6). Anything not recognised here is a bug and
keeps its trace. Imported only when a command has failed, so it costs start-up nothing.
"""

from __future__ import annotations

import errno
from pathlib import Path

# An error message quotes what was typed so the user can find it; a 120,000-character
# limit or number quoted whole (twice) buries the message (issue 21.8). Any one run of
# text longer than this is cut to its start and end, with its length said.
LONGEST_QUOTED = 60
LONGEST_PATH = 1024
_KEEP = 24


def shorten(message: str) -> str:
    """`message` with every overlong run of non-space text cut to a few dozen characters."""
    import re

    def cut(match: re.Match[str]) -> str:
        text = match.group(0)
        if len(text) <= LONGEST_PATH and ("/" in text or "\\" in text):
            return text  # a file's path: the user needs all of it (to chmod it, say)
        return f"{text[:_KEEP]}…{text[-8:]} ({len(text):,} characters)"

    return re.sub(rf"[^\s“”\"'‘’]{{{LONGEST_QUOTED + 1},}}", cut, message)


def plain_message(exc: BaseException) -> str | None:
    """The line to print for `exc`, or None when it is a bug (keep the traceback)."""
    import sqlite3

    if isinstance(exc, OSError):
        return describe_os_error(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        from labdesk.store.errors import StoreError, translate

        translated = translate(exc)
        if isinstance(translated, StoreError):
            return str(translated)
    return None


def describe_os_error(exc: OSError) -> str:
    """`exc` as a sentence: which file, and what the user can do about it."""
    name = exc.filename
    where = Path(str(name)) if name is not None else None
    code = exc.errno
    if where is None:
        return f"{exc.strerror or exc}"
    # A writer's temporary file (x.csv.tmp, x.xlsx.part) is named after the real one: the
    # folder is what matters, and it is the same.
    if code == errno.ENOENT:
        folder = where.parent
        if not folder.is_dir():
            return f"the folder {folder} does not exist: create it or choose another (文件夹不存在)"
        return f"no such file: {where} (文件不存在)"
    if code in (errno.EACCES, errno.EPERM):
        return f"no permission to use {where}: check its permissions (没有权限)"
    if code == errno.EROFS:
        return f"{where} is on a read-only medium: choose a writable folder (只读介质)"
    if code == errno.ENOSPC:
        return f"the disk is full while writing {where}: free some space and try again (磁盘已满)"
    if code == errno.EISDIR:
        return f"{where} is a folder, not a file (这是文件夹)"
    if code == errno.ENOTDIR:
        return f"part of {where} is a file, not a folder (路径中有文件)"
    return f"{where}: {exc.strerror or exc}"
