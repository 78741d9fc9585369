"""Fixtures for the record's service tests (see recordkit.py).

`LABDESK_TEST_ENGINE=postgresql` runs the same tests on the PostgreSQL test server
($LABDESK_TEST_PG_URL): the template is then a server database, copied per test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services.recordkit import World, build_template, copy_database, open_world

ON_SERVER = os.environ.get("LABDESK_TEST_ENGINE") == "postgresql"


@pytest.fixture(scope="session")
def record_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | str]:
    if ON_SERVER:
        from tests.store.pg_world import database_name, new_database

        with new_database(os.environ["LABDESK_TEST_PG_URL"]) as url:
            build_template(url)
            yield database_name(url)
        return
    path = tmp_path_factory.mktemp("record-template") / "template.sqlite"
    build_template(path)
    yield path


@pytest.fixture
def world(record_template: Path | str, tmp_path: Path) -> Iterator[World]:
    if ON_SERVER:
        from tests.store.pg_world import new_database

        with new_database(os.environ["LABDESK_TEST_PG_URL"], template=str(record_template)) as url:
            w = open_world(url)
            yield w
            w.db.close()
        return
    path = tmp_path / "labdesk.sqlite"
    assert isinstance(record_template, Path)
    copy_database(record_template, path)
    w = open_world(path)
    yield w
    w.db.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the server run, only the tests that go through the record `world` (the engine
    under test): the others build their own SQLite files and already ran in the SQLite
    pass, so running them again would test nothing new."""
    if not ON_SERVER:
        return
    here = Path(__file__).parent

    def elsewhere(item: pytest.Item) -> bool:
        # This hook sees the whole session's items: judge only the services tests.
        return here not in item.path.parents or "world" in getattr(item, "fixturenames", ())

    kept = [i for i in items if elsewhere(i)]
    dropped = [i for i in items if not elsewhere(i)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
