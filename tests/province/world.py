"""Signed batches with known province facts, built only through labdesk.batch.format."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labdesk.batch.format import BatchHeader, SignedBatch, json_lines, sign_batch
from labdesk.batch.hq import ingest
from labdesk.batch.hq_store import HqStore
from labdesk.signing import Signer
from tests.batch.factory import counts_of

VALID = "914403001922038216"  # domain.md's public example (region 440300, outside Anhui)


@dataclass
class S:
    """One sample as the test means it."""

    sid: str
    date: str
    verdict: str  # pass / fail / not_judged
    region: str = "341221"  # the sampled unit's GB/T 2260 code
    uscc: str = VALID
    name: str = "临泉某某食品有限公司"
    level: str = "县级"
    category: str = "RICE"
    failing: tuple[str, ...] = ()
    items: tuple[str, ...] = ("镉",)


def record(s: S, centre: str) -> dict[str, Any]:
    return {
        "sample_id": s.sid,
        "form_no": s.sid,
        "report_no": f"{centre}-{s.date[:4]}-{s.sid[-6:]}",
        "category": {"RICE": "大米", "TOY": "玩具"}.get(s.category, s.category),
        "category_code": s.category,
        "sampling_date": s.date,
        "verdict": s.verdict,
        "failing_items": list(s.failing),
        "enterprise": {"uscc": s.uscc, "name": s.name, "region_code": s.region},
        "task": {"task_no": "T1", "source": "省局", "category": "监督抽检", "org_level": s.level},
    }


def files(samples: Sequence[S], centre: str) -> dict[str, bytes]:
    items, results = [], []
    for s in samples:
        for seq, name in enumerate(s.items, 1):
            items.append({"sample_id": s.sid, "seq": seq, "name": name, "limit_text": "≤0.2"})
            verdict = "fail" if name in s.failing else "pass"
            if s.verdict == "not_judged":
                verdict = "not_judged"
            results.append(
                {"sample_id": s.sid, "item_seq": seq, "text": "0.1", "verdict": verdict,
                 "current": True}
            )  # fmt: skip
    return {
        "samples.jsonl": json_lines(record(s, centre) for s in samples),
        "items.jsonl": json_lines(items),
        "results.jsonl": json_lines(results),
        "audit.jsonl": b"",
        "summary.json": json.dumps({"samples": len(samples)}).encode(),
    }


@dataclass
class Centre:
    code: str
    region: str | None  # None: a labdesk-batch/1 centre
    signer: Signer
    sent: list[SignedBatch] = field(default_factory=list)

    def batch(self, samples: Sequence[S], *, region: str | bool | None = True) -> SignedBatch:
        data = files(samples, self.code)
        previous = self.sent[-1].manifest_sha256 if self.sent else None
        header = BatchHeader(
            self.code, f"{self.code} 质检中心", len(self.sent) + 1, str(uuid.uuid4()),
            "2026-11-26T10:00:00+08:00", previous, counts_of(data),
            centre_region_code=self.region if region is True else (region or None),
        )  # fmt: skip
        made = sign_batch(header, data, self.signer)
        self.sent.append(made)
        return made


def load(
    store: HqStore, folder: Path, batches: Sequence[SignedBatch], keys: list[Any]
) -> list[Any]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for b in batches:
        path = folder / b.filename
        path.write_bytes(b.archive)
        paths.append(path)
    return ingest(store, paths, keys)
