"""The context every service call takes: the database and the signed-in user.

Services never read a "current user" from a global: the caller passes a
`ServiceContext`, obtained from `auth.sign_in` (or `auth.setup_centre` on first run).
"""

from __future__ import annotations

from dataclasses import dataclass

from labdesk.store.actor import SYSTEM, Actor
from labdesk.store.db import Database

__all__ = ["SYSTEM", "Actor", "ServiceContext", "system_context"]


@dataclass(frozen=True)
class ServiceContext:
    """`db` plus `actor` (user_id, username, role) — who is doing what."""

    db: Database
    actor: Actor

    @property
    def user_id(self) -> int | None:
        return self.actor.user_id

    @property
    def role(self) -> str:
        return self.actor.role


def system_context(db: Database) -> ServiceContext:
    """The program itself (first-run setup); has no role, so passes no permission check."""
    return ServiceContext(db, SYSTEM)
