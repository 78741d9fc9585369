"""The laboratory's rules that result entry, review and approval call before writing.

One place, so the results and workflow services each make one call (and import nothing
of the runs): ISO/IEC 17025 6.2 (only an authorized person records results for a method
and signs reports measured by it) and 7.7 (a run whose QC failed holds its results from
review until the technical manager releases them).

Items without a method (`sample_items.method_code` empty: typed results, as before runs
existed) are not restricted: only an item that joined a run has a method, and only such
items are in runs. (So the guards also pass on a database older than the runs schema,
whose items have no method column, as the migration tests run the services on one.)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from labdesk.core.decision import expanded_u
from labdesk.core.errors import LabDeskError, PermissionDenied, WorkflowError
from labdesk.core.formula import parse_value
from labdesk.services import methods
from labdesk.services.authorization import require_authorized
from labdesk.store.audit import Actor
from labdesk.store.protocol import Store


def _get(item: Any, key: str) -> Any:
    try:
        return item[key]
    except (KeyError, IndexError):
        return None


def check_entry(db: Store, actor: Actor, item: Any) -> None:
    """Before a result is recorded for `item` (a sample_items row)."""
    if _get(item, "withdrawn_at") is not None:
        raise WorkflowError(
            f"item {item['name']} was removed from the sample ({_get(item, 'withdrawn_reason')}): "
            "no result can be recorded for it (该项目已删除)"
        )
    method_code = _get(item, "method_code")
    if not method_code:
        return
    require_authorized(db, actor, str(method_code), "test")
    run = db.query_one(
        "SELECT r.run_no, r.technician_id, u.username FROM run_items ri "
        "JOIN runs r ON r.id = ri.run_id JOIN users u ON u.id = r.technician_id "
        "WHERE ri.sample_item_id = ? AND r.state = 'open'",
        (int(item["id"]),),
    )
    if run is not None and actor.user_id is not None and int(run["technician_id"]) != actor.user_id:
        raise PermissionDenied(
            f"item {item['name']} is in run {run['run_no']}, which {run['username']} is "
            f"testing: only the run's technician records its results (该检测批由 "
            f"{run['username']} 检测)"
        )


def uncertainty_of(db: Store, item: Any, text: str) -> Decimal | None:
    """The expanded U of the result `text` of `item` by the method version it was measured
    by — what a guard-band decision rule judges it with again (as the run computed it:
    from the reported value). None without a method, a stated U or a number."""
    code, number = _get(item, "method_code"), _get(item, "method_version")
    if not code or not number:
        return None
    try:
        value = parse_value(text, "result")
    except LabDeskError:
        return None
    version = methods.version_by_number(db, str(code), int(number))
    return expanded_u(methods.spec_of(version).uncertainty, value)


def _methods_of(db: Store, sample_id: int) -> list[str]:
    rows = db.query("SELECT * FROM sample_items WHERE sample_id = ?", (sample_id,))
    columns = list(rows[0].keys()) if rows else []  # a sqlite3.Row's `in` tests values
    if "method_code" not in columns:
        return []
    return sorted({str(r["method_code"]) for r in rows if r["method_code"]})


def held_runs(db: Store, sample_id: int) -> list[str]:
    """Numbers of the runs holding results of the sample (QC failed, not released)."""
    if not _methods_of(db, sample_id):
        return []
    rows = db.query(
        "SELECT DISTINCT r.run_no FROM runs r JOIN run_items ri ON ri.run_id = r.id "
        "JOIN sample_items si ON si.id = ri.sample_item_id "
        "WHERE si.sample_id = ? AND r.state = 'held' ORDER BY r.run_no",
        (sample_id,),
    )
    return [str(r[0]) for r in rows]


def check_review(db: Store, sample_id: int) -> None:
    """Before a sample is reviewed: no result of it is held by a failed QC."""
    held = held_runs(db, sample_id)
    if held:
        raise WorkflowError(
            f"results of this sample are held by the failed QC of run {', '.join(held)}: "
            "the technical manager must release the run first (质控不合格，结果暂停审核)"
        )


def check_signatory(db: Store, actor: Actor, sample_id: int) -> None:
    """Before a sample is approved: the approver signs for every method of its items."""
    for method_code in _methods_of(db, sample_id):
        require_authorized(db, actor, method_code, "sign")
    check_review(db, sample_id)
