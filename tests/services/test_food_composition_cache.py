"""The composed items are cached until the library changes: a version imported or a
template changed between two registrations is in the second one's items, a change
still inside its transaction (or rolled back) is never served from the cache, and
every caller gets item dicts of its own."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from labdesk.services import food_imports, food_library
from labdesk.store.audit import verify_audit
from tests.services.recordkit import World
from tests.services.test_food_library import MRL, RICE, _file, _frozen, _rice


def _codes(world: World, sample_id: int) -> list[str]:
    return [str(i["code"]) for i in _frozen(world, sample_id)]


def _year_of(world: World, sample_id: int, code: str) -> str:
    return next(str(i["standard_year"]) for i in _frozen(world, sample_id) if i["code"] == code)


def test_a_version_and_a_template_changed_between_two_registrations_are_used(
    world: World, tmp_path: Path
) -> None:
    # the samples are taken 10 days ago (recordkit); the next version is in force since
    # 15 days ago
    today, start, earlier = (date.today() - timedelta(days=n) for n in (0, 15, 20))
    first = _rice(world)
    frozen_first = _frozen(world, first)
    assert _year_of(world, first, "carbofuran") == "2021"
    before = food_library.compose_items(world.db, RICE, today)
    assert "GB 2763|newpest" not in [i["key"] for i in before.items]

    # GB 2763's next revision, with an item more
    path = _file(
        tmp_path / "gb2763-next.csv",
        MRL,
        [
            [
                "GB 2763-2099",
                start.isoformat(),
                "GB 2763-2021",
                "克百威",
                "carbofuran",
                "大米",
                "0.01*",
            ],
            ["", "", "", "新农药", "newpest", "大米", "0.05"],
        ],
    )
    food_imports.import_limits(world.admin, food_imports.read_limits(world.db, path))
    after = food_library.compose_items(world.db, RICE, today)
    assert "GB 2763|newpest" in [i["key"] for i in after.items]
    assert {i["standard_year"] for i in after.items if i["standard_no"] == "GB 2763"} == {"2099"}
    old_day = food_library.compose_items(world.db, RICE, earlier)
    assert {i["standard_year"] for i in old_day.items if i["standard_no"] == "GB 2763"} == {"2021"}
    second = _rice(world)
    assert _year_of(world, second, "carbofuran") == "2099"
    assert "newpest" not in _codes(world, second)  # available, not in 大米's template

    owner, entries = food_library.template_for(world.db, RICE)
    assert owner and entries
    kept = [
        {"standard_no": e["standard_no"], "item_code": e["item_code"]}
        for e in entries
        if e["item_code"] != "PB"
    ]
    food_library.set_template(
        world.manager, RICE, [*kept, {"standard_no": "GB 2763", "item_code": "newpest"}]
    )
    third = _codes(world, _rice(world))
    assert "newpest" in third and "PB" not in third
    assert _frozen(world, first) == frozen_first  # frozen items never follow the library
    assert verify_audit(world.db).ok


def test_a_change_inside_a_transaction_is_seen_there_and_gone_after_a_rollback(
    world: World,
) -> None:
    owner, entries = food_library.template_for(world.db, RICE)
    first = entries[0]
    with pytest.raises(RuntimeError), world.db.write(world.admin.actor) as w:
        w.update("food_templates", int(first["id"]), {"active": 0}, action="template_edit")
        _, inside = food_library.template_for(world.db, RICE)
        assert first["id"] not in [e["id"] for e in inside]
        raise RuntimeError("rolled back")
    assert food_library.template_for(world.db, RICE) == (owner, entries)


def test_each_caller_gets_its_own_items(world: World) -> None:
    one = food_library.compose_items(world.db, RICE, date.today())
    one.items[0]["limit_text"] = "changed by the caller"
    one.items.pop()
    two = food_library.compose_items(world.db, RICE, date.today())
    assert two.items[0]["limit_text"] != "changed by the caller"
    assert len(two.items) == len(one.items) + 1
    _, entries = food_library.template_for(world.db, RICE)
    entries[0]["item_code"] = "changed"
    assert food_library.template_for(world.db, RICE)[1][0]["item_code"] != "changed"
