"""The record's service fixtures, shared with the store tests."""

from tests.services.conftest import record_template, world

__all__ = ["record_template", "world"]
