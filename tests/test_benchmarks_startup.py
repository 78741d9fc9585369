"""The start-up benchmarks report their children's own peak RSS (the harness's figure is
its own process's), in the JSON and below the table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import benchmarks.harness as harness
from benchmarks.__main__ import main
from benchmarks.harness import Benchmark, run

ROOT = Path(__file__).resolve().parent.parent


def _bench_with_extra() -> Benchmark:
    bench = Benchmark(
        name="fake_start",
        description="ours",
        baseline_description="raw",
        target=1.5,
        setup=lambda quick: None,
        ours=lambda state: None,
        baseline=lambda state: None,
        teardown=lambda state: bench.extra.update({"fake_child_peak_rss_mb": 73.4}),
        quick_rounds=1,
    )
    return bench


def test_what_teardown_records_is_in_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "_timed", lambda fn, state: 1.0)
    outcome = run(_bench_with_extra(), quick=True)
    assert outcome.extra == {"fake_child_peak_rss_mb": 73.4}
    assert outcome.as_dict()["extra"] == {"fake_child_peak_rss_mb": 73.4}


def test_the_table_prints_the_children_s_peak_rss(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(harness, "_timed", lambda fn, state: 1.0)
    monkeypatch.setattr("benchmarks.__main__.discover", lambda: [_bench_with_extra()])
    assert main(["--quick", "fake_start"]) == 0
    assert "fake_start: fake_child_peak_rss_mb 73.4" in capsys.readouterr().out


def test_the_sign_in_start_reports_its_child_s_peak_rss() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", "startup"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        check=True,
    )
    (entry,) = json.loads(done.stdout)
    extra = entry["extra"]
    # A real process showing a real window: tens of MB, ours above the bare window's.
    assert 30 < extra["baseline_child_peak_rss_mb"] < extra["startup_child_peak_rss_mb"] < 400
