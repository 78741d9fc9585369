"""Private by default (issue 21.5): what LabDesk writes is the user's alone on POSIX."""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.cli import main
from labdesk.services.auth import DEMO_ACCOUNTS

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes are POSIX (Windows: ACLs)")


@pytest.fixture(autouse=True)
def _widgets_app(qapp: object) -> None:
    """The demo renders its reports in-process: with a QApplication already there it
    makes no bare QGuiApplication, which would abort every later QWidget test."""


@contextlib.contextmanager
def umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def open_to_others(root: Path) -> list[str]:
    return [
        f"{p.relative_to(root)} {mode(p):04o}" for p in [root, *root.rglob("*")] if mode(p) & 0o077
    ]


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


def test_the_demo_and_its_outbox_and_backups_are_private(tmp_path: Path) -> None:
    """Under the usual umask 022, as a user runs it: every file and folder made is 0600 or
    0700 — database, -wal, -shm, outbox, batches, public key, backups."""
    home = tmp_path / "new" / "data"
    db = home / "lab.sqlite"
    with umask(0o022):
        assert run(["--db", str(db), "demo", "--samples", "3"])[0] == 0
        assert run(["--db", str(db), "backup"])[0] == 0
        assert run(["--db", str(db), "backup", "--out", str(home / "copy.sqlite")])[0] == 0
    made = {p.name for p in home.rglob("*")}
    assert {"lab.sqlite", "lab-outbox", "backups", "copy.sqlite"} <= made
    assert any(name.endswith(".labbatch") for name in made)
    assert open_to_others(tmp_path / "new") == []
    assert os.umask(0o022) == 0o022  # the command gave the umask back
    os.umask(0o022)


def test_the_store_sets_the_modes_itself(tmp_path: Path) -> None:
    """A library caller that never set a umask still gets private files."""
    from labdesk.store.backup import auto_backup
    from labdesk.store.db import open_database

    with umask(0o022):
        db = open_database(tmp_path / "a" / "b" / "lab.sqlite")
        try:
            db.set_meta("probe", "1")
            copy = auto_backup(db, force=True)
        finally:
            db.close()
    assert copy is not None
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700
    assert mode(tmp_path / "a" / "b" / "lab.sqlite") == 0o600
    assert mode(copy) == 0o600 and mode(copy.parent) == 0o700


def test_an_old_world_readable_database_is_made_private_on_open(tmp_path: Path) -> None:
    from labdesk.store.db import open_database

    path = tmp_path / "lab.sqlite"
    open_database(path).close()
    path.chmod(0o644)
    open_database(path).close()
    assert mode(path) == 0o600
    wal = path.with_name("lab.sqlite-wal")
    if wal.exists():
        assert mode(wal) == 0o600


def test_a_new_hq_database_is_private(tmp_path: Path) -> None:
    from labdesk.batch.hq_store import open_hq

    with umask(0o022):
        open_hq(str(tmp_path / "hq.sqlite")).close()
    assert mode(tmp_path / "hq.sqlite") == 0o600


def test_the_log_file_is_private(tmp_path: Path) -> None:
    from labdesk.ui.errors import install_log_file

    with umask(0o022):
        path = install_log_file(tmp_path / "logs" / "labdesk.log")
    assert path is not None
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_a_password_file_others_can_read_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "lab.sqlite"
    secret = tmp_path / "pw.txt"
    secret.write_text("admin-secret-1\n", encoding="utf-8")
    secret.chmod(0o644)
    argv = ["--db", str(db), "setup", "--name", "中心", "--code", "HF01", "--region", "340100"]
    code, err = run(["--lang", "en", *argv, "--admin", "boss", "--password-file", str(secret)])
    assert code == 2
    assert "can be read or changed by other users (mode 0644)" in err
    assert f"chmod 600 {secret}" in err
    assert not db.exists()  # refused before anything was written
    secret.chmod(0o600)
    assert run([*argv, "--admin", "boss", "--password-file", str(secret)])[0] == 0


def test_a_passphrase_file_others_can_read_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "lab.sqlite"
    assert run(["--db", str(db), "demo", "--samples", "0"])[0] == 0
    phrase = tmp_path / "phrase.txt"
    phrase.write_text("a long new passphrase\n", encoding="utf-8")
    phrase.chmod(0o640)
    password = {u: p for u, _, _, p in DEMO_ACCOUNTS}["manager"]
    os.environ["LABDESK_PASSWORD"] = password
    try:
        code, err = run(
            ["--lang", "en", "--db", str(db), "keys", "init", "--user", "manager", "--replace",
             "--passphrase-file", str(phrase)]
        )  # fmt: skip
    finally:
        del os.environ["LABDESK_PASSWORD"]
    assert code == 2 and "mode 0640" in err
