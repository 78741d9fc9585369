"""The command line's own words in Chinese: argparse's frame and every command's help.

`labdesk` speaks the language of the top-level `--lang` (Chinese by default, issue 21.8).
Our messages carry both languages (`LabDeskError.in_language`); argparse's own strings
("usage:", "the following arguments are required", "show this help message and exit")
go through its module-level `gettext` hooks `argparse._` / `argparse.ngettext`, which
`argparse_in("zh")` points at the table below for the duration of a parse — no .mo file,
nothing installed process-wide, restored afterwards. The help texts the commands register
are English (they are the contract docs/cli.md quotes); `translate_helps` swaps in their
Chinese from `HELP_ZH`. A help added without a Chinese one stays English under zh, and
tests/cli/test_cli_parser_zh.py fails until it is added here.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from labdesk.cli.help_zh import ARGPARSE_ZH, HELP_ZH

_PLURAL_ZH = {"expected %s argument": "需要 %s 个值"}

# Our own argument-type refusals (raised as argparse.ArgumentTypeError), by pattern.
_TYPE_ERRORS_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(.*) is not a YYYY-MM-DD date"), "{0} 不是 YYYY-MM-DD 格式的日期"),
    (re.compile(r"(.*) is not a date \(YYYY-MM-DD\)"), "{0} 不是日期（YYYY-MM-DD）"),
    (re.compile(r"(.*) is not a whole number"), "{0} 不是整数"),
    (re.compile(r"must be 0 or more"), "必须为 0 或更大"),
)

EXAMPLE_EN = "example:"
EXAMPLE_ZH = "示例："

_language = "en"


def current() -> str:
    """The language argparse speaks now ("zh" inside `argparse_in("zh")`)."""
    return _language


@contextmanager
def argparse_in(language: str) -> Iterator[None]:
    """argparse's own words in `language` ("zh" or "en") while the block runs."""
    global _language
    if language != "zh":
        yield
        return
    module = vars(argparse)
    saved: tuple[Callable[[str], str], Callable[[str, str, int], str]] = (
        module["_"],
        module["ngettext"],
    )

    def gettext(message: str) -> str:
        return ARGPARSE_ZH.get(message, message)

    def ngettext(singular: str, plural: str, count: int) -> str:
        return _PLURAL_ZH.get(singular) or (singular if count == 1 else plural)

    module["_"], module["ngettext"] = gettext, ngettext
    previous, _language = _language, "zh"
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved
        _language = previous


def type_error_zh(message: str) -> str:
    """One of our argument-type refusals in Chinese (the message itself if unknown)."""

    def swap(match: re.Match[str]) -> str:
        for pattern, template in _TYPE_ERRORS_ZH:
            found = pattern.fullmatch(match.group(2))
            if found:
                return match.group(1) + template.format(*found.groups())
        return match.group(0)

    # argparse wraps it as "参数 --from：'x' is not …" (the frame already translated).
    return re.sub(r"^(参数 [^：]+：)?(.*)$", swap, message, flags=re.S)


def _dynamic_zh(text: str) -> str | None:
    found = re.fullmatch(
        r"the database file \(default: (.*)\) or a PostgreSQL URL postgresql://USER@HOST/DB "
        r"\(password from ~/\.pgpass or PGPASSWORD\)",
        text,
    )
    if found:
        return (
            f"数据库文件（默认：{found.group(1)}）或 PostgreSQL 地址 postgresql://用户@主机/库"
            "（密码取自 ~/.pgpass 或 PGPASSWORD）"
        )
    return None


def help_zh(text: str) -> str | None:
    """The Chinese of a help text, or None when it has none yet."""
    return HELP_ZH.get(text) or _dynamic_zh(text)


def translate_helps(parser: argparse.ArgumentParser) -> None:
    """Every help, description and example heading of `parser` and its sub-parsers in
    Chinese where `HELP_ZH` has it (in place)."""
    seen: set[int] = set()

    def swap(text: str | None) -> str | None:
        if not text:
            return text
        if text.startswith(EXAMPLE_EN):
            return EXAMPLE_ZH + text[len(EXAMPLE_EN) :]
        return help_zh(text) or text

    def walk(current: argparse.ArgumentParser) -> None:
        if id(current) in seen:
            return
        seen.add(id(current))
        current.description = swap(current.description)
        current.epilog = swap(current.epilog)
        for action in current._actions:
            if action.help and action.help != argparse.SUPPRESS:
                action.help = swap(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    choice.help = swap(choice.help)
                for child in action.choices.values():
                    walk(child)

    walk(parser)
