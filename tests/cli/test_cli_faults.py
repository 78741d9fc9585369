"""Every CLI command, walked with the faults a user can cause: never a traceback (issue 21.6).

The commands are enumerated from the argparse parser itself, so a command added later is
walked too. Each one is run in-process with its required arguments filled in by type, in
four situations: its output folder does not exist, the database is in a folder that does
not exist, the database and every file named are on a read-only medium, and the database
and the input files are damaged. What it may do: succeed, or end with a plain `labdesk…`
line on stderr. What it may not: raise (a traceback) or say nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from labdesk.cli import build_parser, main
from labdesk.services.auth import DEMO_ACCOUNTS
from tests.cli.faults import damage, demo_database, read_only_folder


@pytest.fixture(autouse=True)
def _widgets_application(qapp: object) -> None:
    """Commands that render (demo, report …) create a QGuiApplication when none runs; the
    first one of the test process must be pytest-qt's QApplication, or every later test
    that builds a widget (the in-process smoke test, the UI tests) aborts."""


# Commands that open a window rather than answer on the terminal (covered by the UI tests).
WINDOWED = {("hq",)}
# Argument values that get a command past its own checks to the files it opens.
VALUES = {
    "sample_no": "DEMO2026000001",
    "samples": "DEMO2026000001",
    "user": "manager",
    "as_user": "admin",
    "username": "newuser",
    "report_no": "DEMO34-2026-000001",
    "food": "大米",
    "limit": "≤0.5",
    "value": "0.4",
    "formula": "a + b",
    "values": "1;2",
    "max_rel_diff": "10",
    "mean": "1",
    "sd": "1",
    "items_date": "2026-01-01",
    "item": "pH值",
    "lod": "0.01",
    "reason": "test",
    "code": "914403001922038216",
    "region": "340100",
    "admin": "admin",
    "name": "测试中心",
    "kind": "seal",
}
# Keep the commands that build a whole demo small.
EXTRA = {("demo",): ["--samples", "3"], ("hq", "demo"): ["--centres", "1", "--samples", "20"]}


def leaf_commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable (sub-)command of `labdesk`, as its words and its parser."""
    found: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = []

    def walk(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if words and parser.get_default("func") is not None:
            found.append((words, parser))
        for action in subs:
            for name, child in action.choices.items():
                walk(child, (*words, name))

    walk(build_parser(everything=True), ())
    return [(w, p) for w, p in found if w not in WINDOWED]


COMMANDS = leaf_commands()


def _is_path(action: argparse.Action) -> bool:
    return action.type is Path


def argv_for(
    words: tuple[str, ...], parser: argparse.ArgumentParser, db: Path, inp: Path, out: Path
) -> list[str]:
    args: list[str] = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if action.dest == "hq_db":
            continue
        positional = not action.option_strings
        # Required arguments, and every option naming an output file or folder.
        output = _is_path(action) and action.dest in ("out", "xlsx", "pdf", "workdir", "outbox")
        if not (positional or action.required or output):
            continue
        if _is_path(action):
            value = str(inp if positional or action.dest in ("image", "trust") else out)
        elif action.choices:
            value = str(next(iter(action.choices)))
        elif action.type is int:
            value = "1"
        elif action.dest in VALUES:
            value = VALUES[action.dest]
        elif action.type is not None and action.type is not str:
            value = "2026-01-01"
        else:
            value = "x"
        if positional:
            args.append(value)
        else:
            args += [action.option_strings[0], value]
    args += EXTRA.get(words, [])
    if words[0] == "hq":
        return ["hq", "--db", str(db.with_name("hq.sqlite")), *words[1:], *args]
    return ["--db", str(db), *words, *args]


def run(argv: list[str]) -> tuple[int, str, str]:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def assert_plain(argv: list[str], result: tuple[int, str, str]) -> None:
    """Exit 0 (done) or 1 (a negative answer, said on stdout or stderr), or a plain
    `labdesk…` line on stderr for an error; never a traceback."""
    code, out, err = result
    assert "Traceback" not in err + out, (argv, err)
    if code == 1:
        assert (out + err).strip(), f"{argv} answered no (exit 1) without saying why"
    elif code != 0:
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines, f"{argv} failed with exit {code} and said nothing"
        assert any(line.startswith("labdesk") for line in lines), (argv, err)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory.mktemp("faults-demo"))


@pytest.fixture(autouse=True)
def _signed_in(monkeypatch: pytest.MonkeyPatch, qapp: object) -> None:
    # `qapp` first: the PDF commands run in-process would otherwise make a bare
    # QGuiApplication, and every later QWidget test in this process would abort.
    passwords = {u: p for u, _, _, p in DEMO_ACCOUNTS}
    monkeypatch.setenv("LABDESK_USER", "manager")
    monkeypatch.setenv("LABDESK_PASSWORD", passwords["manager"])
    monkeypatch.setenv("LABDESK_KEY_PASSPHRASE", "wrong passphrase")


def test_every_command_is_walked() -> None:
    names = {w for w, _ in COMMANDS}
    # The enumeration reaches nested verbs, not only the top level.
    assert {("samples",), ("audit", "verify"), ("hq", "summary"), ("standards", "export")} <= names
    assert len(names) >= 50


@pytest.mark.parametrize("words", [w for w, _ in COMMANDS], ids=" ".join)
def test_missing_output_folder(words: tuple[str, ...], demo: Path, tmp_path: Path) -> None:
    parser = dict(COMMANDS)[words]
    db = tmp_path / "lab.sqlite"
    shutil.copy(demo, db)
    missing = tmp_path / "no-such-folder"
    argv = argv_for(words, parser, db, missing / "in.csv", missing / "out.xlsx")
    assert_plain(argv, run(argv))


@pytest.mark.parametrize("words", [w for w, _ in COMMANDS], ids=" ".join)
def test_database_in_a_missing_folder(words: tuple[str, ...], tmp_path: Path) -> None:
    parser = dict(COMMANDS)[words]
    missing = tmp_path / "typo"
    argv = argv_for(words, parser, missing / "lab.sqlite", missing / "in.csv", tmp_path / "o.xlsx")
    assert_plain(argv, run(argv))
    if words[0] == "hq" and words[1] not in ("ingest", "demo"):
        assert not missing.exists(), f"{argv} created {missing}"


@pytest.fixture(scope="module")
def read_only(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("faults-ro")
    shutil.copy(demo, folder / "lab.sqlite")
    (folder / "in.csv").write_text("名称,数值\n甲,1\n", encoding="utf-8")
    with read_only_folder(folder) as mounted:
        yield mounted


@pytest.mark.parametrize("words", [w for w, _ in COMMANDS], ids=" ".join)
def test_read_only_medium(words: tuple[str, ...], read_only: Path) -> None:
    parser = dict(COMMANDS)[words]
    argv = argv_for(
        words, parser, read_only / "lab.sqlite", read_only / "in.csv", read_only / "o.xlsx"
    )
    result = run(argv)
    assert_plain(argv, result)
    assert "check the folder exists" not in result[2]


@pytest.fixture(scope="module")
def damaged(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("faults-damaged")
    shutil.copy(demo, folder / "lab.sqlite")
    damage(folder / "lab.sqlite")
    (folder / "in.csv").write_bytes(os.urandom(3000))
    return folder


@pytest.mark.parametrize("words", [w for w, _ in COMMANDS], ids=" ".join)
def test_damaged_file(words: tuple[str, ...], damaged: Path, tmp_path: Path) -> None:
    parser = dict(COMMANDS)[words]
    db = tmp_path / "lab.sqlite"
    shutil.copy(damaged / "lab.sqlite", db)
    argv = argv_for(words, parser, db, damaged / "in.csv", tmp_path / "o.xlsx")
    assert_plain(argv, run(argv))


READS = (["samples"], ["summary"], ["users", "list"], ["batches", "list"], ["keys", "show"])


@pytest.mark.parametrize("words", READS, ids=" ".join)
def test_read_commands_refuse_a_damaged_file(
    words: list[str], damaged: Path, tmp_path: Path
) -> None:
    db = tmp_path / "lab.sqlite"
    shutil.copy(damaged / "lab.sqlite", db)
    code, _out, err = run(["--lang", "en", "--db", str(db), *words])
    assert code == 2
    assert "damaged" in err and "restore the latest backup" in err


@pytest.mark.parametrize("words", [*READS, ["audit", "verify"]], ids=" ".join)
def test_reads_work_on_a_read_only_medium(words: list[str], read_only: Path) -> None:
    code, out, err = run(["--db", str(read_only / "lab.sqlite"), *words])
    assert code == 0, err
    assert out.strip()


@pytest.mark.parametrize(
    "words",
    [["backup"], ["clocks", "refresh", "--user", "manager"]],
    ids=" ".join,
)
def test_writes_on_a_read_only_medium_give_the_reason(words: list[str], read_only: Path) -> None:
    code, _out, err = run(["--db", str(read_only / "lab.sqlite"), *words])
    assert code == 2
    assert "read-only" in err or "cannot be written" in err, err


def test_hq_read_commands_create_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "typo" / "dir" / "hq.sqlite"
    code, out, err = run(["--lang", "en", "hq", "--db", str(typo), "summary"])
    assert code == 2 and "no HQ database" in err and not out
    assert not (tmp_path / "typo").exists()
    existing = tmp_path / "hq.sqlite"
    code, _out, err = run(["hq", "--db", str(existing), "summary"])
    assert code == 2 and not existing.exists()


def test_hq_ingest_creates_only_inside_an_existing_folder(demo: Path, tmp_path: Path) -> None:
    outbox = demo.with_name("lab-outbox")
    pem = sorted(outbox.glob("*.pem"))
    assert pem, "the demo writes its public key beside its batches"
    trust = ["--trust", str(pem[0])]
    typo = tmp_path / "typo" / "hq.sqlite"
    code, _out, err = run(["--lang", "en", "hq", "--db", str(typo), "ingest", str(outbox), *trust])
    assert code == 2 and "does not exist" in err and not typo.parent.exists()
    fresh = tmp_path / "hq.sqlite"
    code, _out, err = run(["hq", "--db", str(fresh), "ingest", str(outbox), *trust])
    assert code == 0, err
    assert f"created a new HQ database at {fresh}" in err
    code, _out, err = run(["hq", "--db", str(fresh), "ingest", str(outbox), *trust])
    assert "created a new HQ database" not in err


def test_hq_demo_refuses_a_missing_folder(tmp_path: Path) -> None:
    typo = tmp_path / "typo" / "hq.sqlite"
    code, _out, err = run(
        ["--lang", "en", "hq", "--db", str(typo), "demo", "--centres", "1", "--samples", "20"]
    )
    assert code == 2 and "does not exist" in err
    assert not typo.parent.exists()


HUGE = "9" * 120_000


@pytest.mark.parametrize(
    "argv",
    [
        ["samples", "--status", HUGE],
        ["due", "--from", "2026-01-01", "--working-days", HUGE],
        ["standards", "export", "--out", f"/tmp/{HUGE[:200]}/x.csv"],
        ["qc", "westgard", "--mean", "1", "--sd", "1", "--values", f"1,{HUGE}x"],
    ],
    ids=["samples", "due", "export", "qc"],
)
def test_a_huge_value_is_quoted_in_part(argv: list[str], demo: Path) -> None:
    """A 120,000-character value in a message is cut to a few dozen characters with its
    length said (issue 21.8), whichever command quotes it."""
    code, _out, err = run(["--lang", "en", "--db", str(demo), *argv])
    assert code == 2, err
    assert len(err) < 2000, f"{len(err)} characters of message"
    assert "Traceback" not in err
    if len(max(argv, key=len)) > 1000:
        assert "characters)" in err
