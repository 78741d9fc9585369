"""HQ and report versions (labdesk-batch/2): corrections replace, withdrawals mark, a late
batch never turns a report back, and /1 batches load as before."""

from __future__ import annotations

import json
from pathlib import Path

from labdesk.batch.hq import ingest, summary
from labdesk.batch.hq_reports import history, report_status
from labdesk.batch.hq_store import HqStore
from labdesk.signing import Signer
from tests.batch import test_hq
from tests.batch.factory import make_batch, report_record, sample_records

# The HQ fixtures (SQLite, and PostgreSQL when a server is given) of test_hq.
hq_url = test_hq.hq_url
store = test_hq.store
write = test_hq.write


def _batches(signer: Signer, *specs: tuple[list[dict], list[dict]]) -> list:
    made, previous = [], None
    for n, (samples, reports) in enumerate(specs, start=1):
        batch = make_batch(signer, sequence=n, previous=previous, samples=samples, reports=reports)
        made.append(batch)
        previous = batch.manifest_sha256
    return made


def _verdict(store: HqStore, sample_id: str) -> tuple[str, int]:
    row = store.query(
        "SELECT verdict, sequence FROM hq_samples WHERE centre_code = 'HF01' AND sample_id = ?",
        (sample_id,),
    )
    return str(row[0][0]), int(row[0][1])


def test_a_correction_replaces_the_sample_and_keeps_both_versions(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    (s1, s2) = sample_records(2)
    s1_fail = {**s1, "verdict": "fail"}
    s1_pass = {**s1, "verdict": "pass"}
    b1, b2 = _batches(
        sm2_signer,
        ([s1_fail, s2], [report_record(s1_fail), report_record(s2)]),
        ([s1_pass], [report_record(s1_pass, 1, "superseded"), report_record(s1_pass, 2)]),
    )
    outcomes = ingest(store, [write(tmp_path, b1), write(tmp_path, b2)], [sm2_signer.public_key])
    assert [o.status for o in outcomes] == ["loaded", "loaded"], [o.message for o in outcomes]
    assert _verdict(store, s1["sample_id"]) == ("pass", 2)
    assert summary(store)["samples"] == 2 and summary(store)["fail"] == 0
    rows = history(store, s1["report_no"])
    assert [(r["version"], r["state"], r["sequence"]) for r in rows] == [
        (1, "superseded", 1),
        (2, "current", 2),
    ]
    kept = store.query(
        "SELECT version, sample_record FROM hq_reports WHERE report_no = ? ORDER BY version",
        (s1["report_no"],),
    )
    assert [json.loads(r[1])["verdict"] for r in kept] == ["fail", "pass"]
    status = report_status(store, s1["report_no"], 1)
    assert status is not None and status["state"] == "superseded" and status["latest_version"] == 2


def test_a_withdrawal_arrives_alone_and_a_late_batch_never_undoes_it(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    (s1,) = sample_records(1)
    b1, b2 = _batches(
        sm2_signer,
        ([s1], [report_record(s1)]),
        ([], [report_record(s1, 1, "withdrawn", withdrawn_reason="作废")]),
    )
    # Batch 2 first (a gap), then batch 1: the withdrawal stands.
    first = ingest(store, [write(tmp_path / "2", b2)], [sm2_signer.public_key])
    assert first[0].status == "loaded" and first[0].samples == 0
    ingest(store, [write(tmp_path / "1", b1)], [sm2_signer.public_key])
    status = report_status(store, s1["report_no"], 1)
    assert status is not None and status["state"] == "withdrawn"
    assert status["withdrawn_reason"] == "作废"
    assert _verdict(store, s1["sample_id"]) == ("pass", 1)
    # The withdrawn report's sample leaves `hq summary` as it leaves the province's views.
    figures = summary(store)
    assert (figures["samples"], figures["pass"], figures["pass_rate"]) == (0, 0, None)
    assert figures["excluded"] == {"report-withdrawn": 1}
    assert figures["by_centre"] == [] and figures["by_category"] == []


def test_an_older_version_arriving_late_does_not_replace_the_newer_sample(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    (s1,) = sample_records(1)
    old, new = {**s1, "verdict": "fail"}, {**s1, "verdict": "pass"}
    b1, b2 = _batches(
        sm2_signer,
        ([old], [report_record(old)]),
        ([new], [report_record(new, 1, "superseded"), report_record(new, 2)]),
    )
    ingest(store, [write(tmp_path / "2", b2)], [sm2_signer.public_key])
    outcomes = ingest(store, [write(tmp_path / "1", b1)], [sm2_signer.public_key])
    assert outcomes[0].status == "loaded"
    assert _verdict(store, s1["sample_id"]) == ("pass", 2)
    assert [r["state"] for r in history(store, s1["report_no"])] == ["superseded", "current"]


def test_a_sample_sent_again_without_a_newer_report_is_still_a_duplicate(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    (s1,) = sample_records(1)
    b1, b2 = _batches(sm2_signer, ([s1], [report_record(s1)]), ([s1], []))
    outcomes = ingest(store, [write(tmp_path, b1), write(tmp_path, b2)], [sm2_signer.public_key])
    assert [o.status for o in outcomes] == ["loaded", "refused"]
    assert outcomes[1].reason == "duplicate-sample"


def test_version_1_batches_load_as_before(
    store: HqStore, tmp_path: Path, sm2_signer: Signer
) -> None:
    batch = make_batch(sm2_signer, legacy=True)
    (outcome,) = ingest(store, [write(tmp_path, batch)], [sm2_signer.public_key])
    assert outcome.status == "loaded" and outcome.samples == 5
    assert store.query("SELECT count(*) FROM hq_reports") == [(0,)]
