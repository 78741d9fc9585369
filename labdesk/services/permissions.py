"""Which role may do what — enforced here, in the service layer, never by hiding buttons.

Roles (ISO/IEC 17025 7.5.1: records show who performed and who checked):
technician registers samples and enters and submits results; reviewer reviews and
returns; manager approves, cancels, creates tasks and signs off/exports batches; admin
manages users, the standards library and the centre profile. The export outbox
folder is the manager's (who exports) as well as the admin's. One user has one role.
"""

from __future__ import annotations

from labdesk.core.errors import PermissionDenied
from labdesk.services.context import ServiceContext

PERMISSIONS: dict[str, frozenset[str]] = {
    "register_enterprise": frozenset({"technician", "manager"}),
    "create_task": frozenset({"manager", "admin"}),
    "register_sample": frozenset({"technician"}),
    "edit_sample": frozenset({"technician"}),
    "receive_sample": frozenset({"technician"}),
    "start_testing": frozenset({"technician"}),
    "enter_result": frozenset({"technician"}),
    "retest": frozenset({"technician"}),
    "submit": frozenset({"technician"}),
    "review": frozenset({"reviewer"}),
    "return": frozenset({"reviewer", "manager"}),
    "approve": frozenset({"manager"}),
    "correct_report": frozenset({"manager"}),
    "withdraw_report": frozenset({"manager"}),
    "cancel": frozenset({"manager"}),
    "export": frozenset({"manager"}),
    "manage_keys": frozenset({"manager", "admin"}),
    "configure_outbox": frozenset({"manager", "admin"}),
    "manage_users": frozenset({"admin"}),
    "import_library": frozenset({"admin"}),
    "abolish_standard": frozenset({"admin"}),
    "edit_food_templates": frozenset({"admin", "manager"}),
    # the technical manager answers for how an item is judged (factor, rounding, screening)
    "edit_library_rules": frozenset({"admin", "manager"}),
    "edit_centre": frozenset({"admin"}),
    "import_calendar": frozenset({"manager", "admin"}),
    "refresh_clocks": frozenset({"manager", "admin"}),
    "record_notification": frozenset({"manager"}),
    "register_backup": frozenset({"technician", "manager"}),
    "release_backup": frozenset({"technician", "manager"}),
    "register_case": frozenset({"manager"}),
    "record_case_result": frozenset({"manager"}),
    # Analytical runs (issue 16). ISO/IEC 17025's "technical manager" is the manager role
    # (批准人) here: it keeps methods, equipment and QC materials, authorizes people per
    # method, lets a run use an instrument past its date, and releases a run held by QC.
    "manage_methods": frozenset({"manager"}),
    "manage_instruments": frozenset({"manager", "admin"}),
    "override_instrument": frozenset({"manager"}),
    "manage_authorizations": frozenset({"manager", "admin"}),
    "manage_qc_materials": frozenset({"manager"}),
    "create_run": frozenset({"technician"}),
    "record_run": frozenset({"technician"}),
    "release_run": frozenset({"manager"}),
    "set_decision_rule": frozenset({"manager"}),
}
ACTIONS = tuple(PERMISSIONS)

ROLE_NAMES_ZH = {
    "technician": "检验员",
    "reviewer": "审核员",
    "manager": "批准人",
    "admin": "管理员",
}
ACTION_NAMES = {
    "register_enterprise": "register an enterprise",
    "create_task": "create a sampling task",
    "register_sample": "register a sample",
    "edit_sample": "edit a sampling form",
    "receive_sample": "receive a sample",
    "start_testing": "start testing",
    "enter_result": "enter results",
    "retest": "record a retest",
    "submit": "submit results for review",
    "review": "review results",
    "return": "return a sample for rework",
    "approve": "approve a sample",
    "correct_report": "open a correction of an issued report (更正)",
    "withdraw_report": "withdraw an issued report (作废)",
    "cancel": "cancel a sample",
    "export": "sign off and export batches",
    "manage_keys": "manage signing keys",
    "edit_food_templates": "edit the item templates of food classes",
    "edit_library_rules": "edit the judgement rules of library items",
    "configure_outbox": "set the export outbox folder",
    "manage_users": "manage users",
    "import_library": "import the standards library",
    "abolish_standard": "abolish a standard",
    "edit_centre": "edit the centre profile",
    "import_calendar": "import a year's working-day calendar",
    "refresh_clocks": "recompute the samples' deadlines",
    "record_notification": "record when the conclusion was received",
    "register_backup": "register a backup sample",
    "release_backup": "release a backup sample",
    "register_case": "register a re-inspection or objection",
    "record_case_result": "record a re-inspection result",
    "manage_methods": "keep test methods and their versions",
    "manage_instruments": "keep the equipment register",
    "override_instrument": "allow an instrument past its calibration date",
    "manage_authorizations": "authorize people for methods",
    "manage_qc_materials": "keep QC materials",
    "create_run": "create an analytical run",
    "record_run": "record readings and submit an analytical run",
    "release_run": "release a run held by QC",
    "set_decision_rule": "set a decision rule",
}


def can(role: str, action: str) -> bool:
    """True if `role` may perform `action` (unknown actions: KeyError — a bug)."""
    return role in PERMISSIONS[action]


def require(ctx: ServiceContext, action: str) -> None:
    """Raises PermissionDenied unless the signed-in user's role allows `action`."""
    if not can(ctx.actor.role, action):
        role = ctx.actor.role
        allowed = "/".join(sorted(PERMISSIONS[action]))
        raise PermissionDenied(
            f"{ctx.actor.username} ({ROLE_NAMES_ZH.get(role, role)}) may not "
            f"{ACTION_NAMES[action]}; only {allowed} may (无此权限)"
        )
