"""app.export.platypus imports reportlab's platypus with its URL pattern compiled on first use (≈35 ms saved per
process): the stand-in must behave as the pattern, and nothing else may change."""

from __future__ import annotations

import re
import subprocess
import sys

from app.export.platypus import LazyPattern, lazy_uri_pattern

URI = ("(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:[a-z\xa1-\uffff0-9-]{1,63}\\.)*[a-z\xa1-\uffff-]{2,63}"
       "(?:[/?#][^\\s]*)?\\Z")


def test_only_the_uri_pattern_is_deferred_and_it_matches_as_compiled() -> None:
    original = re.compile
    with lazy_uri_pattern():
        lazy = re.compile(URI, re.I)
        other = re.compile("[a-z]+", re.I)
        plain = re.compile(URI)  # the same text without IGNORECASE compiles at once
    assert re.compile is original
    assert isinstance(lazy, LazyPattern)
    assert isinstance(other, re.Pattern) and isinstance(plain, re.Pattern)
    for text in ("https://www.gov.cn/zhengce", "HTTP://例子.测试/路径", "not a url", "ftp://x"):
        assert bool(lazy.match(text)) == bool(original(URI, re.I).match(text))


def test_a_fresh_process_gets_the_stand_in_and_a_working_paragraph() -> None:
    code = (
        "import app.export.pdf, re\n"
        "from reportlab.platypus import paragraph as p\n"
        "from app.export.platypus import LazyPattern\n"
        "assert isinstance(p.uri_pat, LazyPattern), type(p.uri_pat)\n"
        "assert p.uri_pat.match('https://www.mof.gov.cn/')\n"
        "assert re.compile.__module__ == 're'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
