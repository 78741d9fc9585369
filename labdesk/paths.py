"""Where LabDesk keeps its files when the user does not say, and keeping them private
(Qt-free).

The database holds password hashes, the encrypted signing key and all the lab's data; its
WAL, backups, outboxes and logs hold the same. On POSIX they are created 0600 in folders
0700 (issue 21.5): the entry points (`labdesk` and the desktop app) run under the umask
0077, and the store and the batch writer set the modes themselves, so a library caller
gets them too. SQLite gives the -wal and -shm files the database file's mode. On Windows
the per-user data folder is protected by the profile's ACLs, which files created there
inherit; modes are not used (docs/privacy.md).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import platformdirs

APP_NAME = "LabDesk"
DB_FILENAME = "labdesk.sqlite"
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
PRIVATE_UMASK = 0o077


def data_dir() -> Path:
    """The per-user application-data folder, never the program folder."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resources_dir() -> Path:
    """`resources/` beside the package, or inside a PyInstaller bundle."""
    import sys

    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Everything created inside is private to the user (POSIX); the umask is restored."""
    if os.name != "posix":
        yield
        return
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def private_opener(path: str, flags: int) -> int:
    """For `open(..., opener=private_opener)`: a new file is created 0600."""
    return os.open(path, flags, PRIVATE_FILE_MODE)


def make_private_folder(folder: Path) -> None:
    """Creates `folder` and any missing parents 0700; existing folders are left as they
    are (the user's own folder, a shared drive: not ours to change)."""
    folder = Path(folder)
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):
            new.mkdir(mode=PRIVATE_FOLDER_MODE)
        if os.name == "posix":
            os.chmod(new, PRIVATE_FOLDER_MODE)  # mkdir's mode is cut by the umask


def make_private(path: Path) -> None:
    """Removes the group's and others' access to a file of ours (POSIX; best effort: a
    file we do not own, or on a medium without modes, is left)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        st = os.stat(path)
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & 0o700)


def create_private_file(path: Path) -> None:
    """Creates `path` empty with mode 0600 if it does not exist (SQLite then keeps it)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
