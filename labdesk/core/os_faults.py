"""What an operating-system fault means to the user, in each language alone.

A missing folder, a read-only medium, a full disk: the user's to act on, so both the CLI
(`labdesk.cli.failures`) and the desktop UI (`labdesk.ui.errors`) say which file and what
to do instead of a traceback (issue 21.6, 21.8). Qt-free so both can use it.
"""

from __future__ import annotations

import errno
from pathlib import Path


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


# The same faults met where the system names no file (a write to an open stream, say).
_UNNAMED = {
    errno.EACCES: ("no permission for this file or folder", "没有权限使用此文件或文件夹"),
    errno.EPERM: ("no permission for this file or folder", "没有权限使用此文件或文件夹"),
    errno.EROFS: (
        "the medium is read-only: choose a writable folder",
        "介质为只读：请选择可写的文件夹",
    ),
    errno.ENOSPC: ("the disk is full: free some space and try again", "磁盘已满：请清理空间后重试"),
    errno.ENOENT: ("the file or folder does not exist", "文件或文件夹不存在"),
}


def names_a_known_fault(exc: OSError) -> bool:
    """True when `exc` is a fault the user can act on (a file named, or a known errno)."""
    return exc.filename is not None or (exc.errno or 0) in _UNNAMED


def describe_os_error_in_both(exc: OSError) -> tuple[str, str]:
    """`exc` as a sentence in English and in Chinese: which file, and what to do."""
    name = exc.filename
    where = Path(str(name)) if name is not None else None
    reason = f"{exc.strerror or exc}"
    if where is None:
        unnamed = _UNNAMED.get(exc.errno or 0)
        return unnamed if unnamed is not None else (reason, reason)
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
