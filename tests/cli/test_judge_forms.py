"""The calculator forms of issue 14 item 7 and issue 21 item 2, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str, lang: str = "zh") -> tuple[int, dict[str, object] | None, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "labdesk", "--lang", lang, "judge", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    payload = json.loads(proc.stdout) if "--json" in args and proc.stdout.strip() else None
    return proc.returncode, payload, proc.stdout + proc.stderr


KEPT = {"verdict", "display", "report_only", "explanation_zh"}


@pytest.mark.parametrize(
    ("args", "verdict", "display"),
    [
        (
            ["--limit=n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "--value=80;120;<10;95;300"],
            "pass",
            "80; 120; <10; 95; 300",
        ),
        (
            ["--limit=n=5,c=0,m=0 /25g,M=-", "--value=未检出;未检出;未检出;未检出;检出"],
            "fail",
            "未检出; 未检出; 未检出; 未检出; 检出",
        ),
        (["--limit=≤1.0 g/kg", "--value=850", "--unit=mg/kg"], "pass", "0.850"),
        (["--limit=≤0.5", "--value=0.35+0.20", "--unit=mg/kg"], "fail", "0.55"),
        (
            ["--limit=≤1.0 g/kg", "--value=1.00", "--unit=g/kg", "--factor", "0.847"],
            "pass",
            "0.84700",
        ),
        (
            ["--limit=不得使用", "--value=ND", "--lod=0.005", "--unit=g/kg"],
            "pass",
            "未检出（检出限 0.005 g/kg）",
        ),
        (["--limit", "≤1e3", "--value", "500"], "pass", "500"),
    ],
)
def test_forms(args: list[str], verdict: str, display: str) -> None:
    code, payload, _ = run(*args, "--json")
    assert payload is not None and payload.keys() >= KEPT
    assert payload["verdict"] == verdict and payload["display"] == display
    assert code == {"pass": 0, "fail": 1, "not_judged": 3}[verdict]


def test_plan_json_lists_units_and_plan() -> None:
    _, payload, _ = run(
        "--limit=n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "--value=80;120;<10;95;300", "--json"
    )
    assert payload is not None
    assert payload["units"] == ["80", "120", "<10", "95", "300"]
    assert payload["plan"] == {
        "n": 5,
        "c": 2,
        "m": "100",
        "M": "1000",
        "unit": "CFU/g",
        "basis": "",
        "classes": 3,
    }


@pytest.mark.parametrize(
    ("args", "rule_word"),
    [
        (["--limit", "≤1e999", "--value", "5"], "position"),
        (["--limit", "n=5,c=6,m=100,M=1000", "--value", "1;1;1;1;1"], "c=6"),
        (["--limit", "n=5,c=1,m=1000,M=100", "--value", "1;1;1;1;1"], "M"),
        (["--limit", "n=5,c=1,m=100,M=1000", "--value", "1;1;1;1"], "n=5"),
        (["--limit", "≤1 mg/kg", "--value", "1", "--unit", "mg/L"], "mg/L"),
        (["--limit", "≤1 mg/kg", "--value", "1", "--factor", "0"], "factor"),
        (["--limit", "≤1 mg/kg", "--value", "0.3+"], "component"),
    ],
)
def test_bad_input_exits_2_naming_the_field(args: list[str], rule_word: str) -> None:
    code, _, output = run(*args, lang="en")
    assert code == 2 and rule_word in output and "Traceback" not in output


def test_screening_needs_confirmation() -> None:
    code, payload, _ = run("--limit=≤0.5 mg/kg", "--value=0.6", "--screening", "--json")
    assert code == 3 and payload is not None and payload["pending"] == "confirmatory_test"
