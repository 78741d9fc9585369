"""`labdesk round`, `labdesk judge`, `labdesk uscc` through the real dispatcher."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from labdesk.cli import main
from labdesk.cli.calc import EXIT_FAIL, EXIT_NOT_JUDGED, EXIT_PASS
from tests.core.test_limits import (
    EXCLUSIVE_LOWER,
    EXCLUSIVE_UPPER,
    INCLUSIVE_LOWER,
    INCLUSIVE_UPPER,
)
from tests.core.test_rounding import DOMAIN_INTERVAL_EXAMPLES, DOMAIN_SIG_EXAMPLES

LABDESK = Path(sys.executable).with_name("labdesk")


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("value", "interval", "expected"), DOMAIN_INTERVAL_EXAMPLES)
def test_round_domain_examples(
    capsys: pytest.CaptureFixture[str], value: str, interval: str, expected: str
) -> None:
    code, out, _ = _run(capsys, ["round", value, "--interval", interval])
    assert code == 0
    assert out.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(("value", "n", "expected", "pretty"), DOMAIN_SIG_EXAMPLES)
def test_round_sig_domain_examples(
    capsys: pytest.CaptureFixture[str], value: str, n: int, expected: str, pretty: str
) -> None:
    code, out, _ = _run(capsys, ["round", value, "--sig", str(n)])
    lines = out.strip().splitlines()
    assert code == 0 and lines[-1] == expected and pretty in lines


def test_round_negative_value_without_dashes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, ["round", "-0.0365", "--interval", "0.001"])
    assert code == 0 and out.strip().splitlines()[-1] == "-0.036"


@pytest.mark.parametrize(
    "argv",
    [
        ["round", "-15.5(-)", "--interval", "1"],
        ["round", "-15.5(−)", "--interval", "1"],
        ["round", "--interval", "1", "--", "-15.5(-)"],
    ],
)
def test_round_negative_marked_value(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, _ = _run(capsys, argv)
    assert code == 0 and out.strip().splitlines()[-1] == "-15"


@pytest.mark.parametrize("interval", ["3", "0", "-1"])
def test_round_bad_interval_exits_2(capsys: pytest.CaptureFixture[str], interval: str) -> None:
    code, out, err = _run(capsys, ["--lang", "en", "round", "1.25", "--interval", interval])
    assert code == 2 and out == "" and "interval" in err


def test_round_needs_interval_or_sig(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["round", "1.25"])
    assert info.value.code == 2


def test_judge_domain_example_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, ["judge", "--limit", "≤0.5", "--value", "0.549", "--method", "rounded", "--json"]
    )
    payload = json.loads(out)
    assert code == EXIT_PASS
    assert payload["verdict"] == "pass" and payload["rounded"] == "0.5"
    assert payload["compared"] == "0.5" and payload["display"] == "0.5"
    assert payload["explanation_zh"] == "0.549 修约至 0.5，≤0.5，合格"
    assert payload["limit"] == "≤0.5" and payload["explanation_en"]

    code, out, _ = _run(capsys, ["judge", "--limit", "≤0.5", "--value", "0.549", "--json"])
    assert code == EXIT_FAIL and json.loads(out)["verdict"] == "fail"
    code, out, _ = _run(
        capsys, ["judge", "--limit", "≤0.5", "--value", "0.551", "--method", "rounded", "--json"]
    )
    assert code == EXIT_FAIL and json.loads(out)["rounded"] == "0.6"


def test_judge_human_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, ["judge", "--limit", "不大于0.5", "--value", "0.4"])
    assert code == EXIT_PASS
    assert "判定：合格" in out and "≤0.5" in out
    # One language per run (issue 21.8): Chinese by default, no English word in it.
    assert not re.search(r"[A-Za-z]{3,}", out), out
    code, out, _ = _run(capsys, ["--lang", "en", "judge", "--limit", "不大于0.5", "--value", "0.4"])
    assert code == EXIT_PASS
    assert "verdict: pass" in out and "at most 0.5" in out
    assert not re.search(r"[\u3400-\u9fff]", out), out


@pytest.mark.parametrize(
    ("argv", "code", "display"),
    [
        (
            ["--limit", "≤0.2", "--value", "ND", "--lod", "0.01", "--unit", "mg/kg"],
            EXIT_PASS,
            "未检出（检出限 0.01 mg/kg）",
        ),
        (
            ["--limit", "≤0.2", "--value", "0.02", "--lod", "0.01", "--loq", "0.03"],
            EXIT_PASS,
            "<LOQ",
        ),
        (["--limit", "≤0.2", "--value", "<0.01"], EXIT_PASS, "<0.01"),
        (["--limit", "≤0.2", "--value", "<0.5"], EXIT_NOT_JUDGED, "<0.5"),
        (
            ["--limit", "不得检出", "--value", "0.009", "--lod", "0.01"],
            EXIT_PASS,
            "未检出（检出限 0.01）",
        ),
        (["--limit", "不得检出", "--value", "0.01", "--lod", "0.01"], EXIT_FAIL, "0.01"),
        (["--limit", "实测", "--value", "12.3"], EXIT_NOT_JUDGED, "12.3"),
        (
            ["--limit", "≤60", "--value", "60.25", "--method", "rounded", "--interval", "0.5"],
            EXIT_PASS,
            "60.0",
        ),
        (["--limit", "≥-5", "--value", "-0.5"], EXIT_PASS, "-0.5"),
    ],
)
def test_judge_detection_and_report_only(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, display: str
) -> None:
    got, out, _ = _run(capsys, ["judge", *argv, "--json"])
    assert got == code
    assert json.loads(out)["display"] == display


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["--limit", "≤", "--value", "1"], "position 1"),
        (["--limit", "≤0.5", "--value", "abc"], "result"),
        (
            ["--limit", "≤0.5", "--value", "1", "--method", "rounded", "--interval", "0.3"],
            "interval",
        ),
    ],
)
def test_judge_input_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], word: str
) -> None:
    code, out, err = _run(capsys, ["--lang", "en", "judge", *argv])
    assert code == 2 and out == "" and word in err


def test_uscc(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, ["uscc", "914403001922038216", "--json"])
    assert code == 0 and json.loads(out) == {"valid": True, "reason": json.loads(out)["reason"]}
    code, out, _ = _run(capsys, ["uscc", "914403001922038217", "--json"])
    payload = json.loads(out)
    assert code == 1 and payload["valid"] is False and payload["reason"]
    assert payload["code"] == "check" and payload["params"] == {"expected": "6", "got": "7"}
    assert payload["message"] == "第18位校验码错误：应为6，实为7"
    # The message in the language of --lang: Chinese by default, English on request.
    code, out, _ = _run(capsys, ["uscc", "914403001922038217"])
    assert code == 1 and "无效" in out and "第18位校验码错误：应为6，实为7" in out
    assert "expected" not in out
    code, out, _ = _run(capsys, ["--lang", "en", "uscc", "914403001922038217"])
    assert code == 1 and "invalid" in out
    assert "check character (position 18): expected 6, got 7" in out and "校验码" not in out


def test_real_subprocess_judge() -> None:
    assert LABDESK.exists(), LABDESK
    done = subprocess.run(
        [str(LABDESK), "judge", "--limit", "≤0.5", "--value", "0.549", "--method", "rounded"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0.549 修约至 0.5，≤0.5，合格" in done.stdout
    assert "修约值：0.5" in done.stdout


def test_real_subprocess_round_negative() -> None:
    done = subprocess.run(
        [str(LABDESK), "round", "-0.0365", "--interval", "0.001"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "-0.036"


# Every limit wording of domain.md through the CLI: 5 passes/fails each side as it should.
_WORDINGS = [
    *[(text, "≤5") for text in INCLUSIVE_UPPER],
    *[(text, "≥5") for text in INCLUSIVE_LOWER],
    *[(text, ">5") for text in EXCLUSIVE_LOWER],
    *[(text, "<5") for text in EXCLUSIVE_UPPER],
]


@pytest.mark.parametrize(("limit", "canonical"), _WORDINGS)
def test_judge_every_wording(
    capsys: pytest.CaptureFixture[str], limit: str, canonical: str
) -> None:
    code, out, _ = _run(capsys, ["judge", "--limit", limit, "--value", "5", "--json"])
    payload = json.loads(out)
    assert payload["limit"] == canonical
    expected = "pass" if canonical in ("≤5", "≥5") else "fail"
    assert payload["verdict"] == expected and code == (
        EXIT_PASS if expected == "pass" else EXIT_FAIL
    )


@pytest.mark.parametrize(
    ("limit", "value", "verdict"),
    [
        ("4.0～7.5", "7.5", "pass"),
        ("从4.0到7.5", "4.0", "pass"),
        ("超过4.0到7.5", "4.0", "fail"),
        ("至少4.0不足7.5", "7.5", "fail"),
        ("超过4.0不足7.5", "7.4", "pass"),
        ("10.0±0.5", "10.5", "pass"),
        ("10.0±0.5（不含Δ）", "10.5", "fail"),
        ("10.0±0.5（不含+Δ）", "9.5", "pass"),
        ("10.0±0.5（不含−Δ）", "9.5", "fail"),
        ("不得检出 /25 g", "阴性", "pass"),
        ("阴性", "阳性", "fail"),
        ("无异物", "未检出", "pass"),
    ],
)
def test_judge_ranges_tolerances_and_words(
    capsys: pytest.CaptureFixture[str], limit: str, value: str, verdict: str
) -> None:
    _, out, _ = _run(capsys, ["judge", "--limit", limit, "--value", value, "--json"])
    assert json.loads(out)["verdict"] == verdict


def test_judge_decimals(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["judge", "--limit", "≤0.5", "--value", "0.505", "--method", "rounded"]
    code, out, _ = _run(capsys, [*argv, "--decimals", "2", "--json"])
    payload = json.loads(out)
    assert code == EXIT_PASS and payload["rounded"] == "0.50" and payload["interval"] == "0.01"


def test_round_sig_negative(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, ["round", "-0.0365", "--sig", "2"])
    assert code == 0 and out.strip().splitlines()[-1] == "-0.036"
