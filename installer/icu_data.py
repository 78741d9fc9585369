"""Trim ICU's data library (`libicudata.so.NN`, 32 MB) to the locales LabDesk speaks.

Qt Core links ICU, and PySide6's wheel ships ICU's complete data: collation, time-zone
names, currency and unit names, number spelling, … for some 800 locales. Qt uses ICU
for collation (QCollator), locale-aware case mapping, time-zone display names and the
legacy text encodings (GB18030, GBK, Big5, …); its locale formats come from its own CLDR
tables. LabDesk's interface is Chinese and English, so the bundle keeps:

- every item that is not one locale's bundle: the encoding converters (`*.cnv`), Unicode
  properties and normalisation, the root collation table, the break-iterator rules and
  dictionaries, time-zone rules, supplemental and likely-subtags data, each tree's
  `pool.res` and `res_index.res`;
- the locale bundles of `root`, Chinese (`zh*`) and English (`en*`) in every tree.

Any other locale (a lab PC set to, say, German) falls back to `root` as ICU always does
for a locale it lacks: the Unicode Collation Algorithm order and English names; nothing
fails.

The data is ICU's "common data" package (format `CmnD`): a header, a sorted table of
contents (name offset, data offset) and the items, each 16-byte aligned. The library is
nothing but that blob exported as the symbol `icudtNN_dat` in `.rodata`; `shrink_elf()`
rewrites it in place, moving what follows `.rodata` down by whole pages, so no compiler
is needed to build the bundle. Anything unexpected in either format leaves the library
as it was (`trim_library` returns None and the caller reports it).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PAGE = 0x1000
ALIGN = 16
KEPT_LANGUAGES = ("zh", "en")
# One locale's bundle: root, or language[_Script][_REGION][_variant] (af, zh_Hans_CN, es_419).
_LOCALE_BUNDLE = re.compile(r"^(?:root|[a-z]{2,3}(?:_[A-Za-z0-9]+)*)\.res$")
# Bundles every tree needs that look like locale names: the root locale, the list of the
# tree's locales (res_index looks like language "res", region "index") and shared strings.
_NOT_A_LOCALE = frozenset({"root.res", "res_index.res", "pool.res"})


def keep_item(name: str, languages: Iterable[str] = KEPT_LANGUAGES) -> bool:
    """Whether a data item (`icudt73l/coll/zh.res`) stays in the trimmed package."""
    leaf = name.rsplit("/", 1)[-1]
    if leaf in _NOT_A_LOCALE or not _LOCALE_BUNDLE.match(leaf):
        return True
    language = leaf[: -len(".res")].split("_", 1)[0]
    return language in tuple(languages)


def _align(value: int) -> int:
    return (value + ALIGN - 1) // ALIGN * ALIGN


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]] | None:
    """(header, [(name, item bytes), …]) of a little-endian common-data package, or None."""
    if len(blob) < 32:
        return None
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD" or blob[8] != 0:
        return None  # not common data, or big-endian
    if header_size % ALIGN:
        return None
    count = struct.unpack_from("<I", blob, header_size)[0]
    base = header_size
    offsets = [struct.unpack_from("<II", blob, base + 4 + 8 * i) for i in range(count)]
    items: list[tuple[str, bytes]] = []
    for index, (name_offset, data_offset) in enumerate(offsets):
        end_of_name = blob.index(b"\0", base + name_offset)
        name = blob[base + name_offset : end_of_name].decode("ascii")
        end = offsets[index + 1][1] if index + 1 < count else len(blob) - base
        if end < data_offset:
            return None  # items not in table order: some other layout
        items.append((name, blob[base + data_offset : base + end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """A common-data package of these items, in the given (sorted) order.

    Offsets in the table count from its start, right after the header (whose size is a
    multiple of 16), so 16-byte alignment there is alignment in the blob too.
    """
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    name_offsets, data_offsets = [], []
    position = toc_size
    for name, _ in items:
        name_offsets.append(position)
        position += len(name) + 1
    position = _align(position)
    body = bytearray()
    for _, data in items:
        data_offsets.append(position)
        padded = data.ljust(_align(len(data)), b"\0")
        body += padded
        position += len(padded)
    toc = struct.pack("<I", len(items)) + b"".join(
        struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets, strict=True)
    )
    gap = b"\0" * (data_offsets[0] - toc_size - len(names)) if items else b""
    return header + toc + names + gap + bytes(body)


def trim_package(blob: bytes, keep: Callable[[str], bool] = keep_item) -> bytes | None:
    """The package with only the items `keep` accepts, or None if `blob` is not one."""
    parsed = read_package(blob)
    if parsed is None:
        return None
    header, items = parsed
    return write_package(header, [(name, data) for name, data in items if keep(name)])


# ---------------------------------------------------------------------------- the ELF

_EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
_PHDR = struct.Struct("<IIQQQQQQ")
_SHDR = struct.Struct("<IIQQQQIIQQ")
_SYM = struct.Struct("<IBBHQQ")
_DYN = struct.Struct("<qQ")
_SHT_SYMTAB, _SHT_DYNSYM, _SHT_DYNAMIC = 2, 11, 6


def _section_name(elf: bytes, shdrs: list[list[int]], shstrndx: int, index: int) -> str:
    strtab = shdrs[shstrndx]
    start = strtab[4] + shdrs[index][0]
    return elf[start : elf.index(b"\0", start)].decode("ascii")


def shrink_elf(
    elf: bytes, keep: Callable[[str], bool] = keep_item, symbol_prefix: bytes = b"icudt"
) -> bytes | None:
    """Replace the data blob of ICU's data library with a trimmed package.

    Returns the new library, or None when the file is not laid out as expected: a 64-bit
    little-endian shared object whose `.rodata` holds exactly the `icudtNN_dat` symbol's
    blob, followed only by sections that nothing refers to by address except the
    program and section headers (the `.dynamic` segment, the symbol tables).
    """
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        return None
    ehdr = list(_EHDR.unpack_from(elf, 0))
    phoff, shoff, phentsize, phnum, shentsize, shnum, shstrndx = (
        ehdr[5],
        ehdr[6],
        ehdr[9],
        ehdr[10],
        ehdr[11],
        ehdr[12],
        ehdr[13],
    )
    if shoff == 0 or shentsize != _SHDR.size or phentsize != _PHDR.size:
        return None
    shdrs = [list(_SHDR.unpack_from(elf, shoff + i * shentsize)) for i in range(shnum)]
    names = [_section_name(elf, shdrs, shstrndx, i) for i in range(shnum)]
    if names.count(".rodata") != 1:
        return None
    rodata = shdrs[names.index(".rodata")]
    ro_offset, ro_addr, ro_size = rodata[4], rodata[3], rodata[5]
    if ro_offset % PAGE or ro_addr % PAGE:
        return None
    package = trim_package(elf[ro_offset : ro_offset + ro_size], keep)
    if package is None:
        return None
    shift = (ro_size - len(package)) // PAGE * PAGE
    if shift <= 0:
        return None
    ro_end, ro_end_addr = ro_offset + ro_size, ro_addr + ro_size
    new_size = ro_size - shift

    out = bytearray(elf[:ro_offset] + package.ljust(new_size, b"\0") + elf[ro_end:])

    def moved(offset: int) -> int:
        return offset - shift if offset >= ro_end else offset

    def moved_addr(addr: int) -> int:
        return addr - shift if addr >= ro_end_addr else addr

    # Program headers: the segment holding .rodata shrinks; later ones move down.
    for i in range(phnum):
        p = list(_PHDR.unpack_from(elf, phoff + i * phentsize))
        offset, vaddr, filesz, memsz = p[2], p[3], p[5], p[6]
        if offset <= ro_offset and offset + filesz >= ro_end:
            p[5], p[6] = filesz - shift, memsz - shift
        elif offset >= ro_end:
            p[2], p[3], p[4] = offset - shift, vaddr - shift, p[4] - shift
        elif offset + filesz > ro_offset:
            return None  # a segment overlapping only part of .rodata
        _PHDR.pack_into(out, phoff + i * phentsize, *p)
    found = False
    for i, s in enumerate(shdrs):
        kind, offset, addr, size, entsize = s[1], s[4], s[3], s[5], s[9]
        if kind in (_SHT_SYMTAB, _SHT_DYNSYM) and entsize == _SYM.size:
            for start in range(offset, offset + size, entsize):
                sym = list(_SYM.unpack_from(elf, start))
                name_start = shdrs[s[6]][4] + sym[0]
                name = elf[name_start : elf.index(b"\0", name_start)]
                if sym[4] == ro_addr and name.startswith(symbol_prefix):
                    sym[5] = len(package)
                    found = True
                elif sym[3] != 0:
                    sym[4] = moved_addr(sym[4])
                _SYM.pack_into(out, moved(start), *sym)
        if kind == _SHT_DYNAMIC:
            for start in range(offset, offset + size, _DYN.size):
                tag, value = _DYN.unpack_from(elf, start)
                if value >= ro_end_addr and tag not in (0,):
                    if tag in (1, 10, 11, 14, 15, 29):  # NEEDED, STRSZ, SYMENT, SONAME, RPATH…
                        continue
                    return None  # a pointer past .rodata: not the simple layout
        if s is rodata:
            s[5] = new_size
        else:
            s[4] = moved(offset) if offset >= ro_end else offset
            s[3] = moved_addr(addr) if addr else addr
        _SHDR.pack_into(out, moved(shoff) + i * shentsize, *s)
    if not found:
        return None
    ehdr[6] = moved(shoff)
    _EHDR.pack_into(out, 0, *ehdr)
    return bytes(out)


def trim_library(path: Path, keep: Callable[[str], bool] = keep_item) -> tuple[int, int] | None:
    """Trim the ICU data library at `path` in place: (old size, new size), or None."""
    old = path.read_bytes()
    new = shrink_elf(old, keep)
    if new is None:
        return None
    path.write_bytes(new)
    return len(old), len(new)


# ------------------------------------------------------------------------ the check

# 啊 (a) sorts before 中 (zhōng) in pinyin order; by code point, as root's UCA orders
# Han characters, 中 (U+4E2D) comes first. So this pair tells Chinese collation apart.
PINYIN_PAIR = ("啊", "中")


def probe(lib_dir: Path) -> dict[str, object]:
    """What ICU in `lib_dir` (libicudata/uc/i18n.so.NN) can still do, through ctypes.

    Run it in a process of its own (`python installer/icu_data.py probe DIR`): a process
    that already loaded Qt has an ICU loaded under the same names.
    """
    import ctypes

    libraries = {}
    for stem in ("libicudata", "libicuuc", "libicui18n"):
        (path,) = [p for p in lib_dir.glob(f"{stem}.so.*") if p.suffix[1:].isdigit()]
        libraries[stem] = ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
    version = path.suffix[1:]
    uc, i18n = libraries["libicuuc"], libraries["libicui18n"]

    def function(library: ctypes.CDLL, name: str, restype: object) -> Any:
        found = getattr(library, f"{name}_{version}")
        found.restype = restype
        return found

    ucol_open = function(i18n, "ucol_open", ctypes.c_void_p)
    ucol_strcoll = function(i18n, "ucol_strcoll", ctypes.c_int)
    ucol_strcoll.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_int,
    ]
    ucol_locale = function(i18n, "ucol_getLocaleByType", ctypes.c_char_p)
    ucol_locale.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    ucnv_open = function(uc, "ucnv_open", ctypes.c_void_p)

    def utf16(text: str) -> ctypes.Array[ctypes.c_uint16]:
        units = [ord(ch) for ch in text]  # BMP characters only
        return (ctypes.c_uint16 * len(units))(*units)

    result: dict[str, object] = {"version": version}
    for locale in ("zh_CN", "en_US"):
        status = ctypes.c_int(0)
        collator = ucol_open(locale.encode(), ctypes.byref(status))
        if status.value > 0 or not collator:  # U_FAILURE
            result[locale] = {"error": status.value}
            continue
        valid = ucol_locale(collator, 1, ctypes.byref(ctypes.c_int(0)))  # ULOC_VALID_LOCALE
        first, second = (utf16(ch) for ch in PINYIN_PAIR)
        order = ucol_strcoll(collator, first, 1, second, 1)
        result[locale] = {"locale": valid.decode(), "pinyin_first": order < 0}
    encodings = {}
    for name in ("GB18030", "GBK", "Big5", "windows-1252"):
        status = ctypes.c_int(0)
        converter = ucnv_open(name.encode(), ctypes.byref(status))
        encodings[name] = bool(converter) and status.value <= 0
    result["encodings"] = encodings
    return result


if __name__ == "__main__":  # python installer/icu_data.py probe DIR
    import json
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "probe":
        raise SystemExit("usage: python installer/icu_data.py probe DIR")
    print(json.dumps(probe(Path(sys.argv[2])), ensure_ascii=False))
