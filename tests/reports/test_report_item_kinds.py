"""The PDF test report of issue 14: every unit of a plan, a sum with its components, a
converted result in the limit's unit saying so."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from labdesk.reports.data import report_document
from labdesk.reports.pdf import render_report_pdf
from labdesk.services import results
from tests.services.recordkit import (
    World,
    build_template,
    item_ids,
    open_world,
    sample_in_state,
)

Extract = Callable[[Path], str]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    build_template(tmp_path / "lab.sqlite")
    made = open_world(tmp_path / "lab.sqlite")
    yield made
    made.db.close()


def test_plan_units_sums_and_conversions_are_printed(
    world: World, tmp_path: Path, pdf_text: Extract
) -> None:
    sample_id = sample_in_state(world, "testing")
    ids = item_ids(world, sample_id)
    with world.db.write(world.admin.actor) as w:
        w.update(
            "sample_items",
            ids[0],
            {"limit_text": "n=5,c=2,m=100 CFU/g,M=1000 CFU/g", "unit": "CFU/g"},
            action="edit",
        )
        w.update("sample_items", ids[1], {"limit_text": "≤0.5", "unit": "mg/kg"}, action="edit")
    results.enter_result(world.tech, ids[0], "80;120;<10;95;300")
    results.enter_result(world.tech, ids[1], "0.35+0.20")
    if len(ids) > 2:
        with world.db.write(world.admin.actor) as w:
            w.update(
                "sample_items",
                ids[2],
                {"limit_text": "≤1.0 g/kg", "unit": "mg/kg", "lod": None, "loq": None},
                action="edit",
            )
        results.enter_result(world.tech, ids[2], "850")
    sample_no = world.db.scalar("SELECT sample_no FROM samples WHERE id = ?", (sample_id,))
    doc = report_document(world.db, str(sample_no))
    path = tmp_path / "report.pdf"
    render_report_pdf(doc, path)
    flat = re.sub(r"\s+", "", pdf_text(path))
    assert "80;120;<10;95;300" in flat  # every unit
    assert "n=5" in flat
    assert "0.55（0.35+0.20）" in flat  # the sum and its components
    if len(ids) > 2:
        # in the limit's unit, saying what it was converted from (the cell may wrap)
        assert "0.850（850mg/kg→" in flat and "0.850g/kg）" in flat
