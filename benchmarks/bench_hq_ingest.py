"""HQ ingest of 100 signed batches vs a raw verify-and-insert of the same files.

Data (fixed, setup only): 100 chained SM2-signed batches (quick: 20) from one centre in
the current format (`labdesk.batch.format.FORMAT`, the one an export writes, now /3;
setup refuses to build any other), each with 50 samples shaped as an export writes them
(task, enterprise with its region, report class, failing items), 150 items, 150 results
(each with its `values`), 50 reports (with their canonical content) and 300 audit
entries, in an inbox folder.

Ours: `labdesk.batch.hq.ingest` into a fresh SQLite HQ database — inbox ordering, size
and name checks from the ZIP directory, capped streaming decompression, SHA-256 *and* SM3
of every file, the SM2 signature, manifest and content validation, chain/sequence/key
checks and one transaction per batch loading batches, samples and all records.

Baseline: for each file, read every ZIP entry, SHA-256 it against the manifest, verify the
SM2 signature with the same primitive, json-parse the samples and insert them and the raw
lines with executemany in one transaction per batch — no SM3, no limits, no chain checks.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.harness import Benchmark
from labdesk.batch.format import (
    COUNT_SOURCES,
    FORMAT,
    BatchHeader,
    canonical_json,
    format_of,
    json_lines,
    sign_batch,
)
from labdesk.batch.hq import ingest
from labdesk.batch.hq_store import open_hq
from labdesk.signing import PublicKey, Signer

PER_BATCH = 50


@dataclass
class _State:
    folder: Path
    inbox: Path
    key: PublicKey
    batches: int
    rounds: list[Path] = field(default_factory=list)


def _sample(batch: int, k: int) -> dict[str, object]:
    sid = f"AH2026{batch:03d}{k:03d}"
    failed = (batch + k) % 9 == 0
    category = (("芸薹类蔬菜", "VEG-BRASSICA"), ("大米", "GRAIN-RICE"), ("纺织品", "TEX"))[k % 3]
    return {
        "sample_id": sid, "form_no": sid, "report_no": f"HF01-2026-{batch:03d}{k:03d}",
        "category": category[0], "category_code": category[1],
        "sampling_date": f"2026-{1 + batch % 12:02d}-15",
        "verdict": "fail" if failed else "pass",
        "conclusion_label": "不合格" if failed else "合格",
        "conclusion": "经抽样检验，所检项目符合标准要求，检验结论为合格。",
        "report_class": "一般不合格报告" if failed else "合格报告",
        "failing_items": ["铅"] if failed else [], "events": [],
        "form": {"sample_name": "青菜", "samplers": ["张三", "李四"], "sample_qty": "2",
                 "qty_unit": "kg"},
        "enterprise": {"uscc": "914403001922038216", "name": "某某公司",
                       "region_code": ("340102", "340104", "340111")[k % 3]},
        "task": {"task_no": "T2026-001", "source": "省局", "category": "监督抽检",
                 "org_level": "市级", "purpose": "监督抽检"},
    }  # fmt: skip


def _report(sample: dict[str, object]) -> dict[str, object]:
    content = canonical_json(
        {"format": "labdesk-report-content/1", "report": sample["report_no"], "version": 1,
         "report_class": sample["report_class"],
         "items": [{"seq": seq, "name": name, "unit": "mg/kg", "limit": "≤0.2",
                    "result": "0.01", "verdict": "合格", "method": "GB 5009.12"}
                   for seq, name in enumerate(("铅", "镉", "总砷"), 1)]}
    ).decode()  # fmt: skip
    return {
        "sample_id": sample["sample_id"], "report_no": sample["report_no"], "version": 1,
        "kind": "original", "state": "current", "supersedes_version": None, "reason": "",
        "report_class": sample["report_class"], "issued_at": "2026-10-06T02:00:00.000000Z",
        "issued_by": "boss", "payload": "", "content": content, "pdf_sha256": None,
        "withdrawn_reason": "", "withdrawn_at": None, "withdrawn_by": None,
    }  # fmt: skip


def _files(batch: int) -> dict[str, bytes]:
    samples, items, results, reports, audit = [], [], [], [], []
    for k in range(PER_BATCH):
        sample = _sample(batch, k)
        sid = sample["sample_id"]
        samples.append(sample)
        reports.append(_report(sample))
        for seq, name in enumerate(("铅", "镉", "总砷"), 1):
            items.append(
                {"sample_id": sid, "seq": seq, "name": name, "limit_text": "≤0.2",
                 "method": "full", "unit": "mg/kg", "standard_no": "GB 2762",
                 "standard_year": "2022"}
            )  # fmt: skip
            results.append(
                {"sample_id": sid, "item_seq": seq, "text": "0.01", "verdict": "pass",
                 "attempt": 1, "current": True, "kind": "entry", "entered_by": "tech",
                 "entered_at": "2026-10-05T02:11:09.000000Z", "converted": "",
                 "pending": 0, "values": [{"kind": "replicate", "position": 1,
                                           "text": "0.01"}]}
            )  # fmt: skip
        for a in range(6):
            audit.append(
                {"seq": (batch * PER_BATCH + k) * 6 + a, "table_name": "results", "record_id": k,
                 "new_value": json.dumps({"text": "0.01", "verdict": "pass"}), "hash": "0" * 64}
            )  # fmt: skip
    files = {
        "samples.jsonl": json_lines(samples),
        "items.jsonl": json_lines(items),
        "results.jsonl": json_lines(results),
        "reports.jsonl": json_lines(reports),
        "audit.jsonl": json_lines(audit),
        "summary.json": canonical_json({"samples": PER_BATCH}) + b"\n",
    }
    # Fail loudly when the export format moves on rather than time an old format.
    if format_of(files) != FORMAT:
        raise RuntimeError(f"bench_hq_ingest builds {format_of(files)}, exports write {FORMAT}")
    return files


def _counts(files: dict[str, bytes]) -> dict[str, int]:
    return {key: files[name].count(b"\n") for key, name in COUNT_SOURCES[FORMAT].items()}


def setup(quick: bool) -> _State:
    count = 20 if quick else 100
    folder = Path(tempfile.mkdtemp(prefix="labdesk-bench-hq-"))
    inbox = folder / "inbox"
    inbox.mkdir()
    signer = Signer.generate("sm2")
    previous = None
    for n in range(1, count + 1):
        files = _files(n)
        header = BatchHeader(
            "HF01", "合肥", n, str(uuid.uuid4()), "2026-11-26T10:00:00+08:00", previous,
            _counts(files), centre_region_code="340100",
        )  # fmt: skip
        batch = sign_batch(header, files, signer)
        (inbox / batch.filename).write_bytes(batch.archive)
        previous = batch.manifest_sha256
    return _State(folder, inbox, signer.public_key, count)


def _fresh(state: _State, kind: str) -> Path:
    path = state.folder / f"{kind}-{len(state.rounds)}.sqlite"
    state.rounds.append(path)
    return path


def ours(state: _State) -> object:
    with open_hq(str(_fresh(state, "ours"))) as store:
        outcomes = ingest(store, [state.inbox], [state.key])
        reports = int(store.scalar("SELECT COUNT(*) FROM hq_reports") or 0)
    assert all(o.status == "loaded" for o in outcomes) and len(outcomes) == state.batches
    assert reports == state.batches * PER_BATCH  # the /2 reports were loaded too
    return outcomes


def baseline(state: _State) -> object:
    conn = sqlite3.connect(_fresh(state, "base"), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE samples (centre TEXT, sample_id TEXT, verdict TEXT, record TEXT)")
    conn.execute("CREATE TABLE records (centre TEXT, seq INTEGER, file TEXT, line TEXT)")
    for path in sorted(state.inbox.iterdir()):
        with zipfile.ZipFile(path) as zf:
            entries = {info.filename: zf.read(info) for info in zf.infolist()}
        manifest = json.loads(entries["manifest.json"])
        assert state.key.verify(entries["manifest.json"], entries["manifest.sig"])
        for f in manifest["files"]:
            assert hashlib.sha256(entries[f["path"]]).hexdigest() == f["sha256"]
        samples = [json.loads(line) for line in entries["samples.jsonl"].splitlines()]
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO samples VALUES (?, ?, ?, ?)",
            [("HF01", s["sample_id"], s["verdict"], json.dumps(s)) for s in samples],
        )
        conn.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?)",
            [
                ("HF01", manifest["sequence"], name, line.decode())
                for name in ("items.jsonl", "results.jsonl", "reports.jsonl", "audit.jsonl")
                for line in entries[name].splitlines()
            ],
        )
        conn.execute("COMMIT")
    conn.close()
    return None


def teardown(state: _State) -> None:
    shutil.rmtree(state.folder, ignore_errors=True)


BENCHMARK = Benchmark(
    name="hq_ingest",
    description="verify and ingest 100 signed batches of 50 samples (quick: 20)",
    baseline_description="read entries, SHA-256, SM2 verify, json + executemany per batch",
    target=2.0,
    setup=setup,
    ours=ours,
    baseline=baseline,
    teardown=teardown,
)
