"""The `labdesk` command line.

`labdesk` with no sub-command opens the desktop application; every sub-command is
registered by one small module of this package (`register(subparsers)`), each owning
its own verbs. Handlers return the process exit code.

Only the module of the command being run is imported (`COMMANDS` names it, with the
one-line help `labdesk --help` lists): start-up of the desktop app and of every command
does not pay for building the other 30-odd sub-parsers.

Exit codes: 0 success, 1 a negative answer (invalid code, failed verification,
tampered audit trail), 2 a usage or input error the user can fix.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from labdesk import __version__
from labdesk.core.errors import LabDeskError
from labdesk.paths import default_db_path, private_umask

if TYPE_CHECKING:
    from labdesk.store.engine import DbTarget

# Each module registers its own sub-commands. Order sets the order in --help.
COMMAND_MODULES = (
    "labdesk.cli.calc",  # round, judge, uscc
    "labdesk.cli.lab",  # calc, replicates, qc
    "labdesk.cli.records",  # demo, samples, audit, backup, restore, users
    "labdesk.cli.batches",  # keys, export, verify, hq
    "labdesk.cli.documents",  # report, summary, standards import/export
    "labdesk.cli.reports",  # verify-report, reports, marks, labels
    "labdesk.cli.clocks",  # due, calendar, clocks, national-sheet
    "labdesk.cli.results",  # results import, mappings, set-lod
    "labdesk.cli.library",  # library foods / limits / stats / import / settings
    "labdesk.cli.store_admin",  # store info / copy / grant
)

# command → (module that registers it, its help in `labdesk --help`). Must match what
# the modules register (tests/ui/test_cli_startup.py checks).
COMMANDS: dict[str, tuple[str, str]] = {
    "round": ("labdesk.cli.calc", "GB/T 8170 rounding (数值修约) of a decimal"),
    "judge": ("labdesk.cli.calc", "judge a result against a limit (全数值 / 修约值比较法)"),
    "uscc": ("labdesk.cli.calc", "check a 统一社会信用代码 (GB 32100-2015)"),
    "calc": ("labdesk.cli.lab", "evaluate a method formula in Decimal (no eval; rounded once)"),
    "replicates": ("labdesk.cli.lab", "mean of parallel determinations, permitted difference"),
    "qc": ("labdesk.cli.lab", "quality control: Westgard rules over a control series"),
    "setup": ("labdesk.cli.records", "first run: create the centre and its administrator"),
    "demo": ("labdesk.cli.records", "fill a demo database (demo users, samples, results)"),
    "samples": ("labdesk.cli.records", "list samples (number, state, conclusion)"),
    "audit": ("labdesk.cli.records", "check the tamper-evident audit trail"),
    "backup": ("labdesk.cli.records", "back up the database (online backup API)"),
    "restore": ("labdesk.cli.records", "replace the database by a verified backup"),
    "users": ("labdesk.cli.records", "list or add users (admin)"),
    "keys": ("labdesk.cli.batches", "the centre's signing key"),
    "export": ("labdesk.cli.batches", "write a signed batch of approved samples"),
    "batches": ("labdesk.cli.batches", "exported batches"),
    "verify": ("labdesk.cli.batches", "check a batch file (exit 0 good, 1 rejected)"),
    "hq": ("labdesk.cli.batches", "the receiving side (provincial HQ)"),
    "summary": (
        "labdesk.cli.documents",
        "the centre's figures: samples, pass, fail, pass rate and breakdowns",
    ),
    "report": ("labdesk.cli.documents", "write the test report (检验报告) PDF of each sample"),
    "batch-summary": ("labdesk.cli.documents", "batch summaries (pending and exported batches)"),
    "standards": ("labdesk.cli.documents", "import or export the standards library"),
    "verify-report": (
        "labdesk.cli.reports",
        "check a report PDF or a scanned report QR text (exit 0 genuine, 1 rejected)",
    ),
    "reports": (
        "labdesk.cli.reports",
        "issued test reports: versions, corrections, withdrawals",
    ),
    "marks": ("labdesk.cli.reports", "the centre's CMA mark and 检验检测专用章 on reports"),
    "labels": ("labdesk.cli.reports", "sample and portion labels (Code 128 + QR) as a PDF"),
    "due": ("labdesk.cli.clocks", "a deadline on the official working-day calendar"),
    "calendar": (
        "labdesk.cli.clocks",
        "the working-day calendar: years known, import a year",
    ),
    "clocks": ("labdesk.cli.clocks", "a sample's statutory clocks; recompute them all"),
    "national-sheet": (
        "labdesk.cli.clocks",
        "the national item sheet (.xlsx): one row per tested item",
    ),
    "results": (
        "labdesk.cli.results",
        "import results from a file; an item's detection limit",
    ),
    "library": ("labdesk.cli.library", "the food library: classification, limits, imports"),
    "store": ("labdesk.cli.store_admin", "the database: engine, copy a centre, server roles"),
}

# One example per command, shown at the end of `labdesk COMMAND --help` (kept here, beside
# COMMANDS, so every command has one; tests/cli/test_cli_examples.py runs each help).
EXAMPLES: dict[str, str] = {
    "round": "labdesk round 60.28 --interval 0.5        # 60.5",
    "judge": 'labdesk judge --limit "n=5,c=2,m=100 CFU/g,M=1000 CFU/g" '
    '--value "80;120;<10;95;300" --json',
    "uscc": "labdesk uscc 914403001922038216",
    "calc": 'labdesk calc --formula "(rho - rho0) * V * f / m" --var rho=12.3 --var rho0=0.3 '
    "--var V=25 --var f=1 --var m=0.5012 --places 3 --json",
    "replicates": 'labdesk replicates --values "0.153;0.161" --max-rel-diff 20 --places 3 --json',
    "qc": 'labdesk qc westgard --mean 10 --sd 1 --values "10.2,13.5" --json',
    "setup": "labdesk --db lab.sqlite setup --name 示例质检中心 --code HF01 --region 340100 "
    "--admin admin",
    "demo": "labdesk --db demo.sqlite demo --samples 300",
    "samples": "labdesk --db lab.sqlite samples --status approved --json",
    "audit": "labdesk --db lab.sqlite audit verify",
    "backup": "labdesk --db lab.sqlite backup --out copy.sqlite",
    "restore": "labdesk --db lab.sqlite restore copy.sqlite",
    "users": "labdesk --db lab.sqlite users list",
    "store": "labdesk store copy --from lab.sqlite --to postgresql://labdesk@db.example/centre",
    "keys": "labdesk --db lab.sqlite keys export --out centre.pem",
    "export": "labdesk --db lab.sqlite export --out OUTBOX --user manager --task T-2026-01",
    "batches": "labdesk --db lab.sqlite batches list",
    "verify": "labdesk verify OUTBOX/HF01-000001.labbatch --trust centre.pem",
    "hq": "labdesk hq --db hq.sqlite ingest INBOX --trust centre.pem",
    "summary": "labdesk --db lab.sqlite summary --from 2026-01-01 --to 2026-03-31 --json",
    "report": "labdesk --db lab.sqlite report AH2026-000123 --out reports/",
    "batch-summary": "labdesk --db lab.sqlite batch-summary --pending --json",
    "standards": "labdesk --db lab.sqlite standards export --out library.xlsx",
    "results": "labdesk --db lab.sqlite results import results.csv --user tech1 --dry-run",
    "due": 'labdesk due --from 2025-09-26 --working-days 5 --json   # {"due": "2025-10-10"}',
    "calendar": "labdesk --db lab.sqlite calendar import 2027.csv --user admin",
    "clocks": "labdesk --db lab.sqlite clocks show AH2026-000123",
    "national-sheet": "labdesk --db lab.sqlite national-sheet --out sheet.xlsx --from 2026-01-01",
    "library": "labdesk --db lab.sqlite library limits --food 大米 --on 2026-06-01 --json",
    "verify-report": "labdesk verify-report HF01-2026-000001.pdf --trust centre.pem",
    "reports": 'labdesk --db lab.sqlite reports withdraw AH2026-000123 --reason "样品信息录入错误" '
    "--user manager",
    "marks": "labdesk --db lab.sqlite marks set seal seal.png --position issue-date --user admin",
    "labels": "labdesk --db lab.sqlite labels --sample AH2026-000123 --out labels.pdf",
}

log = logging.getLogger("labdesk.cli")


class _ExampleHelpFormatter(argparse.HelpFormatter):
    """Wraps descriptions as usual but keeps the example's lines as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(("example:", "示例：")):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


class _Parser(argparse.ArgumentParser):
    """argparse's own usage errors quote the bad value whole: shortened like ours."""

    def error(self, message: str) -> NoReturn:
        from labdesk.cli import parser_zh
        from labdesk.cli.failures import shorten

        if parser_zh.current() == "zh":  # our own type refusals inside argparse's frame
            message = parser_zh.type_error_zh(message)
        super().error(shorten(message, parser_zh.current()))


class UsageError(LabDeskError):
    """Raised by handlers for input the user can correct; printed without a trace (in
    the language of --lang, as any LabDeskError)."""


def build_parser(
    command: str | None = None, *, everything: bool = False
) -> argparse.ArgumentParser:
    """The parser: top-level options, and every command listed.

    The commands of the module owning `command` (or of all modules if `everything`) are
    registered in full; the others are placeholders that only carry their help line, enough
    for `labdesk --help` and to find out which command a command line asks for.
    """
    parser = _Parser(
        prog="labdesk",
        description="LabDesk — offline LIMS for product-quality inspection centres.",
    )
    parser.add_argument("--version", action="version", version=f"LabDesk {__version__}")
    parser.add_argument(
        "--db",
        # A str, not a Path: Path() would fold the '//' of a postgresql:// URL.
        default=None,
        metavar="PATH|URL",
        help=f"the database file (default: {default_db_path()}) or a PostgreSQL URL "
        "postgresql://USER@HOST/DB (password from ~/.pgpass or PGPASSWORD)",
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), default=None, help="interface language (default: zh)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open (creating if needed) a demo database and show the demo accounts",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="DIR",
        help="render every main screen as PNG into DIR, signed in as the demo manager, and exit",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check that the installation works end to end and print a JSON line",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = set(COMMAND_MODULES) if everything else set()
    if command in COMMANDS:
        wanted.add(COMMANDS[command][0])
    registered: set[str] = set()
    for name, (module, help_text) in COMMANDS.items():
        if module in wanted:
            if module not in registered:
                importlib.import_module(module).register(sub)
                registered.add(module)
            command_parser = sub.choices.get(name)
            if command_parser is not None and name in EXAMPLES:
                command_parser.epilog = f"example:\n  {EXAMPLES[name]}"
                command_parser.formatter_class = _ExampleHelpFormatter
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def cli_language(args: argparse.Namespace) -> str:
    """The language of the top-level --lang: "en" when asked for, else "zh" (the default,
    as in the desktop app)."""
    return "en" if getattr(args, "lang", None) == "en" else "zh"


def db_target(args: argparse.Namespace) -> DbTarget:
    """The database the user named with --db (a file or a PostgreSQL URL), or the
    per-user default file. A URL with a password in it is refused (StoreError)."""
    if args.db is None:
        return default_db_path()
    from labdesk.store.engine import target_of

    return target_of(str(args.db))


def db_path(args: argparse.Namespace) -> Path:
    """The database file named with --db, for the commands that need a file (backups,
    demo): a PostgreSQL URL is refused plainly, never taken as a folder name."""
    target = db_target(args)
    if not isinstance(target, Path):
        raise UsageError(
            f"this command works on a database file, and {target} is a PostgreSQL database "
            "(for a server's backups use pg_dump: docs/deployment.md) (此命令仅适用于数据库文件)",
            en=f"this command works on a database file, and {target} is a PostgreSQL database "
            "(for a server's backups use pg_dump: docs/deployment.md)",
            zh=f"此命令仅适用于数据库文件，而 {target} 是 PostgreSQL 数据库"
            "（服务器的备份请用 pg_dump：docs/deployment.md）",
        )
    return target


def main(argv: Sequence[str] | None = None) -> int:
    # First pass with placeholders: which command is it? (--help, --version and top-level
    # usage errors end here, exactly as with the full parser.) Then parse for real with
    # that command's module registered; no command (the desktop app) needs no second build.
    language = _argv_language(sys.argv[1:] if argv is None else argv)
    from labdesk.cli.parser_zh import argparse_in, translate_helps

    # argparse's own words (usage, errors, --help) in the language of --lang (21.8).
    with argparse_in(language):
        parser = build_parser()
        if language == "zh":
            translate_helps(parser)
        known, _rest = parser.parse_known_args(argv)
        if known.command is not None:
            parser = build_parser(known.command)
            if language == "zh":
                translate_helps(parser)
        args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    with private_umask():  # what a command creates is the user's alone (issue 21.5)
        return _run(args)


def _argv_language(argv: Sequence[str]) -> str:
    """The --lang a command line asks for, read before argparse (whose words follow it):
    "en" for `--lang en` / `--lang=en`, else "zh" (the default)."""
    words = list(argv)
    for index, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and index + 1 < len(words):
            return "en" if words[index + 1] == "en" else "zh"
        if word.startswith("--lang="):
            return "en" if word == "--lang=en" else "zh"
    return "zh"


def _run(args: argparse.Namespace) -> int:
    language = cli_language(args)
    try:
        if args.smoke_test:
            from labdesk.cli.smoke import run_smoke_test

            return run_smoke_test(args)
        if args.command is None:
            # The desktop app's start-up makes ~30,000 objects that live as long as the
            # process (modules, classes, Qt's enum types): the collector's ~60 passes
            # over them until the first window cost ~5 ms and find almost nothing.
            # Paused until then; run_app collects once and freezes them (ui/app.py).
            gc.disable()
            try:
                from labdesk.ui.app import run_app

                return run_app(args)
            finally:
                gc.enable()  # whatever happened: a paused collector never outlives the app
        result: int = args.func(args)
        sys.stdout.flush()  # inside the try, so a closed pipe is handled below
        return result
    except LabDeskError as exc:  # UsageError among them
        from labdesk.cli.failures import shorten

        # One language, the one asked for (issue 21.8): an error's English or its Chinese.
        print(f"labdesk: {shorten(exc.in_language(language), language)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("labdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `labdesk … | head` closed the pipe: not an error. Point stdout at devnull so the
        # interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:
        # A missing folder, a read-only medium, a damaged file: the user's to fix, said in
        # one line. Anything else is a bug and keeps its trace (re-raised).
        from labdesk.cli.failures import plain_message

        message = plain_message(exc, language)
        if message is None:
            raise
        log.debug("plain failure", exc_info=exc)
        from labdesk.cli.failures import shorten

        print(f"labdesk: {shorten(message, language)}", file=sys.stderr)
        return 2
