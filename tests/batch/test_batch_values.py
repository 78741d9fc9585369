"""labdesk-batch/3 (issue 14): a result carries the values behind it — a plan's units, a
sum's components, the conversion — through export, verification and HQ without loss."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from labdesk.batch.export import export_batch
from labdesk.batch.format import FORMAT
from labdesk.batch.hq import ingest
from labdesk.batch.hq_store import open_hq
from labdesk.batch.verify import verify_batch
from labdesk.services import keys, results, samples, workflow
from labdesk.services.audit import verify_audit
from tests.batch.centre import PASSPHRASE, Centre, make_centre

PLAN = "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[Centre]:
    (tmp_path / "db").mkdir()
    made = make_centre(tmp_path / "db" / "centre.sqlite")
    yield made
    made.db.close()


def _approved_with_kinds(centre: Centre) -> None:
    sample_id = samples.register_sample(
        centre.tech,
        samples.SampleForm(
            sample_no="AH202600099",
            sample_name="青菜",
            category_code="VEG-BRASSICA",
            sampling_date=date(2026, 10, 2),
            enterprise_uscc="914403001922038216",
            task_no="T2026-001",
            samplers=["张三", "李四"],
            sealed=True,
            unit_acknowledged=True,
            sample_qty="2",
            qty_unit="kg",
        ),
    )
    samples.receive_sample(centre.tech, sample_id)
    samples.start_testing(centre.tech, sample_id)
    ids = [
        int(r[0])
        for r in centre.db.query(
            "SELECT id FROM sample_items WHERE sample_id = ? ORDER BY seq", (sample_id,)
        )
    ]
    with centre.db.write(centre.admin.actor) as w:
        w.update("sample_items", ids[0], {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
        w.update("sample_items", ids[1], {"limit_text": "≤0.5", "unit": "mg/kg"}, action="edit")
    results.enter_result(centre.tech, ids[0], "80;120;<10;95;300")
    results.enter_result(centre.tech, ids[1], "0.10+0.20")
    for item_id in ids[2:]:
        results.enter_result(centre.tech, item_id, "0.01")
    workflow.submit(centre.tech, sample_id)
    workflow.review(centre.reviewer, sample_id)
    workflow.approve(centre.manager, sample_id, signer=centre.signer)


def test_plan_units_and_components_travel_in_batch_3(centre: Centre, tmp_path: Path) -> None:
    _approved_with_kinds(centre)
    out = tmp_path / "outbox"
    out.mkdir()
    batch = export_batch(centre.manager, out, PASSPHRASE)
    trusted = [keys.public_key(centre.db)]
    verified = verify_batch(batch.path, trusted)
    assert verified.manifest["format"] == FORMAT == "labdesk-batch/3"
    lines = {r["item_seq"]: r for r in verified.records("results.jsonl") if r["current"]}
    plan = lines[1]
    assert [(v["kind"], v["position"], v["text"]) for v in plan["values"]] == [
        ("unit", n, text) for n, text in enumerate(["80", "120", "<10", "95", "300"], 1)
    ]
    assert plan["verdict"] == "pass"
    assert [v["text"] for v in lines[2]["values"]] == ["0.10", "0.20"]
    items = {r["seq"]: r for r in verified.records("items.jsonl")}
    assert items[1]["limit_text"] == PLAN and items[1]["rounding"] == "gb8170"
    with open_hq(str(tmp_path / "hq.sqlite")) as store:
        assert [o.status for o in ingest(store, [out], trusted)] == ["loaded"]
        stored = [
            json.loads(str(r[0]))
            for r in store.query("SELECT record FROM hq_records WHERE file = 'results.jsonl'")
        ]
    at_hq = {r["item_seq"]: r for r in stored if r["current"]}
    assert at_hq[1]["values"] == plan["values"]  # HQ keeps the units as received
    assert verify_audit(centre.db).ok
