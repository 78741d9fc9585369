"""Analytical runs (检测批): one method version, one instrument, one technician, a set of
sample items plus QC samples, and the life of the run.

    open ──submit──▶ submitted                 every QC sample passed
      │     └──────▶ held ──release──▶ released  a QC sample failed; the technical
      └──cancel──▶ cancelled                    manager releases with a reason

Creating a run checks the people and the equipment first: the technician is authorized
for the method (`services.authorization`), and the instrument is usable that day
(`services.instruments.check_usable`: in service and every due date current, or allowed
by the technical manager with a reason, which the run keeps). The items come from those
waiting for the method (`waiting_items`); each joins at most one open run, and gets the
method's code and current version written on it (audited), so its results keep that
version. QC samples (`QcRequest`) are labelled as the instrument file will name them:
BLK1, DUP1, SPK1, CRM1, QC1 …

Readings and calculation are `services.run_record`; the instrument file is
`services.instrument_import`. Submitting checks that every routine item has a result and
that out-of-tolerance replicates were retested or given a reason, judges nothing itself
(the QC verdicts were made when the readings came in), submits each sample whose items
are now all done (`workflow.submit_in`), and holds the run — and so the samples' review
(`lab_guards.check_review`) — when a QC sample failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from labdesk.core.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from labdesk.core.formula import parse_value
from labdesk.core.method_calc import MethodSpec
from labdesk.core.replicates import ReplicateCheck, check_replicates
from labdesk.services import methods, results, workflow
from labdesk.services.authorization import require_authorized
from labdesk.services.busy import retried_when_busy
from labdesk.services.context import ServiceContext
from labdesk.services.instruments import check_usable
from labdesk.services.permissions import require
from labdesk.services.samples import now_iso
from labdesk.store.protocol import Store
from labdesk.store.schema import live_item

QC_PREFIX = {"blank": "BLK", "duplicate": "DUP", "spike": "SPK", "crm": "CRM", "control": "QC"}
WAITING_STATES = ("received", "testing", "returned")


@dataclass(frozen=True)
class QcRequest:
    """A QC sample for a run. `of_label` names the routine sample (its sample number) a
    duplicate or spike repeats; `material` the QC material code of a CRM or control;
    `spike_added` the amount added, in result units."""

    kind: str
    of_label: str | None = None
    material: str | None = None
    spike_added: str | None = None
    label: str | None = None


def waiting_items(db: Store, method_code: str, limit: int = 2000) -> list[dict[str, Any]]:
    """Sample items waiting for the method: no current result, not in an open run, the
    sample received or testing; by sample number."""
    method = methods.current_version(db, method_code)
    marks = ", ".join("?" * len(WAITING_STATES))
    rows = db.query(
        "SELECT si.id, si.sample_id, s.sample_no, s.sample_name, si.name, si.code, si.unit, "
        "si.limit_text, si.test_method, si.method_code, s.state FROM sample_items si "
        "JOIN samples s ON s.id = si.sample_id "
        f"WHERE s.state IN ({marks}) AND {live_item('si')} "
        "AND (si.method_code = ? OR (si.method_code = '' AND si.code = ? "
        "     AND (? = '' OR si.test_method = ?))) "
        "AND NOT EXISTS (SELECT 1 FROM results r WHERE r.sample_item_id = si.id "
        "                AND r.superseded_by IS NULL) "
        "AND NOT EXISTS (SELECT 1 FROM run_items ri JOIN runs ru ON ru.id = ri.run_id "
        "                WHERE ri.sample_item_id = si.id AND ru.state = 'open') "
        "ORDER BY s.sample_no, si.seq LIMIT ?",
        [
            *WAITING_STATES,
            method["code"],
            method["item_code"],
            method["test_method"],
            method["test_method"],
            limit,
        ],
    )
    return [dict(r) for r in rows]


def _next_run_no(db: Store, day: date) -> str:
    prefix = f"R{day:%Y%m%d}-"
    count = db.scalar(
        "SELECT count(*) FROM runs WHERE run_no >= ? AND run_no < ?", (prefix, prefix + ":")
    )
    return f"{prefix}{int(count or 0) + 1:03d}"


@retried_when_busy
def create_run(
    ctx: ServiceContext,
    method_code: str,
    instrument_id: int,
    sample_item_ids: Sequence[int],
    qc: Sequence[QcRequest] = (),
    *,
    on: date | None = None,
) -> int:
    """Creates an open run of the signed-in technician; returns its id."""
    require(ctx, "create_run")
    db = ctx.db
    day = on or date.today()
    method = methods.current_version(db, method_code)
    require_authorized(db, ctx.actor, method["code"], "test")
    override, override_by = check_usable(db, instrument_id, day)
    ids = list(dict.fromkeys(sample_item_ids))
    if not ids:
        raise ValidationError("items", "required", "items: choose the sample items of the run")
    waiting = {int(r["id"]): r for r in waiting_items(db, method["code"], limit=100_000)}
    items = []
    for item_id in ids:
        row = waiting.get(int(item_id))
        if row is None:
            raise ValidationError(
                "items",
                "waiting",
                f"items: #{item_id} is not waiting for {method['code']} (no result yet, "
                "received, not in another open run)（该项目不在待检列表中）",
            )
        items.append(row)
    labels = [str(r["sample_no"]) for r in items]
    if len(set(labels)) != len(labels):
        raise ValidationError("items", "one_per_sample", "items: one item per sample in a run")
    plans = _qc_rows(db, method, labels, qc, start=len(items) + 1)
    now = now_iso()
    with db.write(ctx.actor) as w:
        run_id = w.insert(
            "runs",
            {
                "run_no": _next_run_no(db, day),
                "method_version_id": method["version_id"],
                "instrument_id": instrument_id,
                "technician_id": ctx.actor.user_id,
                "instrument_override": override,
                "override_by": override_by,
                "created_at": now,
            },
            reason=override,
            action="create_run",
        )
        for position, row in enumerate(items, start=1):
            w.insert(
                "run_items",
                {
                    "run_id": run_id,
                    "position": position,
                    "kind": "sample",
                    "label": str(row["sample_no"]),
                    "sample_item_id": int(row["id"]),
                },
                action="create_run",
            )
            w.update(
                "sample_items",
                int(row["id"]),
                {"method_code": method["code"], "method_version": int(method["version"])},
                action="assign_method",
            )
        _insert_qc(w, run_id, plans)
    return run_id


def _qc_rows(
    db: Store,
    method: dict[str, Any],
    labels: Sequence[str],
    requests: Sequence[QcRequest],
    *,
    start: int,
    taken: Sequence[str] = (),
) -> list[dict[str, Any]]:
    used = set(labels) | set(taken)
    counters: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    spec = methods.spec_of(method)
    for index, request in enumerate(requests):
        where = f"qc[{index}]"
        if request.kind not in QC_PREFIX:
            raise ValidationError(where, "kind", f"{where}: {request.kind!r} is not a QC kind")
        label = (request.label or "").strip()
        if not label:
            prefix = QC_PREFIX[request.kind]
            n = counters.get(prefix, 0)
            while True:
                n += 1
                label = f"{prefix}{n}"
                if label not in used:
                    break
            counters[prefix] = n
        if label in used:
            raise ValidationError(where, "unique", f"{where}: label {label} is already in the run")
        used.add(label)
        row: dict[str, Any] = {"kind": request.kind, "label": label}
        if request.kind in ("duplicate", "spike"):
            if not request.of_label or request.of_label not in labels:
                raise ValidationError(
                    where,
                    "of_label",
                    f"{where}: a {request.kind} names the routine sample of the run it repeats",
                )
            row["of_label"] = request.of_label
        if request.kind == "duplicate" and spec.max_rel_diff is None:
            raise ValidationError(
                where, "max_rel_diff", f"{where}: the method states no permitted difference"
            )
        if request.kind == "spike":
            if spec.spike_low is None:
                raise ValidationError(
                    where, "spike_range", f"{where}: the method states no recovery range"
                )
            added = parse_value((request.spike_added or "").strip() or "0", "spike_added")
            if added <= 0:
                raise ValidationError(
                    where, "spike_added", f"{where}: the amount added must be above 0（加标量）"
                )
            row["spike_added"] = format(added, "f")
        if request.kind == "blank" and not spec.lod:
            raise ValidationError(where, "lod", f"{where}: the method states no LOD for a blank")
        if request.kind in ("crm", "control"):
            material = methods.qc_material(db, (request.material or "").strip())
            if material["method_code"] != method["code"]:
                raise ValidationError(
                    where,
                    "material",
                    f"{where}: {material['code']} is a material of {material['method_code']}",
                )
            if request.kind == "control" and not material["sd"]:
                raise ValidationError(where, "material", f"{where}: the material has no SD")
            if request.kind == "crm" and not material["certified"]:
                raise ValidationError(where, "material", f"{where}: not a certified material")
            row["qc_material_id"] = int(material["id"])
        row["position"] = start + len(rows)
        rows.append(row)
    return rows


def _insert_qc(w: Any, run_id: int, rows: Sequence[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for row in rows:
        of_label = row.pop("of_label", None)
        if of_label is not None:
            of = w.db.scalar(
                "SELECT id FROM run_items WHERE run_id = ? AND label = ?", (run_id, of_label)
            )
            row["of_item"] = int(of)
        ids.append(w.insert("run_items", {"run_id": run_id, **row}, action="add_qc"))
    return ids


@retried_when_busy
def add_qc(ctx: ServiceContext, run_id: int, requests: Sequence[QcRequest]) -> list[int]:
    """Adds QC samples to an open run of the technician's; returns their run item ids."""
    require(ctx, "record_run")
    run = _open_run(ctx, run_id)
    method = methods.version(ctx.db, int(run["method_version_id"]))
    existing = run_items(ctx.db, run_id)
    labels = [str(i["label"]) for i in existing if i["kind"] == "sample"]
    taken = [str(i["label"]) for i in existing]
    start = max((int(i["position"]) for i in existing), default=0) + 1
    rows = _qc_rows(ctx.db, method, labels, requests, start=start, taken=taken)
    with ctx.db.write(ctx.actor) as w:
        return _insert_qc(w, run_id, rows)


def get_run(db: Store, run_id: int) -> dict[str, Any]:
    row = db.query_one(
        "SELECT r.*, u.username AS technician, u.display_name AS technician_name, "
        "i.code AS instrument_code, i.name AS instrument_name, v.version AS method_version, "
        "m.code AS method_code, m.name AS method_name, o.username AS override_username, "
        "rb.username AS released_username FROM runs r "
        "JOIN users u ON u.id = r.technician_id JOIN instruments i ON i.id = r.instrument_id "
        "JOIN method_versions v ON v.id = r.method_version_id JOIN methods m ON m.id = v.method_id "
        "LEFT JOIN users o ON o.id = r.override_by LEFT JOIN users rb ON rb.id = r.released_by "
        "WHERE r.id = ?",
        (run_id,),
    )
    if row is None:
        raise NotFound(f"run #{run_id} does not exist (检测批不存在)")
    return dict(row)


def run_items(db: Store, run_id: int) -> list[dict[str, Any]]:
    """The run's items in position order, with the sample item and its current result."""
    rows = db.query(
        "SELECT ri.*, si.sample_id, si.name AS item_name, si.unit, si.limit_text, "
        "s.sample_no, s.state AS sample_state, q.code AS material_code, q.name AS material_name, "
        "o.label AS of_label, cr.id AS current_result_id, cr.text AS result_text, "
        "cr.verdict, cr.display, cr.explanation_zh, cr.explanation_en, cr.attempt "
        "FROM run_items ri LEFT JOIN sample_items si ON si.id = ri.sample_item_id "
        "LEFT JOIN samples s ON s.id = si.sample_id "
        "LEFT JOIN qc_materials q ON q.id = ri.qc_material_id "
        "LEFT JOIN run_items o ON o.id = ri.of_item "
        "LEFT JOIN results cr ON cr.sample_item_id = ri.sample_item_id "
        "AND cr.superseded_by IS NULL "
        "WHERE ri.run_id = ? ORDER BY ri.position",
        (run_id,),
    )
    return [dict(r) for r in rows]


def list_runs(db: Store, states: Sequence[str] = (), limit: int = 500) -> list[dict[str, Any]]:
    where = f"WHERE r.state IN ({', '.join('?' * len(states))})" if states else ""
    rows = db.query(
        "SELECT r.id, r.run_no, r.state, r.qc_passed, r.created_at, m.code AS method_code, "
        "v.version AS method_version, i.code AS instrument_code, u.username AS technician, "
        "(SELECT count(*) FROM run_items ri WHERE ri.run_id = r.id AND ri.kind = 'sample') "
        "AS samples, (SELECT count(*) FROM run_items ri WHERE ri.run_id = r.id "
        "AND ri.kind != 'sample') AS qc_samples FROM runs r "
        "JOIN method_versions v ON v.id = r.method_version_id JOIN methods m ON m.id = v.method_id "
        "JOIN instruments i ON i.id = r.instrument_id JOIN users u ON u.id = r.technician_id "
        f"{where} ORDER BY r.id DESC LIMIT ?",
        [*states, limit],
    )
    return [dict(r) for r in rows]


def _open_run(ctx: ServiceContext, run_id: int) -> dict[str, Any]:
    run = get_run(ctx.db, run_id)
    if run["state"] != "open":
        raise WorkflowError(f"run {run['run_no']} is {run['state']}, not open (检测批已提交)")
    if int(run["technician_id"]) != ctx.actor.user_id:
        raise PermissionDenied(
            f"run {run['run_no']} is {run['technician']}'s: only its technician records it "
            "(只有本批检验员可以操作)"
        )
    return run


def open_run_for(ctx: ServiceContext, run_id: int) -> dict[str, Any]:
    """The run, if it is open and the signed-in user's (else the refusal)."""
    require(ctx, "record_run")
    return _open_run(ctx, run_id)


@retried_when_busy
def accept_replicates(ctx: ServiceContext, run_item_id: int, reason: str) -> None:
    """Accepts out-of-tolerance parallel determinations of one item, with a reason."""
    require(ctx, "record_run")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required to accept replicates outside the limit"
        )
    row = ctx.db.query_one("SELECT run_id, kind FROM run_items WHERE id = ?", (run_item_id,))
    if row is None:
        raise NotFound(f"run item #{run_item_id} does not exist")
    _open_run(ctx, int(row["run_id"]))
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "run_items",
            run_item_id,
            {"replicate_reason": why},
            reason=why,
            action="accept_replicates",
        )


@dataclass(frozen=True)
class SubmitOutcome:
    state: str  # 'submitted' or 'held'
    failed_qc: tuple[str, ...]  # labels of the QC samples that failed
    samples_submitted: tuple[str, ...]


@retried_when_busy
def submit_run(ctx: ServiceContext, run_id: int) -> SubmitOutcome:
    """Submits an open run: results complete, replicates in tolerance or reasoned, QC
    judged. A failed QC holds the run; complete samples are submitted for review."""
    require(ctx, "record_run")
    run = _open_run(ctx, run_id)
    items = run_items(ctx.db, run_id)
    routine = [i for i in items if i["kind"] == "sample"]
    missing = [str(i["label"]) for i in routine if i["current_result_id"] is None]
    if missing:
        raise ValidationError(
            "results", "complete", f"results: no result yet for {'、'.join(missing)} (尚无结果)"
        )
    problems = replicate_problems(ctx.db, run, items)
    if problems:
        raise ValidationError("replicates", "within", "; ".join(problems))
    qc = [i for i in items if i["kind"] != "sample"]
    unjudged = [str(i["label"]) for i in qc if i["qc_passed"] is None]
    if unjudged:
        raise ValidationError(
            "qc", "judged", f"qc: no readings yet for {'、'.join(unjudged)} (质控样尚无读数)"
        )
    failed = tuple(str(i["label"]) for i in qc if not i["qc_passed"])
    state = "held" if failed else "submitted"
    sample_ids = sorted({int(i["sample_id"]) for i in routine})
    complete = [
        sid
        for sid in sample_ids
        if ctx.db.scalar("SELECT state FROM samples WHERE id = ?", (sid,)) == "testing"
        and not workflow.missing_results(ctx.db, sid)
    ]
    with ctx.db.write(ctx.actor) as w:
        for item in routine:
            if item["result_id"] != item["current_result_id"]:
                w.update(
                    "run_items",
                    int(item["id"]),
                    {"result_id": item["current_result_id"]},
                    action="submit_run",
                )
        w.update(
            "runs",
            run_id,
            {"state": state, "qc_passed": int(not failed), "submitted_at": now_iso()},
            reason="QC failed: " + ", ".join(failed) if failed else "",
            action="submit_run",
        )
        for sid in complete:
            workflow.submit_in(w, sid)
    numbers = tuple(
        str(ctx.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (sid,))) for sid in complete
    )
    return SubmitOutcome(state, failed, numbers)


@retried_when_busy
def release_run(ctx: ServiceContext, run_id: int, reason: str) -> None:
    """The technical manager releases a run held by QC, with a reason (kept, audited)."""
    require(ctx, "release_run")
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            "reason", "required", "reason: required to release a held run (放行须填写原因)"
        )
    run = get_run(ctx.db, run_id)
    if run["state"] != "held":
        raise WorkflowError(f"run {run['run_no']} is {run['state']}, not held by QC")
    with ctx.db.write(ctx.actor) as w:
        w.update(
            "runs",
            run_id,
            {"state": "released", "release_reason": why, "released_by": ctx.actor.user_id},
            reason=why,
            action="release_run",
        )


@retried_when_busy
def cancel_run(ctx: ServiceContext, run_id: int, reason: str) -> None:
    """Cancels an open run (its items wait again; results already recorded stay)."""
    require(ctx, "record_run")
    why = (reason or "").strip()
    if not why:
        raise ValidationError("reason", "required", "reason: required to cancel a run")
    _open_run(ctx, run_id)
    with ctx.db.write(ctx.actor) as w:
        w.update("runs", run_id, {"state": "cancelled"}, reason=why, action="cancel_run")


def runs_of_sample(db: Store, sample_id: int) -> list[dict[str, Any]]:
    """The runs that measured items of a sample (for the reviewer)."""
    rows = db.query(
        "SELECT DISTINCT r.id, r.run_no, r.state, r.qc_passed, ri.sample_item_id "
        "FROM runs r JOIN run_items ri ON ri.run_id = r.id JOIN sample_items si "
        "ON si.id = ri.sample_item_id WHERE si.sample_id = ? AND r.state != 'cancelled' "
        "ORDER BY r.id",
        (sample_id,),
    )
    return [dict(r) for r in rows]


def replicate_problems(
    db: Store, run: dict[str, Any], items: Sequence[dict[str, Any]]
) -> list[str]:
    """Routine items whose current result's determinations are outside the permitted
    difference and that have neither a retest nor a reason."""
    spec = methods.spec_of(methods.version(db, int(run["method_version_id"])))
    out: list[str] = []
    for item in items:
        if item["kind"] != "sample" or item["current_result_id"] is None:
            continue
        check = replicate_check_of(db, spec, int(item["current_result_id"]))
        if check is not None and not check.within and not item["replicate_reason"]:
            out.append(
                f"{item['label']}: parallel determinations outside the permitted difference "
                f"({check.explanation_en()}) — retest or give a reason"
                "（平行测定超差，请复测或说明原因）"
            )
    return out


def replicate_check_of(db: Store, spec: MethodSpec, result_id: int) -> ReplicateCheck | None:
    """The replicate check of a result computed from determinations (None: none stored)."""
    reps = [
        Decimal(str(r["text"]))  # written by run_record from a computed Decimal
        for r in results.result_values(db, result_id)
        if r["kind"] == "replicate"
    ]
    if len(reps) < 2 or spec.max_rel_diff is None:
        return None
    return check_replicates(reps, spec.max_rel_diff)
