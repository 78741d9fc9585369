"""Approval issues the report: version 1, then corrections that supersede (schema 4)."""

from __future__ import annotations

from labdesk.services import report_issues, workflow
from labdesk.services.audit import verify_audit
from tests.services.recordkit import World, sample_in_state


def test_approval_issues_version_1_and_a_second_issue_supersedes_it(world: World) -> None:
    sample_id = sample_in_state(world, "approved")
    first = report_issues.current_report(world.db, sample_id)
    assert first is not None
    assert (first["version"], first["kind"], first["state"]) == (1, "original", "current")
    no = world.db.scalar("SELECT report_no FROM samples WHERE id = ?", (sample_id,))
    assert first["report_no"] == no

    with world.db.write(world.manager.actor) as w:
        report_issues.issue_in(w, sample_id, no, reason="更正：样品名称笔误")
    history = report_issues.report_history(world.db, sample_id)
    assert [(r["version"], r["kind"], r["state"]) for r in history] == [
        (1, "original", "superseded"),
        (2, "correction", "current"),
    ]
    assert history[1]["supersedes"] == history[0]["id"]
    assert history[1]["reason"] == "更正：样品名称笔误"
    assert verify_audit(world.db).ok


def test_no_report_before_approval(world: World) -> None:
    sample_id = sample_in_state(world, "reviewed")
    assert report_issues.current_report(world.db, sample_id) is None
    workflow.approve(world.manager, sample_id)
    assert report_issues.current_report(world.db, sample_id) is not None
