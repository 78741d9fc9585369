"""`labdesk hq … rates|credit|alerts|demo` from the command line: the JSON contracts."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labdesk.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_rates_by_every_level(capsys: pytest.CaptureFixture[str], province_demo: str) -> None:
    totals = {}
    for by in ("province", "city", "county"):
        code, out = run(capsys, "hq", "--db", province_demo, "rates", "--by", by, "--json")
        assert code == 0
        data = json.loads(out)
        for row in data["rows"]:
            assert {"region", "tested", "failed", "pass_rate"} <= set(row)
            assert row["pass_rate"] is None or len(row["pass_rate"].split(".")[1]) == 2
        totals[by] = sum(r["tested"] for r in data["rows"]), sum(r["failed"] for r in data["rows"])
        assert totals[by] == (data["total"]["tested"], data["total"]["failed"])
        assert data["excluded"]["total"] == 0
    assert len(set(totals.values())) == 1  # county = city = province
    code, out = run(capsys, "hq", "--db", province_demo, "rates", "--by", "level", "--json")
    rows = json.loads(out)["rows"]
    assert [r["level"] for r in rows] == ["国家级", "省级", "市级", "县级"]
    assert all(r["tested"] > 0 for r in rows)


def test_rates_previous_period_and_export(
    capsys: pytest.CaptureFixture[str], province_demo: str, tmp_path: Path
) -> None:
    out_file = tmp_path / "rates.xlsx"
    code, out = run(capsys, "hq", "--db", province_demo, "rates", "--by", "county", "--within",
                    "341200", "--period", "2026", "--json", "--out", str(out_file))  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["previous_period"]["label"] == "2025"
    assert all(r["parent"] == "341200" for r in data["rows"])
    assert any(r["previous"] and r["change"] for r in data["rows"])
    assert out_file.exists()
    code, _ = run(capsys, "hq", "--db", province_demo, "rates", "--period", "2026-13")
    assert code == 2


def test_credit_lists_the_planted_repeat_offenders(
    capsys: pytest.CaptureFixture[str], province_demo: str
) -> None:
    code, out = run(capsys, "hq", "--db", province_demo, "credit", "--repeat-only", "--json")
    assert code == 0
    firms = json.loads(out)["enterprises"]
    planted = [f for f in firms if "重复" in f["name"]]
    assert len(planted) == 2  # three centres: two neighbouring pairs
    for firm in planted:
        assert {"uscc", "name", "failed", "samples"} <= set(firm)
        (pair,) = firm["evidence"]
        assert pair["earlier"]["centre"] != pair["later"]["centre"]
        assert pair["later"]["report_no"].startswith(pair["later"]["centre"])


def test_alerts_find_the_planted_trend(
    capsys: pytest.CaptureFixture[str], province_demo: str
) -> None:
    code, out = run(capsys, "hq", "--db", province_demo, "alerts", "--json")
    assert code == 0
    found = json.loads(out)["alerts"]
    trend = [a for a in found if (a["item"], a["class"], a["region"]) == ("镉", "RICE", "341200")]
    assert trend, found
    alert = trend[0]
    assert {"item", "class", "region", "method", "figures", "samples"} <= set(alert)
    assert alert["samples"] and float(alert["figures"]["q_value"]) <= 0.05
    code, _ = run(capsys, "hq", "--db", province_demo, "alerts", "--month", "2026/11")
    assert code == 2


def test_demo_from_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    hq = tmp_path / "hq.sqlite"
    code, out = run(capsys, "hq", "--db", str(hq), "demo", "--centres", "2", "--samples", "30",
                    "--seed", "3", "--today", "2026-12-03")  # fmt: skip
    assert code == 0, out
    assert "2 demo centres" in out and "planted repeat offender" in out
    assert (tmp_path / "hq-centres" / "FY01.sqlite").exists()
    code, _ = run(capsys, "hq", "--db", str(hq), "demo", "--centres", "2")
    assert code == 2  # not into an HQ that holds batches


def test_hq_without_a_verb_opens_the_window(province_demo: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LABDESK_EXIT_WHEN_SHOWN": "1",
           "LABDESK_SETTINGS_FILE": str(tmp_path / "settings.ini")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "labdesk", "hq", "--db", province_demo],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "verb", [["rates", "--by", "city"], ["credit"], ["alerts"], ["centres"]], ids=str
)
def test_every_hq_read_of_the_command_line_is_one_snapshot(
    capsys: pytest.CaptureFixture[str],
    province_demo: str,
    monkeypatch: pytest.MonkeyPatch,
    verb: list[str],
) -> None:
    """Each command's figures come from one read-only view of the HQ database (its
    queries inside HqStore.snapshot, as the window's tabs read: tests/batch/
    test_hq_snapshot.py holds what a snapshot is), never half of an ingest."""
    from labdesk.batch import hq_store
    from labdesk.batch.hq_store import HqStore

    outside: list[str] = []
    inside = [0]
    opened = [False]  # the open's own schema check comes before any figure
    snapshot, query, open_hq = HqStore.snapshot, HqStore.query, hq_store.open_hq

    def open_then_watch(*args: Any, **kwargs: Any) -> HqStore:
        store = open_hq(*args, **kwargs)
        opened[0] = True
        return store

    @contextlib.contextmanager
    def counted(self: HqStore) -> Iterator[None]:
        with snapshot(self):
            inside[0] += 1
            try:
                yield
            finally:
                inside[0] -= 1

    def watched(self: HqStore, sql: str, params: Any = ()) -> Any:
        if opened[0] and not inside[0]:
            outside.append(sql)
        return query(self, sql, params)

    monkeypatch.setattr(HqStore, "snapshot", counted)
    monkeypatch.setattr(HqStore, "query", watched)
    monkeypatch.setattr(hq_store, "open_hq", open_then_watch)
    code, _ = run(capsys, "hq", "--db", province_demo, *verb, "--json")
    assert code == 0
    assert opened[0] and not outside, outside
