"""Read-only views of what stands behind a result: readings, formula, run and QC.

For the reviewer's panel and the raw-data sheet (原始记录): `provenance(db, item_id)`
gathers the current result of a sample item, the values it was computed from (decoded
from `result_values`), the method version that computed it (formula, inputs, rounding,
permitted difference), the replicate check, and the run it was measured in with the
verdicts of the run's QC samples. Reads only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from labdesk.core.replicates import ReplicateCheck, check_replicates
from labdesk.services import methods, results
from labdesk.services.run_record import decode_values
from labdesk.services.runs import get_run, run_items
from labdesk.store.protocol import Store
from labdesk.store.schema import live_item


@dataclass(frozen=True)
class QcLine:
    label: str
    kind: str
    value: str
    passed: bool | None
    detail_zh: str
    detail_en: str
    criterion_zh: str
    criterion_en: str
    rules: tuple[str, ...] = ()


@dataclass
class Provenance:
    item: dict[str, Any]
    result: dict[str, Any] | None
    determinations: list[dict[str, Any]] = field(default_factory=list)
    method: dict[str, Any] | None = None  # the method version row
    check: ReplicateCheck | None = None
    run: dict[str, Any] | None = None
    qc: list[QcLine] = field(default_factory=list)
    replicate_reason: str = ""

    @property
    def computed(self) -> bool:
        return bool(self.determinations)


def qc_lines(db: Store, run_id: int) -> list[QcLine]:
    lines: list[QcLine] = []
    for item in run_items(db, run_id):
        if item["kind"] == "sample":
            continue
        detail = json.loads(item["qc_detail"]) if item["qc_detail"] else {}
        passed = None if item["qc_passed"] is None else bool(item["qc_passed"])
        lines.append(
            QcLine(
                str(item["label"]),
                str(item["kind"]),
                str(item["value"] or ""),
                passed,
                str(detail.get("zh", "")),
                str(detail.get("en", "")),
                str(detail.get("criterion_zh", "")),
                str(detail.get("criterion_en", "")),
                tuple(detail.get("rules", [])),
            )
        )
    return lines


def provenance(db: Store, sample_item_id: int) -> Provenance:
    item = db.query_one("SELECT * FROM sample_items WHERE id = ?", (sample_item_id,))
    if item is None:
        return Provenance({}, None)
    current = results.current_result(db, sample_item_id)
    out = Provenance(dict(item), current)
    run_row = db.query_one(
        "SELECT ri.run_id, ri.replicate_reason FROM run_items ri JOIN runs r ON r.id = ri.run_id "
        "WHERE ri.sample_item_id = ? AND r.state != 'cancelled' ORDER BY r.id DESC LIMIT 1",
        (sample_item_id,),
    )
    if run_row is not None:
        out.run = get_run(db, int(run_row["run_id"]))
        out.replicate_reason = str(run_row["replicate_reason"] or "")
        out.qc = qc_lines(db, int(run_row["run_id"]))
        out.method = methods.version(db, int(out.run["method_version_id"]))
    elif item["method_code"] and item["method_version"]:
        out.method = methods.version_by_number(
            db, str(item["method_code"]), int(item["method_version"])
        )
    if current is not None:
        out.determinations = decode_values(results.result_values(db, int(current["id"])))
    if out.determinations and out.method is not None:
        spec = methods.spec_of(out.method)
        values = [Decimal(d["value"]) for d in out.determinations]
        limit = spec.max_rel_diff if len(values) > 1 else None
        out.check = check_replicates(values, limit, places=spec.places, interval=spec.interval)
    return out


def sample_provenance(db: Store, sample_id: int) -> list[Provenance]:
    """Every item of the sample still to be tested, in form order."""
    rows = db.query(
        f"SELECT id FROM sample_items WHERE sample_id = ? AND {live_item()} ORDER BY seq, id",
        (sample_id,),
    )
    return [provenance(db, int(r[0])) for r in rows]


@dataclass(frozen=True)
class ControlSeries:
    """A control material's points in run order, with the chart's mean and SD."""

    material: dict[str, Any]
    values: list[Decimal]
    runs: list[str]  # the run number of each point
    mean: Decimal
    sd: Decimal


def control_series(db: Store, material_code: str) -> ControlSeries:
    """The Levey–Jennings series of a control material (cancelled runs left out)."""
    material = methods.qc_material(db, material_code)
    rows = db.query(
        "SELECT ri.value, r.run_no FROM run_items ri JOIN runs r ON r.id = ri.run_id "
        "WHERE ri.qc_material_id = ? AND ri.kind = 'control' AND ri.value IS NOT NULL "
        "AND r.state != 'cancelled' ORDER BY r.id, ri.position",
        (int(material["id"]),),
    )
    return ControlSeries(
        material,
        [Decimal(str(r[0])) for r in rows],
        [str(r[1]) for r in rows],
        Decimal(str(material["mean"])),
        Decimal(str(material["sd"])),
    )
