"""Faults a user can meet, made for real: a damaged file, a read-only medium."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def demo_database(folder: Path, samples: int = 30) -> Path:
    """A small demo database (with its signed batches) in `folder`, checkpointed."""
    import sqlite3

    from labdesk.batch.demo import build_demo

    path = folder / "lab.sqlite"
    build_demo(path, samples=samples, seed=3)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def damage(path: Path) -> None:
    """Overwrites 4 KB in the middle of `path` (the fault issue 21.8 found read as whole)."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek((size // 2) // 4096 * 4096)
        handle.write(bytes(range(256)) * 16)


def _mount_read_only(folder: Path, target: Path) -> bool:
    if os.name != "posix" or os.geteuid() != 0:
        return False
    target.mkdir()
    done = subprocess.run(["mount", "--bind", str(folder), str(target)], capture_output=True)
    if done.returncode != 0:
        target.rmdir()
        return False
    done = subprocess.run(
        ["mount", "-o", "remount,ro,bind", str(target)], capture_output=True, check=False
    )
    if done.returncode != 0:
        subprocess.run(["umount", str(target)], check=False)
        target.rmdir()
        return False
    return True


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """`folder` as a read-only medium: a read-only bind mount as root (root ignores file
    modes), else the folder and its files made read-only by their modes."""
    target = folder.with_name(folder.name + "-ro")
    if _mount_read_only(folder, target):
        try:
            yield target
        finally:
            subprocess.run(["umount", str(target)], check=False)
            target.rmdir()
        return
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("cannot make a read-only medium here (needs mount as root, or a user)")
    modes = {p: p.stat().st_mode for p in folder.iterdir()}
    for p in modes:
        p.chmod(stat.S_IRUSR | stat.S_IRGRP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        yield folder
    finally:
        folder.chmod(stat.S_IRWXU)
        for p, mode in modes.items():
            p.chmod(mode)
