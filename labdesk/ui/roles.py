"""Role names as the interface shows them (no widgets: the sign-in window needs them
before anything else of the main window is imported)."""

from __future__ import annotations


def role_title(role: str) -> str:
    from PySide6.QtCore import QCoreApplication

    titles = {
        "technician": QCoreApplication.translate("Roles", "Technician"),
        "reviewer": QCoreApplication.translate("Roles", "Reviewer"),
        "manager": QCoreApplication.translate("Roles", "Manager"),
        "admin": QCoreApplication.translate("Roles", "Administrator"),
    }
    return titles.get(role, role)
