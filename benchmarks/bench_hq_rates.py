"""Three-level pass rates over 1,000,000 ingested results vs hand-written GROUP BY SQL.

Data (setup only): 12 centres in Anhui cities and counties send Ed25519-signed
`labdesk-batch/2` batches of 500 samples with 10 items and 10 current results each, over
2025 and 2026; they go through the real verifier and ingest (`verify_bytes` +
`load_batch`) into a fresh SQLite HQ database: 100,000 samples and 1,000,000 results
(quick: 10,000 and 100,000). Sampled units' codes are Anhui counties, a few are city-level
or empty (placed by the centre's region), about 12 % of samples fail.

Ours: `labdesk.province.rates.rates` for 2026 (with 2025 as the previous period) by
province, by city and by county — placement of every group by GB/T 2260, residual rows,
exclusions, Decimal rates from the same counts.

Baseline: the same counts with hand-written SQL on the same table: for each level and
each of the two periods one `GROUP BY substr(unit_region, …), verdict`, no placement,
no exclusions, no rates.

PostgreSQL: with `LABDESK_BENCH_HQ_URL=postgresql://…` (an empty scratch database, e.g.
from scripts/pg-test-server.sh) and `LABDESK_BENCH_HQ_RESULTS=N`, the same data go into
PostgreSQL: 100,000 results through the real verifier and ingest, then the ingested
`hq_samples` rows are copied under new sample ids (`INSERT … SELECT`, the same table
contents ingest would have written) until N results are represented. Figures in
docs/performance.md.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import Benchmark
from labdesk.batch.format import BatchHeader, canonical_json, json_lines, sign_batch
from labdesk.batch.hq import load_batch
from labdesk.batch.hq_store import HqStore, open_hq
from labdesk.batch.verify import verify_bytes
from labdesk.province import rates, regions
from labdesk.province.scope import Scope, parse_period
from labdesk.signing import Signer

PER_BATCH = 500
ITEMS = ("铅", "镉", "总汞", "总砷", "铬", "黄曲霉毒素B1", "克百威", "氧乐果", "腐霉利", "甲醛")
CENTRES = tuple(
    zip(
        ("FY01", "LQ01", "HF01", "TH01", "CF01", "WH01", "NL01", "AQ01", "TC01", "SZ01",
         "DS01", "LA01"),
        ("341200", "341221", "340100", "341222", "340121", "340200", "340223", "340800",
         "340881", "341300", "341321", "341500"),
        strict=True,
    )
)  # fmt: skip


@dataclass
class _State:
    folder: Path
    store: HqStore
    results: int


def _files(rng: random.Random, code: str, region: str, batch: int) -> dict[str, bytes]:
    near = regions.counties_of(regions.city_of(region))
    samples, items, results = [], [], []
    for k in range(PER_BATCH):
        sid = f"{code}-{batch:04d}{k:04d}"
        day = f"{rng.choice((2025, 2026))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        unit = rng.choice((*near, *near, *near, regions.city_of(region), ""))
        failing = [rng.choice(ITEMS)] if rng.random() < 0.12 else []
        samples.append({
            "sample_id": sid, "form_no": sid, "report_no": f"{code}-{day[:4]}-{k:06d}",
            "category": "大米", "category_code": rng.choice(("RICE", "VEG-FRESH", "TOY")),
            "sampling_date": day, "verdict": "fail" if failing else "pass",
            "failing_items": failing,
            "enterprise": {"uscc": "914403001922038216", "name": "某某公司", "region_code": unit},
            "task": {"task_no": "T1", "category": "监督抽检",
                     "org_level": rng.choice(("省级", "市级", "县级"))},
        })  # fmt: skip
        for seq, name in enumerate(ITEMS, 1):
            items.append({"sample_id": sid, "seq": seq, "name": name, "limit_text": "≤0.2"})
            verdict = "fail" if name in failing else "pass"
            results.append({"sample_id": sid, "item_seq": seq, "text": "0.01",
                            "verdict": verdict, "current": True})  # fmt: skip
    return {
        "samples.jsonl": json_lines(samples),
        "items.jsonl": json_lines(items),
        "results.jsonl": json_lines(results),
        "audit.jsonl": b"",
        "summary.json": canonical_json({"samples": PER_BATCH}) + b"\n",
    }


def setup(quick: bool) -> _State:
    total = 100_000 if quick else 1_000_000
    folder = Path(tempfile.mkdtemp(prefix="labdesk-bench-rates-"))
    pg_url = os.environ.get("LABDESK_BENCH_HQ_URL")
    wanted = int(os.environ.get("LABDESK_BENCH_HQ_RESULTS", total))
    if pg_url:
        total = min(wanted, 100_000)
    store = open_hq(pg_url or str(folder / "hq.sqlite"))
    rng = random.Random(19)
    batches = total // (PER_BATCH * len(ITEMS))
    signers = {code: Signer.generate("ed25519") for code, _ in CENTRES}
    previous: dict[str, str | None] = dict.fromkeys(signers)
    for n in range(batches):
        code, region = CENTRES[n % len(CENTRES)]
        seq = n // len(CENTRES) + 1
        files = _files(rng, code, region, seq)
        header = BatchHeader(
            code, f"{code} 中心", seq, str(uuid.uuid4()), "2026-11-26T10:00:00+08:00",
            previous[code],
            {"samples": PER_BATCH, "items": PER_BATCH * len(ITEMS),
             "results": PER_BATCH * len(ITEMS), "audit_entries": 0},
            centre_region_code=region,
        )  # fmt: skip
        signed = sign_batch(header, files, signers[code])
        verified = verify_bytes(signed.archive, [signers[code].public_key])
        assert load_batch(store, verified).status == "loaded"
        previous[code] = signed.manifest_sha256
    made = batches * PER_BATCH * len(ITEMS)
    copy = 1
    while pg_url and made < wanted:
        store.execute(
            "INSERT INTO hq_samples (centre_code, sample_id, sequence, form_no, category, "
            "sampling_date, month, verdict, record, report_no, category_code, unit_region, "
            "uscc, enterprise_name, org_level, task_category, failing_items) "
            "SELECT centre_code, sample_id || '-c' || ?, sequence, form_no, category, "
            "sampling_date, month, verdict, record, report_no, category_code, unit_region, "
            "uscc, enterprise_name, org_level, task_category, failing_items FROM hq_samples "
            "WHERE sample_id NOT LIKE '%-c%'",
            (str(copy),),
        )
        made += batches * PER_BATCH * len(ITEMS)
        copy += 1
    if pg_url:
        store.execute("ANALYZE hq_samples")
    return _State(folder, store, made)


SCOPE = Scope(parse_period("2026"))


def ours(state: _State) -> object:
    return [rates.rates(state.store, SCOPE, by=by) for by in ("province", "city", "county")]


def baseline(state: _State) -> object:
    out: list[Any] = []
    for first, last in (("2026-01-01", "2026-12-31"), ("2025-01-01", "2025-12-31")):
        for width in (2, 4, 6):
            out.append(
                state.store.query(
                    f"SELECT substr(unit_region, 1, {width}), verdict, COUNT(*) FROM hq_samples "
                    "WHERE sampling_date >= ? AND sampling_date <= ? GROUP BY 1, 2",
                    (first, last),
                )
            )
    return out


def teardown(state: _State) -> None:
    state.store.close()
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="hq_rates",
    description="three-level pass rates (2026 vs 2025) over 1,000,000 ingested results "
    "(quick: 100,000)",
    baseline_description="hand-written GROUP BY per level and period on the same table",
    target=1.5,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
)
