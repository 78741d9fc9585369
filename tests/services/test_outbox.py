"""The export outbox folder: set by the manager who exports (or the admin), audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labdesk.core.errors import PermissionDenied, ValidationError
from labdesk.services import auth
from labdesk.services.audit import verify_audit
from tests.services.recordkit import World, snapshot


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_manager_and_admin_set_the_outbox_audited(world: World, role: str, tmp_path: Path) -> None:
    folder = tmp_path / "发件箱"
    ctx = world.ctx(role)
    assert auth.set_outbox_dir(ctx, f"  {folder}  ") == str(folder)
    centre = auth.centre(world.db)
    assert centre is not None and centre["outbox_dir"] == str(folder)
    entry = world.db.query_one(
        "SELECT username, action, table_name, field, old_value, new_value FROM audit_log "
        "ORDER BY seq DESC LIMIT 1"
    )
    assert entry is not None
    assert (entry["username"], entry["action"], entry["table_name"], entry["field"]) == (
        ctx.actor.username,
        "set_outbox",
        "centre",
        "outbox_dir",
    )
    assert json.loads(entry["old_value"]) == ""
    assert json.loads(entry["new_value"]) == str(folder)
    assert not folder.exists()  # only recorded; the export creates it
    assert verify_audit(world.db).ok


def test_a_path_object_and_clearing(world: World, tmp_path: Path) -> None:
    auth.set_outbox_dir(world.manager, tmp_path)
    assert (auth.centre(world.db) or {})["outbox_dir"] == str(tmp_path)
    assert auth.set_outbox_dir(world.manager, "") == ""
    assert (auth.centre(world.db) or {})["outbox_dir"] == ""


@pytest.mark.parametrize(
    ("path", "rule"),
    [("outbox", "absolute"), ("./out/box", "absolute"), ("/out\nbox", "path")],
)
def test_bad_paths_are_refused_naming_the_field(world: World, path: str, rule: str) -> None:
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        auth.set_outbox_dir(world.manager, path)
    assert (caught.value.field, caught.value.rule) == ("outbox_dir", rule)
    assert snapshot(world.db) == before


@pytest.mark.parametrize("role", ["technician", "reviewer"])
def test_others_may_not(world: World, role: str) -> None:
    before = snapshot(world.db)
    with pytest.raises(PermissionDenied, match="outbox"):
        auth.set_outbox_dir(world.ctx(role), "/media/usb")
    assert snapshot(world.db) == before


def test_the_manager_still_may_not_edit_the_rest_of_the_centre(world: World) -> None:
    with pytest.raises(PermissionDenied):
        auth.update_centre(world.manager, outbox_dir="/media/usb")
