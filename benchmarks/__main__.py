"""`python -m benchmarks [--quick] [--json] [--each-process] [NAME …]`: run the benchmarks,
print ratios.

Peak RSS is the process's high-water mark, so in one process a benchmark's figure also
holds the benchmarks before it; `--each-process` runs every benchmark in a fresh child
process so that its peak RSS is its own (set-up and baseline included)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from benchmarks.harness import Outcome, discover, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller rounds; under 10 minutes")
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.add_argument(
        "--each-process",
        action="store_true",
        help="run each benchmark in a process of its own (peak RSS per benchmark)",
    )
    parser.add_argument("names", nargs="*", help="run only these benchmarks")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    benches = [b for b in discover() if not args.names or b.name in args.names]
    unknown = set(args.names) - {b.name for b in benches}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    outcomes: list[Outcome] = []
    for bench in benches:
        if not args.json:
            print(f"running {bench.name} …", file=sys.stderr, flush=True)
        if args.each_process:
            outcomes.append(_in_child(bench.name, args.quick))
        else:
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
        for o in outcomes:
            if o.extra:  # e.g. the start-ups' children's own peak RSS
                print(f"{o.name}: " + ", ".join(f"{k} {v}" for k, v in sorted(o.extra.items())))
    return 0


def _in_child(name: str, quick: bool) -> Outcome:
    """Run one benchmark in a new `python -m benchmarks --json NAME` process."""
    command = [sys.executable, "-m", "benchmarks", "--json", *(["--quick"] if quick else []), name]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark {name} failed in its process (exit {done.returncode})")
    (result,) = json.loads(done.stdout)
    return Outcome(**result)


if __name__ == "__main__":
    sys.exit(main())
