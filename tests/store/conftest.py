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
