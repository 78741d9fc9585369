"""Lists refresh when another workstation writes (issue 18.2): the main window of one
workstation sees a sample registered at another, on the same PostgreSQL centre."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from labdesk.services import samples
from labdesk.ui import change_watch
from labdesk.ui.main_window import MainWindow
from labdesk.ui.session import UiSession, open_settings
from labdesk.ui.signin import apply_sign_in
from tests.services.recordkit import PASSWORD, open_world, sample_form


def test_another_workstations_change_refreshes_the_window(
    world_target: Path | str, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if isinstance(world_target, Path):
        pytest.skip("a SQLite file has one writer: this window")
    from labdesk.services import auth
    from labdesk.store.db import open_database
    from labdesk.store.engine import target_of

    monkeypatch.setattr(change_watch, "INTERVAL_S", 0.2)
    here = open_database(world_target)
    session = UiSession(
        db=here, db_path=target_of(str(world_target)), settings=open_settings(tmp_path / "s.ini")
    )
    apply_sign_in(session, auth.sign_in(here, "tech", PASSWORD))
    window = MainWindow(session)
    qtbot.addWidget(window)
    watch = window.change_watch
    assert watch.active
    refreshed: list[str] = []
    monkeypatch.setattr(window, "_refresh", lambda key: refreshed.append(key))
    other = open_world(world_target)  # the second workstation
    try:
        with qtbot.waitSignal(watch.remoteChange, timeout=10_000):
            samples.register_sample(other.tech, sample_form(sample_no="REMOTE-1"))
        assert refreshed == [window.current_key()] or not window.current_key()
        # This window's own write is not taken for another's.
        with qtbot.assertNotEmitted(watch.remoteChange, wait=1000):
            samples.register_sample(session.context, sample_form(sample_no="HERE-1"))
            session.notify_changed("samples")
    finally:
        watch.stop()
        other.db.close()
        here.close()


def test_a_commit_elsewhere_is_announced_without_waiting_for_the_poll(
    world_target: Path | str, qtbot: QtBot, tmp_path: Path
) -> None:
    """On a server the watch LISTENs: with a poll of a minute, another workstation's
    change still arrives within seconds (NOTIFY at its commit), and stop() is prompt."""
    if isinstance(world_target, Path):
        pytest.skip("a SQLite file has one writer: this window")
    import time

    from labdesk.store.db import open_database
    from labdesk.store.engine import target_of

    here = open_database(world_target)
    session = UiSession(
        db=here, db_path=target_of(str(world_target)), settings=open_settings(tmp_path / "s.ini")
    )
    watch = change_watch.ChangeWatch(session, interval_s=60.0)
    other = open_world(world_target)
    try:
        watch.start()
        time.sleep(1.0)  # the watch's connection is listening
        with qtbot.waitSignal(watch.remoteChange, timeout=10_000):
            samples.register_sample(other.tech, sample_form(sample_no="REMOTE-2"))
        started = time.monotonic()
        watch.stop()
        assert time.monotonic() - started < 5
    finally:
        watch.stop()
        other.db.close()
        here.close()
