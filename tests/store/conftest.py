"""The record's service fixtures, shared with the store tests; both engines' targets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services.conftest import record_template, world
from tests.store.engines import ENGINES, fresh_schema

__all__ = ["engine_target", "record_template", "world"]


@pytest.fixture(params=ENGINES)
def engine_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A new database to open: a SQLite file, or a libpq URL of an empty schema on the
    test server ($LABDESK_TEST_PG_URL; skipped only when unset, and never in CI)."""
    if request.param == "sqlite":
        yield tmp_path / "a.sqlite"
        return
    base = request.getfixturevalue("pg_url")
    with fresh_schema(base) as url:
        yield url


@pytest.fixture(scope="session")
def pg_record_template() -> Iterator[str]:
    """The record world's template as a server database (built once; its name)."""
    import os

    from tests.services.recordkit import build_template
    from tests.store.pg_world import database_name, new_database

    base = os.environ.get("LABDESK_TEST_PG_URL")
    if not base:
        pytest.skip("LABDESK_TEST_PG_URL is not set")
    with new_database(base) as url:
        build_template(url)
        yield database_name(url)


@pytest.fixture(params=ENGINES)
def world_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A record world (centre, users, library, task) to open: a copy of the template as
    a file, or as a new database on the test server."""
    if request.param == "sqlite":
        from tests.services.recordkit import copy_database

        template = request.getfixturevalue("record_template")
        if not isinstance(template, Path):  # LABDESK_TEST_ENGINE=postgresql: on the server
            pytest.skip("the record template is on the server (LABDESK_TEST_ENGINE)")
        path = tmp_path / "world.sqlite"
        copy_database(template, path)
        yield path
        return
    from tests.store.pg_world import new_database

    base = request.getfixturevalue("pg_url")
    template = request.getfixturevalue("pg_record_template")
    with new_database(base, template=template) as url:
        yield url
