"""A session that only read leaves the anchor file as it was (issue 21.4's anchor, cheaper
close): the file already anchors the same chain head. A write moves the head, and the
next close anchors the new one."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from labdesk.store.anchor import anchor_path
from labdesk.store.db import open_database
from tests.cli.faults import demo_database


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory.mktemp("anchor-unchanged"), samples=3)


def test_a_read_only_session_does_not_rewrite_the_anchor(demo: Path, tmp_path: Path) -> None:
    from labdesk.services import auth

    path = tmp_path / "lab.sqlite"
    shutil.copy(demo, path)
    open_database(path).close()
    anchor = anchor_path(path)
    written = anchor.read_bytes()
    os.utime(anchor, ns=(1_000_000_000, 1_000_000_000))  # a rewrite would change it

    reader_session = open_database(path)
    reader_session.query("SELECT count(*) FROM samples")
    reader_session.close()
    assert anchor.read_bytes() == written
    assert anchor.stat().st_mtime_ns == 1_000_000_000

    writer = open_database(path)
    admin = auth.sign_in(writer, "admin", "admin-demo")
    auth.add_user(admin, "newcomer", "新同事", "technician", "newcomer-password-1")  # audited
    head = writer.query_one("SELECT seq, hash FROM audit_head")
    writer.close()
    assert head is not None
    record = json.loads(anchor.read_text(encoding="utf-8"))
    assert (record["seq"], record["hash"]) == (head["seq"], head["hash"])
    assert record["seq"] > json.loads(written)["seq"]
