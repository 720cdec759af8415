"""A smaller ICU data library for the Linux bundle: libicudata.so.NN with only what a 简体中文 desktop needs.

PySide6's QtCore links ICU; its data library (``libicudata.so.73``, 32 MB) is one symbol, ``icudt73_dat``, holding
an ICU *common data* package: locale data for ~800 locales, ~200 legacy character-set converters, collation and
word-break dictionaries for many scripts.  Qt uses ICU for collation, legacy codecs, locale-aware case mapping and
time-zone names; the app shows Chinese and reads/writes UTF-8 only.  This module

  1. copies that package out of the library (the symbol's bytes),
  2. removes with ICU's own ``icupkg`` (Debian package icu-devtools) the items of other locales, the legacy
     converters and transliteration (see :func:`keep`); the root locale, zh/zh_Hans/zh_Hans_CN, en, every
     non-locale table (time zones, plural rules, Unicode properties, normalisation, GB18030) and the word-break
     dictionaries (the root break rules refer to them) stay,
  3. assembles a library with the same file name, soname and symbol around the smaller package (``as``/``gcc``).

ICU answers a request for a removed item with U_MISSING_RESOURCE_ERROR and falls back to the root locale, the same
as on a system whose ICU lacks that locale; nothing crashes.  Used by installer/perfeval.spec; on any problem
(tool missing, unexpected layout) it returns None and the spec keeps the original library.

    python installer/icu_trim.py LIBICUDATA OUT_DIR     # try it by hand: prints the sizes
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

#: a locale's item name (zh_Hans_CN.res, yue.res); the tables of all locales are camelCase or longer (pool.res,
#: res_index.res, supplementalData.res, zoneinfo64.res, units.res …)
LOCALE_ID = re.compile(r"^(?:[a-z]{2,3}(?:_[A-Za-z0-9]*)*|root)\.res$")  # de_.res: an alias item
#: locales whose data stays (their parents — zh_Hans → zh → root — too)
KEEP_LOCALES = ("root", "zh", "zh_Hans", "zh_Hans_CN", "zh_CN", "en", "en_US", "en_001", "en_GB")
#: converters that stay (UTF-8/16/32, ASCII and Latin-1 are built into ICU's code, not data)
KEEP_CONVERTERS = ("gb18030.cnv",)


def keep(item: str, locales: set[str]) -> bool:
    """Whether a package item (``zh.res``, ``coll/de.res``, ``ibm-943_P15A-2003.cnv`` …) stays."""
    name = item.rsplit("/", 1)[-1]
    if name.endswith(".cnv"):
        return name in KEEP_CONVERTERS
    if item.startswith("translit/"):
        return False  # transliteration (Any-Latin …): no Qt API uses it
    if name.endswith(".res"):
        stem = name[: -len(".res")]
        return stem not in locales or stem in KEEP_LOCALES
    return True


def _symbol(lib: Path) -> tuple[str, int, int] | None:
    """(name, file offset, size) of the icudtNN_dat symbol."""
    out = subprocess.run(["readelf", "-sW", str(lib)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+(icudt\d+_dat)\b", out)
    if not found:
        return None
    vaddr, size, section, name = int(found[1], 16), int(found[2], 0), int(found[3]), found[4]
    sections = subprocess.run(["readelf", "-SW", str(lib)], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m and int(m[1]) == section:
            return name, vaddr - int(m[2], 16) + int(m[3], 16), size
    return None


def trim(lib: Path, out_dir: Path) -> Path | None:
    """Write the trimmed library as ``out_dir/<lib name>``; None when it cannot be done here."""
    if not all(shutil.which(tool) for tool in ("icupkg", "readelf", "gcc")):
        return None
    try:
        sym = _symbol(lib)
        if sym is None:
            return None
        name, offset, size = sym
        with tempfile.TemporaryDirectory(prefix="icu-trim-") as tmp_name:
            tmp = Path(tmp_name)
            with lib.open("rb") as fh:
                fh.seek(offset)
                data = fh.read(size)
            if len(data) != size or data[2:4] != b"\xda\x27":  # ICU's data header magic
                return None
            package = tmp / f"{name[:-4]}l.dat"
            package.write_bytes(data)
            items = subprocess.run(["icupkg", "-l", str(package)], capture_output=True, text=True,
                                   check=True).stdout.split()
            names = [i.rsplit("/", 1)[-1] for i in items]
            locales = {n[: -len(".res")] for n in names if LOCALE_ID.match(n)}
            drop = [i for i in items if not keep(i, locales)]
            (tmp / "drop.txt").write_text("\n".join(drop) + "\n", encoding="utf-8")
            small = tmp / "out" / package.name  # icupkg names the items after the file: icudt73l/coll/zh.res
            small.parent.mkdir()
            subprocess.run(["icupkg", "-r", str(tmp / "drop.txt"), str(package), str(small)],
                           capture_output=True, check=True)
            asm = tmp / "icudata.S"
            asm.write_text(
                "\t.section .rodata\n"
                f"\t.globl {name}\n\t.type {name}, @object\n\t.balign 16\n"
                f"{name}:\n\t.incbin \"{small}\"\n\t.size {name}, . - {name}\n"
                "\t.section .note.GNU-stack,\"\",@progbits\n",
                encoding="utf-8",
            )
            out_dir.mkdir(parents=True, exist_ok=True)
            target = out_dir / lib.name
            subprocess.run(["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{lib.name}", "-Wl,-z,noexecstack",
                            "-o", str(target), str(asm)], capture_output=True, check=True)
            got = _symbol(target)
            if got is None or got[0] != name or got[2] != small.stat().st_size:
                return None
            return target
    except (OSError, subprocess.CalledProcessError, ValueError, struct.error):
        return None


if __name__ == "__main__":
    source, dest = Path(sys.argv[1]), Path(sys.argv[2])
    result = trim(source, dest)
    if result is None:
        raise SystemExit("ICU 数据库未能裁剪（缺少 icupkg/readelf/gcc，或文件格式不符）")
    print(f"{source}: {source.stat().st_size / 1e6:.1f} MB → {result}: {result.stat().st_size / 1e6:.1f} MB")
