"""The command line's lazy registration: `labdesk --help` lists every command from the
static table, and only the module of the command being run is imported.

(Kept with the start-up work; speed itself is measured in benchmarks/bench_startup.py.)
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from labdesk.cli import COMMAND_MODULES, COMMANDS, build_parser


def _registered(module: str) -> list[tuple[str, str | None]]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(module).register(sub)
    return [(a.dest, a.help) for a in sub._choices_actions]


def test_the_static_table_matches_what_the_modules_register() -> None:
    expected = [
        (name, module, help_text)
        for module in COMMAND_MODULES
        for name, help_text in _registered(module)
    ]
    assert [(n, m, h) for n, (m, h) in COMMANDS.items()] == expected


def test_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    positions = [text.index(f"    {name} ") for name in COMMANDS]
    assert positions == sorted(positions)


def _sub_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", ["round", "samples", "verify", "standards"])
def test_the_full_parser_of_a_command_is_the_one_used(command: str) -> None:
    full = _sub_parsers(build_parser(everything=True))
    lazy = _sub_parsers(build_parser(command))
    assert list(lazy) == list(full) == list(COMMANDS)
    assert lazy[command].format_help() == full[command].format_help()
    assert "--help" in lazy[command].format_help()


def _modules_after(args: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from labdesk.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('labdesk'))))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return set(proc.stdout.split())


def test_version_and_round_import_only_what_they_need() -> None:
    loaded = _modules_after(["--version"])
    assert "labdesk.cli" in loaded
    assert not {"labdesk.core.judgement", "labdesk.cli.calc", "labdesk.cli.batches"} & loaded
    loaded = _modules_after(["round", "0.549", "--interval", "0.1"])
    assert {"labdesk.cli.calc", "labdesk.core.rounding"} <= loaded
    assert not {"labdesk.core.judgement", "labdesk.cli.records", "labdesk.cli.batches"} & loaded
