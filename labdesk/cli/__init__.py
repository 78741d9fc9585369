"""The `labdesk` command line.

`labdesk` with no sub-command opens the desktop application; every sub-command is
registered by one small module of this package (`register(subparsers)`), each owning
its own verbs. Handlers return the process exit code.

Exit codes: 0 success, 1 a negative answer (invalid code, failed verification,
tampered audit trail), 2 a usage or input error the user can fix.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from labdesk import __version__
from labdesk.core.errors import LabDeskError
from labdesk.paths import default_db_path

# Each module registers its own sub-commands. Order sets the order in --help.
COMMAND_MODULES = (
    "labdesk.cli.calc",  # round, judge, uscc
    "labdesk.cli.records",  # demo, samples, audit, backup, restore, users
    "labdesk.cli.batches",  # keys, export, verify, hq
    "labdesk.cli.documents",  # report, summary, standards import/export
)

log = logging.getLogger("labdesk.cli")


class UsageError(Exception):
    """Raised by handlers for input the user can correct; printed without a trace."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labdesk",
        description="LabDesk — offline LIMS for product-quality inspection centres.",
    )
    parser.add_argument("--version", action="version", version=f"LabDesk {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"the database file (default: {default_db_path()})",
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
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def db_path(args: argparse.Namespace) -> Path:
    """The database the user named with --db, or the per-user default."""
    return Path(args.db) if args.db is not None else default_db_path()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.smoke_test:
            from labdesk.cli.smoke import run_smoke_test

            return run_smoke_test(args)
        if args.command is None:
            from labdesk.ui.app import run_app

            return run_app(args)
        result: int = args.func(args)
        return result
    except (UsageError, LabDeskError) as exc:
        print(f"labdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("labdesk: interrupted", file=sys.stderr)
        return 130
