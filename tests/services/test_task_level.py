"""A task's organising level (the province counts its three-level rates by it)."""

from __future__ import annotations

import pytest

from labdesk.core.errors import ValidationError
from labdesk.services.audit import verify_audit
from labdesk.services.tasks import TaskForm, create_task, get_task
from tests.services.recordkit import World


def test_level_is_stored_and_audited(world: World) -> None:
    task_id = create_task(world.manager, TaskForm("RW-L1", "安徽省市场监督管理局", "监督抽检",
                                                  org_level="省级"))  # fmt: skip
    assert get_task(world.db, task_id)["org_level"] == "省级"
    untold = create_task(world.manager, TaskForm("RW-L2", "某县局", "监督抽检"))
    assert get_task(world.db, untold)["org_level"] == ""
    assert verify_audit(world.db).ok


def test_an_unknown_level_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        create_task(world.manager, TaskForm("RW-L3", "某县局", "监督抽检", org_level="乡级"))
    assert info.value.field == "org_level" and "县级" in str(info.value)
