"""`labdesk calc`, `labdesk replicates`, `labdesk qc westgard`: the laboratory's arithmetic.

    labdesk calc --formula F --var NAME=VALUE … [--places N | --interval I] [--json]
    labdesk replicates --values "0.153;0.161" --max-rel-diff 20 [--places N] [--json]
    labdesk qc westgard --mean M --sd S --values "10.2,13.5,…" [--json]

No database. Every number is decimal text in and out. Exit codes: 0 (calc: computed;
replicates: within the permitted difference; westgard: no rejection rule violated),
1 (outside; a rejection rule violated), 2 bad input (the message names the field, and
for a formula the position).
"""

from __future__ import annotations

import argparse
import json
import re

# The core is imported inside the handlers: register() runs for every command.

_NAME = re.compile(r"^[^\W\d]\w*$")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `calc`, `replicates` and `qc`."""
    calc = sub.add_parser(
        "calc",
        help="evaluate a method formula in Decimal (no eval; rounded once)",
        description="Evaluate FORMULA with the given inputs, in decimal arithmetic, rounding "
        "once at the end (GB/T 8170). Only arithmetic, brackets and abs/min/max/sqrt/ln/log10/"
        "exp; names only those given with --var.",
    )
    calc.add_argument("--formula", required=True, help='e.g. "(rho - rho0) * V * f / m"')
    calc.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an input value (repeat for each), e.g. --var rho=12.3",
    )
    step = calc.add_mutually_exclusive_group()
    step.add_argument("--places", type=int, metavar="N", help="round to N decimal places")
    step.add_argument("--interval", metavar="I", help="round to a GB/T 8170 interval (0.5, 0.02…)")
    calc.add_argument("--json", action="store_true", help="print one JSON object")
    calc.set_defaults(func=_calc)

    rep = sub.add_parser(
        "replicates",
        help="mean of parallel determinations, permitted difference",
        description="The mean of n determinations (平行测定) and whether their difference "
        "(the range, for n > 2) is within P % of the mean. Exit 0 within, 1 not.",
    )
    rep.add_argument("--values", required=True, help='the determinations, e.g. "0.153;0.161"')
    rep.add_argument(
        "--max-rel-diff",
        required=True,
        metavar="P",
        help="permitted difference in %% of the mean, e.g. 20",
    )
    rep.add_argument("--places", type=int, metavar="N", help="round the mean to N places")
    rep.add_argument("--json", action="store_true", help="print one JSON object")
    rep.set_defaults(func=_replicates)

    qc = sub.add_parser("qc", help="quality control: Westgard rules over a control series")
    verbs = qc.add_subparsers(dest="qc_command", metavar="VERB", required=True)
    west = verbs.add_parser(
        "westgard",
        help="Westgard rules 1-2s, 1-3s, 2-2s, R-4s, 4-1s, 10x",
        description="Every Westgard rule, each on its own, over the series. Exit 0 when no "
        "rejection rule is violated (1-2s is a warning), 1 otherwise.",
    )
    west.add_argument("--mean", required=True, help="the control material's mean")
    west.add_argument("--sd", required=True, help="its standard deviation")
    west.add_argument("--values", required=True, help='the series in order, "10.2,13.5,…"')
    west.add_argument("--json", action="store_true", help="print one JSON object")
    west.set_defaults(func=_westgard)
    for parser in (calc, rep, west):
        _allow_negative_values(parser)


def _allow_negative_values(parser: argparse.ArgumentParser) -> None:
    # "--mean -0.5" and "--values -1,2" are values, not options.
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = re.compile(r"^-[\d.]")


def _variables(pairs: list[str]) -> dict[str, str]:
    from labdesk.core.errors import ValidationError

    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not _NAME.match(name) or name.startswith("_"):
            raise ValidationError(
                "var", "name_value", f"--var {pair!r}: write NAME=VALUE, e.g. --var rho=12.3"
            )
        if name in values:
            raise ValidationError("var", "unique", f"--var {name} is given twice")
        values[name] = value.strip()
    return values


def _calc(args: argparse.Namespace) -> int:
    from labdesk.core.formula import parse_formula

    values = _variables(args.var)
    formula = parse_formula(args.formula, declared=values)
    outcome = formula.compute(values, places=args.places, interval=args.interval)
    text = format(outcome.value, "f")
    if args.json:
        payload: dict[str, object] = {"value": text, "exact": outcome.exact}
        if outcome.intermediates:
            payload["intermediates"] = {n: format(v, "f") for n, v in outcome.intermediates}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        for name, value in outcome.intermediates:
            print(f"{name} = {format(value, 'f')}")
        print(text)
    return 0


def _replicates(args: argparse.Namespace) -> int:
    from labdesk.core.replicates import check_replicates, parse_value_list

    check = check_replicates(parse_value_list(args.values), args.max_rel_diff, places=args.places)
    relative = check.relative_difference
    if args.json:
        print(
            json.dumps(
                {
                    "mean": format(check.reported, "f"),
                    "within": check.within,
                    "n": check.n,
                    "difference": format(check.difference, "f"),
                    "relative_difference": None if relative is None else _pct(relative),
                    "max_rel_diff": format(check.max_rel_diff, "f")
                    if check.max_rel_diff is not None
                    else None,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(f"mean:   {format(check.reported, 'f')}")
        print(check.explanation_en())
        print(check.explanation_zh())
    return 0 if check.within else 1


def _pct(value: object) -> str:
    from decimal import Decimal

    from labdesk.core.rounding import round_to_interval

    assert isinstance(value, Decimal)
    return format(round_to_interval(value, "0.01"), "f")


def _westgard(args: argparse.Namespace) -> int:
    from labdesk.core.replicates import parse_value_list
    from labdesk.core.westgard import westgard

    found = westgard(parse_value_list(args.values), args.mean, args.sd)
    rejected = any(not v.warning for v in found)
    if args.json:
        print(
            json.dumps(
                {
                    "violations": [
                        {
                            "rule": v.rule,
                            "index": v.index,
                            "points": list(v.points),
                            "warning": v.warning,
                        }
                        for v in found
                    ],
                    "rejected": rejected,
                },
                ensure_ascii=False,
            )
        )
    else:
        if not found:
            print("no rule violated (无失控规则)")
        for v in found:
            kind = "warning" if v.warning else "reject"
            print(f"{v.index}\t{v.rule}\t{kind}\tpoints {','.join(map(str, v.points))}")
    return 1 if rejected else 0
