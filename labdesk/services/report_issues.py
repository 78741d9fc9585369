"""Issues of a sample's test report (检验报告): the `reports` table (schema 4).

Approval issues the report: the first approval writes version 1 (kind `original`); a
sample approved again after a correction writes the next version (kind `correction`,
更正) and marks the one it replaces `superseded` — the old row, and the PDF bytes kept
on it, are never changed otherwise. Nothing is deleted: a withdrawal (作废) is a state.
Every write goes through the audited writer, inside the approving transaction.
"""

from __future__ import annotations

from typing import Any

from labdesk.store.audit import Writer
from labdesk.store.protocol import Store


def current_report(db: Store, sample_id: int) -> dict[str, Any] | None:
    """The sample's report in force (state `current`), or None before approval."""
    row = db.query_one(
        "SELECT * FROM reports WHERE sample_id = ? AND state = 'current' "
        "ORDER BY version DESC LIMIT 1",
        (sample_id,),
    )
    return None if row is None else dict(row)


def report_history(db: Store, sample_id: int) -> list[dict[str, Any]]:
    """Every issue of the sample's report, oldest first."""
    rows = db.query("SELECT * FROM reports WHERE sample_id = ? ORDER BY version", (sample_id,))
    return [dict(r) for r in rows]


def issue_in(
    w: Writer, sample_id: int, report_no: str, *, reason: str = "", report_class: str = ""
) -> int:
    """Writes the next issue of the sample's report; returns its id.

    The first issue is the original; any later one is a correction of the current issue,
    which becomes superseded (a withdrawn report is not corrected: it stays withdrawn and
    the new issue supersedes nothing). `report_class` is the approver's 报告类别.
    """
    last = w.db.query_one(
        "SELECT id, version, state FROM reports WHERE sample_id = ? ORDER BY version DESC LIMIT 1",
        (sample_id,),
    )
    values: dict[str, Any] = {
        "sample_id": sample_id,
        "report_no": report_no,
        "issued_by": w.actor.user_id,
        "issued_at": w.at_utc,
        "reason": reason,
        "report_class": report_class,
    }
    if last is None:
        values.update(version=1, kind="original")
        return w.insert("reports", values, reason=reason, action="issue_report")
    values.update(version=int(last["version"]) + 1, kind="correction")
    if last["state"] == "current":
        w.update(
            "reports",
            int(last["id"]),
            {"state": "superseded"},
            reason=reason,
            action="supersede_report",
        )
        values["supersedes"] = int(last["id"])
    return w.insert("reports", values, reason=reason, action="correct_report")
