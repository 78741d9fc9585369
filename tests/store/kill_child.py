"""Child process for test_kill: a long stream of committed writes, one ACK line each.

Run as `python -m tests.store.kill_child DB SEED` (DB a file or a postgresql:// URL).
After each commit it prints what it wrote (with row ids), flushed, so the parent knows
every acknowledged write.
"""

from __future__ import annotations

import random
import sys

from labdesk.core.errors import LabDeskError
from labdesk.services import queries, results, samples, workflow
from labdesk.services.results import current_result
from labdesk.store.engine import target_of
from labdesk.store.errors import StoreError
from tests.services.recordkit import open_world, sample_form


def main() -> None:
    path, seed = target_of(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    world = open_world(path)
    print("READY", flush=True)
    n = 0
    while True:
        n += 1
        try:
            sample_id = samples.register_sample(world.tech, sample_form(sample_no=f"K{seed}-{n}"))
            items = [int(i["id"]) for i in queries.sample_items_with_results(world.db, sample_id)]
            print(f"SAMPLE {sample_id} {len(items)}", flush=True)
            samples.receive_sample(world.tech, sample_id)
            for item_id in items:
                text = f"0.{rng.randint(1, 99):03d}"
                results.enter_result(world.tech, item_id, text)
                row = current_result(world.db, item_id)
                assert row is not None
                print(f"RESULT {row['id']} {item_id} {text}", flush=True)
            workflow.submit(world.tech, sample_id)
            print(f"STATE {sample_id} submitted", flush=True)
            item_id = rng.choice(items)
            text = f"0.{rng.randint(1, 99):03d}"
            results.enter_result(world.tech, item_id, text, reason="kill-test correction")
            row = current_result(world.db, item_id)
            assert row is not None
            print(f"RESULT {row['id']} {item_id} {text}", flush=True)
        except StoreError as exc:
            # The server dropped the connection (the backend was killed): that change
            # was not acknowledged; the store reconnects for the next one.
            print(f"LOST {exc}".replace("\n", " "), flush=True)
        except LabDeskError as exc:
            # Another workstation moved the sample on (reviewed it) before the correction.
            print(f"REFUSED {exc}".replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
