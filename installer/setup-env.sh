# Shared by installer/run.sh and installer/test.sh: system packages and the project's virtualenv.
# Sourced, not run.  Idempotent: a second run installs nothing and takes a few seconds.

# Qt's xcb platform plugin needs these X libraries on a bare Debian/Ubuntu desktop or server.
RUNTIME_DEBS="libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 \
libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 \
libxcb-xfixes0 libxcb-xkb1 libx11-xcb1 libglib2.0-0 libcups2"
# Tests also take screenshots on a virtual screen and render PDFs to PNG; LibreOffice (Calc) recalculates
# the exported Excel formulas in a test and is the peer in benchmarks/export_bench.py (not an app dependency).
# icupkg, readelf and gcc: the test of installer/icu_trim.py (the bundle's trimmed ICU data).
TEST_DEBS="xvfb xauth poppler-utils libreoffice-calc-nogui icu-devtools binutils gcc"

install_debs() {
    command -v apt-get >/dev/null 2>&1 || { echo "（非Debian系统：请自行安装Qt运行库）"; return 0; }
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "需要root权限安装：${missing[*]}" >&2; return 1; }
        sudo="sudo"
    fi
    echo "安装系统软件包：${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
    local python="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        "$python" -m venv .venv
        .venv/bin/python -m pip install -q --upgrade pip
    fi
}

# The bundle smoke test (installer/smoke_test.py) also compiles the Windows installer script with NSIS and runs
# it (install + uninstall) under Wine, and validates the .desktop entry.  The Linux build trims Qt's ICU data with
# icupkg and reassembles the library with gcc/binutils (installer/icu_trim.py); GNU time measures peak memory.
BUILD_DEBS="nsis desktop-file-utils icu-devtools binutils gcc time"
# Wine (≈100 packages) only when asked for: PERFEVAL_SMOKE_WINE=1 bash installer/bundle_test.sh
WINE_DEBS="wine64"

# installer/build_fonts.py rebuilds resources/fonts/fandol-{fang,kai}.ttf (the report's 仿宋/楷体) from the
# Fandol OpenType fonts in this Debian package.  Only a developer changing the fonts runs it; it downloads
# the package (apt-get download) and unpacks it without installing it, which would pull in all of TeX.
FONT_SOURCE_DEBS="texlive-lang-chinese"

# docs/screenshots/print/make_pages.py prints the Excel and Word exports through LibreOffice; Carlito (Calibri's
# metric twin, the workbooks' default font) makes LibreOffice measure column widths as Excel does.
DOCS_DEBS="libreoffice-calc-nogui libreoffice-writer-nogui fonts-crosextra-carlito"
