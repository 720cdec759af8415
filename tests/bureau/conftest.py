"""The finance bureau's inbox: the five seed packages, one broken package and one filled Excel template
(seed 003 exported by the app's own Excel writer), as a clerk copies them from USB sticks."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.domain.package import read_package_file
from app.export import export_packet
from tests.conftest import DATA, ROOT, SEEDS

BROKEN = "broken.json"
FILLED = "seed_003_filled.xlsx"


@pytest.fixture(scope="session")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    text = (DATA / "seed_001.json").read_text(encoding="utf-8")
    (folder / BROKEN).write_text(text[: text.index('"self_eval"')], encoding="utf-8")  # a copy cut off half-way
    export_packet(read_package_file(DATA / "seed_003.json"), "xlsx", folder / FILLED, draft=True)
    (folder / "说明.txt").write_text("not a packet: ignored", encoding="utf-8")
    return folder


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``perfeval ARGS`` in this process: (exit status, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], path: Path | str) -> tuple[int, dict[str, Any]]:
    """What ``perfeval check PATH --json`` says (the reference for every summary row)."""
    code, out, _ = cli(capsys, "check", str(path), "--json")
    return code, json.loads(out) if out.strip() else {}


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice (libreoffice-calc-nogui) is a test dependency: installer/setup-env.sh"
    return found


def fontconfig_with_bundled_font(tmp: Path) -> dict[str, str]:
    """Environment for LibreOffice that adds the bundled CJK font to the system's fonts (the test machine has
    no 宋体; a clerk's Windows has)."""
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{ROOT / 'resources' / 'fonts'}</dir>\n  <cachedir>{tmp / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}
