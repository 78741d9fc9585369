"""The `labdesk` entry point itself: exit codes that scripts rely on."""

from __future__ import annotations

import os
import subprocess
import sys


def test_output_into_a_closed_pipe_exits_quietly() -> None:
    """`labdesk … | head` must not end in a BrokenPipeError trace."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: every write raises EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "labdesk", "round", "0.35", "--interval", "0.1"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
