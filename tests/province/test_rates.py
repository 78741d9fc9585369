"""Three-level rates on both engines: sums level by level, exclusions, previous period."""

from __future__ import annotations

from pathlib import Path

from labdesk.batch.hq_store import HqStore
from labdesk.province import rates
from labdesk.province.scope import Scope, parse_period
from labdesk.services.summary import Rate
from labdesk.signing import Signer
from tests.province.world import Centre, S, load

YEAR = Scope(parse_period("2026"))


def world(store: HqStore, tmp_path: Path, signers: list[Signer]) -> dict[str, Centre]:
    a = Centre("LQ01", "341221", signers[0])
    b = Centre("HF01", "340100", signers[1])
    c = Centre("OLD1", None, signers[2])
    d = Centre("SH01", "310000", signers[3])
    batches = [
        a.batch([
            S("A-000001", "2026-03-01", "pass"),
            S("A-000002", "2026-03-02", "fail", failing=("镉",)),
            S("A-000003", "2026-03-03", "pass", region="341202", level="省级"),
            S("A-000004", "2026-03-04", "pass", region="", level=""),
            S("A-000005", "2026-03-05", "not_judged"),
            S("A-000006", "2025-03-01", "fail", failing=("镉",)),
        ]),
        b.batch([
            S("B-000001", "2026-04-01", "pass", region="340100"),
            S("B-000002", "2026-04-02", "fail", region="340121", failing=("镉",)),
            S("B-000003", "2026-04-03", "pass", region="440300"),
            S("B-000004", "2026-04-04", "pass", region="340000"),
        ]),
        c.batch([S("C-000001", "2026-05-01", "pass")]),
        d.batch([S("D-000001", "2026-05-02", "pass", region="310101")]),
    ]  # fmt: skip
    outcomes = load(store, tmp_path / "in", batches, [s.public_key for s in signers])
    assert [o.status for o in outcomes] == ["loaded"] * 4, [o.message for o in outcomes]
    quarantined = next(o for o in outcomes if o.centre_code == "OLD1")
    assert "quarantined" in quarantined.warnings[0]
    return {"a": a, "b": b, "c": c, "d": d}


def by_key(report: rates.RatesReport) -> dict[str, rates.RateRow]:
    return {("r:" if r.residual else "") + r.key: r for r in report.rows}


def test_levels_add_up_and_exclusions_are_stated(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    world(store, tmp_path, signers)
    county = rates.rates(store, YEAR, by="county")
    city = rates.rates(store, YEAR, by="city")
    province = rates.rates(store, YEAR, by="province")
    rows = by_key(county)
    assert (rows["341221"].current.passed, rows["341221"].current.failed) == (2, 1)
    assert rows["341202"].current.tested == 1
    assert rows["340121"].current.failed == 1
    assert rows["r:340100"].current.tested == 2  # 合肥 known only as the city
    cities = by_key(city)
    for code in ("341200", "340100"):
        counties = [r for r in county.rows if r.parent == code]
        assert sum(r.current.tested for r in counties) == cities[code].current.tested
        assert sum(r.current.failed for r in counties) == cities[code].current.failed
    assert cities["r:340000"].current.tested == 1  # known only province-wide
    assert sum(r.current.tested for r in city.rows) == province.rows[0].current.tested == 8
    assert province.total.current == rates.Figures(6, 2)
    figures = rates.report_json(province)["total"]
    assert (figures["pass_rate"], figures["fail_rate"]) == ("75.00", "25.00")
    assert dict(county.exclusions.counts) == {
        "centre-no-region": 1,
        "region-outside": 1,
        "not-judged": 1,
    }
    assert county.placed_by_centre == 2
    excluded = rates.report_json(county)["excluded"]
    assert excluded["total"] == 3
    assert {r["reason"] for r in excluded["by_reason"]} == set(county.exclusions.counts)


def test_by_level_adds_up_with_unstated_levels_excluded(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    world(store, tmp_path, signers)
    level = rates.rates(store, YEAR, by="level")
    rows = {r.key: r.current for r in level.rows}
    assert rows["县级"] == rates.Figures(4, 2)
    assert rows["省级"] == rates.Figures(1, 0)
    assert rows["市级"].tested == rows["国家级"].tested == 0
    assert level.exclusions.counts["level-not-stated"] == 1
    assert sum(f.tested for f in rows.values()) + 1 == level.total.current.tested
    row = rates.report_json(level)["rows"][0]
    assert set(row) >= {"level", "tested", "failed", "pass_rate"}


def test_previous_period_and_change(store: HqStore, tmp_path: Path, signers: list[Signer]) -> None:
    world(store, tmp_path, signers)
    county = by_key(rates.rates(store, YEAR, by="county"))
    row = county["341221"]
    assert row.previous == rates.Figures(0, 1)
    assert str(row.change()) == "66.67"  # 2/3 now, 0/1 then
    assert rates.percent(row.current.pass_rate) == "66.67"
    assert rates.rates(store, Scope(), by="city").total.previous is None
    quarter = rates.rates(store, Scope(parse_period("2026-Q2")), by="province")
    assert quarter.total.current == quarter.total.previous == rates.Figures(3, 1)  # B; A in Q1


def test_rates_round_half_even_to_two_places() -> None:
    assert rates.percent(Rate(1, 32)) == "3.12"  # 3.125 → even
    assert rates.percent(Rate(3, 32)) == "9.38"  # 9.375 → even
    assert rates.percent(Rate(0, 0)) is None


def test_quarantine_lifts_when_the_centre_names_its_region(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    centres = world(store, tmp_path, signers)
    old = centres["c"]
    old.region = "341221"
    newer = old.batch([S("C-000002", "2026-05-03", "fail", failing=("镉",))])
    (outcome,) = load(store, tmp_path / "c2", [newer], [signers[2].public_key])
    assert outcome.status == "loaded" and not outcome.warnings
    county = rates.rates(store, YEAR, by="county")
    assert "centre-no-region" not in county.exclusions.counts
    assert by_key(county)["341221"].current == rates.Figures(3, 2)


def test_two_centres_claiming_one_code_are_refused(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    centres = world(store, tmp_path, signers)
    before = store.query("SELECT COUNT(*) FROM hq_samples")
    impostor = Centre("LQ01", "341222", signers[0], sent=list(centres["a"].sent))
    batch = impostor.batch([S("A-000099", "2026-06-01", "pass")])
    (outcome,) = load(store, tmp_path / "x", [batch], [signers[0].public_key])
    assert (outcome.status, outcome.reason) == ("refused", "centre-conflict")
    assert "two centres claim code LQ01" in outcome.message and "341222" in outcome.message
    assert store.query("SELECT COUNT(*) FROM hq_samples") == before


def test_monthly_and_samples_in_a_region(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    from labdesk.province.evidence import samples_in

    world(store, tmp_path, signers)
    months = rates.monthly(store, YEAR, "341200")
    assert [(m.month, m.figures.tested) for m in months] == [("2026-03", 4)]
    found = samples_in(store, YEAR, "341221")
    assert {s.sample_id for s in found} == {"A-000001", "A-000002", "A-000004"}
    assert {s.report_no for s in found} >= {"LQ01-2026-000002"}


def test_centres_list_says_who_is_quarantined(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    from labdesk.province.scope import centres

    world(store, tmp_path, signers)
    listed = {c["centre"]: c for c in centres(store)}
    assert listed["OLD1"]["quarantined"] and listed["OLD1"]["region_code"] is None
    assert listed["LQ01"] == {
        "centre": "LQ01", "name": "LQ01 质检中心", "region_code": "341221", "batches": 1,
        "samples": 6, "keys": 1, "quarantined": False,
    }  # fmt: skip
