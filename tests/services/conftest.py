"""Fixtures for the record's service tests (see recordkit.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services.recordkit import World, build_template, copy_database, open_world


@pytest.fixture(scope="session")
def record_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("record-template") / "template.sqlite"
    build_template(path)
    return path


@pytest.fixture
def world(record_template: Path, tmp_path: Path) -> Iterator[World]:
    path = tmp_path / "labdesk.sqlite"
    copy_database(record_template, path)
    w = open_world(path)
    yield w
    w.db.close()
