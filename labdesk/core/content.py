"""Digests of bulk content: the rows a standard version holds, as stored.

`body_digest` is over the rows' values (ids and the parent key aside), so two imports of
the same content compare equal; `content_digest` binds it to the ids the rows got, which
is what the audited parent row records and `audit verify` recomputes from the table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def body_digest(rows: Sequence[Sequence[Any]]) -> str:
    """SHA-256 of the rows (tuples of str / int / None) as one compact JSON array."""
    return hashlib.sha256(_ENCODER.encode(rows).encode("utf-8")).hexdigest()


def content_digest(body: str, first_id: int, count: int) -> str:
    """The rows' body digest bound to their ids: first_id … first_id + count − 1."""
    return hashlib.sha256(f"{body}:{first_id}:{count}".encode()).hexdigest()
