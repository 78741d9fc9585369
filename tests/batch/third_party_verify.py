"""A batch verifier written only from docs/batch-format.md — no LabDesk imports.

Uses Python's zipfile, hashlib and json, and the openssl command line for the signature,
the key id and SM3. Usage: python third_party_verify.py BATCH PEM [PEM …]
Prints "OK <centre> <sequence>" and exits 0, or "BAD: <why>" and exits 1.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LIMIT = 200 * 1024 * 1024
DATA_1 = {"audit.jsonl", "items.jsonl", "results.jsonl", "samples.jsonl", "summary.json"}
DATA = {
    "labdesk-batch/1": DATA_1,
    "labdesk-batch/2": DATA_1 | {"reports.jsonl"},
    "labdesk-batch/3": DATA_1 | {"reports.jsonl"},  # /2's files; results carry `values`
}
COUNTS_1 = {
    "samples": "samples.jsonl",
    "items": "items.jsonl",
    "results": "results.jsonl",
    "audit_entries": "audit.jsonl",
}
COUNTS = {
    "labdesk-batch/1": COUNTS_1,
    "labdesk-batch/2": {**COUNTS_1, "reports": "reports.jsonl"},
    "labdesk-batch/3": {**COUNTS_1, "reports": "reports.jsonl"},
}


class Bad(Exception):
    pass


def openssl(*args: str, cwd: Path, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *args], cwd=cwd, input=data, capture_output=True)


def key_id(pem: Path, work: Path) -> str:
    der = openssl("pkey", "-pubin", "-in", str(pem.resolve()), "-outform", "DER", cwd=work)
    if der.returncode != 0:
        raise Bad(f"cannot read key {pem}")
    return hashlib.sha256(der.stdout).hexdigest()


def read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    out = b""
    with zf.open(info) as f:
        while chunk := f.read(65536):
            out += chunk
            if len(out) > cap:
                raise Bad(f"{info.filename} larger than declared")
    return out


def verify(batch: Path, pems: list[Path]) -> dict:
    if batch.stat().st_size > LIMIT:
        raise Bad("file too large")
    try:
        zf = zipfile.ZipFile(batch)
        infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise Bad(f"corrupt archive: {exc}") from exc
    names: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        n = info.filename
        if (
            not n
            or n.startswith(("/", "\\"))
            or "\\" in n
            or "\0" in n
            or "/" in n
            or re.match(r"^[A-Za-z]:", n)
            or n in (".", "..")
        ):
            raise Bad(f"unsafe name {n!r}")
        if n in names:
            raise Bad(f"duplicate name {n}")
        if info.flag_bits & 1 or info.compress_type not in (0, 8):
            raise Bad(f"{n}: encrypted or unsupported compression")
        names[n] = info
        total += info.file_size
        if info.file_size > LIMIT or total > LIMIT:
            raise Bad(f"{n}: declared size over the limit")
    for required in ("manifest.json", "manifest.sig"):
        if required not in names:
            raise Bad(f"{required} missing")
    raw = read(zf, names["manifest.json"], min(names["manifest.json"].file_size, 1 << 20))
    sig = read(zf, names["manifest.sig"], min(names["manifest.sig"].file_size, 1024))
    manifest = json.loads(raw)
    fmt = manifest.get("format")
    if fmt not in DATA:
        raise Bad(f"unknown format {fmt!r}")
    region = manifest["centre"].get("region_code")
    if fmt in ("labdesk-batch/2", "labdesk-batch/3") and not (
        isinstance(region, str) and len(region) == 6 and region.isdigit()
    ):
        raise Bad(f"{fmt} needs centre.region_code (six digits)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trusted = {key_id(p, work): p for p in pems}
        claimed = manifest["signature"]["key_id"]
        if claimed not in trusted:
            raise Bad("signed by an unknown key")
        (work / "manifest.json").write_bytes(raw)
        (work / "manifest.sig").write_bytes(sig)
        cmd = ["pkeyutl", "-verify", "-pubin", "-inkey", str(trusted[claimed].resolve()),
               "-rawin", "-in", "manifest.json", "-sigfile", "manifest.sig"]  # fmt: skip
        if manifest["signature"]["algorithm"] == "SM2-with-SM3":
            cmd += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"]
        done = openssl(*cmd, cwd=work)
        if done.returncode != 0 or b"Signature Verified Successfully" not in done.stdout:
            raise Bad("signature does not verify")
        listed = {f["path"]: f for f in manifest["files"]}
        present = set(names) - {"manifest.json", "manifest.sig"}
        if present != set(listed):
            raise Bad(f"files differ from manifest: {sorted(present ^ set(listed))}")
        if present != DATA[fmt]:
            raise Bad(f"not the data files of {fmt}")
        contents = {}
        for path, entry in listed.items():
            data = read(zf, names[path], entry["size"])
            if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise Bad(f"{path} changed (size or SHA-256)")
            (work / "f").write_bytes(data)
            sm3 = openssl("dgst", "-sm3", "f", cwd=work).stdout.decode().split("= ")[-1].strip()
            if sm3 != entry["sm3"]:
                raise Bad(f"{path} changed (SM3)")
            contents[path] = data
    if set(manifest["counts"]) != set(COUNTS[fmt]):
        raise Bad("counts do not name the format's files")
    for count, path in COUNTS[fmt].items():
        lines = contents[path].decode("utf-8").split("\n")[:-1]  # each line ends in \n
        if not all(isinstance(json.loads(line), dict) for line in lines):
            raise Bad(f"{path}: not JSON objects")
        if len(lines) != manifest["counts"][count]:
            raise Bad(f"{path}: count differs")
    check_samples(contents["samples.jsonl"])
    if "reports.jsonl" in contents:
        check_reports(contents["reports.jsonl"])
    return manifest


def check_reports(data: bytes) -> None:
    """Step 8's report lines (/2), as §4/§5 of the document state them."""
    seen: set[tuple[str, int]] = set()
    for n, line in enumerate(data.decode("utf-8").split("\n")[:-1], 1):
        report = json.loads(line)
        for key in ("sample_id", "report_no"):
            if not isinstance(report.get(key), str) or not report[key]:
                raise Bad(f"reports.jsonl line {n}: bad {key}")
        version = report.get("version")
        if type(version) is not int or version < 1:
            raise Bad(f"reports.jsonl line {n}: bad version")
        if (report["report_no"], version) in seen:
            raise Bad(f"reports.jsonl line {n}: repeated report version")
        seen.add((report["report_no"], version))
        if report.get("state") not in ("current", "superseded", "withdrawn"):
            raise Bad(f"reports.jsonl line {n}: bad state")
        if report.get("kind") not in ("original", "correction"):
            raise Bad(f"reports.jsonl line {n}: bad kind")
        for key in ("payload", "reason", "issued_at"):
            if not isinstance(report.get(key), str):
                raise Bad(f"reports.jsonl line {n}: bad {key}")


def check_samples(data: bytes) -> None:
    """Step 8's sample fields, as §4/§5 of the document state them."""
    seen: set[str] = set()
    for n, line in enumerate(data.decode("utf-8").split("\n")[:-1], 1):
        sample = json.loads(line)
        sample_id = sample.get("sample_id")
        if not isinstance(sample_id, str) or not sample_id or sample_id in seen:
            raise Bad(f"samples.jsonl line {n}: sample_id missing or repeated")
        seen.add(sample_id)
        if sample.get("verdict") not in ("pass", "fail", "not_judged"):
            raise Bad(f"samples.jsonl line {n}: bad verdict")
        if not isinstance(sample.get("category"), str):
            raise Bad(f"samples.jsonl line {n}: bad category")
        date = sample.get("sampling_date")
        if not isinstance(date, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise Bad(f"samples.jsonl line {n}: bad sampling_date")
        report_no = sample.get("report_no")  # optional; null or non-empty text
        if report_no is not None and (not isinstance(report_no, str) or not report_no):
            raise Bad(f"samples.jsonl line {n}: bad report_no")


def main(argv: list[str]) -> int:
    try:
        manifest = verify(Path(argv[0]), [Path(p) for p in argv[1:]])
    except (Bad, KeyError, ValueError, OSError) as exc:
        print(f"BAD: {exc}")
        return 1
    print(f"OK {manifest['centre']['code']} {manifest['sequence']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
