"""The words of a verdict's explanation, built when first read.

Each builder is ``builder(verdict, *args)`` -> (zh, en), kept on a verdict as its ``_why``
(`core.verdicts`) and run by `Verdict.__getattr__` when an explanation is first read. Each
writes exactly the words the eager form wrote; ``said`` names the result (zh, en), None
meaning ``verdict.compared``; ``suffix`` is the compiled rule's tail for the code
("，≤0.2 mg/kg，合格", ", limit at most 0.2 mg/kg: pass").
"""

from __future__ import annotations

from labdesk.core.verdicts import Verdict

__all__ = [
    "why_converted",
    "why_converted_rounded",
    "why_named",
    "why_plain",
    "why_rounded",
    "why_said",
    "why_stated",
]


def why_plain(verdict: Verdict, suffix: tuple[str, str]) -> tuple[str, str]:
    shown = verdict.compared
    return shown + suffix[0], shown + suffix[1]


def why_rounded(verdict: Verdict, suffix: tuple[str, str]) -> tuple[str, str]:
    shown, rshown = verdict._said, verdict.rounded
    return f"{shown} 修约至 {rshown}{suffix[0]}", f"{shown} rounded to {rshown}{suffix[1]}"


def why_named(verdict: Verdict, suffix: tuple[str, str]) -> tuple[str, str]:
    """Named by ``verdict._said`` in both languages (a sum: "0.35+0.20=0.55")."""
    said = verdict._said
    return said + suffix[0], said + suffix[1]


def why_said(
    verdict: Verdict, said: tuple[str, str] | None, suffix: tuple[str, str]
) -> tuple[str, str]:
    if said is None:
        shown = verdict.compared
        return shown + suffix[0], shown + suffix[1]
    return said[0] + suffix[0], said[1] + suffix[1]


def why_stated(verdict: Verdict, unit: str, suffix: tuple[str, str]) -> tuple[str, str]:
    """ND with its own LOD: named by the display (未检出（检出限 0.01 mg/kg）) and the LOD
    in ``compared`` ("<0.01")."""
    return (
        verdict.display + suffix[0],
        "not detected (LOD " + verdict.compared[1:] + unit + ")" + suffix[1],
    )


def why_converted(
    verdict: Verdict, note_zh: str, note_en: str, suffix: tuple[str, str]
) -> tuple[str, str]:
    converted = verdict.converted
    return f"{converted}{note_zh}{suffix[0]}", f"{converted}{note_en}{suffix[1]}"


def why_converted_rounded(
    verdict: Verdict, note_zh: str, note_en: str, suffix: tuple[str, str]
) -> tuple[str, str]:
    converted, rshown = verdict.converted, verdict.rounded
    return (
        f"{converted}{note_zh} 修约至 {rshown}{suffix[0]}",
        f"{converted}{note_en} rounded to {rshown}{suffix[1]}",
    )
