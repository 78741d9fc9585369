"""Report tests render through Qt: they need the (offscreen) application pytest-qt makes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support import require_tool


@pytest.fixture
def pdf_text(qapp: object) -> object:
    """pdftotext -layout of a PDF file, as one string."""
    tool = require_tool("pdftotext")

    def extract(path: Path) -> str:
        done = subprocess.run(
            [tool, "-layout", "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
        )
        return done.stdout.decode("utf-8")

    return extract
