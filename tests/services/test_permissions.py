"""Every (role, action) pair: allowed roles succeed, the others are refused and change nothing."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import date

import pytest

from labdesk.core.errors import PermissionDenied
from labdesk.core.standards import ProductCategory, Standard, StandardsLibrary, TestItemDef
from labdesk.services import (
    auth,
    backups,
    calendar_import,
    cases,
    clocks,
    enterprises,
    food_library,
    library,
    library_rules,
    permissions,
    report_issues,
    results,
    samples,
    tasks,
    workflow,
)
from labdesk.services.context import ServiceContext
from labdesk.services.permissions import ACTIONS, PERMISSIONS, can
from labdesk.store.schema import ROLES
from tests.services.clockkit import failed_sample
from tests.services.lab_attempts import LAB_ATTEMPTS
from tests.services.recordkit import (
    OTHER_USCC,
    PASSWORD,
    World,
    item_ids,
    sample_form,
    sample_in_state,
    snapshot,
)

Attempt = Callable[[World], Callable[[ServiceContext], object]]


def _tiny_library() -> StandardsLibrary:
    std = Standard("GB 1", "2020", "t", None, None)
    cat = ProductCategory("X", "某品", "x", "GB 1")
    item = TestItemDef(
        "X", "A", "甲", "a", "mg/kg", "≤1", "full", None, None, None, None, "", std.key
    )
    return StandardsLibrary([std], [cat], [item])


def _batch() -> workflow.ExportBatch:
    content = b"signed batch bytes"
    return workflow.ExportBatch(
        1, str(uuid.uuid4()), "T-1.labbatch", hashlib.sha256(content).hexdigest(), content
    )


def _with_sample(state: str, act: Callable[[ServiceContext, int, World], object]) -> Attempt:
    def prepare(world: World) -> Callable[[ServiceContext], object]:
        sample_id = sample_in_state(world, state)
        return lambda ctx: act(ctx, sample_id, world)

    return prepare


def _plain(act: Callable[[ServiceContext], object]) -> Attempt:
    return lambda world: act


def _ready_to_submit(world: World) -> Callable[[ServiceContext], object]:
    sample_id = sample_in_state(world, "testing")
    for item_id in item_ids(world, sample_id):
        results.enter_result(world.tech, item_id, "0.001")
    return lambda ctx: workflow.submit(ctx, sample_id)


ATTEMPTS: dict[str, Attempt] = {
    "register_enterprise": _plain(
        lambda ctx: enterprises.register_enterprise(
            ctx, enterprises.EnterpriseForm(OTHER_USCC, "芜湖某公司")
        )
    ),
    "create_task": _plain(
        lambda ctx: tasks.create_task(ctx, tasks.TaskForm("T-NEW", "某局", "专项"))
    ),
    "register_sample": _plain(
        lambda ctx: samples.register_sample(ctx, sample_form(sample_no="P-1"))
    ),
    "edit_sample": _with_sample(
        "registered", lambda ctx, s, w: samples.update_sample(ctx, s, {"brand": "b"})
    ),
    "receive_sample": _with_sample("registered", lambda ctx, s, w: samples.receive_sample(ctx, s)),
    "start_testing": _with_sample("received", lambda ctx, s, w: samples.start_testing(ctx, s)),
    "enter_result": _with_sample(
        "testing", lambda ctx, s, w: results.enter_result(ctx, item_ids(w, s)[0], "0.01")
    ),
    "retest": _with_sample(
        "submitted", lambda ctx, s, w: results.retest(ctx, item_ids(w, s)[0], "0.01", "retest")
    ),
    "submit": lambda world: _ready_to_submit(world),
    "review": _with_sample("submitted", lambda ctx, s, w: workflow.review(ctx, s)),
    "return": _with_sample("submitted", lambda ctx, s, w: workflow.return_sample(ctx, s, "check")),
    "approve": _with_sample("reviewed", lambda ctx, s, w: workflow.approve(ctx, s)),
    "correct_report": _with_sample(
        "approved", lambda ctx, s, w: report_issues.open_correction(ctx, s, "typo in the name")
    ),
    "withdraw_report": _with_sample(
        "approved", lambda ctx, s, w: report_issues.withdraw(ctx, s, "issued in error")
    ),
    "cancel": _with_sample("registered", lambda ctx, s, w: samples.cancel_sample(ctx, s, "closed")),
    "export": _with_sample(
        "approved", lambda ctx, s, w: workflow.record_export(ctx, _batch(), [s])
    ),
    # keys.py (another module) guards key management with require(ctx, "manage_keys").
    "manage_keys": _plain(lambda ctx: permissions.require(ctx, "manage_keys")),
    "manage_users": _plain(lambda ctx: auth.add_user(ctx, "newbie", "N", "technician", PASSWORD)),
    "import_library": _plain(lambda ctx: library.import_library(ctx, _tiny_library())),
    "edit_centre": _plain(lambda ctx: auth.update_centre(ctx, outbox_dir="/outbox")),
    "configure_outbox": _plain(lambda ctx: auth.set_outbox_dir(ctx, "/media/usb/outbox")),
    "edit_food_templates": _plain(
        lambda ctx: food_library.set_template(
            ctx, "F0102", [{"standard_no": "GB 2762", "item_code": "PB"}]
        )
    ),
    "edit_library_rules": _plain(
        lambda ctx: library_rules.set_library_rule(
            ctx,
            int(
                ctx.db.scalar(
                    "SELECT id FROM lib_versions WHERE active = 1 AND standard_no = 'GB 2762' "
                    "AND standard_year = '2022'"
                )
            ),
            "PB",
            factor="1",
            rounding="gb8170",
            screening=False,
            reason="method reports the limited form",
        )
    ),
    "abolish_standard": _plain(
        lambda ctx: library.abolish_standard(ctx, "GB 2762", "2022", date(2026, 1, 1), "replaced")
    ),
    **LAB_ATTEMPTS,  # methods, instruments, authorizations, runs (tests/services/lab_attempts.py)
}


CALENDAR_2027 = "year,2027\ndate,kind,name\n2027-01-01,holiday,元旦\n".encode()


def _backup(ctx: ServiceContext, sample_id: int, seal: str = "F-1") -> int:
    return backups.register_backup(
        ctx, backups.BackupForm(sample_id, "留样室 A-1", seal, "1", "kg")
    )


def _release(world: World) -> Callable[[ServiceContext], object]:
    # A kept backup sample of a failed, approved sample with an open re-inspection case.
    sample_id = failed_sample(world)
    backup_id = _backup(world.manager, sample_id)
    cases.open_case(
        world.manager,
        cases.CaseForm(sample_id, "reinspection", "某企业", date.today(), received_on=date.today()),
    )
    return lambda ctx: backups.request_release(ctx, backup_id, "reinspection")


def _case_result(world: World) -> Callable[[ServiceContext], object]:
    sample_id = sample_in_state(world, "approved")
    case_id = cases.open_case(
        world.manager,
        cases.CaseForm(
            sample_id, "objection", "某企业", date.today(), about="result", received_on=date.today()
        ),
    )
    return lambda ctx: cases.record_outcome(
        ctx, case_id, lab="", result="异议不成立", outcome="upheld"
    )


ATTEMPTS.update(
    {
        "import_calendar": _plain(lambda ctx: calendar_import.import_calendar(ctx, CALENDAR_2027)),
        "refresh_clocks": _plain(lambda ctx: clocks.refresh_all(ctx)),
        "record_notification": _with_sample(
            "approved", lambda ctx, s, w: clocks.record_notification(ctx, s, date.today())
        ),
        "register_backup": _with_sample("received", lambda ctx, s, w: _backup(ctx, s)),
        "release_backup": _release,
        "register_case": _with_sample(
            "approved",
            lambda ctx, s, w: cases.open_case(
                ctx, cases.CaseForm(s, "objection", "某企业", date.today(), about="result")
            ),
        ),
        "record_case_result": _case_result,
    }
)


def test_every_action_has_an_attempt() -> None:
    assert set(ATTEMPTS) == set(ACTIONS)
    assert all(PERMISSIONS[a] <= set(ROLES) and PERMISSIONS[a] for a in ACTIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_action(world: World, role: str, action: str) -> None:
    attempt = ATTEMPTS[action](world)
    ctx = world.ctx(role)
    if can(role, action):
        attempt(ctx)
    else:
        before = snapshot(world.db)
        with pytest.raises(PermissionDenied) as caught:
            attempt(ctx)
        assert ctx.actor.username in str(caught.value)
        assert snapshot(world.db) == before


def test_the_roles_follow_the_issue() -> None:
    assert {a for a in ACTIONS if can("technician", a)} >= {
        "register_sample",
        "enter_result",
        "submit",
    }
    assert {a for a in ACTIONS if can("reviewer", a)} == {"review", "return"}
    assert {"approve", "export", "configure_outbox"} <= {a for a in ACTIONS if can("manager", a)}
    assert {"manage_users", "import_library", "edit_centre"} <= {
        a for a in ACTIONS if can("admin", a)
    }
    assert not can("admin", "approve") and not can("technician", "review")


def test_reviewers_never_review_their_own_entries(world: World) -> None:
    sample_id = sample_in_state(world, "submitted")
    auth.set_user_role(world.admin, world.tech.actor.user_id or 0, "reviewer", "rotation")
    promoted = auth.sign_in(world.db, "tech", PASSWORD)
    before = snapshot(world.db)
    with pytest.raises(PermissionDenied, match="second person"):
        workflow.review(promoted, sample_id)
    assert snapshot(world.db) == before
    workflow.review(world.reviewer, sample_id)


def test_managers_never_approve_their_own_entries(world: World) -> None:
    sample_id = sample_in_state(world, "reviewed")
    auth.set_user_role(world.admin, world.tech.actor.user_id or 0, "manager", "promotion")
    promoted = auth.sign_in(world.db, "tech", PASSWORD)
    before = snapshot(world.db)
    with pytest.raises(PermissionDenied, match="second person"):
        workflow.approve(promoted, sample_id)
    assert snapshot(world.db) == before
    workflow.approve(world.manager, sample_id)
