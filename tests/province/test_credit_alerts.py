"""Enterprise credit (repeat evidence, invalid codes), alerts (exact Fisher, BH), export,
and the schema-3 migration, on both engines."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from labdesk.batch.hq_store import SCHEMA_VERSION, HqStore, open_hq
from labdesk.core.uscc import make_uscc, org_code_check_digit
from labdesk.province import alerts, credit, export
from labdesk.province.alert_sim import simulate
from labdesk.signing import Signer
from tests.batch.test_hq import downgrade_to_2
from tests.province.world import Centre, S, load


def code(region: str, body: str) -> str:
    return make_uscc(f"91{region}{body}{org_code_check_digit(body)}")


E1 = code("341221", "MA2N0001")
E2 = code("340100", "MA2N0002")
BAD = E1[:-1] + ("0" if E1[-1] != "0" else "1")  # check character wrong


def credit_world(store: HqStore, tmp_path: Path, signers: list[Signer]) -> None:
    a, b = Centre("LQ01", "341221", signers[0]), Centre("HF01", "340100", signers[1])
    batches = [
        a.batch([
            S("A-000001", "2024-01-10", "fail", uscc=E1, failing=("镉",)),
            S("A-000002", "2024-06-01", "pass", uscc=E1.lower()),  # lower case: same code
            S("A-000003", "2024-02-01", "fail", uscc=E2, failing=("镉",)),
            S("A-000004", "2024-03-01", "fail", uscc=BAD, failing=("镉",)),
            S("A-000005", "2024-03-02", "pass", uscc=""),
        ]),
        b.batch([
            S("B-000001", "2025-12-20", "fail", uscc=E1, name="临泉某某食品（更名）",
              failing=("镉", "铅"), items=("镉", "铅")),
            S("B-000002", "2026-03-01", "fail", uscc=E2, failing=("铅",), items=("铅",)),
        ]),
    ]  # fmt: skip
    outcomes = load(store, tmp_path / "in", batches, [s.public_key for s in signers])
    assert [o.status for o in outcomes] == ["loaded", "loaded"]


def test_repeat_nonconformity_within_24_months_with_evidence(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    credit_world(store, tmp_path, signers)
    report = credit.credit(store)
    found = {e.uscc: e for e in report.enterprises}
    first = found[E1]
    assert (len(first.samples), first.failed, first.passed) == (3, 2, 1)
    assert first.names == ["临泉某某食品有限公司", "临泉某某食品（更名）"]
    (pair,) = first.repeats  # 2024-01-10 → 2025-12-20: 23 months
    assert (pair.earlier.sample_id, pair.later.sample_id) == ("A-000001", "B-000001")
    assert (pair.earlier.centre_code, pair.later.centre_code) == ("LQ01", "HF01")
    assert pair.later.report_no == "HF01-2025-000001" and pair.same_items == ("镉",)
    assert not found[E2].flagged  # 2024-02-01 → 2026-03-01: more than 24 months
    assert report.enterprises[0].uscc == E1  # repeat offenders first
    assert dict(report.exclusions.counts) == {"uscc-invalid": 1, "uscc-missing": 1}
    assert "check" in report.invalid_codes[BAD]
    data = credit.report_json(report)
    assert data["invalid_codes"] == [
        {"uscc": BAD, "rule": report.invalid_codes[BAD], "rule_code": "check"}
    ]
    listed = {e["uscc"]: e for e in data["enterprises"]}
    assert {"uscc", "name", "failed", "samples"} <= set(listed[E1])
    assert listed[E1]["evidence"][0]["days_apart"] == 710
    assert [e["uscc"] for e in credit.report_json(credit.credit(store, flagged_only=True))[
        "enterprises"]] == [E1]  # fmt: skip


def test_add_months_clamps_to_month_end() -> None:
    assert credit.add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert credit.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_fisher_exact_and_benjamini_hochberg_by_hand() -> None:
    # 3 of 3 window results failed; 3 failures among 10 results: C(3,3)C(7,0)/C(10,3).
    assert alerts.fisher_greater(3, 3, 3, 10) == Fraction(1, 120)
    assert alerts.fisher_greater(0, 3, 3, 10) == 1
    ps = [Fraction(1, 100), Fraction(4, 100), Fraction(3, 100), Fraction(50, 100)]
    # sorted 0.01, 0.03, 0.04, 0.5 (m = 4): q = min over ranks ≥ i of p·m/rank
    assert alerts.benjamini_hochberg(ps) == [
        Fraction(4, 100), Fraction(4, 75), Fraction(4, 75), Fraction(1, 2)
    ]  # fmt: skip
    assert str(alerts.decimal_of(Fraction(1, 120))) == "0.008333"


def _trend(centre: Centre) -> list[S]:
    samples = []
    n = 0
    for month in range(1, 13):  # 2025: 8 a month, one failure in eight
        for k in range(8):
            n += 1
            fail = k == 0 and month % 2 == 0
            samples.append(
                S(
                    f"A-{n:06d}",
                    f"2025-{month:02d}-{k + 1:02d}",
                    "fail" if fail else "pass",
                    failing=("镉",) if fail else (),
                )
            )
    for month in (1, 2, 3):  # 2026 Q1: six of eight fail
        for k in range(8):
            n += 1
            fail = k < 6
            samples.append(
                S(
                    f"A-{n:06d}",
                    f"2026-{month:02d}-{k + 1:02d}",
                    "fail" if fail else "pass",
                    failing=("镉",) if fail else (),
                )
            )
    return samples  # fmt: skip


def test_a_rising_item_alerts_with_its_samples(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    a = Centre("LQ01", "341221", signers[0])
    load(store, tmp_path / "in", [a.batch(_trend(a))], [signers[0].public_key])
    report = alerts.alerts(store)
    assert report.month == "2026-03"
    (alert,) = report.alerts
    data = alert.as_json()
    assert (data["item"], data["class"], data["region"]) == ("镉", "RICE", "341200")
    assert data["method"] == alerts.METHOD_ID
    assert data["figures"]["window"] == {
        "from": "2026-01", "to": "2026-03", "tested": 24, "failed": 18, "fail_rate": "75.00"
    }  # fmt: skip
    assert data["figures"]["history"]["tested"] == 96 and data["figures"]["history"]["failed"] == 6
    assert len(data["samples"]) == 18 and data["samples"][0]["report_no"].startswith("LQ01-2026")
    assert alerts.alerts(store, "2025-12").alerts == []  # before the rise: nothing


def test_stationary_data_rarely_alarm_and_a_big_rise_is_found() -> None:
    still = simulate(runs=3, cells=40, seed=3)
    assert still.evaluations > 1000
    assert still.false_alarm_rate < 0.005  # documented: about 0.00004 per cell-month
    risen = simulate(runs=4, cells=20, rise_to=0.6, tested=10, seed=4)
    assert risen.missed == 0 and max(risen.delays) <= 3


def test_exports_keep_text_as_text(store: HqStore, tmp_path: Path, signers: list[Signer]) -> None:
    import csv

    from openpyxl import load_workbook

    credit_world(store, tmp_path, signers)
    data = credit.report_json(credit.credit(store))
    data["enterprises"][0]["name"] = '=HYPERLINK("http://x")'
    xlsx = export.write_credit(tmp_path / "credit.xlsx", data)
    sheet = load_workbook(xlsx).active
    assert sheet["A2"].value == E1 and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == '\'=HYPERLINK("http://x")' and sheet["B2"].data_type == "s"
    assert sheet["C2"].value == 3  # counts stay numbers
    path = export.write_credit(tmp_path / "credit.csv", data)
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert rows[1][0] == E1 and rows[1][1].startswith("'=")
    assert export.text_cell("-1") == "'-1" and export.text_cell("91.30") == "91.30"
    with pytest.raises(Exception, match=r"xlsx, \.csv or \.json"):
        export.write_credit(tmp_path / "credit.txt", data)


def test_schema_2_database_gains_the_province_facts(
    hq_url: str, tmp_path: Path, signers: list[Signer]
) -> None:
    tables = ("hq_centres", "hq_item_counts")
    columns = "centre_code, sample_id, category_code, unit_region, uscc, enterprise_name, " \
        "org_level, task_category, failing_items"  # fmt: skip
    with open_hq(hq_url) as store:
        credit_world(store, tmp_path, signers)
        before = {t: sorted(store.query(f"SELECT * FROM {t}")) for t in tables}
        facts = sorted(store.query(f"SELECT {columns} FROM hq_samples"))
        figures = credit.report_json(credit.credit(store))
        downgrade_to_2(store)
    with open_hq(hq_url) as store:
        assert store.scalar("SELECT value FROM hq_meta WHERE key = 'schema'") == SCHEMA_VERSION
        assert {t: sorted(store.query(f"SELECT * FROM {t}")) for t in tables} == before
        assert sorted(store.query(f"SELECT {columns} FROM hq_samples")) == facts
        assert credit.report_json(credit.credit(store)) == figures
