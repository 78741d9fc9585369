"""What the province counts by, lifted out of the signed lines when a batch is ingested.

The signed sample line stays in `hq_samples.record` exactly as received; these columns
beside it are copies of fields the line already holds, read by the documented keys and
never interpreted here (`labdesk.province` decides which region a code means and whether
an enterprise code is valid, so a decision can change without re-ingesting anything).
The same functions fill the columns of lines ingested before they existed (the HQ
schema-3 migration), so old and new lines are read alike.

Item counts: per (item, product class, month, sampled unit's region) of one batch, how
many current results were judged and how many failed. A batch whose lines lack the keys
(`seq`, `item_seq`, `name`, `current`) simply adds no counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SAMPLE_FACT_COLUMNS = (
    "category_code",
    "unit_region",
    "uscc",
    "enterprise_name",
    "org_level",
    "task_category",
    "failing_items",
)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class SampleFacts:
    category_code: str
    unit_region: str  # the sampled unit's GB/T 2260 code as sent ('' when absent)
    uscc: str  # as sent, spaces removed and upper-cased ('' when absent)
    enterprise_name: str
    org_level: str  # 国家级 / 省级 / 市级 / 县级, '' when not stated
    task_category: str
    failing_items: str  # JSON array of item names, canonical

    def row(self) -> tuple[str, ...]:
        return (
            self.category_code,
            self.unit_region,
            self.uscc,
            self.enterprise_name,
            self.org_level,
            self.task_category,
            self.failing_items,
        )


def sample_facts(record: Mapping[str, Any]) -> SampleFacts:
    enterprise = record.get("enterprise")
    enterprise = enterprise if isinstance(enterprise, dict) else {}
    task = record.get("task")
    task = task if isinstance(task, dict) else {}
    failing = record.get("failing_items")
    names = [str(n) for n in failing] if isinstance(failing, list) else []
    return SampleFacts(
        category_code=_text(record.get("category_code")) or _text(record.get("category")),
        unit_region=_text(enterprise.get("region_code")),
        uscc="".join(_text(enterprise.get("uscc")).split()).upper(),
        enterprise_name=_text(enterprise.get("name")),
        org_level=_text(task.get("org_level")),
        task_category=_text(task.get("category")),
        failing_items=json.dumps(names, ensure_ascii=False, separators=(",", ":")),
    )


ItemKey = tuple[str, str, str, str]  # item name, category_code, month, unit_region


def item_counts(
    samples: Mapping[str, tuple[SampleFacts, str]],
    items: Iterable[Mapping[str, Any]],
    results: Iterable[Mapping[str, Any]],
) -> dict[ItemKey, list[int]]:
    """[tested, failed] per key over the current judged results of one batch.

    `samples` maps sample_id → (its facts, its month "YYYY-MM")."""
    names: dict[tuple[str, Any], str] = {}
    for item in items:
        sid, seq, name = item.get("sample_id"), item.get("seq"), item.get("name")
        if isinstance(sid, str) and isinstance(name, str) and seq is not None:
            names[(sid, seq)] = name
    counts: dict[ItemKey, list[int]] = {}
    for result in results:
        if result.get("current") is not True:
            continue
        verdict = result.get("verdict")
        if verdict not in ("pass", "fail"):
            continue
        sid = result.get("sample_id")
        name = names.get((sid, result.get("item_seq"))) if isinstance(sid, str) else None
        owner = samples.get(sid) if isinstance(sid, str) else None
        if name is None or owner is None:
            continue
        facts, month = owner
        slot = counts.setdefault((name, facts.category_code, month, facts.unit_region), [0, 0])
        slot[0] += 1
        slot[1] += verdict == "fail"
    return counts
