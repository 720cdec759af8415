"""installer/icu_trim.py: Qt's ICU data cut to root/zh/en still sorts Chinese by pinyin, names time zones in
Chinese and decodes GB18030 — checked by loading the trimmed library in front of PySide6's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import PySide6

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "installer"))
import icu_trim

QT_LIB = Path(PySide6.__file__).resolve().parent / "Qt" / "lib"

PROBE = r"""
from PySide6.QtCore import QByteArray, QCollator, QLocale, QStringDecoder, QTimeZone
zh = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
collator = QCollator(zh)
print(",".join(sorted(["张三", "李四", "王五", "赵六", "阿七"], key=collator.sortKey)))
print(QTimeZone(b"Asia/Shanghai").displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, zh))
print(QStringDecoder("GB18030").isValid(), QStringDecoder("Shift_JIS").isValid())
"""


def test_keep_rules() -> None:
    locales = {"root", "zh", "zh_Hans_CN", "de", "de_AT", "en"}
    assert icu_trim.keep("zh.res", locales) and icu_trim.keep("coll/zh_Hans_CN.res", locales)
    assert not icu_trim.keep("de_AT.res", locales) and not icu_trim.keep("curr/de.res", locales)
    assert icu_trim.keep("pool.res", locales) and icu_trim.keep("zoneinfo64.res", locales)  # not locales
    assert icu_trim.keep("gb18030.cnv", locales) and not icu_trim.keep("ibm-943_P15A-2003.cnv", locales)
    assert icu_trim.keep("brkitr/cjdict.dict", locales) and not icu_trim.keep("translit/root.res", locales)


def test_trimmed_library_serves_chinese(tmp_path: Path) -> None:
    [original] = QT_LIB.glob("libicudata.so.*")
    small = icu_trim.trim(original, tmp_path)
    assert small is not None, "icupkg (icu-devtools), readelf and gcc are installed by installer/setup-env.sh"
    assert small.name == original.name and small.stat().st_size < original.stat().st_size / 3
    env = {**os.environ, "LD_LIBRARY_PATH": f"{tmp_path}:{os.environ.get('LD_LIBRARY_PATH', '')}"}
    run = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60,
                         check=True)
    names, zone, codecs = run.stdout.splitlines()
    assert names == "阿七,李四,王五,张三,赵六"  # pinyin order: the zh collation is there
    assert zone == "中国标准时间"
    assert codecs == "True False"  # GB18030 kept, Shift_JIS removed
