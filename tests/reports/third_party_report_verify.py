"""A report verifier written only from docs/report-payload.md — no LabDesk imports.

Uses Python's re, base64, hashlib and the openssl command line (signatures, SM3, key id).
Usage: python third_party_report_verify.py pdf|payload FILE PEM [PEM …]
Prints "OK <report> <version> <conclusion>" and exits 0, or "BAD <reason>: <why>", exit 1.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FIELDS = ["centre", "report", "version", "sample", "product", "uscc", "conclusion",
          "issued", "content", "key", "sig"]  # fmt: skip


class Bad(Exception):
    def __init__(self, reason: str, why: str) -> None:
        super().__init__(f"{reason}: {why}")


def openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True)


def key_ids(pems: list[Path], work: Path) -> dict[str, Path]:
    found = {}
    for pem in pems:
        der = openssl("pkey", "-pubin", "-in", str(pem.resolve()), "-outform", "DER", cwd=work)
        if der.returncode != 0:
            raise Bad("usage", f"cannot read {pem}")
        found[hashlib.sha256(der.stdout).hexdigest()] = pem.resolve()
    return found


def is_sm2(pem: Path, work: Path) -> bool:
    text = openssl("pkey", "-pubin", "-in", str(pem), "-text", "-noout", cwd=work).stdout
    return b"SM2" in text


def verify_sig(pem: Path, message: bytes, sig: bytes, work: Path) -> bool:
    (work / "m.bin").write_bytes(message)
    (work / "s.bin").write_bytes(sig)
    cmd = ["pkeyutl", "-verify", "-pubin", "-inkey", str(pem), "-rawin",
           "-in", "m.bin", "-sigfile", "s.bin"]  # fmt: skip
    if is_sm2(pem, work):
        cmd += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"]
    done = openssl(*cmd, cwd=work)
    return done.returncode == 0 and b"Signature Verified Successfully" in done.stdout


def sm3(data: bytes, work: Path) -> str:
    (work / "c.bin").write_bytes(data)
    return openssl("dgst", "-sm3", "c.bin", cwd=work).stdout.decode().split("= ")[-1].strip()


def parse_payload(text: str) -> tuple[dict[str, str], bytes, bytes]:
    """§1: the fields, the signed message, the signature."""
    text = text.replace("\r\n", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    lines = text.split("\n")
    if lines[0] != "LDR/1":
        if lines[0].startswith("LDR/"):
            raise Bad("unsupported-format", lines[0])
        raise Bad("no-payload", "does not start with LDR/1")
    if len(lines) != 1 + len(FIELDS):
        raise Bad("payload-invalid", f"{len(lines)} lines")
    values = {}
    for name, line in zip(FIELDS, lines[1:], strict=True):
        key, sep, value = line.partition("=")
        if key != name or not sep:
            raise Bad("payload-invalid", f"expected {name}=")
        values[name] = value
    if not re.fullmatch(r"sm3:[0-9a-f]{64}", values["content"]):
        raise Bad("payload-invalid", "content")
    if not re.fullmatch(r"[0-9a-f]{64}", values["key"]):
        raise Bad("payload-invalid", "key")
    if not re.fullmatch(r"[1-9][0-9]*", values["version"]):
        raise Bad("payload-invalid", "version")
    if values["conclusion"] not in ("合格", "不合格", "不判定"):
        raise Bad("payload-invalid", "conclusion")
    try:
        sig = base64.b64decode(values["sig"], validate=True)
    except ValueError:
        raise Bad("payload-invalid", "sig is not base64") from None
    message = "".join(line + "\n" for line in lines[:-1]).encode("utf-8")
    return values, message, sig


def check_payload(text: str, trusted: dict[str, Path], work: Path) -> dict[str, str]:
    values, message, sig = parse_payload(text)  # step 3
    pem = trusted.get(values["key"])
    if pem is None:  # step 4
        raise Bad("unknown-key", values["key"][:16])
    if not verify_sig(pem, message, sig, work):  # step 5
        raise Bad("bad-signature", "the payload is not what was signed")
    return values


def file_signature(contents_hex: bytes, sm2: bool) -> bytes:
    raw = bytes.fromhex(contents_hex.decode())
    if sm2:
        return raw[: 2 + raw[1]] if raw[:1] == b"\x30" else raw
    return raw[:64]


def check_pdf(pdf: bytes, trusted: dict[str, Path], work: Path) -> dict[str, str]:
    if not pdf.startswith(b"%PDF-"):  # step 1
        raise Bad("unreadable", "not a PDF")
    marker = pdf.rfind(b"/SubFilter /LabDesk.report.1")  # step 2
    if marker < 0:
        raise Bad("no-payload", "no LabDesk signature dictionary")
    start = pdf.rfind(b" obj", 0, marker)
    end = pdf.find(b"endobj", marker)
    obj = pdf[start:end]
    found = {
        "key": re.search(rb"/LabDesk\.KeyId\s*\(([0-9a-f]{64})\)", obj),
        "payload": re.search(rb"/LabDesk\.Payload\s*<([0-9A-Fa-f]*)>", obj),
        "content": re.search(rb"/LabDesk\.Content\s*<([0-9A-Fa-f]*)>", obj),
        "range": re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", obj),
        "contents": re.search(rb"/Contents\s*(<([0-9A-Fa-f]*)>)", obj),
        "filter": re.search(rb"/Filter\s*/LabDesk\.(SM2|Ed25519)", obj),
    }
    if not all(found.values()):
        raise Bad("payload-invalid", "signature dictionary incomplete")
    payload = bytes.fromhex(found["payload"].group(1).decode()).decode("utf-8")  # type: ignore[union-attr]
    content = bytes.fromhex(found["content"].group(1).decode())  # type: ignore[union-attr]
    values = check_payload(payload, trusted, work)  # steps 3-5
    if "sm3:" + sm3(content, work) != values["content"]:  # step 6
        raise Bad("content-changed", "content digest differs")
    if found["key"].group(1).decode() != values["key"]:  # type: ignore[union-attr]  # step 7
        raise Bad("key-mismatch", "file and payload keys differ")
    zero, a, b, c = (int(x) for x in found["range"].groups())  # type: ignore[union-attr]
    hole = found["contents"]
    assert hole is not None
    if zero != 0 or a != start + hole.start(1) or b != start + hole.end(1) or b + c != len(pdf):
        raise Bad("file-changed", "byte range does not cover the file")  # step 8
    pem = trusted[values["key"]]
    sig = file_signature(hole.group(2), found["filter"].group(1) == b"SM2")  # type: ignore[union-attr]
    if not verify_sig(pem, pdf[:a] + pdf[b : b + c], sig, work):  # step 9
        raise Bad("file-changed", "file bytes are not what was signed")
    return values


def main(argv: list[str]) -> int:
    kind, path, pems = argv[0], Path(argv[1]), [Path(p) for p in argv[2:]]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            trusted = key_ids(pems, work)
            if kind == "pdf":
                values = check_pdf(path.read_bytes(), trusted, work)
            else:
                values = check_payload(path.read_text(encoding="utf-8"), trusted, work)
    except Bad as exc:
        print(f"BAD {exc}")
        return 1
    print(f"OK {values['report']} {values['version']} {values['conclusion']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
