"""Build the one-folder bundle (installer/dist/PerfEvalDesk) and, on Linux, the .tar.gz to hand out.

    python installer/build.py                # bundle + PerfEvalDesk-<version>-linux-x86_64.tar.gz
    python installer/build.py --no-archive   # bundle only
    python installer/build.py --no-trim      # keep every Qt module/translation (to measure what trimming saves)

Runs with the Python that has the project's dependencies and PyInstaller (``pip install -e ".[build]"``).
On Windows it also writes the version resource of the two .exe files; installer/windows/build.ps1 calls it
and then compiles the NSIS installer.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
DIST = INSTALLER / "dist"
WORK = INSTALLER / "build"
BUNDLE = DIST / "PerfEvalDesk"
LINUX_EXTRAS = INSTALLER / "linux"


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _windows_version_file(ver: str) -> Path:
    """A VSVersionInfo file so Explorer shows product name and version on the .exe files."""
    nums = [int(x) for x in ver.split(".")[:3] if x.isdigit()] + [0, 0, 0, 0]
    tup = tuple(nums[:4])
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={tup}, prodvers={tup}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('CompanyName', 'PerfEval Desk'),
      StringStruct('FileDescription', '绩效自评填报'),
      StringStruct('FileVersion', '{ver}'),
      StringStruct('ProductName', 'PerfEval Desk 绩效自评填报'),
      StringStruct('ProductVersion', '{ver}')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "version_info.txt"
    path.write_text(text, encoding="utf-8")
    return path


def build_bundle(*, trim: bool = True, quiet: bool = False) -> Path:
    """Run PyInstaller on installer/perfeval.spec; returns the bundle folder."""
    env = dict(os.environ)
    env["PERFEVAL_NO_TRIM"] = "0" if trim else "1"
    if sys.platform == "win32":
        env["PERFEVAL_VERSION_FILE"] = str(_windows_version_file(version()))
    cmd = [
        sys.executable, "-m", "PyInstaller", str(INSTALLER / "perfeval.spec"),
        "--noconfirm", "--clean", "--distpath", str(DIST), "--workpath", str(WORK),
        "--log-level", "WARN" if quiet else "INFO",
    ]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    if sys.platform != "win32":
        # Both executables embed the same 8 MB Python archive; on Linux, where "console" means nothing, the
        # command-line name can be a symlink (the entry script dispatches on the name it was started as).
        (BUNDLE / "perfeval").unlink()
        (BUNDLE / "perfeval").symlink_to("PerfEvalDesk")
    for exe in ("PerfEvalDesk", "perfeval"):
        suffix = ".exe" if sys.platform == "win32" else ""
        if not (BUNDLE / f"{exe}{suffix}").exists():
            raise SystemExit(f"构建失败：{BUNDLE / (exe + suffix)} 不存在")
    return BUNDLE


def archive_name() -> str:
    machine = {"amd64": "x86_64", "x86_64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(
        platform.machine().lower(), platform.machine().lower()
    )
    return f"PerfEvalDesk-{version()}-linux-{machine}.tar.gz"


def required_glibc(bundle: Path = BUNDLE) -> str:
    """The newest GLIBC_2.x symbol version any bundled ELF file asks for: the oldest glibc the bundle runs on.

    PyInstaller bundles the build machine's libpython and system libraries, so this is the build machine's
    glibc (Debian 12: 2.36), not the 2.28 of the PySide6 wheels.  install.sh checks it before installing.
    """
    newest = 0
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
            data = fh.read()
        newest = max([newest, *(int(m) for m in re.findall(rb"GLIBC_2\.(\d+)", data))])
    return f"2.{newest}"


def make_tarball(bundle: Path = BUNDLE) -> Path:
    """PerfEvalDesk-<v>-linux-<arch>.tar.gz: the bundle plus .desktop file, install/uninstall scripts, note."""
    top = f"PerfEvalDesk-{version()}"
    out = DIST / archive_name()
    tmp = out.with_suffix(".tmp")

    def _mode(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=top, filter=_mode)
        glibc = required_glibc(bundle)
        for name in ("perfeval-desk.desktop", "install.sh", "uninstall.sh", "INSTALL.txt"):
            text = (LINUX_EXTRAS / name).read_text(encoding="utf-8").replace("@GLIBC@", glibc)
            data = text.encode("utf-8")
            info = _mode(tar.gettarinfo(LINUX_EXTRAS / name, arcname=f"{top}/{name}"))
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建 PerfEval Desk 安装包")
    parser.add_argument("--no-trim", action="store_true", help="不裁剪未用的Qt模块（仅用于对比体积）")
    parser.add_argument("--no-archive", action="store_true", help="只生成程序文件夹，不打 tar.gz")
    parser.add_argument("--quiet", action="store_true", help="PyInstaller 只输出警告")
    args = parser.parse_args(argv)
    if not _has_pyinstaller():
        print('缺少 PyInstaller：请先 pip install -e ".[build]"', file=sys.stderr)
        return 2
    start = time.perf_counter()
    bundle = build_bundle(trim=not args.no_trim, quiet=args.quiet)
    took = time.perf_counter() - start
    print(f"程序文件夹：{bundle}  {folder_size(bundle) / 1e6:.1f} MB  （构建 {took:.0f} 秒）")
    if sys.platform.startswith("linux") and not args.no_archive:
        tarball = make_tarball(bundle)
        size = tarball.stat().st_size / 1e6
        print(f"Linux 安装包：{tarball}  {size:.1f} MB（需要 glibc ≥ {required_glibc(bundle)}）")
    return 0


def _has_pyinstaller() -> bool:
    import importlib.util

    return importlib.util.find_spec("PyInstaller") is not None


if __name__ == "__main__":
    raise SystemExit(main())
