"""A received sample as evidence (sample and report numbers, centre), and finding them.

Credit, alerts and the drill-down of the rates all show the samples behind a figure in
this one shape, read from `hq_samples` (the signed line stays untouched in `record`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from labdesk.province import regions
from labdesk.province.scope import Scope, centre_regions


@dataclass(frozen=True)
class SampleRef:
    """One received sample as evidence: where it came from and what was found."""

    centre_code: str
    centre_name: str
    sample_id: str
    report_no: str | None
    sampling_date: str
    category: str
    verdict: str
    failing_items: tuple[str, ...]
    uscc: str
    enterprise_name: str
    unit_region: str

    def as_json(self) -> dict[str, Any]:
        return {
            "centre": self.centre_code,
            "centre_name": self.centre_name,
            "sample_id": self.sample_id,
            "report_no": self.report_no,
            "sampling_date": self.sampling_date,
            "class": self.category,
            "verdict": self.verdict,
            "failing_items": list(self.failing_items),
        }


SAMPLE_COLUMNS = (
    "s.centre_code, c.name, s.sample_id, s.report_no, s.sampling_date, s.category, "
    "s.verdict, s.failing_items, s.uscc, s.enterprise_name, s.unit_region"
)
SAMPLE_FROM = " FROM hq_samples s JOIN hq_centres c ON c.code = s.centre_code"


def sample_ref(row: Any) -> SampleRef:
    items = json.loads(row[7]) if row[7] else []
    return SampleRef(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        None if row[3] is None else str(row[3]),
        str(row[4]),
        str(row[5]),
        str(row[6]),
        tuple(str(i) for i in items),
        str(row[8]),
        str(row[9]),
        str(row[10]),
    )


def samples_in(store: Any, scope: Scope, region: str, *, limit: int = 5000) -> list[SampleRef]:
    """The judged samples of `scope` that count in `region` (county, city or province
    code), as the rates place them; newest first, at most `limit`."""
    where, params = scope.where()
    if region != regions.PROVINCE_CODE:
        prefix = region[:4] if region[4:] == "00" else region
        centres = [c for c, r in centre_regions(store).items() if r.startswith(prefix[:4])]
        marks = ", ".join("?" for _ in centres) or "''"
        where += (" AND" if where else " WHERE") + (
            f" (s.unit_region LIKE ? OR s.centre_code IN ({marks}))"
        )
        params += [prefix + "%", *centres]
    rows = store.query(
        f"SELECT {SAMPLE_COLUMNS}{SAMPLE_FROM}{where} "
        "ORDER BY s.sampling_date DESC, s.centre_code, s.sample_id",
        params,
    )
    found = []
    regions_of = centre_regions(store)
    for row in rows:
        ref = sample_ref(row)
        if ref.verdict not in ("pass", "fail") or not regions_of.get(ref.centre_code):
            continue
        placement = regions.place(ref.unit_region, regions_of[ref.centre_code])
        if placement is None:
            continue
        if region in (regions.PROVINCE_CODE, placement.city, placement.county):
            found.append(ref)
            if len(found) >= limit:
                break
    return found
