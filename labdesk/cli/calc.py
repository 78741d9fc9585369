"""labdesk sub-commands (being written; the owner replaces this module)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds this module's sub-commands."""
