"""Bounded standards-library imports and no rewrite of an identical one (issue 21.7)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labdesk.cli import main
from labdesk.core import library_io
from labdesk.core.library_io import LibraryFileError, load_library
from labdesk.store.db import open_reader
from tests.reports.lab import PASSWORD, build_scenario


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scenario(tmp_path_factory.mktemp("lab") / "lab.sqlite")


@pytest.fixture
def db_file(scenario: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "lab.sqlite"
    shutil.copy(scenario, copy)
    return copy


def _exported(db: Path, out: Path) -> list[list[str]]:
    assert main(["--db", str(db), "standards", "export", "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write(rows: list[list[str]], path: Path, items: int) -> Path:
    """`items` rows made from the exported ones, each with its own item code."""
    head, body = rows[0], rows[1:]
    code = head.index("item_code")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        for n in range(items):
            row = list(body[n % len(body)])
            row[code] = f"{row[code]}-{n}"
            writer.writerow(row)
    return path


def _facts(db: Path) -> tuple[int, int, int]:
    reader = open_reader(db)
    try:
        return (
            int(reader.scalar("SELECT count(*) FROM audit_log")),
            int(reader.scalar("SELECT count(*) FROM lib_items")),
            int(reader.scalar("SELECT seq FROM audit_head")),
        )
    finally:
        reader.close()


def _import(db: Path, file: Path, password: Path) -> list[str]:
    return [
        "--db", str(db), "standards", "import", str(file), "--user", "admin",
        "--password-file", str(password),
    ]  # fmt: skip


# The child reports its own peak: VmHWM of its own memory map (ru_maxrss would carry the
# forking pytest process's size across exec, and RUSAGE_CHILDREN is the largest child ever).
_MEASURED = (
    "import resource, sys\n"
    "from labdesk.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "try:\n"
    "    lines = open('/proc/self/status').read().splitlines()\n"
    "    kb = int(next(x for x in lines if x.startswith('VmHWM')).split()[1])\n"
    "except (OSError, StopIteration):\n"
    "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print('PEAK_KB', kb, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run_measured(argv: list[str]) -> float:
    """Runs `labdesk argv` in a child process; its peak memory in MB."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *argv], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    kb = int(done.stderr.rsplit("PEAK_KB", 1)[1].split()[0])
    return kb / 1024


@pytest.fixture
def password(tmp_path: Path) -> Path:
    path = tmp_path / "pw"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def test_reimporting_the_library_in_use_writes_nothing(
    db_file: Path, tmp_path: Path, password: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _exported(db_file, tmp_path / "lib.csv")
    bigger = _write(rows, tmp_path / "bigger.csv", 200)
    assert main(_import(db_file, bigger, password)) == 0
    assert "imported 200 items" in capsys.readouterr().out
    before = _facts(db_file)
    assert main(_import(db_file, bigger, password)) == 0
    assert "no change" in capsys.readouterr().out
    assert _facts(db_file) == before  # no audit entry, no row
    # One limit changed: it is a change, and it is written.
    edited = [list(r) for r in csv.reader(bigger.open(encoding="utf-8", newline=""))]
    edited[5][edited[0].index("note")] = "changed"
    with (tmp_path / "edited.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(edited)
    assert main(_import(db_file, tmp_path / "edited.csv", password)) == 0
    assert "imported 200 items" in capsys.readouterr().out
    assert _facts(db_file)[0] > before[0]


def test_a_file_above_the_size_bound_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(library_io.MAX_LIBRARY_CSV_BYTES + 1)  # never read: refused by size
    with pytest.raises(LibraryFileError, match="above the 8 MB a library file may have"):
        load_library(big)
    xlsx = tmp_path / "big.xlsx"
    with xlsx.open("wb") as handle:
        handle.truncate(library_io.MAX_LIBRARY_XLSX_BYTES + 1)
    with pytest.raises(LibraryFileError, match=r"above the 2\.5 MB"):
        load_library(xlsx)


def test_too_many_rows_are_refused_while_reading(
    db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _exported(db_file, tmp_path / "lib.csv")
    monkeypatch.setattr(library_io, "MAX_LIBRARY_ROWS", 50)
    _write(rows, tmp_path / "ok.csv", 50)
    assert len(load_library(tmp_path / "ok.csv").items) == 50
    _write(rows, tmp_path / "many.csv", 51)
    with pytest.raises(LibraryFileError, match="more than 50 items"):
        load_library(tmp_path / "many.csv")


@pytest.mark.slow
def test_an_import_at_the_bound_stays_under_200_mb(
    db_file: Path, tmp_path: Path, password: Path
) -> None:
    """The largest library allowed, imported and then replaced by another as large, in a
    process of its own: its peak memory (ru_maxrss of the child) under 200 MB."""
    rows = _exported(db_file, tmp_path / "lib.csv")
    first = _write(rows, tmp_path / "first.csv", library_io.MAX_LIBRARY_ROWS)
    assert first.stat().st_size <= library_io.MAX_LIBRARY_CSV_BYTES
    code = rows[0].index("item_code")
    second = [list(r) for r in csv.reader(first.open(encoding="utf-8", newline=""))]
    for row in second[1:]:
        row[code] += "b"
    with (tmp_path / "second.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(second)
    for file in (first, tmp_path / "second.csv"):
        peak_mb = run_measured(_import(db_file, file, password))
        assert peak_mb <= 200, f"{file.name}: peak {peak_mb:.0f} MB"


@pytest.mark.slow
def test_a_food_limit_import_at_the_bound_stays_under_200_mb(tmp_path: Path) -> None:
    """The largest food-library limit file allowed (GB 2763-style rows), imported by
    `labdesk library import` in a process of its own: peak memory under 200 MB."""
    from benchmarks.food_data import PASSWORD as ADMIN_PASSWORD
    from benchmarks.food_data import lab, mrl_rows, write_csv
    from labdesk.core.limit_tables import MAX_FILE_BYTES, MAX_ROWS
    from labdesk.services import food_library

    db, _admin = lab(tmp_path / "lab.sqlite")
    try:
        rows = mrl_rows(food_library.load_tree(db), MAX_ROWS, "GB 99999-2099")
    finally:
        db.close()
    file = write_csv(tmp_path / "limits.csv", rows)
    assert file.stat().st_size <= MAX_FILE_BYTES
    secret = tmp_path / "admin.pw"
    secret.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o600)
    peak_mb = run_measured(
        ["--db", str(tmp_path / "lab.sqlite"), "library", "import", str(file), "--user",
         "admin", "--password-file", str(secret)]
    )  # fmt: skip
    assert peak_mb <= 200, f"peak {peak_mb:.0f} MB"
