"""Readings of a run → results and QC verdicts, checked first and written all at once.

`plan_readings(db, run_id, readings)` computes everything and writes nothing: for each run
item named (by its label — the sample number, or BLK1, DUP1 …) the n determinations by
the run's method version, the blank mean the formula subtracts, the replicate check, the
reported mean (rounded once) with its verdict by the item's own rule
(`services.results.judge_text`, the item's decision rule included), and for QC samples
their acceptance (`core.qc`; control samples by the Westgard rules over that material's
earlier points). `commit_readings` writes a plan in one audited transaction: the routine
items' results through `services.result_bulk` (with the readings, intermediates and
determinations as `result_values`), the QC items' readings and verdicts on their run
items, the raw instrument file (`run_files`, its SHA-256 in the audit; and, like any
result file, a `result_imports` row the results' audit entries name), and the mapping
on the instrument. A routine item that already has a result is retested (attempt + 1,
reason required), never silently overwritten.

How the values behind a result are laid out (`result_values`, kinds of schema 3):
``replicate`` position r = the r-th determination's unrounded value; ``reading`` position
(r − 1)·k + j = input j of determination r (k = the method's inputs, in their declared
order, each as used: typed, default or the blank mean); ``intermediate`` likewise for the
formula's named steps. `decode_values` reads them back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from labdesk.core.errors import LabDeskError, ValidationError
from labdesk.core.formula import parse_value
from labdesk.core.judgement import Verdict
from labdesk.core.method_calc import (
    ItemCalculation,
    MethodSpec,
    blank_means,
    compute_item,
    compute_items,
)
from labdesk.core.qc import (
    QcOutcome,
    blank_check,
    control_point,
    duplicate_check,
    reference_check,
    spike_check,
)
from labdesk.core.replicates import check_replicates
from labdesk.services import methods, result_bulk, results
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.runs import get_run, open_run_for, run_items
from labdesk.services.samples import now_iso
from labdesk.store.protocol import Store

Readings = Mapping[str, Sequence[Mapping[str, str]]]


@dataclass
class ItemPlan:
    item: dict[str, Any]  # the run item (runs.run_items row)
    readings: list[dict[str, str]]
    calculation: ItemCalculation | None = None
    verdict: Verdict | None = None  # routine items: by the item's rule
    qc: QcOutcome | None = None  # QC items
    violations: list[str] = field(default_factory=list)  # control: Westgard rules here
    error: str = ""

    @property
    def label(self) -> str:
        return str(self.item["label"])


@dataclass
class ReadingsPlan:
    run: dict[str, Any]
    spec: MethodSpec
    items: list[ItemPlan]
    errors: list[str]
    blank: dict[str, Decimal]

    @property
    def ok(self) -> bool:
        return not self.errors and not any(i.error for i in self.items) and bool(self.items)

    def problems(self) -> list[str]:
        return [*self.errors, *(f"{i.label}: {i.error}" for i in self.items if i.error)]


def _stored_readings(item: dict[str, Any]) -> list[dict[str, str]]:
    text = item.get("readings") or ""
    loaded = json.loads(text) if text else []
    return [dict(r) for r in loaded] if isinstance(loaded, list) else []


def decode_values(values: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per determination: {'value', 'readings': [(name, text, unit)], 'intermediates'}."""
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for row in sorted(values, key=lambda r: (str(r["kind"]), int(r["position"]))):
        by_kind.setdefault(str(row["kind"]), []).append(row)
    replicates = by_kind.get("replicate", [])
    out: list[dict[str, Any]] = [
        {"value": str(r["text"]), "unit": str(r["unit"]), "readings": [], "intermediates": []}
        for r in replicates
    ]
    for kind, key in (("reading", "readings"), ("intermediate", "intermediates")):
        rows = by_kind.get(kind, [])
        if not rows or not out:
            continue
        per = max(1, len(rows) // len(out))
        for index, row in enumerate(rows):
            slot = min(index // per, len(out) - 1)
            out[slot][key].append((str(row["name"]), str(row["text"]), str(row["unit"])))
    return out


def _result_mean(db: Store, result_id: int | None) -> Decimal | None:
    if result_id is None:
        return None
    reps = [
        Decimal(str(r["text"]))  # written by run_record from a computed Decimal
        for r in results.result_values(db, result_id)
        if r["kind"] == "replicate"
    ]
    if reps:
        return check_replicates(reps).mean
    text = db.scalar("SELECT text FROM results WHERE id = ?", (result_id,))
    try:
        return parse_value(str(text), "result")
    except LabDeskError:
        return None


def _control_history(db: Store, material_id: int, run_item_id: int) -> list[str]:
    rows = db.query(
        "SELECT ri.value FROM run_items ri JOIN runs r ON r.id = ri.run_id "
        "WHERE ri.kind = 'control' AND ri.qc_material_id = ? AND ri.value IS NOT NULL "
        "AND r.state != 'cancelled' AND ri.id != ? ORDER BY r.id, ri.position",
        (material_id, run_item_id),
    )
    return [str(r[0]) for r in rows]


def plan_readings(db: Store, run_id: int, readings: Readings) -> ReadingsPlan:
    """Computes what `readings` (label → one mapping per determination) would record."""
    run = get_run(db, run_id)
    version = methods.version(db, int(run["method_version_id"]))
    spec = methods.spec_of(version)
    items = run_items(db, run_id)
    by_label = {str(i["label"]): i for i in items}
    errors = [
        f"{label}: not an item of run {run['run_no']}"
        for label in readings
        if label not in by_label
    ]
    plans: dict[str, ItemPlan] = {
        label: ItemPlan(by_label[label], [dict(r) for r in rows])
        for label, rows in readings.items()
        if label in by_label
    }
    # The blank the formula subtracts: this file's blank readings, else those stored.
    blank_rows: list[Mapping[str, str]] = []
    for item in items:
        if item["kind"] == "blank":
            plan = plans.get(str(item["label"]))
            blank_rows.extend(plan.readings if plan else _stored_readings(item))
    try:
        blank = blank_means(spec, blank_rows)
    except ValidationError as exc:
        errors.append(f"blank: {exc}")
        blank = {}
    means: dict[str, Decimal] = {}
    ordered = sorted(plans.values(), key=lambda p: (p.item["kind"] != "sample", p.item["position"]))
    _calculate(spec, ordered, blank)
    for plan in ordered:
        if plan.calculation is None:
            continue  # refused: plan.error says why
        try:
            means[plan.label] = plan.calculation.check.mean
            if plan.item["kind"] == "sample":
                _judge_routine(db, plan)
            else:
                _judge_qc(db, plan, spec, means)
        except LabDeskError as exc:
            plan.error = str(exc)
    return ReadingsPlan(run, spec, ordered, errors, blank)


def _calculate(spec: MethodSpec, plans: list[ItemPlan], blank: Mapping[str, Decimal]) -> None:
    """Each plan's calculation, or its error: a file's items in one `compute_items` (a
    batch at once, core.method_calc), the blanks apart (computed as blanks); a batch with
    a refused item is computed again item by item, so each keeps its own result or error."""
    for as_blank in (False, True):
        group = [p for p in plans if (p.item["kind"] == "blank") == as_blank]
        if not group:
            continue
        try:
            done = compute_items(
                spec, [p.readings for p in group], blank, as_blank=as_blank,
                where=[p.label for p in group],
            )  # fmt: skip
        except LabDeskError:
            for plan in group:
                try:
                    plan.calculation = compute_item(
                        spec, plan.readings, blank, as_blank=as_blank, where=plan.label
                    )
                except LabDeskError as exc:
                    plan.error = str(exc)
            continue
        for plan, calculation in zip(group, done, strict=True):
            plan.calculation = calculation


def _judge_routine(db: Store, plan: ItemPlan) -> None:
    assert plan.calculation is not None
    item = db.query_one(
        "SELECT i.*, s.state AS sample_state, s.sample_no FROM sample_items i "
        "JOIN samples s ON s.id = i.sample_id WHERE i.id = ?",
        (int(plan.item["sample_item_id"]),),
    )
    assert item is not None
    plan.verdict = results.judge_text(dict(item), plan.calculation.text, plan.calculation.u)


def _of_mean(db: Store, plan: ItemPlan, means: Mapping[str, Decimal]) -> Decimal:
    label = str(plan.item["of_label"])
    if label in means:
        return means[label]
    original = db.query_one(
        "SELECT sample_item_id FROM run_items WHERE id = ?", (int(plan.item["of_item"]),)
    )
    assert original is not None
    current = results.current_result(db, int(original["sample_item_id"]))
    stored = _result_mean(db, None if current is None else int(current["id"]))
    if stored is None:
        raise ValidationError(
            plan.label,
            "original",
            f"{plan.label}: the sample it repeats ({label}) has no result yet — import both "
            "together（原样尚无结果）",
        )
    return stored


def _judge_qc(db: Store, plan: ItemPlan, spec: MethodSpec, means: Mapping[str, Decimal]) -> None:
    assert plan.calculation is not None
    kind, value = plan.item["kind"], plan.calculation.check.mean
    if kind == "blank":
        plan.qc = blank_check(value, spec.lod)
    elif kind == "duplicate":
        plan.qc = duplicate_check(_of_mean(db, plan, means), value, spec.max_rel_diff)
    elif kind == "spike":
        assert spec.spike_low is not None and spec.spike_high is not None
        plan.qc = spike_check(
            value, _of_mean(db, plan, means), plan.item["spike_added"], spec.spike_low,
            spec.spike_high,
        )  # fmt: skip
    else:
        material = db.query_one(
            "SELECT * FROM qc_materials WHERE id = ?", (int(plan.item["qc_material_id"]),)
        )
        assert material is not None
        if kind == "crm":
            plan.qc = reference_check(value, material["certified"], material["certified_u"])
        else:
            history = _control_history(db, int(material["id"]), int(plan.item["id"]))
            plan.qc, here = control_point(history, value, material["mean"], material["sd"])
            plan.violations = [v.rule for v in here]


def _values(spec: MethodSpec, calc: ItemCalculation) -> tuple[results.ResultValue, ...]:
    out: list[results.ResultValue] = []
    k = len(spec.inputs)
    for r, rep in enumerate(calc.replicates, start=1):
        out.append(results.ResultValue("replicate", r, format(rep.value, "f"), unit=spec.unit))
        for j, (name, value) in enumerate(rep.inputs, start=1):
            unit = spec.input(name).unit
            out.append(
                results.ResultValue("reading", (r - 1) * k + j, format(value, "f"), name, unit)
            )
        m = len(rep.intermediates)
        for j, (name, value) in enumerate(rep.intermediates, start=1):
            out.append(
                results.ResultValue("intermediate", (r - 1) * m + j, format(value, "f"), name)
            )
    return tuple(out)


@dataclass(frozen=True)
class RawFile:
    file_name: str
    content: bytes
    sha256: str
    encoding: str = ""


@retried_when_busy
def commit_readings(
    ctx: ServiceContext,
    plan: ReadingsPlan,
    *,
    reason: str = "",
    raw: RawFile | None = None,
    mapping: dict[str, Any] | None = None,
) -> list[int]:
    """Writes a checked plan, all or nothing; returns the new result ids (routine items)."""
    run = open_run_for(ctx, int(plan.run["id"]))
    if not plan.ok:
        raise ValidationError(
            "readings",
            "no_errors",
            "readings: nothing recorded — " + "; ".join(plan.problems()[:5]),
        )
    instrument = f"{run['instrument_code']} {run['instrument_name']}".strip()
    entries: list[result_bulk.ResultEntry] = []
    routine: list[ItemPlan] = []
    for item_plan in plan.items:
        if item_plan.item["kind"] != "sample":
            continue
        assert item_plan.calculation is not None
        retest = item_plan.item["current_result_id"] is not None
        entries.append(
            result_bulk.ResultEntry(
                int(item_plan.item["sample_item_id"]),
                item_plan.calculation.text,
                instrument=instrument,
                reason=reason.strip(),
                values=_values(plan.spec, item_plan.calculation),
                uncertainty=item_plan.calculation.u,
                retest=retest,
            )
        )
        routine.append(item_plan)
    try:
        checked = result_bulk.plan_bulk(ctx, entries) if entries else None
    except ValidationError as exc:
        index = exc.field.removeprefix("entries[").rstrip("]")
        label = routine[int(index)].label if index.isdigit() else exc.field
        raise ValidationError(
            label, exc.rule, f"{label}: {exc} (nothing recorded / 未记录)"
        ) from exc
    source = None
    if raw is not None:  # the results' audit entries name the file, as any import's do
        source = result_bulk.ResultSource(
            raw.file_name,
            raw.sha256,
            len(raw.content),
            raw.encoding,
            mapping=f"instrument {run['instrument_code']}",
        )
    with ctx.db.write(ctx.actor) as w:
        new_ids = (
            result_bulk.write_bulk_in(w, checked, source=source) if checked is not None else []
        )
        for item_plan, result_id in zip(routine, new_ids, strict=True):
            w.update(
                "run_items",
                int(item_plan.item["id"]),
                {"result_id": result_id, "replicate_reason": ""},
                reason=reason.strip(),
                action="record_run",
            )
        for item_plan in plan.items:
            if item_plan.item["kind"] == "sample":
                continue
            assert item_plan.calculation is not None and item_plan.qc is not None
            detail = {
                "en": item_plan.qc.detail_en,
                "zh": item_plan.qc.detail_zh,
                "criterion_en": item_plan.qc.criterion_en,
                "criterion_zh": item_plan.qc.criterion_zh,
                "rules": item_plan.violations,
                "replicates": [format(r.value, "f") for r in item_plan.calculation.replicates],
            }
            w.update(
                "run_items",
                int(item_plan.item["id"]),
                {
                    "readings": json.dumps(item_plan.readings, ensure_ascii=False),
                    "value": format(item_plan.calculation.check.mean, "f"),
                    "qc_passed": int(item_plan.qc.passed),
                    "qc_detail": json.dumps(detail, ensure_ascii=False),
                },
                reason=reason.strip(),
                action="record_run",
            )
        if raw is not None:
            w.insert(
                "run_files",
                {
                    "run_id": int(run["id"]),
                    "file_name": raw.file_name,
                    "sha256": raw.sha256,
                    "content": raw.content,
                    "encoding": raw.encoding,
                    "mapping": json.dumps(mapping or {}, ensure_ascii=False, sort_keys=True),
                    "imported_by": ctx.actor.user_id,
                    "imported_at": now_iso(),
                },
                reason=f"{raw.file_name} sha256 {raw.sha256}",
                action="import_instrument_file",
            )
        if mapping is not None:
            text = json.dumps(mapping, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            current = w.db.scalar(
                "SELECT import_mapping FROM instruments WHERE id = ?", (int(run["instrument_id"]),)
            )
            if text != current:
                w.update(
                    "instruments",
                    int(run["instrument_id"]),
                    {"import_mapping": text},
                    action="save_mapping",
                )
    return new_ids
