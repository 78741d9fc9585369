"""Report versions in the province's figures, on both engines: a withdrawn report's sample
is left out of rates and credit (and said so); a correction counts once, in its batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labdesk.batch.hq_store import HqStore
from labdesk.province import credit, rates, regions
from labdesk.province.evidence import samples_in
from labdesk.province.scope import Scope, parse_period
from labdesk.signing import Signer
from tests.batch.factory import report_record
from tests.province.world import Centre, S, load, record

YEAR = Scope(parse_period("2026"))


def line(centre: Centre, s: S, version: int = 1, state: str = "current") -> dict[str, Any]:
    return report_record(record(s, centre.code), version, state)


def sent(store: HqStore, tmp_path: Path, signer: Signer, centre: Centre, *batches: Any) -> None:
    outcomes = load(store, tmp_path / f"in{len(centre.sent)}", list(batches), [signer.public_key])
    assert [o.status for o in outcomes] == ["loaded"] * len(batches), [o.message for o in outcomes]


def item_counts(store: HqStore) -> tuple[int, int]:
    tested, failed = store.query("SELECT SUM(tested), SUM(failed) FROM hq_item_counts")[0]
    return int(tested), int(failed)


def test_a_withdrawn_report_leaves_the_rates_and_the_credit(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    a = Centre("LQ01", "341221", signers[0])
    s1 = S("A-000001", "2026-03-01", "pass")
    s2 = S("A-000002", "2026-03-02", "fail", failing=("镉",))
    s3 = S("A-000003", "2026-03-03", "fail", failing=("镉",))
    sent(
        store,
        tmp_path,
        signers[0],
        a,
        a.batch([s1, s2, s3], reports=[line(a, s) for s in (s1, s2, s3)]),
    )
    before = rates.rates(store, YEAR, by="province")
    assert before.total.current == rates.Figures(1, 2)
    assert credit.credit(store).enterprises[0].failed == 2
    assert credit.credit(store).enterprises[0].flagged
    assert item_counts(store) == (3, 2)

    # Batch 2 carries only the withdrawal of s2's report (作废).
    sent(store, tmp_path, signers[0], a, a.batch([], reports=[line(a, s2, 1, "withdrawn")]))
    after = rates.rates(store, YEAR, by="county")
    assert after.total.current == rates.Figures(1, 1)
    assert dict(after.exclusions.counts) == {"report-withdrawn": 1}
    excluded = rates.report_json(after)["excluded"]["by_reason"]
    assert excluded == [
        {
            "reason": "report-withdrawn",
            "samples": 1,
            "meaning": "the centre withdrew the sample's report and issued none since",
        }
    ]
    report = credit.credit(store)
    (enterprise,) = report.enterprises
    assert (enterprise.passed, enterprise.failed) == (1, 1)
    assert not enterprise.flagged  # the repeat needed the withdrawn failure
    assert dict(report.exclusions.counts) == {"report-withdrawn": 1}
    # Nor does it count in the alerts' item counts or in a rate's list of samples.
    assert item_counts(store) == (2, 1)
    listed = samples_in(store, YEAR, regions.PROVINCE_CODE)
    assert sorted(r.sample_id for r in listed) == ["A-000001", "A-000003"]

    # A correction issued after the withdrawal is in force: the sample counts again.
    s2_fixed = S("A-000002", "2026-03-02", "pass")
    sent(
        store, tmp_path, signers[0], a,
        a.batch([s2_fixed], reports=[line(a, s2_fixed, 2, "current")]),
    )  # fmt: skip
    fixed = rates.rates(store, YEAR, by="province")
    assert fixed.total.current == rates.Figures(2, 1)
    assert not fixed.exclusions.counts
    assert item_counts(store) == (3, 1)


def test_a_corrected_sample_counts_once_in_the_item_counts(
    store: HqStore, tmp_path: Path, signers: list[Signer]
) -> None:
    a = Centre("LQ01", "341221", signers[1])
    s1 = S("A-000001", "2026-03-01", "fail", failing=("镉",))
    s2 = S("A-000002", "2026-03-02", "pass")
    sent(store, tmp_path, signers[1], a, a.batch([s1, s2], reports=[line(a, s1), line(a, s2)]))
    assert item_counts(store) == (2, 1)
    fixed = S("A-000001", "2026-03-01", "pass")
    sent(
        store, tmp_path, signers[1], a,
        a.batch([fixed], reports=[line(a, fixed, 1, "superseded"), line(a, fixed, 2)]),
    )  # fmt: skip
    assert item_counts(store) == (2, 0)  # the corrected line only, in batch 2
    by_batch = store.query(
        "SELECT sequence, SUM(tested) FROM hq_item_counts GROUP BY sequence ORDER BY sequence"
    )
    assert [(int(q), int(n)) for q, n in by_batch] == [(1, 1), (2, 1)]
    assert rates.rates(store, YEAR, by="province").total.current == rates.Figures(2, 0)
