"""`labdesk --smoke-test`, in-process and as a command, and the one-writer rule at start-up.

The smoke test is what an installer (or a support call) runs to prove an installation
works; these tests hold it to its contract: one JSON line naming every check and the
versions, exit 0 — and a named failing check with exit 1 when something is broken.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import labdesk
from labdesk.cli import main
from labdesk.cli.smoke import CHECKS

# The offscreen platform plugin warns when a shown window's size hints change; that is
# the plugin's limitation, not LabDesk's. Any other Qt warning still fails these tests.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

CHECK_NAMES = [name for name, _ in CHECKS]
VERSION_KEYS = {"labdesk", "qt", "pyside6", "sqlite", "python"}
ROOT = Path(__file__).resolve().parent.parent


def _one_json_line(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stdout, got {len(lines)}: {stdout!r}"
    report = json.loads(lines[0])
    assert isinstance(report, dict)
    return report


def _assert_complete(report: dict) -> None:
    assert report["ok"] is True, report.get("error")
    assert "failed" not in report
    assert list(report["checks"]) == CHECK_NAMES
    assert set(report["versions"]) == VERSION_KEYS
    assert report["versions"]["labdesk"] == labdesk.__version__
    assert report["versions"]["sqlite"] == sqlite3.sqlite_version
    judgement = report["checks"]["judgement"]
    assert (judgement["rounded_method"], judgement["full_method"]) == ("pass", "fail")
    assert report["checks"]["database"]["second_writer"] == "refused"
    batch = report["checks"]["batch"]
    assert batch["algorithm"] == "SM2-with-SM3"
    assert batch["samples"] >= 1
    assert batch["tampered_copy"].startswith("rejected")
    assert "qtbase_zh_CN.qm" in report["checks"]["qt"]["translations"]
    assert report["checks"]["report"]["pages"] >= 1
    assert any("WenQuanYi" in font for font in report["checks"]["report"]["fonts"])
    assert report["checks"]["imports"]["modules"] > 50


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(home / "data"))
    env.update(XDG_CONFIG_HOME=str(home / "config"), PYTHONPATH=str(ROOT))
    return env


def test_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--smoke-test"])
    out = capsys.readouterr().out
    report = _one_json_line(out)
    _assert_complete(report)
    assert code == 0
    assert report["frozen"] is False


def test_as_a_command_in_an_empty_folder(tmp_path: Path) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "labdesk", "--smoke-test"],
        cwd=work,
        env=_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = _one_json_line(proc.stdout)
    _assert_complete(report)
    assert proc.returncode == 0, proc.stderr
    # Everything it made was in its own temporary folder, removed afterwards.
    assert list(work.iterdir()) == []


def test_a_broken_installation_names_the_failing_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import labdesk.paths

    empty = tmp_path / "resources"
    empty.mkdir()
    monkeypatch.setattr(labdesk.paths, "resources_dir", lambda: empty)
    code = main(["--smoke-test"])
    report = _one_json_line(capsys.readouterr().out)
    assert code == 1
    assert report["ok"] is False
    assert report["failed"] == "resources"
    assert "labdesk.svg" in report["error"]
    assert list(report["checks"]) == ["imports"]  # what passed before the failure


# ------------------------------------------------------------ a second start is refused

HOLDER = """
import sys
from pathlib import Path
from labdesk.store.db import open_database
db = open_database(Path(sys.argv[1]))
print("holding", flush=True)
sys.stdin.read()  # until the test closes our stdin
db.close()
"""


@pytest.fixture
def held_database(tmp_path: Path) -> Iterator[Path]:
    """A database another process has open as its single writer."""
    path = tmp_path / "shared.sqlite"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(tmp_path / "home"),
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        yield path
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


def test_smoke_test_on_a_database_open_elsewhere_is_refused_politely(
    held_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--lang", "en", "--db", str(held_database), "--smoke-test"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "already open" in captured.err
    assert "Traceback" not in captured.err


def test_a_second_application_start_is_refused_politely(held_database: Path) -> None:
    # As a command, the way a user starts it twice: the second start says why and exits.
    proc = subprocess.run(
        [sys.executable, "-m", "labdesk", "--lang", "en", "--db", str(held_database)],
        env={**_env(held_database.parent / "home2"), "LABDESK_SETTINGS_FILE": "settings.ini"},
        cwd=held_database.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "already open in another LabDesk window" in proc.stderr
    assert str(held_database) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_smoke_test_opens_the_named_database_and_releases_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.sqlite"
    code = main(["--db", str(path), "--smoke-test"])
    report = _one_json_line(capsys.readouterr().out)
    assert code == 0, report.get("error")
    assert report["checks"]["database"]["user_db"]["path"] == str(path)
    assert path.exists()
    # Released afterwards: the application can open it.
    from labdesk.store.db import open_database

    open_database(path).close()
