"""`labdesk round`, `labdesk judge`, `labdesk uscc`: the numbers, from the command line.

    labdesk round VALUE --interval I      GB/T 8170 rounding to an interval (1, 2, 5 × 10ⁿ)
    labdesk round VALUE --sig N           … to N significant figures
    labdesk round VALUE --decimals N      … to N decimal places (interval 10⁻ᴺ)
    labdesk judge --limit L --value V [--method full|rounded] [--interval I | --decimals D]
                  [--lod X] [--loq Y] [--unit U] [--factor F] [--rounding gb8170|gb4789.2]
                  [--screening] [--json]

`judge` speaks every limit the library holds: a sampling plan
(``--limit "n=5,c=2,m=100 CFU/g,M=1000 CFU/g" --value "80;120;<10;95;300"``), a limit in
another unit than the result (``--limit "≤1.0 g/kg" --value 850 --unit mg/kg``: the limit
carries its unit, ``--unit`` is the result's), a sum (``--value "0.35+0.20"``), 以…计
(``--factor 0.847``: the measured value times the factor is judged), 不得使用 /
按生产需要适量使用, and screening (``--screening``: above the limit is not judged, it needs
the confirmatory test).
    labdesk uscc CODE [--json]            check a 统一社会信用代码

`round` prints the rounded value alone on its last line (``60.0``; significant figures
in E-notation when the exponent is positive, ``2E+3``, with ``2×10³`` above it).
Negative values work as they are, marked or not (``labdesk round -0.0365 --interval 0.001``,
``labdesk round "-15.5(-)" --interval 1``); ``--`` also works, after the options
(``labdesk round --interval 1 -- -15.5(-)``). Quote marked values: shells treat brackets
specially.

Exit codes of `judge`: 0 pass, 1 fail, 3 not judged (不判定 is neither a pass nor a
fail, so a script must not be able to mistake it for either), 2 input error (a limit that
cannot be read, a result that is not one). `uscc`: 0 valid, 1 invalid. `round`: 0, or 2
on bad input.
"""

from __future__ import annotations

import argparse
import json
import re

# labdesk.core.judgement / rounding are imported inside the handlers: `register()` runs
# for every command (and before the desktop app opens), so it must stay argparse only.

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_NOT_JUDGED = 3
_EXIT = {"pass": EXIT_PASS, "fail": EXIT_FAIL, "not_judged": EXIT_NOT_JUDGED}

# argparse takes "-15.5(-)" for an option; this lets a marked negative value through as
# well as the plain "-0.0365" argparse already accepts.
_NEGATIVE_VALUE = re.compile(r"^-\d*\.?\d+(\([+\-−]\)|（[+\-−＋－]）)?$")


def _allow_negative_values(parser: argparse.ArgumentParser) -> None:
    if hasattr(parser, "_negative_number_matcher"):
        parser._negative_number_matcher = _NEGATIVE_VALUE


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `round`, `judge` and `uscc`."""
    rnd = sub.add_parser(
        "round",
        help="GB/T 8170 rounding (数值修约) of a decimal",
        description="Round VALUE per GB/T 8170: to an interval of 1, 2 or 5 × 10ⁿ, or to N "
        "significant figures. VALUE may be negative and may carry a mark, 15.5(+) / 15.5(−).",
    )
    rnd.add_argument("value", metavar="VALUE", help="the decimal as typed, e.g. 0.549, -0.0365")
    how = rnd.add_mutually_exclusive_group(required=True)
    how.add_argument("--interval", metavar="I", help="rounding interval, e.g. 0.1, 0.5, 0.02, 10")
    how.add_argument("--sig", metavar="N", type=int, help="number of significant figures")
    how.add_argument(
        "--decimals",
        metavar="N",
        type=int,
        help="round to N decimal places, i.e. an interval of 10⁻ᴺ (as judge takes it)",
    )
    rnd.set_defaults(func=_round)
    _allow_negative_values(rnd)

    jdg = sub.add_parser(
        "judge",
        help="judge a result against a limit (全数值 / 修约值比较法)",
        description="Judge one typed result against a limit. Exit 0 pass, 1 fail, "
        "3 not judged, 2 input error.",
    )
    jdg.add_argument(
        "--limit", required=True, help="the limit as the standard writes it, e.g. ≤0.5"
    )
    jdg.add_argument(
        "--value",
        required=True,
        help="the result as typed: 0.549, 2.1E4, ND, <0.01, 阴性; a sum 0.35+0.20; a plan's "
        "unit values 80;120;<10;95;300",
    )
    jdg.add_argument(
        "--method",
        choices=("full", "rounded"),
        default="full",
        help="full = 全数值比较法 (default), rounded = 修约值比较法",
    )
    step = jdg.add_mutually_exclusive_group()
    step.add_argument("--interval", metavar="I", help="rounding interval for --method rounded")
    step.add_argument("--decimals", metavar="D", type=int, help="round to D decimal places")
    jdg.add_argument("--lod", metavar="X", help="detection limit (检出限)")
    jdg.add_argument("--loq", metavar="Y", help="quantitation limit (定量限)")
    jdg.add_argument(
        "--unit",
        metavar="U",
        default="",
        help="the result's unit, e.g. mg/kg; converted exactly to the limit's own unit",
    )
    jdg.add_argument(
        "--factor",
        metavar="F",
        help="以…计: the measured value times F is judged (e.g. 0.847 苯甲酸钠 → 苯甲酸)",
    )
    jdg.add_argument(
        "--rounding",
        choices=("gb8170", "gb4789.2"),
        default="gb8170",
        help="the item's rounding rule: GB/T 8170 (default) or GB 4789.2 colony counts",
    )
    jdg.add_argument(
        "--screening",
        action="store_true",
        help="a screening measurement: clears the limit, but above it needs the confirmatory test",
    )
    jdg.add_argument("--json", action="store_true", help="print one JSON object")
    jdg.set_defaults(func=_judge)
    _allow_negative_values(jdg)

    usc = sub.add_parser(
        "uscc",
        help="check a 统一社会信用代码 (GB 32100-2015)",
        description="Check an unified social credit code. Exit 0 valid, 1 invalid.",
    )
    usc.add_argument("code", metavar="CODE")
    usc.add_argument("--json", action="store_true", help="print one JSON object")
    usc.set_defaults(func=_uscc)


def _round(args: argparse.Namespace) -> int:
    from labdesk.core.rounding import format_sig_zh, round_to_interval, round_to_sig

    if args.interval is not None:
        print(round_to_interval(args.value, args.interval))
        return 0
    if args.decimals is not None:
        from decimal import Decimal

        from labdesk.core.errors import ValidationError

        if not -12 <= args.decimals <= 12:  # the range judge --decimals accepts
            raise ValidationError("decimals", "range", "--decimals: must be between -12 and 12")
        print(round_to_interval(args.value, f"{Decimal(1).scaleb(-args.decimals):f}"))
        return 0
    result = round_to_sig(args.value, args.sig)
    pretty = format_sig_zh(result)
    if pretty != str(result):
        print(pretty)
    print(result)
    return 0


def _judge(args: argparse.Namespace) -> int:
    from labdesk.cli import cli_language
    from labdesk.core.judgement import ItemRule, compile_rule

    rule = ItemRule(
        limit=args.limit,
        method=args.method,
        interval=args.interval,
        decimals=args.decimals,
        lod=args.lod,
        loq=args.loq,
        unit=args.unit,
        factor=args.factor,
        rounding=args.rounding,
        screening=args.screening,
    )
    compiled = compile_rule(rule)
    verdict = compiled.judge(args.value)
    if args.json:
        payload = {
            "verdict": verdict.verdict,
            "label_zh": verdict.label_zh,
            "compared": verdict.compared,
            "rounded": verdict.rounded,
            "display": verdict.display,
            "explanation_zh": verdict.explanation_zh,
            "explanation_en": verdict.explanation_en,
            "limit": compiled.limit_zh,
            "limit_en": compiled.limit_en,
            "method": rule.method,
            "interval": None if compiled.step is None else str(compiled.step),
            "value": args.value,
            "report_only": verdict.report_only,
            "unit": compiled.unit,
            "units": list(verdict.units),
            "components": list(verdict.components),
            "converted": verdict.converted,
            "pending": verdict.pending,
            "rounding": rule.rounding,
            "plan": _plan_json(compiled.limit.plan),
        }
        print(json.dumps(payload, ensure_ascii=False))
    elif cli_language(args) == "en":
        method = "rounded value" if rule.method == "rounded" else "full value"
        if compiled.step is not None:
            method += f", interval {compiled.step}"
        print(f"limit:   {compiled.limit_en}")
        print(f"value:   {args.value}")
        print(f"method:  {method}")
        if verdict.converted:
            print(f"converted: {verdict.converted}")
        if verdict.components:
            print(f"components: {' + '.join(verdict.components)}")
        for number, unit in enumerate(verdict.units, 1):
            print(f"unit {number}#: {unit}")
        if verdict.rounded is not None:
            print(f"rounded: {verdict.rounded}")
        print(f"report:  {verdict.display}")
        print(f"verdict: {_VERDICT_EN[verdict.verdict]}")
        print(verdict.explanation_en)
    else:  # Chinese, the default (issue 21.8: one language per run; JSON keeps both)
        method = "修约值比较法" if rule.method == "rounded" else "全数值比较法"
        if compiled.step is not None:
            method += f"，修约间隔 {compiled.step}"
        print(f"限量：{compiled.limit_zh}")
        print(f"结果：{args.value}")
        print(f"判定方法：{method}")
        if verdict.converted:
            print(f"换算：{verdict.converted}")
        if verdict.components:
            print(f"分量：{' + '.join(verdict.components)}")
        for number, unit in enumerate(verdict.units, 1):
            print(f"第 {number} 个单元：{unit}")
        if verdict.rounded is not None:
            print(f"修约值：{verdict.rounded}")
        print(f"报告值：{verdict.display}")
        print(f"判定：{verdict.label_zh}")
        print(verdict.explanation_zh)
    return _EXIT[verdict.verdict]


_VERDICT_EN = {"pass": "pass", "fail": "fail", "not_judged": "not judged"}


def _plan_json(plan: object) -> dict[str, object] | None:
    from labdesk.core.plans import SamplingPlan

    if not isinstance(plan, SamplingPlan):
        return None
    return {
        "n": plan.n,
        "c": plan.c,
        "m": plan.m_text,
        "M": plan.M_text or None,
        "unit": plan.unit,
        "basis": plan.basis,
        "classes": 3 if plan.three_class else 2,
    }


def _uscc(args: argparse.Namespace) -> int:
    from labdesk.core.numbers import quote
    from labdesk.core.uscc import describe, validate_uscc

    check = validate_uscc(args.code)
    # The message in the language of the top-level --lang (Chinese unless --lang en), as
    # the desktop app does; `reason` keeps both languages for scripts that read it.
    language = "en" if getattr(args, "lang", None) == "en" else "zh"
    problem = check.problem
    message = describe(problem, language) if problem is not None else ""
    if args.json:
        out: dict[str, object] = {"valid": check.valid, "reason": check.reason}
        if problem is not None:
            out.update(code=problem.code, params=problem.params, message=message)
        print(json.dumps(out, ensure_ascii=False))
    else:
        if language == "en":
            state = "valid" if check.valid else "invalid"
        else:
            state = "有效" if check.valid else "无效"
        # Quoted, not echoed whole: a 120,000-character paste is not repeated (issue 21.8).
        print(f"{quote(check.normalized or args.code, language=language)}: {state}")
        if message:
            print(message)
    return 0 if check.valid else 1
