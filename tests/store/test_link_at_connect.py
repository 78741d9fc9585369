"""A link the server drops just after it was made (restarting, an administrator ending
sessions) is the server away, said plainly, as at the connect itself: a window's change
watch, opening its reader then, tries again later instead of dying with a raw error."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from labdesk.store.db import open_database, open_reader
from labdesk.store.errors import ServerAway
from tests.store import test_shared_writes as shared

server = shared.server


def _dropped_at_setup(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first statement of each new link (its session settings) meets a closed link."""
    seen: list[str] = []
    execute = psycopg.Connection.execute

    def dropped(self: psycopg.Connection[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query, str) and query.startswith("SET lock_timeout"):
            seen.append(query)
            raise psycopg.errors.AdminShutdown("terminating connection due to administrator")
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", dropped)
    return seen


@pytest.mark.parametrize("opener", [open_database, open_reader])
def test_a_link_dropped_as_it_is_made_is_the_server_away(
    server: str, monkeypatch: pytest.MonkeyPatch, opener: Any
) -> None:
    seen = _dropped_at_setup(monkeypatch)
    with pytest.raises(ServerAway, match="lost as it was made"):
        opener(server)
    assert seen
    monkeypatch.undo()
    with opener(server) as db:  # the server back: the same open goes through
        assert db.scalar("SHOW lock_timeout") == "10s"
