"""Who writes: a signed-in user, or the program itself (the audit trail's actor).

Its own module, under the audit chain (store/audit.py re-exports both names): the service
context needs the type to sign in, and importing the whole audit chain for it (json,
hashlib, pickle, decimal, the row encoders) cost the sign-in window's start ~6–10 ms
before anything is written (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is writing: a signed-in user, or the program itself (user_id None)."""

    user_id: int | None
    username: str
    role: str = ""


SYSTEM = Actor(None, "system", "system")
