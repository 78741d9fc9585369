"""The application's role on PostgreSQL keeps and deletes a plan's draft units (the
table the result's commit deletes from) — and still cannot touch the audit log."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest

from labdesk.cli import main
from labdesk.services import drafts, queries, results, samples
from labdesk.store.audit import verify_audit
from tests.services.recordkit import open_world, sample_form
from tests.store.engines import fresh_schema
from tests.store.test_store_admin import _as_role

PLAN = "n=5,c=2,m=100 CFU/g,M=1000 CFU/g"


@pytest.fixture
def app_role(pg_url: str) -> str:
    role = f"app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
    return role


def test_the_application_role_keeps_and_deletes_drafts(
    pg_url: str, app_role: str, record_template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.services.recordkit import build_template

    with fresh_schema(pg_url) as owner_url:
        build_template(owner_url)
        assert main(["--db", owner_url, "store", "grant", app_role]) == 0
        capsys.readouterr()
        world = open_world(_as_role(owner_url, app_role))
        try:
            sample_id = samples.register_sample(world.tech, sample_form(sample_no="D-1"))
            samples.receive_sample(world.tech, sample_id)
            item = int(queries.sample_items_with_results(world.db, sample_id)[0]["id"])
            with world.db.write(world.admin.actor) as w:
                w.update("sample_items", item, {"limit_text": PLAN, "unit": "CFU/g"}, action="edit")
            drafts.keep_units(world.tech, item, {1: "80", 2: "120"})
            drafts.keep_units(world.tech, item, {2: ""})  # a unit cleared: deleted
            assert drafts.units_of(world.db, [item])[item].values == ("80", "", "", "", "")
            results.enter_result(world.tech, item, "80;120;<10;95;300")
            assert drafts.units_of(world.db, [item]) == {}
            assert verify_audit(world.db).ok
        finally:
            world.db.close()
        app_url = _as_role(owner_url, app_role)
        with (
            psycopg.connect(app_url, autocommit=True) as app,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            app.execute("DELETE FROM audit_log WHERE seq = 1")
