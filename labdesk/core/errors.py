"""Errors a user can act on, shared by every layer.

Anything derived from `LabDeskError` carries a message fit to show a user as it is
(the UI shows it plainly, the CLI prints it and exits 2). Any other exception is a
bug: it is logged with its trace.
"""

from __future__ import annotations


class LabDeskError(Exception):
    """A problem the user can act on. `str(exc)` is the message to show."""


class ValidationError(LabDeskError):
    """Bad input: names the field and the rule it broke. Nothing was written."""

    def __init__(self, field: str, rule: str, message: str | None = None) -> None:
        self.field = field
        self.rule = rule
        super().__init__(message or f"{field}: {rule}")


class PermissionDenied(LabDeskError):
    """The signed-in user's role does not allow the action."""


class WorkflowError(LabDeskError):
    """The action does not fit the record's state (e.g. editing an approved sample)."""


class NotFound(LabDeskError):
    """A record the user named does not exist."""
