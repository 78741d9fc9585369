"""Reading a password or passphrase from a file, only if nobody else can read it.

A password file that the group or other users can read (or replace) gives the password
away; like ssh with a private key, LabDesk refuses it and says how to fix it (issue
21.5). Only regular files are checked: a pipe (`--password-file <(…)`, /dev/stdin) has no
such mode. On Windows the check is left to the profile's ACLs (docs/privacy.md).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from labdesk.cli import UsageError


def read_secret_file(path: Path, option: str = "--password-file") -> str:
    """The file's text; UsageError if it is unreadable or open to other users."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise UsageError(f"{option}: cannot read {path}: {exc.strerror}") from None
    if os.name == "posix" and stat.S_ISREG(mode) and mode & 0o077:
        raise UsageError(
            f"{option}: {path} can be read or changed by other users (mode "
            f"{stat.S_IMODE(mode):04o}); make it private first: chmod 600 {path} "
            "(密码文件权限过宽)",
            en=f"{option}: {path} can be read or changed by other users (mode "
            f"{stat.S_IMODE(mode):04o}); make it private first: chmod 600 {path}",
            zh=f"{option}：密码文件 {path} 权限过宽，其他用户可读写（权限 "
            f"{stat.S_IMODE(mode):04o}）；请先设为仅本人可用：chmod 600 {path}",
        )
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"{option}: cannot read {path}: {reason}") from None
