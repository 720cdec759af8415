#!/usr/bin/env bash
# Build the Linux bundle for older desktops (glibc 2.31: 麒麟 V10, Ubuntu 20.04+, Debian 11+) and smoke-test it,
# all inside a Debian 11 (bullseye) chroot:
#
#   bash installer/linux/build_bullseye.sh            # chroot (first time), Python, build, smoke test
#   bash installer/linux/build_bullseye.sh --shell    # a shell in the chroot (to look around)
#
# A PyInstaller bundle carries its build machine's libpython and system libraries, so it needs a glibc at least as
# new as the build machine's; building on bullseye (glibc 2.31) is what makes the bundle run there.  Steps, each
# done once and remembered by a stamp file in the chroot (delete the chroot folder to start over):
#   1. debootstrap bullseye from Debian's mirror (root needed: chroot, mount);
#   2. bullseye's build tools, the Qt run-time libraries (bundled from here) and Xvfb for the smoke test (the
#      NSIS and Wine steps of the smoke test are skipped there: they check the Windows installer, done on the host);
#   3. SQLite and Python 3.11 built from Debian's sqlite3 and python3.11 source packages (bookworm's, fetched with
#      `apt-get source`; bullseye itself has Python 3.9 and SQLite 3.34, older than the 3.35 app/storage needs for
#      INSERT … RETURNING): upstream sources without Debian's patches, ./configure --enable-shared into /opt/python3.11;
#   4. a virtualenv with the project's dependencies from PyPI: pip picks wheels that run on glibc 2.31, e.g.
#      PySide6-Essentials 6.9 (manylinux_2_28; 6.10 and later need glibc 2.34);
# then on every run: the current work tree is copied in, installer/build.py builds the bundle and
# installer/smoke_test.py --no-build tests it inside the chroot.  The archive is copied to
# installer/dist/bullseye/.  Times are in docs/benchmarks.md (Installer).
#
# Environment: PERFEVAL_BUILD_CACHE (default /var/cache/perfeval-build) holds the chroot (≈1.5 GB);
# DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${PERFEVAL_BUILD_CACHE:-/var/cache/perfeval-build}"
CHROOT="$CACHE/bullseye"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}"
PY_PREFIX=/opt/python3.11
VENV=/build/venv
SRC=/build/perfeval

log() { printf '== %s  %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { echo "build_bullseye: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "需要 root 权限（debootstrap、chroot、mount）"
[ "$(uname -m)" = x86_64 ] || die "只支持 x86_64"

MOUNTED=()
unmount_all() {
    local i
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTED[$i]}" 2>/dev/null || true; done
    MOUNTED=()
}
trap unmount_all EXIT

mount_chroot() {
    local spec
    for spec in "proc proc proc" "sysfs sys sysfs" "devtmpfs dev dev" "devpts dev/pts devpts" "tmpfs dev/shm tmpfs"; do
        set -- $spec
        mkdir -p "$CHROOT/$2"
        if ! mountpoint -q "$CHROOT/$2"; then
            if [ "$1" = devtmpfs ]; then mount --bind /dev "$CHROOT/dev"; else mount -t "$3" "$1" "$CHROOT/$2"; fi
            MOUNTED+=("$CHROOT/$2")
        fi
    done
    cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf"
    # The host's CA bundle: pip must trust whatever the host trusts for PyPI.
    mkdir -p "$CHROOT/etc/ssl"
    cp -L /etc/ssl/certs/ca-certificates.crt "$CHROOT/etc/ssl/host-ca-certificates.crt"
}

in_chroot() {
    chroot "$CHROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        PATH="$PY_PREFIX/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        PIP_CERT=/etc/ssl/host-ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
        DEBIAN_FRONTEND=noninteractive CI="${CI:-}" /bin/bash -euo pipefail -c "$1"
}

stage_debootstrap() {
    [ -e "$CHROOT/.stage-debootstrap" ] && return 0
    command -v debootstrap >/dev/null || { apt-get update -qq; apt-get install -y -qq debootstrap >/dev/null; }
    log "debootstrap bullseye → $CHROOT (≈3–6 min)"
    rm -rf "$CHROOT"
    mkdir -p "$CACHE"
    debootstrap --variant=minbase --arch=amd64 bullseye "$CHROOT" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE/debootstrap.log"; die "debootstrap 失败（日志：$CACHE/debootstrap.log）"; }
    touch "$CHROOT/.stage-debootstrap"
}

stage_packages() {
    [ -e "$CHROOT/.stage-packages" ] && return 0
    log "bullseye packages: build tools, Qt run-time libraries, Xvfb"
    cat > "$CHROOT/etc/apt/sources.list" <<EOF
deb $MIRROR bullseye main
deb $MIRROR bullseye-updates main
deb $SECURITY_MIRROR bullseye-security main
# source only: Debian's python3.11 (bullseye has 3.9)
deb-src $MIRROR bookworm main
EOF
    # shellcheck disable=SC1091
    . "$ROOT/installer/setup-env.sh"  # RUNTIME_DEBS: the same Qt libraries a user's desktop has
    in_chroot "apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        build-essential pkg-config dpkg-dev ca-certificates xz-utils file binutils tcl \
        libssl-dev zlib1g-dev libbz2-dev liblzma-dev libffi-dev libsqlite3-dev uuid-dev libexpat1-dev \
        libreadline-dev libgdbm-dev \
        $RUNTIME_DEBS xvfb xauth desktop-file-utils time icu-devtools >/dev/null"
    touch "$CHROOT/.stage-packages"
}

stage_python() {
    [ -e "$CHROOT/.stage-python" ] && return 0
    # SQLite first: bullseye's 3.34 lacks INSERT … RETURNING (3.35), which app/storage uses through SQLAlchemy,
    # and PyInstaller bundles the libsqlite3 that Python's _sqlite3 is linked to.
    log "SQLite and Python 3.11 from Debian's sqlite3 and python3.11 source packages (≈10–15 min on 2 cores)"
    in_chroot "
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends tcl >/dev/null  # SQLite's build generates its sources with tclsh
        rm -rf /build/src && mkdir -p /build/src && cd /build/src
        chown _apt /build/src 2>/dev/null || true
        apt-get source -qq --download-only sqlite3 python3.11 2>&1 | grep -v -e '^gpgv' -e 'verify signature' || true

        dpkg-source -x --skip-patches sqlite3_*.dsc sqlite >/dev/null 2>&1
        cd sqlite
        # Debian's own feature set (debian/rules) for what the bundle needs: Python's sqlite3 module, WAL
        CFLAGS='-O2 -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE \
                -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_SECURE_DELETE \
                -DSQLITE_MAX_VARIABLE_NUMBER=250000 -DSQLITE_ENABLE_MATH_FUNCTIONS' \
            ./configure -q --prefix=$PY_PREFIX --enable-shared --disable-static --disable-tcl > /build/sqlite-configure.log
        make -s -j\$(nproc) > /build/sqlite-make.log 2>&1
        make -s install > /build/sqlite-install.log 2>&1
        cd ..

        dpkg-source -x --skip-patches python3.11_*.dsc python >/dev/null 2>&1
        cd python
        PKG_CONFIG_PATH=$PY_PREFIX/lib/pkgconfig ./configure -q --prefix=$PY_PREFIX --enable-shared \
            --with-system-expat --without-ensurepip \
            CPPFLAGS='-I$PY_PREFIX/include' LDFLAGS='-L$PY_PREFIX/lib -Wl,-rpath,$PY_PREFIX/lib' > /build/python-configure.log
        make -s -j\$(nproc) > /build/python-make.log 2>&1
        make -s altinstall > /build/python-install.log 2>&1
        $PY_PREFIX/bin/python3.11 -c 'import ssl, sqlite3, lzma, bz2, zlib, ctypes, uuid, sys
print(\"Python\", sys.version.split()[0], \"|\", ssl.OPENSSL_VERSION, \"| SQLite\", sqlite3.sqlite_version)
assert sqlite3.sqlite_version_info >= (3, 35), \"SQLite older than 3.35 (no RETURNING)\"'
        $PY_PREFIX/bin/python3.11 -m ensurepip -q 2>/dev/null || true
    "
    touch "$CHROOT/.stage-python"
}

copy_source() {
    log "copy the work tree → $CHROOT$SRC"
    rm -rf "$CHROOT$SRC"
    mkdir -p "$CHROOT$SRC"
    # tracked and new (not ignored) files: what is being worked on, without .venv, dist or caches
    (cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$CHROOT$SRC"
}

stage_venv() {
    log "virtualenv with the project's dependencies (wheels for glibc 2.31)"
    in_chroot "
        [ -x $VENV/bin/python ] || $PY_PREFIX/bin/python3.11 -m venv $VENV
        $VENV/bin/python -m pip install -q --upgrade pip
        cd $SRC && $VENV/bin/python -m pip install -q -e '.[build]' pypdf  # pypdf: the smoke test reads the PDF
        $VENV/bin/python -m pip list --format=freeze | grep -iE '^(pyside6|shiboken6|pyinstaller|reportlab|sqlalchemy)' | tr '\n' ' '; echo
    "
}

build_and_test() {
    log "installer/build.py + installer/smoke_test.py --no-build inside bullseye"
    # icupkg trims Qt's ICU data (installer/icu_trim.py); installed here too for chroots made before it was needed
    in_chroot "dpkg -s icu-devtools >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends icu-devtools >/dev/null
        cd $SRC && $VENV/bin/python installer/build.py --quiet && $VENV/bin/python installer/smoke_test.py --no-build"
    mkdir -p "$ROOT/installer/dist/bullseye"
    cp "$CHROOT$SRC"/installer/dist/PerfEvalDesk-*-linux-*.tar.gz "$ROOT/installer/dist/bullseye/"
    log "Linux 安装包（glibc 2.31）：$(ls "$ROOT"/installer/dist/bullseye/*.tar.gz)"
}

start=$SECONDS
stage_debootstrap
mount_chroot
if [ "${1:-}" = "--shell" ]; then
    chroot "$CHROOT" /bin/bash
    exit
fi
stage_packages
stage_python
copy_source
stage_venv
build_and_test
log "完成，用时 $((SECONDS - start)) s"
