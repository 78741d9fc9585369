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


def describe_os_error(exc: OSError) -> str:
    """`exc` as a sentence: which file, and what the user can do about it (English with
    a Chinese gloss, as logs and older callers read it)."""
    english = describe_os_error_in_both(exc)[0]
    key = _reason_key(exc)
    return f"{english} ({_GLOSS[key]})" if key in _GLOSS else english


_GLOSS = {
    "missing_folder": "文件夹不存在",
    "missing_file": "文件不存在",
    "permission": "没有权限",
    "read_only": "只读介质",
    "full": "磁盘已满",
    "is_folder": "这是文件夹",
    "not_folder": "路径中有文件",
}


def _reason_key(exc: OSError) -> str:
    code = exc.errno
    if exc.filename is None:
        return ""
    if code == errno.ENOENT:
        return "missing_folder" if not Path(str(exc.filename)).parent.is_dir() else "missing_file"
    return {
        errno.EACCES: "permission",
        errno.EPERM: "permission",
        errno.EROFS: "read_only",
        errno.ENOSPC: "full",
        errno.EISDIR: "is_folder",
        errno.ENOTDIR: "not_folder",
    }.get(code or 0, "")


def describe_os_error_in_both(exc: OSError) -> tuple[str, str]:
    """`exc` as a sentence in English and in Chinese: which file, and what to do."""
    name = exc.filename
    where = Path(str(name)) if name is not None else None
    reason = f"{exc.strerror or exc}"
    if where is None:
        return reason, reason
    # A writer's temporary file (x.csv.tmp, x.xlsx.part) is named after the real one: the
    # folder is what matters, and it is the same.
    folder = where.parent
    texts = {
        "missing_folder": (
            f"the folder {folder} does not exist: create it or choose another",
            f"文件夹 {folder} 不存在：请先创建，或另选文件夹",
        ),
        "missing_file": (f"no such file: {where}", f"文件不存在：{where}"),
        "permission": (
            f"no permission to use {where}: check its permissions",
            f"没有权限使用 {where}：请检查其权限",
        ),
        "read_only": (
            f"{where} is on a read-only medium: choose a writable folder",
            f"{where} 位于只读介质上：请选择可写的文件夹",
        ),
        "full": (
            f"the disk is full while writing {where}: free some space and try again",
            f"写入 {where} 时磁盘已满：请清理空间后重试",
        ),
        "is_folder": (f"{where} is a folder, not a file", f"{where} 是文件夹，不是文件"),
        "not_folder": (
            f"part of {where} is a file, not a folder",
            f"{where} 的路径中有一段是文件，不是文件夹",
        ),
    }
    key = _reason_key(exc)
    if key in texts:
        return texts[key]
    return f"{where}: {reason}", f"{where}：{reason}"
