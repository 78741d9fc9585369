"""Shared test set-up.

Qt runs offscreen and any Qt warning fails a test (pyproject: qt_log_level_fail).
Tools the suite shells out to (openssl, pdftotext, PostgreSQL) are skipped when
missing on a developer's machine but are required in CI, so CI can never pass by
skipping them.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support import IN_CI


@pytest.fixture
def pg_url() -> str:
    """URL of a scratch PostgreSQL database for HQ tests (scripts/pg-test-server.sh)."""
    url = os.environ.get("LABDESK_TEST_PG_URL")
    if not url:
        message = "LABDESK_TEST_PG_URL is not set (scripts/test.sh starts a server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url
