"""The centre code names every batch file, so set-up and edits hold it to a file-name rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labdesk.batch.format import valid_centre_code
from labdesk.core.errors import ValidationError
from labdesk.services import auth
from labdesk.store.db import Database, open_database
from tests.services.recordkit import World, snapshot


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "new.sqlite")
    yield db
    db.close()


def _setup(db: Database, code: str) -> None:
    auth.setup_centre(
        db,
        name="中心",
        code=code,
        region_code="340100",
        admin_username="boss",
        admin_password="long-enough",
    )


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("", "required"),
        ("  ", "required"),
        ("HF 01", "batch_name"),
        ("HF/01", "batch_name"),
        ("..", "batch_name"),
        ("合肥", "batch_name"),
        ("A" * 33, "batch_name"),
        ("HF\t01", "batch_name"),
    ],
)
def test_setup_refuses_a_code_that_cannot_name_a_batch_file(
    fresh: Database, code: str, rule: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _setup(fresh, code)
    assert (caught.value.field, caught.value.rule) == ("code", rule)
    assert "centre code" in str(caught.value)
    if rule == "batch_name":
        assert "A–Z a–z 0–9 _ -" in str(caught.value) and "32" in str(caught.value)
    assert not auth.is_set_up(fresh)
    assert fresh.scalar("SELECT count(*) FROM audit_log") == 0


@pytest.mark.parametrize("code", ["HF01", "a", "DEMO34", "Hefei_QC-1", "Z" * 32, " HF02 "])
def test_setup_accepts_codes_of_the_rule(fresh: Database, code: str) -> None:
    _setup(fresh, code)
    centre = auth.centre(fresh)
    assert centre is not None and centre["code"] == code.strip()


def test_update_centre_holds_the_code_to_the_same_rule(world: World) -> None:
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as caught:
        auth.update_centre(world.admin, code="new code")
    assert (caught.value.field, caught.value.rule) == ("code", "batch_name")
    assert snapshot(world.db) == before
    auth.update_centre(world.admin, code="NEW-1")
    centre = auth.centre(world.db)
    assert centre is not None and centre["code"] == "NEW-1"


@given(st.text(max_size=40))
def test_the_service_rule_is_the_batch_format_rule(code: str) -> None:
    """Whatever the service accepts, the batch layer can name a file with (and back)."""
    try:
        accepted = auth.check_centre_code(code)
    except ValidationError:
        assert not code.strip() or not valid_centre_code(code.strip())
    else:
        assert accepted == code.strip() and valid_centre_code(accepted)
