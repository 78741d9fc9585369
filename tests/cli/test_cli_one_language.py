"""A refusal is said in the language of --lang alone, Chinese by default (issue 21.8),
and a 120,000-character input is never echoed whole. The language checks are the
message catalogue's (tests/core/test_message_catalogue.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli_faults import run
from tests.core.test_message_catalogue import assert_wholly_chinese, assert_wholly_english

HUGE = "9" * 120_000


def refusals(tmp: Path) -> dict[str, list[str]]:
    missing = tmp / "no-such-folder"
    return {
        "limit syntax": ["judge", "--limit", "≤abc", "--value", "1"],
        "plan c>n": ["judge", "--limit", "n=5, c=6, m=100, M=1000 CFU/g", "--value", "1"],
        "unknown unit": ["judge", "--limit", "≤5 mg/kg", "--value", "1", "--unit", "furlong"],
        "uscc": ["uscc", "91350100M000100Y4X"],
        "missing folder": ["--db", str(missing / "lab.sqlite"), "samples"],
        "missing HQ folder": ["hq", "--db", str(missing / "hq.sqlite"), "summary"],
        "huge value": ["judge", "--limit", "≤5", "--value", HUGE],
    }


NAMES = list(refusals(Path("/")))


def said(argv: list[str]) -> str:
    code, out, err = run(argv)
    assert code in (1, 2), (argv[:4], code)
    assert "Traceback" not in err
    return (out + err).strip()


@pytest.mark.parametrize("name", NAMES)
def test_chinese_by_default_and_wholly_chinese(name: str, tmp_path: Path) -> None:
    argv = refusals(tmp_path)[name]
    text = said(argv)
    assert said(["--lang", "zh", *argv]) == text
    for line in text.splitlines():
        assert_wholly_chinese(line.removeprefix("labdesk:"))


@pytest.mark.parametrize("name", NAMES)
def test_wholly_english_with_lang_en(name: str, tmp_path: Path) -> None:
    for line in said(["--lang", "en", *refusals(tmp_path)[name]]).splitlines():
        assert_wholly_english(line)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize(
    "argv",
    [["uscc", HUGE], ["uscc", "--json", HUGE], ["judge", "--limit", "≤5", "--value", HUGE]],
    ids=["uscc", "uscc json", "judge"],
)
def test_a_huge_input_is_not_echoed_whole(argv: list[str], language: str) -> None:
    _code, out, err = run(["--lang", language, *argv])
    assert HUGE[:200] not in out + err
    assert len(out + err) < 2_000
    assert "120000" in out + err  # its length is said instead
