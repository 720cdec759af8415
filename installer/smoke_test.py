"""Smoke test of the Linux bundle: build it, unpack the .tar.gz somewhere else, and run what a clerk runs.

    python installer/smoke_test.py             # build + test (≈1½ min)
    python installer/smoke_test.py --no-build  # test the existing installer/dist/*.tar.gz
    python installer/smoke_test.py --runs 10   # more timing runs for docs/benchmarks.md

Steps (each prints one line; any failure exits 1):
  1. build the bundle and PerfEvalDesk-<v>-linux-<arch>.tar.gz (installer/build.py);
  2. unpack the archive into a temporary folder, away from the source tree and with a clean environment;
  3. ``perfeval check`` on the bundled sample packet: exit 1 (the packet has errors) and 控制率 81.48% in JSON;
  4. ``perfeval import`` + ``perfeval list`` on a fresh database;
     ``perfeval export … --format pdf --draft``: a PDF with the CJK font embedded, and xlsx/docx files;
  5. ``PerfEvalDesk --quit-after 1500`` offscreen on a fresh database: opens and closes with exit 0;
     the same on a virtual X11 screen (xvfb-run) with the real xcb plugin;
  6. install.sh / uninstall.sh into a temporary HOME: menu entry written, data folder left alone;
  7. the Windows NSIS script compiles (makensis, when installed; it packs the Linux folder instead), and its
     installer/uninstaller run under Wine (when installed): refused on Windows 7, data kept on uninstall;
  8. timings and sizes.
A step whose tool is missing here (makensis, Wine, xvfb-run) is reported as skipped with the reason, not failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # installer/build.py, a sibling script

ROOT = build.ROOT
SAMPLE_IN_BUNDLE = Path("_internal/resources/sample/yueyang-2024.json")
FONT_IN_BUNDLE = Path("_internal/resources/fonts/wqy-microhei.ttc.xz")  # unpacked on first use (app/resources.py)
EXPECTED_CONTROL_RATE = "81.48%"  # 在职66 / 编制81, seed 000 (tests/data/seed_000.expected.json)


class SmokeFailure(Exception):
    pass


@dataclass
class Run:
    code: int
    seconds: float
    stdout: str
    stderr: str
    max_rss_mb: float


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)

    def ok(self, text: str) -> None:
        self.lines.append(f"通过  {text}")
        print(self.lines[-1], flush=True)

    def skip(self, text: str) -> None:
        self.skipped.append(text)
        print(f"跳过  {text}", flush=True)


def clean_env(tmp: Path) -> dict[str, str]:
    """What a clerk's session has: no PYTHONPATH/virtualenv, a HOME of its own, logs kept in the temp dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_", "PERFEVAL_"))}
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PERFEVAL_LOG_DIR=str(tmp / "log"),
        LANG="zh_CN.UTF-8",
    )
    return env


GNU_TIME = "/usr/bin/time"  # peak memory of the program itself (os.wait4's ru_maxrss would include this
# script's own size: Linux carries the parent's high-water mark across fork+exec)


def run(cmd: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 120) -> Run:
    """Run, wait (killed after ``timeout``), and measure wall time and, with GNU time, peak memory."""
    rss_file = None
    if Path(GNU_TIME).is_file():
        fd, name = tempfile.mkstemp(prefix="perfeval-rss-")
        os.close(fd)
        rss_file = Path(name)
        cmd = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, timeout=timeout)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = -9, exc.stdout or b"", (exc.stderr or b"") + f"\n超时（{timeout} s）".encode()
    seconds = time.perf_counter() - start
    rss_mb = float("nan")
    if rss_file is not None:
        lines = rss_file.read_text(encoding="utf-8", errors="replace").split()
        rss_file.unlink(missing_ok=True)
        if lines and lines[-1].isdigit():
            rss_mb = int(lines[-1]) / 1024
    return Run(
        code=code,
        seconds=seconds,
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
        max_rss_mb=rss_mb,
    )


def expect(condition: bool, message: str, result: Run | None = None) -> None:
    if not condition:
        detail = f"\n--- stdout ---\n{result.stdout[-2000:]}\n--- stderr ---\n{result.stderr[-2000:]}" if result else ""
        raise SmokeFailure(message + detail)


def _content(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def unpack(tarball: Path, into: Path) -> Path:
    with tarfile.open(tarball) as tar:
        if hasattr(tarfile, "tar_filter"):  # Python >= 3.11.4 (Debian 12's 3.11.2 lacks extraction filters)
            tar.extractall(into, filter="tar")
        else:
            tar.extractall(into)  # our own freshly built archive
    tops = [p for p in into.iterdir() if p.is_dir() and p.name.startswith("PerfEvalDesk-")]
    expect(len(tops) == 1, f"{tarball.name} 应只有一个顶层文件夹，实际 {tops}")
    return tops[0]


def step_layout(bundle: Path, report: Report) -> None:
    for rel in ("PerfEvalDesk", "perfeval", "perfeval-desk.desktop", "install.sh", "uninstall.sh", "INSTALL.txt"):
        expect((bundle / rel).is_file(), f"安装包缺少 {rel}")
    for exe in ("PerfEvalDesk", "perfeval", "install.sh", "uninstall.sh"):
        expect(os.access(bundle / exe, os.X_OK), f"{exe} 没有可执行权限")
    for data in (SAMPLE_IN_BUNDLE, FONT_IN_BUNDLE, Path("_internal/resources/icons/perfeval.png")):
        expect((bundle / data).is_file(), f"安装包缺少 {data}")
    need = build.required_glibc(bundle)
    for name in ("install.sh", "INSTALL.txt"):
        text = (bundle / name).read_text(encoding="utf-8")
        expect("@GLIBC@" not in text and need in text, f"{name} 中的 glibc 版本要求未填入（应为 {need}）")
    report.ok(f"安装包内容齐全（两个程序、字体、图标、示例数据包、.desktop、安装说明）；需要 glibc ≥ {need}")


def step_check(bundle: Path, env: dict[str, str], tmp: Path, report: Report, runs: int) -> None:
    cmd = [str(bundle / "perfeval"), "check", str(bundle / SAMPLE_IN_BUNDLE), "--json"]
    first = run(cmd, env=env, cwd=tmp)
    expect(first.code == 1, f"perfeval check 应返回1（示例数据包有错误），实际 {first.code}", first)
    expect("Traceback" not in first.stderr, "perfeval check 输出了 Traceback", first)
    data = json.loads(first.stdout)
    rate = data["computed"]["basic.control_rate"]
    expect(rate == EXPECTED_CONTROL_RATE, f"控制率应为 {EXPECTED_CONTROL_RATE}，实际 {rate}", first)
    expect(data["summary"]["errors"] >= 1, "示例数据包应报告错误", first)
    times = [first.seconds] + [run(cmd, env=env, cwd=tmp).seconds for _ in range(max(0, runs - 1))]
    report.figures["check_first_s"] = f"{first.seconds:.3f}"
    report.figures["check_median_s"] = f"{statistics.median(times):.3f}"
    report.figures["check_max_rss_mb"] = f"{first.max_rss_mb:.0f}"
    report.ok(
        f"perfeval check 示例数据包：退出码1，控制率 {rate}，错误 {data['summary']['errors']} 条；"
        f"首次 {first.seconds * 1000:.0f} ms，中位数 {statistics.median(times) * 1000:.0f} ms（{len(times)} 次）"
    )


def step_storage(bundle: Path, env: dict[str, str], tmp: Path, report: Report) -> None:
    """perfeval import + list on a fresh database: SQLAlchemy's sqlite dialect and db/migrations in the bundle."""
    db = tmp / "storage-test" / "perfeval.db"
    db.parent.mkdir(exist_ok=True)
    perfeval = str(bundle / "perfeval")
    result = run([perfeval, "--db", str(db), "import", str(bundle / SAMPLE_IN_BUNDLE)], env=env, cwd=tmp)
    expect(result.code == 0 and db.is_file(), f"perfeval import 应返回0，实际 {result.code}", result)
    listing = run([perfeval, "--db", str(db), "list", "--json"], env=env, cwd=tmp)
    expect(listing.code == 0, f"perfeval list 应返回0，实际 {listing.code}", listing)
    packets = json.loads(listing.stdout)["packets"]
    expect(
        [(p["unit"], p["year"]) for p in packets] == [("中共岳阳市委组织部", 2024)],
        f"数据库里应只有岳阳市委组织部2024年度，实际 {packets}",
        listing,
    )
    took = f"{result.seconds:.2f} s，{listing.seconds:.2f} s"
    report.ok(f"perfeval import + list：新数据库建表、导入示例数据包并读回（{took}）")


def step_export(bundle: Path, env: dict[str, str], tmp: Path, report: Report) -> None:
    out = tmp / "导出测试.pdf"
    cmd = [str(bundle / "perfeval"), "export", str(bundle / SAMPLE_IN_BUNDLE), "--format", "pdf", "--draft"]
    result = run([*cmd, "-o", str(out)], env=env, cwd=tmp)
    expect(result.code == 0, f"perfeval export --draft 应返回0，实际 {result.code}", result)
    expect(out.is_file() and out.read_bytes().startswith(b"%PDF-"), "导出的文件不是 PDF", result)
    fonts = embedded_fonts(out)
    expect(any("wenquanyi" in f.lower() or "wqy" in f.lower() for f in fonts), f"PDF 未嵌入文泉驿字体：{fonts}")
    # the report's 仿宋 body and 楷体 headings: the bundle ships the fonts as .xz, unpacked into the cache folder
    expect({"FandolFang-Regular", "FandolKai-Regular"} <= fonts, f"PDF 未嵌入仿宋/楷体：{fonts}")
    unpacked = sorted(p.name for p in Path(env["XDG_CACHE_HOME"]).rglob("*.tt[fc]"))
    expect(unpacked == ["fandol-fang.ttf", "fandol-kai.ttf", "wqy-microhei.ttc"], f"缓存目录中解压的字体：{unpacked}")
    from pypdf import PdfReader

    first_page = PdfReader(out).pages[0].extract_text() or ""
    expect("中共岳阳市委组织部" in first_page, f"PDF 第1页读不出单位名称（字形映射有误？）：{first_page[:200]!r}")
    report.figures["export_pdf_s"] = f"{result.seconds:.2f}"
    report.ok(f"PDF 导出（草稿）：{out.stat().st_size // 1024} KB，嵌入字体 {sorted(fonts)}，{result.seconds:.2f} s")
    # Excel and Word too: each library brings its own data files (python-docx's templates) to get wrong.
    for fmt, member in (("xlsx", "xl/workbook.xml"), ("docx", "word/document.xml")):
        target = tmp / f"导出测试.{fmt}"
        result = run([*cmd[:3], "--format", fmt, "--draft", "-o", str(target)], env=env, cwd=tmp)
        expect(result.code == 0, f"perfeval export --format {fmt} --draft 应返回0，实际 {result.code}", result)
        expect(zipfile.is_zipfile(target) and member in zipfile.ZipFile(target).namelist(), f"{fmt} 文件不完整")
        report.ok(f"{fmt} 导出（草稿）：{target.stat().st_size // 1024} KB，{result.seconds:.2f} s")
    # The Word report's chart is drawn by Pillow with the bundled font: the sample under the 湖南 pack, with the
    # pack's chart asked for in its report text.
    packet = json.loads((bundle / SAMPLE_IN_BUNDLE).read_text(encoding="utf-8"))
    packet["template"] = "hunan-dept"
    packet["report"]["sections"][1]["text"] += "\n【图1 预算数与执行数对比（万元）】"
    charted, target = tmp / "带图.json", tmp / "带图.docx"
    charted.write_text(json.dumps(packet, ensure_ascii=False), encoding="utf-8")
    result = run([*cmd[:2], str(charted), "--format", "docx", "--draft", "-o", str(target)], env=env, cwd=tmp)
    expect(result.code == 0, f"带图的 docx 导出应返回0，实际 {result.code}", result)
    pictures = [n for n in zipfile.ZipFile(target).namelist() if n.startswith("word/media/") and n.endswith(".png")]
    expect(len(pictures) == 1, f"docx 中应有1张图表（PNG），实际 {pictures}", result)
    report.ok(f"docx 导出带图表（Pillow 画图）：{pictures[0]}，{result.seconds:.2f} s")
    # the same chart in the PDF: reportlab.graphics, without reportlab's own Type 1 fonts (not bundled)
    target = tmp / "带图.pdf"
    result = run([*cmd[:2], str(charted), "--format", "pdf", "--draft", "-o", str(target)], env=env, cwd=tmp)
    expect(result.code == 0 and target.read_bytes().startswith(b"%PDF-"), "带图的 PDF 导出失败", result)
    expect(embedded_fonts(target) == fonts, f"带图的 PDF 字体不同：{embedded_fonts(target)}", result)
    report.ok(f"PDF 导出带图表（reportlab.graphics）：{target.stat().st_size // 1024} KB，{result.seconds:.2f} s")
    # A folder of packets goes through the pool of worker processes: in the frozen program each worker is the
    # bundle's executable started again by multiprocessing (freeze_support in installer/perfeval_entry.py).
    folder, out_dir = tmp / "批量", tmp / "批量导出"
    folder.mkdir()
    for n in range(6):
        shutil.copy(bundle / SAMPLE_IN_BUNDLE, folder / f"单位{n}.json")
    result = run([*cmd[:2], str(folder), "--format", "pdf", "--draft", "-o", str(out_dir)], env=env, cwd=tmp)
    written = sorted(out_dir.glob("*.pdf")) if out_dir.is_dir() else []
    expect(result.code == 0 and len(written) == 6, f"批量导出6个数据包应得6个PDF，实际 {len(written)} 个", result)
    expect(all(p.read_bytes().startswith(b"%PDF-") for p in written), "批量导出的文件不是 PDF", result)
    report.figures["export_batch_s"] = f"{result.seconds:.2f}"
    report.ok(f"批量导出（文件夹，6个数据包，多进程）：6 个 PDF，{result.seconds:.2f} s")


def embedded_fonts(pdf: Path) -> set[str]:
    """BaseFont names of every font whose descriptor carries an embedded font program."""
    from pypdf import PdfReader

    names: set[str] = set()
    for page in PdfReader(pdf).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            candidates = [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]
            for f in candidates:
                desc = f.get("/FontDescriptor")
                if desc is not None and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(f.get("/BaseFont", "")).split("+")[-1])
    return names


def step_gui(bundle: Path, env: dict[str, str], tmp: Path, report: Report, runs: int) -> None:
    gui_env = dict(env, QT_QPA_PLATFORM="offscreen", PERFEVAL_DB=str(tmp / "db" / "perfeval.db"))
    (tmp / "db").mkdir(exist_ok=True)
    result = run([str(bundle / "PerfEvalDesk"), "--quit-after", "1500"], env=gui_env, cwd=tmp, timeout=90)
    expect(result.code == 0, f"PerfEvalDesk --quit-after 1500 应返回0，实际 {result.code}", result)
    for bad in ("Traceback", "Could not load the Qt platform plugin", "Cannot load library", "QFont::"):
        expect(bad not in result.stderr, f"图形界面输出了错误：{bad}", result)
    expect(not (tmp / "log" / "crash.log").exists(), "图形界面写了崩溃日志", result)
    report.figures["gui_open_close_s"] = f"{result.seconds:.2f}"
    report.figures["gui_max_rss_mb"] = f"{result.max_rss_mb:.0f}"
    report.ok(
        f"图形界面离屏打开并在1.5秒后正常关闭：退出码0，共 {result.seconds:.2f} s，峰值内存 {result.max_rss_mb:.0f} MB"
    )
    # Cold start: the same with the shortest timer, on a database that now exists.
    starts = [
        run([str(bundle / "PerfEvalDesk"), "--quit-after", "1"], env=gui_env, cwd=tmp, timeout=90)
        for _ in range(max(1, runs))
    ]
    bad_runs = [r for r in starts if r.code != 0]
    expect(not bad_runs, "PerfEvalDesk --quit-after 1 未正常退出", bad_runs[0] if bad_runs else None)
    secs = [r.seconds for r in starts]
    report.figures["gui_start_exit_median_s"] = f"{statistics.median(secs):.2f}"
    report.figures["gui_start_exit_max_s"] = f"{max(secs):.2f}"
    report.ok(f"图形界面启动到退出（--quit-after 1）：中位数 {statistics.median(secs):.2f} s，最长 {max(secs):.2f} s")


def step_gui_xcb(bundle: Path, env: dict[str, str], tmp: Path, report: Report) -> None:
    """The real X11 platform plugin on a virtual screen: proves the trimmed bundle still has what xcb loads."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        report.skip("图形界面 X11 (xcb) 启动：本机没有 xvfb-run（apt-get install xvfb xauth）")
        return
    xenv = dict(env, QT_QPA_PLATFORM="xcb", PERFEVAL_DB=str(tmp / "db" / "perfeval.db"))
    cmd = [xvfb, "-a", "-s", "-screen 0 1280x800x24", str(bundle / "PerfEvalDesk"), "--quit-after", "1500"]
    result = run(cmd, env=xenv, cwd=tmp, timeout=90)
    expect(result.code == 0, f"X11 (xcb) 下 PerfEvalDesk 应返回0，实际 {result.code}", result)
    for bad in ("Traceback", "Could not load the Qt platform plugin", "Cannot load library"):
        expect(bad not in result.stderr, f"X11 (xcb) 下图形界面输出了错误：{bad}", result)
    report.ok(f"图形界面在虚拟 X11 屏幕（xcb 插件）上打开并正常关闭：退出码0，{result.seconds:.2f} s")


def step_install(bundle: Path, env: dict[str, str], tmp: Path, report: Report) -> None:
    home = Path(env["HOME"])
    prefix = tmp / "opt" / "PerfEvalDesk"
    data_dir = home / ".local/share/PerfEvalDesk"
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "perfeval.db").write_bytes(b"clerk's data")
    result = run(["sh", str(bundle / "install.sh"), str(prefix)], env=env, cwd=tmp)
    expect(result.code == 0, "install.sh 失败", result)
    entry = home / ".local/share/applications/perfeval-desk.desktop"
    expect(entry.is_file(), "install.sh 未写入菜单项", result)
    text = entry.read_text(encoding="utf-8")
    expect(f'Exec="{prefix}/PerfEvalDesk"' in text and "@PREFIX@" not in text, f".desktop 路径不对：\n{text}")
    validator = shutil.which("desktop-file-validate")  # Debian package desktop-file-utils
    if validator:
        valid = run([validator, str(entry)], env=env, cwd=tmp)
        expect(valid.code == 0 and not valid.stdout.strip(), "desktop-file-validate 报告问题", valid)
    check = run([str(home / ".local/bin/perfeval"), "--help"], env=env, cwd=tmp)
    expect(check.code == 0, "安装后 ~/.local/bin/perfeval 不能运行", check)
    result = run(["sh", str(prefix / "uninstall.sh")], env=env, cwd=tmp)
    expect(result.code == 0, "uninstall.sh 失败", result)
    expect(not prefix.exists() and not entry.exists(), "卸载后仍有程序文件或菜单项", result)
    expect(_content(data_dir / "perfeval.db") == b"clerk's data", "卸载动了用户数据库！", result)
    checked = "（.desktop 校验通过）" if validator else "（本机没有 desktop-file-validate，未校验 .desktop）"
    report.ok(f"install.sh 装到临时目录并写入菜单项{checked}；uninstall.sh 删除程序、保留数据库")


def step_nsis(bundle: Path, tmp: Path, report: Report) -> None:
    """Compile the Windows installer script against this bundle: catches NSIS syntax/path errors here."""
    makensis = shutil.which("makensis")
    if makensis is None:
        report.skip("Windows 安装脚本编译检查：本机没有 makensis（apt-get install nsis）")
        return
    nsi = ROOT / "installer" / "windows" / "perfeval.nsi"
    cmd = [makensis, "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={build.version()}", f"-DDIST={bundle}",
           f"-DOUTDIR={tmp}", "-DCOMPRESSOR=zlib", str(nsi)]
    result = run(cmd, env=dict(os.environ), cwd=tmp, timeout=300)
    expect(result.code == 0, "makensis 编译 perfeval.nsi 失败", result)
    expect("warning" not in (result.stdout + result.stderr).lower(), "makensis 有警告", result)
    setup = tmp / f"PerfEvalDesk-{build.version()}-windows-x64-setup.exe"
    expect(setup.is_file() and setup.read_bytes()[:2] == b"MZ", "makensis 没有生成安装程序", result)
    report.ok("Windows 安装脚本 perfeval.nsi 用 makensis 编译通过（无警告；以 Linux 程序文件夹代替）")


def _wine64() -> str | None:
    for candidate in (shutil.which("wine64"), "/usr/lib/wine/wine64"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def step_wine(tmp: Path, report: Report) -> None:
    """Run the NSIS installer and uninstaller under Wine: Windows-version check, files, shortcuts, Add/Remove
    Programs entry, and above all that uninstalling leaves %LOCALAPPDATA%\\PerfEvalDesk (the database) alone.

    The installer is built for amd64 here (Debian's wine64 runs no 32-bit programs) around a tiny stand-in folder
    named like the Windows bundle; the script logic under test is the same.
    """
    wine, makensis = _wine64(), shutil.which("makensis")
    if wine is None or makensis is None:
        report.skip("Windows 安装/卸载在 Wine 中的检查：本机没有 wine64 或 makensis（apt-get install wine64 nsis）")
        return
    fake = tmp / "wine-bundle"
    (fake / "_internal" / "resources").mkdir(parents=True)
    for exe in ("PerfEvalDesk.exe", "perfeval.exe"):
        (fake / exe).write_bytes(b"MZ stand-in")
    (fake / "_internal" / "resources" / "x.txt").write_text("x", encoding="utf-8")
    nsi = ROOT / "installer" / "windows" / "perfeval.nsi"
    version = build.version()
    cmd = [makensis, "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={version}", f"-DDIST={fake}", f"-DOUTDIR={tmp}",
           "-DCOMPRESSOR=zlib", "-DTARGET=amd64-unicode", str(nsi)]
    result = run(cmd, env=dict(os.environ), cwd=tmp, timeout=300)
    expect(result.code == 0, "makensis (amd64) 失败", result)
    setup = f"Z:{tmp / f'PerfEvalDesk-{version}-windows-x64-setup.exe'}".replace("/", "\\")
    home = tmp / "wine-home"
    home.mkdir()
    env = dict(os.environ, WINEPREFIX=str(tmp / "wine-prefix"), WINEARCH="win64", WINEDEBUG="-all", HOME=str(home))
    env.pop("DISPLAY", None)
    run([wine, "wineboot", "-i"], env=env, cwd=tmp, timeout=300)
    users = [p for p in (tmp / "wine-prefix" / "drive_c" / "users").iterdir() if p.name != "Public"]
    expect(len(users) == 1, f"Wine 用户目录不唯一：{users}")
    local = users[0] / "AppData" / "Local"
    programs = local / "Programs" / "PerfEvalDesk"
    menu = users[0] / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/绩效自评填报"

    def set_windows(version_name: str) -> None:
        run([wine, "reg", "add", "HKCU\\Software\\Wine", "/v", "Version", "/d", version_name, "/f"], env=env, cwd=tmp)

    set_windows("win7")
    old = run([wine, setup, "/S"], env=env, cwd=tmp, timeout=300)
    expect(old.code == 2 and not programs.exists(), f"Windows 7 上应拒绝安装（退出码2），实际 {old.code}", old)
    set_windows("win10")
    inst = run([wine, setup, "/S"], env=env, cwd=tmp, timeout=300)
    expect(inst.code == 0, f"Windows 10 上静默安装应成功，实际退出码 {inst.code}", inst)
    for rel in ("PerfEvalDesk.exe", "perfeval.exe", "uninstall.exe", "安装说明.txt", "_internal/resources/x.txt"):
        expect((programs / rel).is_file(), f"安装后缺少 {rel}")
    shortcuts = sorted(p.name for p in menu.glob("*.lnk"))
    expected = ["卸载 绩效自评填报.lnk", "安装说明.lnk", "绩效自评填报.lnk"]
    expect(shortcuts == expected, f"开始菜单快捷方式不对：{shortcuts}")
    expect(len(list(home.rglob("绩效自评填报.lnk"))) == 1, "桌面快捷方式没有建立")
    key = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\PerfEvalDesk"
    expect(run([wine, "reg", "query", key], env=env, cwd=tmp).code == 0, "“应用和功能”中没有卸载项")

    data = local / "PerfEvalDesk"
    data.mkdir(parents=True, exist_ok=True)
    (data / "perfeval.db").write_bytes(b"clerk's data")
    (data / "backups").mkdir(exist_ok=True)
    (data / "backups" / "perfeval-1.db").write_bytes(b"backup")
    uninstaller = "C:\\users\\" + users[0].name + "\\AppData\\Local\\Programs\\PerfEvalDesk"
    # _?= runs the uninstaller in place and waits for it (it then cannot delete itself: that is expected).
    un = run([wine, uninstaller + "\\uninstall.exe", "/S", "_?=" + uninstaller], env=env, cwd=tmp, timeout=300)
    expect(un.code == 0, f"静默卸载应成功，实际退出码 {un.code}", un)
    left = sorted(p.name for p in programs.iterdir()) if programs.exists() else []
    expect(left in ([], ["uninstall.exe"]), f"卸载后程序目录还有：{left}")
    expect(not menu.exists() and not any(home.rglob("绩效自评填报.lnk")), "卸载后仍有快捷方式")
    expect(run([wine, "reg", "query", key], env=env, cwd=tmp).code != 0, "卸载后“应用和功能”中仍有卸载项")
    expect(_content(data / "perfeval.db") == b"clerk's data", "卸载删除或改动了数据库！")
    expect((data / "backups" / "perfeval-1.db").is_file(), "卸载删除了备份！")
    report.ok("Windows 安装程序在 Wine 中：Windows 7 拒绝安装；Windows 10 静默安装出文件、开始菜单/桌面快捷方式、"
              "卸载项；卸载后程序和快捷方式删除，%LOCALAPPDATA%\\PerfEvalDesk 中的数据库和备份保留")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建并冒烟测试 Linux 安装包")
    parser.add_argument("--no-build", action="store_true", help="不重新构建，测试现有的 tar.gz")
    parser.add_argument("--runs", type=int, default=5, help="计时重复次数（默认5）")
    parser.add_argument("--keep", action="store_true", help="保留解压出的临时目录")
    args = parser.parse_args(argv)
    report = Report()
    tarball = build.DIST / build.archive_name()
    tmp: Path | None = None
    try:
        if not args.no_build:
            start = time.perf_counter()
            bundle_dir = build.build_bundle(trim=True, quiet=True)
            build_s = time.perf_counter() - start
            tarball = build.make_tarball(bundle_dir)
            report.ok(f"构建完成：PyInstaller {build_s:.0f} s，打包 {time.perf_counter() - start - build_s:.0f} s")
        expect(tarball.is_file(), f"找不到 {tarball}（去掉 --no-build 先构建）")
        tmp = Path(tempfile.mkdtemp(prefix="perfeval-smoke-"))
        bundle = unpack(tarball, tmp)
        report.figures["bundle_mb"] = f"{build.folder_size(bundle) / 1e6:.1f}"
        report.figures["tarball_mb"] = f"{tarball.stat().st_size / 1e6:.1f}"
        env = clean_env(tmp)
        step_layout(bundle, report)
        step_check(bundle, env, tmp, report, args.runs)
        step_storage(bundle, env, tmp, report)
        step_export(bundle, env, tmp, report)
        step_gui(bundle, env, tmp, report, args.runs)
        step_gui_xcb(bundle, env, tmp, report)
        step_install(bundle, env, tmp, report)
        step_nsis(bundle, tmp, report)
        step_wine(tmp, report)
    except (SmokeFailure, subprocess.CalledProcessError) as exc:
        print(f"失败  {exc}", file=sys.stderr)
        if tmp is not None:
            print(f"（临时目录保留在 {tmp}，供排查）", file=sys.stderr)
        return 1
    print(f"体积：程序文件夹 {report.figures['bundle_mb']} MB，{tarball.name} {report.figures['tarball_mb']} MB")
    print("数据：" + json.dumps(report.figures, ensure_ascii=False))
    if report.skipped:
        print(f"注意：{len(report.skipped)} 项因本机缺少工具而跳过：" + "；".join(report.skipped))
    if args.keep:
        print(f"临时目录保留在 {tmp}")
    elif tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
