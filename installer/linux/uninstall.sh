#!/bin/sh
# 卸载 PerfEval Desk：删除程序文件和菜单/桌面快捷方式。
# 不删除数据库和备份（~/.local/share/PerfEvalDesk）；确实不再需要时请自行删除该文件夹。
set -eu
prefix=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$prefix/PerfEvalDesk" ] || [ ! -d "$prefix/_internal" ]; then
    echo "这里不是 PerfEval Desk 的安装目录：$prefix" >&2; exit 1
fi
if [ -f "$prefix/.installed-files" ]; then
    while IFS= read -r f; do
        case "$f" in */perfeval-desk.desktop|*/perfeval) rm -f "$f" ;; esac
    done < "$prefix/.installed-files"
fi
rm -rf "$prefix/_internal"
rm -f "$prefix/PerfEvalDesk" "$prefix/perfeval" "$prefix/perfeval-desk.desktop" "$prefix/INSTALL.txt" \
      "$prefix/.installed-files" "$prefix/uninstall.sh"
rmdir "$prefix" 2>/dev/null || true
echo "已卸载。您的数据仍保留在 ${XDG_DATA_HOME:-$HOME/.local/share}/PerfEvalDesk"
