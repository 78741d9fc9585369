"""Synthetic signed batches for verify/HQ tests, built only through labdesk.batch.format."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from labdesk.batch.format import (
    BatchHeader,
    SignedBatch,
    build_archive,
    json_lines,
    manifest_json,
    sign_batch,
)
from labdesk.signing import Signer

CATEGORIES = ("蔬菜", "大米", "纺织品")


def sample_records(
    count: int, *, centre: str = "HF01", start: int = 1, month: str = "2026-10"
) -> list[dict[str, Any]]:
    records = []
    for n in range(start, start + count):
        records.append(
            {
                "sample_id": f"{centre}-S{n:05d}",
                "form_no": f"AH2026{n:05d}",
                "report_no": f"{centre}-2026-{n:06d}",
                "category": CATEGORIES[n % len(CATEGORIES)],
                "product": "青菜",
                "sampling_date": f"{month}-{(n % 28) + 1:02d}",
                "verdict": "fail" if n % 7 == 0 else "pass",
                "conclusion": "经抽样检验，所检项目符合 GB 2762-2022 标准要求，检验结论为合格。",
                "form": {"enterprise": "合肥某某食品有限公司", "uscc": "914403001922038216"},
            }
        )
    return records


def batch_files(
    samples: list[dict[str, Any]],
    reports: list[dict[str, Any]] | None = None,
    *,
    legacy: bool = False,
) -> dict[str, bytes]:
    """The data files of a /2 batch (with `reports` lines), or of a /1 batch (`legacy`)."""
    items = [
        {"sample_id": s["sample_id"], "item_id": 1, "name": "铅", "limit": "≤0.2", "unit": "mg/kg"}
        for s in samples
    ]
    results = [
        {
            "sample_id": s["sample_id"],
            "item_id": 1,
            "value": "0.35" if s["verdict"] == "fail" else "0.05",
            "verdict": s["verdict"],
        }
        for s in samples
    ]
    audit = [
        {"seq": i, "table": "samples", "record": s["sample_id"]} for i, s in enumerate(samples)
    ]
    passed = sum(1 for s in samples if s["verdict"] == "pass")
    summary = {"samples": len(samples), "pass": passed, "fail": len(samples) - passed}
    files = {
        "samples.jsonl": json_lines(samples),
        "items.jsonl": json_lines(items),
        "results.jsonl": json_lines(results),
        "audit.jsonl": json_lines(audit),
        "summary.json": json.dumps(summary, sort_keys=True).encode(),
    }
    if not legacy:
        files["reports.jsonl"] = json_lines(reports or [])
    return files


def report_record(
    sample: dict[str, Any], version: int = 1, state: str = "current", **extra: Any
) -> dict[str, Any]:
    """A reports.jsonl line for `sample` (no payload: a centre without a key)."""
    return {
        "sample_id": sample["sample_id"],
        "report_no": sample["report_no"],
        "version": version,
        "kind": "original" if version == 1 else "correction",
        "state": state,
        "supersedes_version": None if version == 1 else version - 1,
        "reason": "" if version == 1 else "更正",
        "report_class": "",
        "issued_at": "2026-10-06T02:00:00.000000Z",
        "issued_by": "boss",
        "payload": "",
        "content": "",
        "pdf_sha256": None,
        "withdrawn_reason": "",
        "withdrawn_at": None,
        "withdrawn_by": None,
        **extra,
    }


def counts_of(files: Mapping[str, bytes]) -> dict[str, int]:
    lines = {name: data.count(b"\n") for name, data in files.items()}
    counts = {
        "samples": lines["samples.jsonl"],
        "items": lines["items.jsonl"],
        "results": lines["results.jsonl"],
        "audit_entries": lines["audit.jsonl"],
    }
    if "reports.jsonl" in files:
        counts["reports"] = lines["reports.jsonl"]
    return counts


def make_batch(
    signer: Signer,
    *,
    sequence: int = 1,
    previous: str | None = None,
    centre: str = "HF01",
    samples: list[dict[str, Any]] | None = None,
    created_at: str = "2026-11-26T10:00:00+08:00",
    reports: list[dict[str, Any]] | None = None,
    legacy: bool = False,
    region: str | None = "340100",
    audit_head: dict[str, Any] | None = None,
) -> SignedBatch:
    """A signed `labdesk-batch/2` batch (centre `region`, `reports` lines), or with
    `legacy` a `labdesk-batch/1` batch (no reports.jsonl, no centre region)."""
    samples = samples if samples is not None else sample_records(5, centre=centre)
    files = batch_files(samples, reports, legacy=legacy)
    header = BatchHeader(
        centre_code=centre,
        centre_name=f"{centre} 质检中心",
        sequence=sequence,
        batch_id=str(uuid.uuid4()),
        created_at=created_at,
        previous_manifest_sha256=previous,
        counts=counts_of(files),
        audit_head=audit_head,
        centre_region_code=None if legacy else region,
    )
    return sign_batch(header, files, signer)


def entries_of(archive: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def rezip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A ZIP of exactly these entries (names unchecked, duplicates allowed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def resign(signer: Signer, manifest: dict[str, Any], files: Mapping[str, bytes]) -> bytes:
    """A batch whose (possibly odd) manifest is properly signed by `signer`."""
    raw = manifest_json(manifest)
    return build_archive(raw, signer.sign(raw), files)
