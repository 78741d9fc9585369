"""`python -m benchmarks [--quick] [--json] [NAME …]`: run the benchmarks, print ratios."""

from __future__ import annotations

import argparse
import json
import os
import sys

from benchmarks.harness import discover, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller rounds; under 10 minutes")
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.add_argument("names", nargs="*", help="run only these benchmarks")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    benches = [b for b in discover() if not args.names or b.name in args.names]
    unknown = set(args.names) - {b.name for b in benches}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    outcomes = []
    for bench in benches:
        if not args.json:
            print(f"running {bench.name} …", file=sys.stderr, flush=True)
        outcomes.append(run(bench, args.quick))
    if args.json:
        print(json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=2))
    else:
        header = (
            f"{'name':<12} {'ours_s':>10} {'baseline_s':>11} {'ratio':>7} {'target':>7}  met"
            f" {'peak_rss_mb':>12}"
        )
        print(header)
        print("-" * len(header))
        for o in outcomes:
            print(
                f"{o.name:<12} {o.ours_s:>10.4f} {o.baseline_s:>11.4f} {o.ratio:>7.2f} "
                f"{o.target:>7.2f}  {'yes' if o.met else 'NO ':<3} {o.peak_rss_mb:>12.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
