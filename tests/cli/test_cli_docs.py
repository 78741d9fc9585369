"""docs/cli.md documents every command `labdesk --help` lists (the CLI is a contract)."""

from __future__ import annotations

import re
from pathlib import Path

from labdesk.cli import COMMANDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_every_command_has_a_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    headed = set(re.findall(r"^#+ .*?`labdesk ([a-z][a-z-]*)`", text, flags=re.M))
    # A heading may name two commands ("`labdesk backup` / `labdesk restore`").
    for line in re.findall(r"^#+ .*$", text, flags=re.M):
        headed.update(re.findall(r"`labdesk ([a-z][a-z-]*)`", line))
    missing = sorted(set(COMMANDS) - headed)
    assert missing == [], f"commands without a section in docs/cli.md: {missing}"
