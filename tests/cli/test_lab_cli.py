"""`labdesk calc`, `labdesk replicates`, `labdesk qc westgard`: the contracts of issue 16."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labdesk.cli import main

LABDESK = Path(sys.executable).with_name("labdesk")
LEAD_VARS = ["--var", "rho=12.3", "--var", "rho0=0.3", "--var", "V=25", "--var", "f=1"]


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_calc_the_issue_example(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["calc", "--formula", "(rho - rho0) * V * f / m", *LEAD_VARS, "--var", "m=0.5012"]
    code, out, err = _run(capsys, [*argv, "--places", "3", "--json"])
    assert (code, err) == (0, "")
    assert json.loads(out) == {"value": "598.563", "exact": False}
    code, out, _ = _run(capsys, argv)
    assert code == 0 and out.strip().startswith("598.5634477254588986")


def test_calc_steps_and_exact_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        ["calc", "--formula", "c = a - b; c * 3", "--var", "a=0.3", "--var", "b=0.1", "--json"],
    )
    assert code == 0
    assert json.loads(out) == {"value": "0.6", "exact": True, "intermediates": {"c": "0.2"}}
    code, out, _ = _run(
        capsys, ["calc", "--formula", "x / 4", "--var", "x=-3", "--interval", "0.5"]
    )
    assert (code, out.strip()) == (0, "-1.0")  # −0.75 → 1.5 steps → 2 (even)


@pytest.mark.parametrize(
    ("formula", "variables", "needle"),
    [
        ("(rho - rho0) * V * f / m", LEAD_VARS, "unknown variable 'm'"),
        ("__import__('os').system('echo hi')", [], "'__import__'"),
        ("x.__class__", ["--var", "x=1"], "attribute access"),
        ("x / (x - x)", ["--var", "x=1"], "division by zero"),
        ("x ^ 100", ["--var", "x=2"], "exponent"),
        ("open('f')", [], "quoted text"),
    ],
)
def test_calc_refusals(
    capsys: pytest.CaptureFixture[str], formula: str, variables: list[str], needle: str
) -> None:
    code, out, err = _run(
        capsys, ["--lang", "en", "calc", "--formula", formula, *variables, "--json"]
    )
    assert code == 2
    assert out == ""
    assert needle in err and "position" in err


def test_calc_var_syntax(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in (["--var", "rho"], ["--var", "x=1", "--var", "x=2"], ["--var", "__x=1"]):
        code, _, err = _run(capsys, ["calc", "--formula", "1", *bad])
        assert code == 2 and "--var" in err
    code, _, err = _run(capsys, ["--lang", "en", "calc", "--formula", "x", "--var", "x=0.1.2"])
    assert code == 2 and "x" in err


def test_replicates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        [
            "replicates",
            "--values",
            "0.153;0.161",
            "--max-rel-diff",
            "20",
            "--places",
            "3",
            "--json",
        ],
    )
    payload = json.loads(out)
    assert code == 0
    assert (payload["mean"], payload["within"]) == ("0.157", True)
    code, out, _ = _run(
        capsys, ["replicates", "--values", "0.100;0.161", "--max-rel-diff", "20", "--json"]
    )
    payload = json.loads(out)
    assert code == 1
    assert (payload["mean"], payload["within"]) == ("0.1305", False)
    code, _, err = _run(
        capsys, ["--lang", "en", "replicates", "--values", "0.1", "--max-rel-diff", "20"]
    )
    assert code == 2 and "two" in err


def test_westgard(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, ["qc", "westgard", "--mean", "10", "--sd", "1", "--values", "10.2,13.5", "--json"]
    )
    payload = json.loads(out)
    assert code == 1
    assert [(v["rule"], v["index"]) for v in payload["violations"]] == [("1-2s", 1), ("1-3s", 1)]
    assert payload["rejected"] is True
    code, out, _ = _run(
        capsys, ["qc", "westgard", "--mean", "10", "--sd", "1", "--values", "10.2,12.5", "--json"]
    )
    assert code == 0 and json.loads(out)["rejected"] is False
    code, _, err = _run(
        capsys, ["--lang", "en", "qc", "westgard", "--mean", "10", "--sd", "0", "--values", "1"]
    )
    assert code == 2 and "sd" in err
    code, out, _ = _run(capsys, ["qc", "westgard", "--mean", "-0.5", "--sd", "1", "--values", "-1"])
    assert code == 0 and "no rule violated" in out


def test_installed_entry_point() -> None:
    """The calculators work from the installed script, as an outside check runs them."""
    if not LABDESK.exists():
        pytest.skip("labdesk script not installed in this interpreter's folder")
    done = subprocess.run(
        [str(LABDESK), "calc", "--formula", "(rho - rho0) * V * f / m", *LEAD_VARS,
         "--var", "m=0.5012", "--places", "3", "--json"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["value"] == "598.563"
