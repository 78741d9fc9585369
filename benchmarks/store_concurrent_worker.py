"""One client of the store_concurrent benchmark: a workstation entering results.

`python -m benchmarks.store_concurrent_worker URL INDEX ITEMS` registers (untimed) enough
samples to have ITEMS result items per round, prints READY, then obeys lines on stdin:
`ours N` enters the next N results through the service layer (`results.enter_result`:
permission, state, judgement, the audited write appended to the chain at its commit), one
commit each; `raw N` inserts N result rows with a bare psycopg INSERT, one commit each;
`quit` ends. Each command answers one JSON line: the per-entry latencies in seconds.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from labdesk.services import auth, queries, results, samples

PASSWORD = "bench-password-1"
CATEGORY = "VEG-FRESH"
TASK_NO = "BENCH-CONCURRENT"
USCC_BODY = "MA2N0000"


def form(sample_no: str, uscc: str) -> samples.SampleForm:
    return samples.SampleForm(
        sample_no=sample_no,
        sample_name="黄瓜",
        category_code=CATEGORY,
        sampling_date=date.today() - timedelta(days=10),
        enterprise_uscc=uscc,
        task_no=TASK_NO,
        samplers=["张三", "李四"],
        sealed=True,
        unit_acknowledged=True,
        production_date=date.today() - timedelta(days=20),
        sample_qty="2",
        reserve_qty="1",
        lot_size="100",
        qty_unit="kg",
        packaging="散装",
        unit_price="6.50",
    )


def _items(ctx: Any, index: int, needed: int, uscc: str) -> list[int]:
    items: list[int] = []
    n = 0
    while len(items) < needed:
        n += 1
        sample_id = samples.register_sample(ctx, form(f"B{index}-{n}", uscc))
        samples.receive_sample(ctx, sample_id)
        items += [int(r["id"]) for r in queries.sample_items_with_results(ctx.db, sample_id)]
    return items


def main() -> None:
    from labdesk.store.db import open_database

    url, index, needed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    uscc = sys.argv[4]
    db = open_database(url)
    ctx = auth.sign_in(db, f"tech{index}", PASSWORD)
    ours_items = iter(_items(ctx, index, needed, uscc))
    raw_items = iter(_items(ctx, 100 + index, needed, uscc))
    user_id = int(ctx.actor.user_id or 0)
    raw = psycopg.connect(url, autocommit=True)
    # Ids of their own: the raw inserts of eight connections never collide.
    raw_id = 10_000_000 * (index + 1)
    print("READY", flush=True)
    for line in sys.stdin:
        verb, _, count_text = line.strip().partition(" ")
        if verb == "quit":
            break
        count = int(count_text)
        latencies: list[float] = []
        if verb == "ours":
            for _ in range(count):
                item_id = next(ours_items)
                start = time.perf_counter()
                results.enter_result(ctx, item_id, "0.010", seen_result_id=None)
                latencies.append(time.perf_counter() - start)
        else:
            sql = (
                "INSERT INTO results (id, sample_item_id, text, verdict, compared, display, "
                "explanation_zh, explanation_en, entered_by, entered_at) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            )
            for _ in range(count):
                item_id = next(raw_items)
                raw_id += 1
                at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                start = time.perf_counter()
                raw.execute(
                    sql,
                    (
                        raw_id,
                        item_id,
                        "0.010",
                        "pass",
                        "0.010",
                        "0.010",
                        "合格",
                        "pass",
                        user_id,
                        at,
                    ),
                )
                latencies.append(time.perf_counter() - start)
        print(json.dumps(latencies), flush=True)
    raw.close()
    db.close()


if __name__ == "__main__":
    main()
