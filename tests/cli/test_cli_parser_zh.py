"""The command line's frame in the language of --lang (issue 21.8): argparse's usage,
errors and --help, and every command's help text, Chinese by default, English on request."""

from __future__ import annotations

import argparse
import contextlib
import gettext
import io
import re
from pathlib import Path

import pytest

from labdesk.cli import COMMANDS, build_parser, main
from labdesk.cli.help_zh import ARGPARSE_ZH, HELP_ZH
from labdesk.cli.parser_zh import help_zh

_CJK = re.compile(r"[\u3400-\u9fff]")
_FORMATS = re.compile(r"%(?:\([a-z_]+\))?[sdr%]")


def _helps() -> list[str]:
    found: list[str] = []

    def walk(parser: argparse.ArgumentParser) -> None:
        for text in (parser.description,):
            if text and text not in found:
                found.append(text)
        for action in parser._actions:
            if action.help and action.help != argparse.SUPPRESS and action.help not in found:
                found.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.help and choice.help not in found:
                        found.append(choice.help)
                for child in action.choices.values():
                    walk(child)

    walk(build_parser(everything=True))
    return found


def test_every_help_text_has_its_chinese() -> None:
    missing = [text for text in _helps() if help_zh(text) is None]
    assert not missing, "add to labdesk/cli/help_zh.py HELP_ZH:\n" + "\n".join(missing)


def test_no_chinese_is_kept_for_a_help_no_command_registers() -> None:
    registered = set(_helps())
    stale = [text for text in HELP_ZH if text not in registered]
    assert not stale, "no command registers these any more:\n" + "\n".join(stale)


@pytest.mark.parametrize("english", sorted({*HELP_ZH, *ARGPARSE_ZH}))
def test_a_translation_keeps_every_format_and_is_chinese(english: str) -> None:
    chinese = HELP_ZH.get(english) or ARGPARSE_ZH[english]
    assert sorted(_FORMATS.findall(english)) == sorted(_FORMATS.findall(chinese))
    assert _CJK.search(chinese), chinese


def test_argparse_strings_translated_are_argparse_s() -> None:
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    absent = [key for key in ARGPARSE_ZH if repr(key)[1:-1] not in source]
    assert set(absent) <= {"optional arguments"}, absent  # the name before Python 3.10


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


# What may stay in Latin letters in a Chinese help page: option names, metavars (upper
# case), choices in braces, codes and standards, file types, environment variables.
_LATIN_ALLOWED = re.compile(
    r"--?[\w-]+|\{[^}]*\}|\b[A-Z][A-Z0-9_|.\-]*\b|\$\w+|\.\w+\b|https?://\S+|\S*://\S*"
    r"|\b(?:labdesk|LabDesk|json|eval|abs|min|max|sqrt|ln|log10|exp|rho0?|full|rounded|gb8170|"
    r"gb4789|yes|no|all|cma|seal|top-left|top-right|issue-date|conclusion|sample|test|backup|"
    r"retest|few_samples|null|sample_no|item|result|unit|instrument|method|sqlite|hq|"
    r"labdesk_app|docs|clocks|md|issue|pgpass|mm|mg|kg|g|e|g|SN|QR|PNG|PDF|PEM|SQL)\b"
)


def _names() -> set[str]:
    """Commands, verbs and choices: words a user types, shown as they are typed."""
    names: set[str] = {"Westgard", "Code", "Decimal", "PostgreSQL", "SQLite", "pdf", "xlsx"}

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            for choice in action.choices or ():
                names.update(re.findall(r"[A-Za-z]+", str(choice)))
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    walk(child)

    walk(build_parser(everything=True))
    return names


NAMES = _names()


def _english_left(text: str) -> list[str]:
    body = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith(("用法：", "labdesk "))
    )
    body = re.sub(r"(?m)^ {2,}labdesk .*$", "", body)  # the example command line
    body = _LATIN_ALLOWED.sub(" ", body)
    body = re.sub(r"/\S+", " ", body)  # paths (the default database)
    return [word for word in re.findall(r"[A-Za-z]{3,}", body) if word not in NAMES]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_in_chinese_by_default_and_english_on_request(command: str | None) -> None:
    argv = [command] if command else []
    code, zh, _ = _run([*argv, "--help"])
    assert code == 0 and zh.startswith("用法：") and "显示此帮助信息并退出" in zh
    assert not _english_left(zh), (command, _english_left(zh), zh)
    code, en, _ = _run(["--lang", "en", *argv, "--help"])
    assert code == 0 and en.startswith("usage: ") and "show this help message and exit" in en
    assert not _CJK.sub("", en).count("用法")
    if command is not None:
        assert ("示例：" in zh) and ("example:" in en)


def test_a_usage_error_is_in_the_language_asked_for() -> None:
    code, _, err = _run(["judge", "--value", "1"])
    assert code == 2 and "错误：缺少必需的参数：--limit" in err and "usage" not in err
    code, _, err = _run(["--lang", "en", "judge", "--value", "1"])
    assert code == 2 and "error: the following arguments are required: --limit" in err
    assert not _CJK.search(err)
    code, _, err = _run(["due", "--from", "2025-13-01", "--working-days", "3"])
    assert code == 2 and "不是 YYYY-MM-DD 格式的日期" in err
    code, _, err = _run(["--lang=en", "round", "1", "--interval", "0.5", "--bogus"])
    assert code == 2 and "unrecognized arguments: --bogus" in err


def test_argparse_is_left_as_it_was() -> None:
    _run(["judge", "--help"])
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    assert argparse.ngettext is gettext.ngettext  # type: ignore[attr-defined]
