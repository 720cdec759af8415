#!/bin/sh
# 安装 PerfEval Desk（绩效自评填报），无需联网。
#   ./install.sh                      普通用户：装到 ~/.local/opt/PerfEvalDesk，无需 root
#   sudo ./install.sh                 为所有用户装到 /opt/PerfEvalDesk
#   ./install.sh 目录                 装到指定目录
# 数据库不在安装目录里（在 ~/.local/share/PerfEvalDesk），重装或卸载都不会动它。
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# The bundle carries the build machine's Python and system libraries: it needs at least that machine's glibc.
need=@GLIBC@
have=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
if [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
    echo "无法安装：本安装包需要 glibc $need 或更新版本，本机为 glibc $have。" >&2
    echo "请使用在与本机同版本或更旧的系统上构建的安装包（构建方法见 README 的 Installing / building）。" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ] && [ $# -eq 0 ]; then
    prefix=/opt/PerfEvalDesk; apps=/usr/share/applications; bin=/usr/local/bin; desktop_dir=""
else
    prefix=${1:-"$HOME/.local/opt/PerfEvalDesk"}
    apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"; bin="$HOME/.local/bin"
    desktop_dir=$(xdg-user-dir DESKTOP 2>/dev/null || echo "$HOME/Desktop")
fi
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
if [ "$here" != "$prefix" ]; then
    rm -rf "$prefix/_internal"
    mkdir -p "$prefix"
    cp -R "$here/_internal" "$here/PerfEvalDesk" "$here/perfeval" "$here/uninstall.sh" \
          "$here/perfeval-desk.desktop" "$here/INSTALL.txt" "$prefix/"
fi
mkdir -p "$apps" "$bin"
sed "s|@PREFIX@|$prefix|g" "$here/perfeval-desk.desktop" > "$apps/perfeval-desk.desktop"
chmod 644 "$apps/perfeval-desk.desktop"
ln -sf "$prefix/perfeval" "$bin/perfeval"
# What uninstall.sh removes besides the program folder (it never touches the data folder).
printf '%s\n' "$apps/perfeval-desk.desktop" "$bin/perfeval" > "$prefix/.installed-files"
if [ -n "$desktop_dir" ] && [ -d "$desktop_dir" ]; then
    cp "$apps/perfeval-desk.desktop" "$desktop_dir/" && chmod 755 "$desktop_dir/perfeval-desk.desktop"
    gio set "$desktop_dir/perfeval-desk.desktop" metadata::trusted true 2>/dev/null || true
    echo "$desktop_dir/perfeval-desk.desktop" >> "$prefix/.installed-files"
fi
if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database "$apps" 2>/dev/null || true; fi
echo "已安装到 $prefix"
echo "开始菜单：办公 → 绩效自评填报；命令行：$bin/perfeval"
