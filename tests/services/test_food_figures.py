"""Issue 15 follow-up: a food sample is counted under its food class in the manager's
figures, the signed batch and so at HQ and in the province's views (it was lumped under
an empty category, and the dashboard's bars left it out)."""

from __future__ import annotations

from labdesk.batch.collect import collect_records
from labdesk.services import summary
from tests.services.recordkit import World, register

RICE = "F01020101"


def _rice(world: World) -> int:
    return register(
        world,
        sample_name="大米",
        category_code="",
        food_class_code=RICE,
        executive_standard="GB/T 1354-2018",
        quality_grade="一级",
    )


def test_the_centre_figures_count_a_food_sample_under_its_class(world: World) -> None:
    rice = _rice(world)
    other = register(world)  # a flat-library category
    groups = {g.key: g for g in summary.breakdown(world.db, "category")}
    assert "" not in groups
    assert groups[RICE].label == "大米" and groups[RICE].counts.samples == 1
    flat = str(world.db.scalar("SELECT category_code FROM samples WHERE id = ?", (other,)))
    assert groups[flat].counts.samples == 1
    # The bar's drill-down and the category filter find the food sample by its class.
    drill = summary.DrillDown("category", RICE)
    assert summary.sample_ids_for(world.db, None, drill) == [rice]
    only = summary.SummaryFilter(categories=(RICE,))
    assert summary.totals(world.db, only).samples == 1
    choices = [g.key for g in summary.breakdown(world.db, "category", only)]
    assert choices == [RICE]


def test_the_batch_names_a_food_sample_by_its_class(world: World) -> None:
    rice = _rice(world)
    other = register(world)
    records = collect_records(world.db.conn, [rice, other])
    by_id = {
        int(world.db.scalar("SELECT id FROM samples WHERE sample_no = ?", (r["sample_id"],))): r
        for r in records.samples
    }
    assert (by_id[rice]["category_code"], by_id[rice]["category"]) == (RICE, "大米")
    assert by_id[rice]["form"]["food_class_code"] == RICE
    flat = world.db.query_one(
        "SELECT s.category_code, c.name FROM samples s JOIN lib_categories c "
        "ON c.code = s.category_code WHERE s.id = ?",
        (other,),
    )
    assert flat is not None
    assert (by_id[other]["category_code"], by_id[other]["category"]) == (flat[0], flat[1])
    summary_file = records.files()["summary.json"].decode()
    assert '"大米"' in summary_file  # the batch's own counts by category name it too
