"""Building blocks for the clocks tests: food tasks, failed samples, calendar files."""

from __future__ import annotations

from datetime import date
from typing import Any

from labdesk.services import samples, tasks, workflow
from tests.services.recordkit import World, enter_all, register

FOOD_TASK = "RW-FOOD-001"


def food_task(world: World, task_no: str = FOOD_TASK, purpose: str = "监督抽检") -> str:
    tasks.create_task(
        world.manager,
        tasks.TaskForm(task_no, "安徽省市场监督管理局", "监督抽检", purpose=purpose, food=True),
    )
    return task_no


def reviewed_sample(
    world: World,
    *,
    value: str = "0.001",
    received: date | None = None,
    **overrides: Any,
) -> int:
    """A sample taken to `reviewed` with every item entered as `value` ("9" fails them)."""
    sample_id = register(world, **overrides)
    samples.receive_sample(world.tech, sample_id, received)
    samples.start_testing(world.tech, sample_id)
    enter_all(world, sample_id, value)
    workflow.submit(world.tech, sample_id)
    workflow.review(world.reviewer, sample_id)
    return sample_id


def failed_sample(world: World, **overrides: Any) -> int:
    """A failed, approved sample."""
    sample_id = reviewed_sample(world, value="9", **overrides)
    workflow.approve(world.manager, sample_id)
    return sample_id


def know_next_year(world: World) -> None:
    """Imports a test calendar (not the State Council's notice: New Year's Day off only)
    for the years after the package's, so that windows running into them can be computed."""
    from labdesk.core.workcalendar import package_years
    from labdesk.services import calendar_import

    for year in range(package_years()[-1] + 1, date.today().year + 2):
        text = f"year,{year}\nsource,test data\ndate,kind,name\n{year}-01-01,holiday,元旦\n"
        calendar_import.import_calendar(world.manager, text.encode())
