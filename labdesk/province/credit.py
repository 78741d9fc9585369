"""Enterprise quality credit (企业质量信用档案) per 统一社会信用代码, across centres and years.

Each enterprise is one valid GB 32100 code: samples, passes, failures, the failing items,
the centres that sampled it, and **repeat non-conformity**: a failure whose sampling date
is within 24 calendar months after an earlier failure of the same enterprise (any centre,
any product; `same_items` says whether an item failed again). The evidence is the pair of
samples with their sample and report numbers and centres. Samples without a code or with
one failing GB 32100 are not attributed to anyone: they are counted as excluded, with the
rule the code broke, and never merged into a look-alike.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from labdesk.batch.hq_store import withdrawn_samples
from labdesk.core.uscc import validate_uscc
from labdesk.province.evidence import SAMPLE_COLUMNS, SAMPLE_FROM, SampleRef, sample_ref
from labdesk.province.scope import Exclusions, Scope, centre_regions

REPEAT_MONTHS = 24
RULE = (
    "repeat non-conformity: a failed sample taken within 24 calendar months after an earlier "
    "failed sample of the same 统一社会信用代码 (any centre, any product)"
)


@dataclass(frozen=True)
class RepeatOffence:
    earlier: SampleRef
    later: SampleRef
    same_items: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        days = (date.fromisoformat(self.later.sampling_date)
                - date.fromisoformat(self.earlier.sampling_date)).days  # fmt: skip
        return {
            "earlier": self.earlier.as_json(),
            "later": self.later.as_json(),
            "days_apart": days,
            "same_items": list(self.same_items),
        }


@dataclass
class EnterpriseCredit:
    uscc: str
    name: str
    names: list[str] = field(default_factory=list)  # every name the centres sent
    samples: list[SampleRef] = field(default_factory=list)
    repeats: list[RepeatOffence] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for s in self.samples if s.verdict == "pass")

    @property
    def failed(self) -> int:
        return sum(1 for s in self.samples if s.verdict == "fail")

    @property
    def failing_items(self) -> Counter[str]:
        return Counter(i for s in self.samples if s.verdict == "fail" for i in s.failing_items)

    @property
    def centres(self) -> list[str]:
        return sorted({s.centre_code for s in self.samples})

    @property
    def flagged(self) -> bool:
        return bool(self.repeats)

    def as_json(self, *, evidence: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "uscc": self.uscc,
            "name": self.name,
            "names": self.names,
            "samples": len(self.samples),
            "passed": self.passed,
            "failed": self.failed,
            "not_judged": len(self.samples) - self.passed - self.failed,
            "failing_items": [
                {"item": item, "failures": n}
                for item, n in sorted(self.failing_items.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "centres": self.centres,
            "years": sorted({s.sampling_date[:4] for s in self.samples}),
            "repeat_nonconformity": self.flagged,
        }
        if evidence:
            out["evidence"] = [r.as_json() for r in self.repeats]
            out["failed_samples"] = [s.as_json() for s in self.samples if s.verdict == "fail"]
        return out


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (clamped to the month's last day)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def find_repeats(samples: list[SampleRef]) -> list[RepeatOffence]:
    """Each failure with an earlier failure within 24 months, paired with the nearest one."""
    failures = sorted((s for s in samples if s.verdict == "fail"), key=lambda s: s.sampling_date)
    found: list[RepeatOffence] = []
    for index, later in enumerate(failures):
        day = date.fromisoformat(later.sampling_date)
        for earlier in reversed(failures[:index]):
            if add_months(date.fromisoformat(earlier.sampling_date), REPEAT_MONTHS) < day:
                break
            same = tuple(sorted(set(earlier.failing_items) & set(later.failing_items)))
            found.append(RepeatOffence(earlier, later, same))
            break
    return found


@dataclass(frozen=True)
class CreditReport:
    enterprises: list[EnterpriseCredit]
    exclusions: Exclusions
    invalid_codes: dict[str, str]  # code as sent → the GB 32100 rule it fails, in words
    # code as sent → the rule's name (`core.uscc.UsccProblem.code`: "check", "length" …),
    # for a program reading the JSON (the words above are English and Chinese at once)
    invalid_rules: dict[str, str] = field(default_factory=dict)


def credit(
    store: Any, scope: Scope | None = None, *, uscc: str = "", flagged_only: bool = False
) -> CreditReport:
    """Every enterprise in `scope` (or just `uscc`), repeat offenders first."""
    scope = scope or Scope()
    where, params = scope.where()
    if uscc:
        where += (" AND" if where else " WHERE") + " s.uscc = ?"
        params.append(uscc.strip().upper())
    rows = store.query(
        f"SELECT {SAMPLE_COLUMNS}{SAMPLE_FROM}{where} ORDER BY s.uscc, s.sampling_date, "
        "s.centre_code, s.sample_id",
        params,
    )
    centres = centre_regions(store)
    withdrawn = withdrawn_samples(store)
    exclusions = Exclusions()
    invalid: dict[str, str] = {}
    rules: dict[str, str] = {}
    valid: dict[str, bool] = {}
    by_code: dict[str, EnterpriseCredit] = {}
    for row in rows:
        ref = sample_ref(row)
        if (ref.centre_code, ref.sample_id) in withdrawn:
            exclusions.add("report-withdrawn")
            continue
        if not centres.get(ref.centre_code):
            exclusions.add("centre-no-region")
            continue
        if not ref.uscc:
            exclusions.add("uscc-missing")
            continue
        if ref.uscc not in valid:
            check = validate_uscc(ref.uscc)
            valid[ref.uscc] = check.valid
            if not check.valid:
                invalid[ref.uscc] = check.reason
                rules[ref.uscc] = check.problem.code if check.problem else ""
        if not valid[ref.uscc]:
            exclusions.add("uscc-invalid")
            continue
        entry = by_code.setdefault(ref.uscc, EnterpriseCredit(ref.uscc, ref.enterprise_name))
        entry.samples.append(ref)
        entry.name = ref.enterprise_name or entry.name  # the latest name sent
        if ref.enterprise_name and ref.enterprise_name not in entry.names:
            entry.names.append(ref.enterprise_name)
    listed = []
    for entry in by_code.values():
        entry.repeats = find_repeats(entry.samples)
        if entry.flagged or not flagged_only:
            listed.append(entry)
    listed.sort(key=lambda e: (not e.flagged, -e.failed, e.uscc))
    return CreditReport(listed, exclusions, invalid, rules)


def report_json(report: CreditReport, *, evidence: bool = True) -> dict[str, Any]:
    return {
        "rule": RULE,
        "enterprises": [e.as_json(evidence=evidence) for e in report.enterprises],
        "excluded": report.exclusions.as_json(),
        "invalid_codes": [
            {"uscc": code, "rule": rule, "rule_code": report.invalid_rules.get(code, "")}
            for code, rule in sorted(report.invalid_codes.items())
        ],
    }
