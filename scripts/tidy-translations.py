"""Tidy resources/i18n: drop the messages no UI source says any more, fold a catalog into
the area catalog it belongs to, then rebuild the .qm files.

    .venv/bin/python scripts/tidy-translations.py [-n] [SRC.ts=DST.ts[,Context:OTHER.ts] …]

`-n` only lists what would be dropped. Run from the project root. The live strings are
what `pyside6-lupdate` finds in labdesk/ui, as tests/ui/test_i18n.py reads them.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path.cwd()
I18N = ROOT / "resources" / "i18n"
CONTEXT = re.compile(r"<context>\s*<name>(.*?)</name>\n(.*?)</context>\n", re.S)
MESSAGE = re.compile(r"    <message>\n.*?    </message>\n", re.S)
SOURCE = re.compile(r"<source>(.*?)</source>", re.S)

Contexts = list[tuple[str, list[str]]]


def source_of(message: str) -> str:
    found = SOURCE.search(message)
    assert found is not None, message
    return html.unescape(found.group(1))


def live_strings() -> set[tuple[str, str]]:
    """(context, source) of every string the UI sources mark for translation."""
    with tempfile.TemporaryDirectory() as folder:
        scan = Path(folder) / "scan.ts"
        sources = sorted(str(p) for p in (ROOT / "labdesk" / "ui").glob("*.py"))
        lupdate = str(ROOT / ".venv" / "bin" / "pyside6-lupdate")
        subprocess.run(
            [lupdate, *sources, "-ts", str(scan), "-locations", "none"],
            check=True,
            capture_output=True,
        )
        text = scan.read_text(encoding="utf-8")
    return {
        (name, source_of(m)) for name, body in CONTEXT.findall(text) for m in MESSAGE.findall(body)
    }


def read(path: Path) -> tuple[str, Contexts, str]:
    text = path.read_text(encoding="utf-8")
    first = CONTEXT.search(text)
    head = text[: first.start()] if first else text[: text.index("</TS>")]
    tail = text[text.rindex("</TS>") :]
    return head, [(n, MESSAGE.findall(b)) for n, b in CONTEXT.findall(text)], tail


def write(path: Path, head: str, contexts: Contexts, tail: str) -> None:
    body = "".join(
        f"<context>\n    <name>{name}</name>\n{''.join(messages)}</context>\n"
        for name, messages in contexts
        if messages
    )
    path.write_text(head + body + tail, encoding="utf-8")


def fold(catalogs: dict[str, tuple[str, Contexts, str]], source: str, target: str) -> None:
    """Moves every context of `source` into `target` (or the catalog its route names)."""
    default, *routes = target.split(",")
    route = dict(r.split(":") for r in routes)
    for name, messages in catalogs.pop(source)[1]:
        into = catalogs[route.get(name, default)][1]
        for existing_name, existing in into:
            if existing_name == name:
                existing.extend(messages)
                break
        else:
            into.append((name, list(messages)))


def main(argv: list[str]) -> int:
    dry = "-n" in argv
    folds = [a.split("=", 1) for a in argv if not a.startswith("-")]
    keep = live_strings()
    catalogs = {p.name: read(p) for p in sorted(I18N.glob("*_zh_CN.ts"))}
    for source, target in folds:
        fold(catalogs, source, target)
    dropped = 0
    for name, (_head, contexts, _tail) in catalogs.items():
        seen: set[tuple[str, str]] = set()
        for context, messages in contexts:
            kept = []
            for message in messages:
                key = (context, source_of(message))
                if key in keep and key not in seen:
                    kept.append(message)
                    seen.add(key)
                else:
                    dropped += 1
                    print(f"drop {name} {context}: {key[1][:70]}")
            messages[:] = kept
    if dry:
        print(f"{dropped} message(s) would be dropped; nothing written")
        return 0
    for source, _target in folds:
        (I18N / source).unlink()
        (I18N / source.replace(".ts", ".qm")).unlink()
    lrelease = str(ROOT / ".venv" / "bin" / "pyside6-lrelease")
    for name, (head, contexts, tail) in catalogs.items():
        write(I18N / name, head, contexts, tail)
        qm = I18N / name.replace(".ts", ".qm")
        subprocess.run(
            [lrelease, str(I18N / name), "-qm", str(qm)], check=True, capture_output=True
        )
    print(f"{dropped} message(s) dropped; folded: {', '.join(s for s, _ in folds) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
