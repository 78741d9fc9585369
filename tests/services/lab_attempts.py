"""The permission attempts of the analytical-run actions (merged into test_permissions)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from labdesk.services import (
    authorization,
    decision_rules,
    instrument_import,
    instruments,
    methods,
    runs,
)
from labdesk.services.context import ServiceContext
from tests.services.labkit import METHOD, Lab, build_lab, csv_text, version_form, write_csv
from tests.services.recordkit import World

Attempt = Callable[[World], Callable[[ServiceContext], object]]


def _new_method(ctx: ServiceContext) -> object:
    return methods.create_method(
        ctx, methods.MethodForm("CD-AAS", "镉（示例）", "CD", version_form(), sample_data=True)
    )


def _with_lab(
    act: Callable[[ServiceContext, World, Lab], object], *, authorize: bool = True
) -> Attempt:
    def prepare(world: World) -> Callable[[ServiceContext], object]:
        lab = build_lab(world, authorize=authorize)
        return lambda ctx: act(ctx, world, lab)

    return prepare


def _with_run(act: Callable[[ServiceContext, int, int], object]) -> Attempt:
    def prepare(world: World) -> Callable[[ServiceContext], object]:
        lab = build_lab(world)
        run_id = runs.create_run(world.tech, METHOD, lab.instrument_id, lab.items)
        item = runs.run_items(world.db, run_id)[0]
        return lambda ctx: act(ctx, run_id, int(item["id"]))

    return prepare


def _held_run(world: World) -> Callable[[ServiceContext], object]:
    lab = build_lab(world)
    run_id = runs.create_run(
        world.tech, METHOD, lab.instrument_id, lab.items, [runs.QcRequest("blank")]
    )
    lines = csv_text(lab).replace("0.050,0.5", "9.050,0.5").splitlines()  # a blank far too high
    keep = ("Sample", "BLK1", *lab.sample_nos)
    text = "\n".join(line for line in lines if line.startswith(keep)) + "\n"
    folder = Path(tempfile.mkdtemp())
    plan = instrument_import.plan_import(world.db, run_id, write_csv(folder / "f.csv", text))
    instrument_import.commit_import(world.tech, plan)
    runs.submit_run(world.tech, run_id)
    return lambda ctx: runs.release_run(ctx, run_id, "复核后放行")


LAB_ATTEMPTS: dict[str, Attempt] = {
    "manage_methods": lambda world: _new_method,
    "manage_instruments": lambda world: (
        lambda ctx: instruments.register_instrument(
            ctx, instruments.InstrumentForm("AAS-02", "原子吸收光谱仪")
        )
    ),
    "override_instrument": _with_lab(
        lambda ctx, w, lab: instruments.allow_past_due(
            ctx,
            lab.instrument_id,
            date.today(),
            "证书在途",
        )
    ),
    "manage_authorizations": _with_lab(
        lambda ctx, w, lab: authorization.grant(ctx, w.tech.actor.user_id or 0, METHOD, "test"),
        authorize=False,
    ),
    "manage_qc_materials": _with_lab(
        lambda ctx, w, lab: methods.add_qc_material(
            ctx, methods.QcMaterialForm("QC-PB-L2", "L2", METHOD, "control", mean="1", sd="0.1")
        )
    ),
    "create_run": _with_lab(
        lambda ctx, w, lab: runs.create_run(
            ctx,
            METHOD,
            lab.instrument_id,
            lab.items,
        )
    ),
    "record_run": _with_run(lambda ctx, run_id, item_id: runs.accept_replicates(ctx, item_id, "r")),
    "release_run": _held_run,
    "set_decision_rule": _with_lab(
        lambda ctx, w, lab: decision_rules.set_items_rule(
            ctx,
            lab.items,
            "guard_band",
            "合同约定",
        )
    ),
}
