"""Child process: the reviewer's and the manager's workstation, beside entering ones.

Run as `python -m tests.store.review_child DB`. It reviews and approves every submitted
sample it finds, printing `APPROVED <sample id> <report no>` after each approval commits.
A sample changed meanwhile by another workstation (a correction after submission sends
it back) is refused by the workflow and retried on the next pass.
"""

from __future__ import annotations

import sys
import time

from labdesk.core.errors import LabDeskError
from labdesk.services import workflow
from labdesk.store.engine import target_of
from tests.services.recordkit import open_world


def main() -> None:
    world = open_world(target_of(sys.argv[1]))
    print("READY", flush=True)
    while True:
        rows = world.db.query("SELECT id FROM samples WHERE state = 'submitted' ORDER BY id")
        for row in rows:
            sample_id = int(row[0])
            try:
                workflow.review(world.reviewer, sample_id)
                workflow.approve(world.manager, sample_id)
            except LabDeskError as exc:
                print(f"REFUSED {sample_id} {exc}".replace("\n", " "), flush=True)
                continue
            number = world.db.scalar("SELECT report_no FROM samples WHERE id = ?", (sample_id,))
            print(f"APPROVED {sample_id} {number}", flush=True)
        time.sleep(0.05)


if __name__ == "__main__":
    main()
