"""HQ ingest of 100 signed batches vs a raw verify-and-insert of the same files.

Data (fixed, setup only): 100 chained SM2-signed batches (quick: 20) from one centre, each
with 50 samples (each with its report_no, as real exports carry), 150 items, 150 results
and 300 audit entries, in an inbox folder.

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
from labdesk.batch.format import BatchHeader, canonical_json, json_lines, sign_batch
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


def _files(batch: int) -> dict[str, bytes]:
    samples, items, results, audit = [], [], [], []
    for k in range(PER_BATCH):
        sid = f"AH2026{batch:03d}{k:03d}"
        verdict = "fail" if (batch + k) % 9 == 0 else "pass"
        samples.append(
            {"sample_id": sid, "form_no": sid, "report_no": f"HF{batch:03d}-{k:03d}",
             "category": ("蔬菜", "大米", "纺织品")[k % 3],
             "sampling_date": f"2026-{1 + batch % 12:02d}-15", "verdict": verdict,
             "conclusion": "经抽样检验，所检项目符合标准要求，检验结论为合格。",
             "form": {"sample_name": "青菜", "samplers": ["张三", "李四"], "sample_qty": "2"},
             "enterprise": {"uscc": "914403001922038216", "name": "某某公司"}}
        )  # fmt: skip
        for seq, name in enumerate(("铅", "镉", "总砷"), 1):
            items.append({"sample_id": sid, "seq": seq, "name": name, "limit_text": "≤0.2"})
            results.append({"sample_id": sid, "item_seq": seq, "text": "0.01", "verdict": "pass"})
        for a in range(6):
            audit.append(
                {"seq": (batch * PER_BATCH + k) * 6 + a, "table_name": "results", "record_id": k,
                 "new_value": json.dumps({"text": "0.01", "verdict": "pass"}), "hash": "0" * 64}
            )  # fmt: skip
    return {
        "samples.jsonl": json_lines(samples),
        "items.jsonl": json_lines(items),
        "results.jsonl": json_lines(results),
        "audit.jsonl": json_lines(audit),
        "summary.json": canonical_json({"samples": PER_BATCH}) + b"\n",
    }


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
            {"samples": PER_BATCH, "items": 3 * PER_BATCH, "results": 3 * PER_BATCH,
             "audit_entries": 6 * PER_BATCH},
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
    assert all(o.status == "loaded" for o in outcomes) and len(outcomes) == state.batches
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
                for name in ("items.jsonl", "results.jsonl", "audit.jsonl")
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
