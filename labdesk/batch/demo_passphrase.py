"""The published passphrase of demo databases' signing keys, alone in a module so that the
sign-in window can show it without importing the batch code (~60 ms at start-up)."""

from __future__ import annotations

DEMO_KEY_PASSPHRASE = "labdesk-demo"  # demo databases only; never use for a real key
