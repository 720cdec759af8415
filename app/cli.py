"""Entry point: ``perfeval`` opens the GUI; ``perfeval check|export|import|list|summary`` are its scriptable twin.

Exit codes (contract.md): 0 ok, 1 refused / errors found, 2 unreadable or invalid input.
No traceback reaches a user: known errors become one Chinese line on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

EXIT_OK, EXIT_ISSUES, EXIT_BAD_INPUT = 0, 1, 2
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE: what `yes | head` reports; the reader stopped reading, nothing is wrong

#: sub-command → module under app.commands defining ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("app.commands.check", "重新计算并审核一个数据包（或文件夹中的全部）；可写出退回意见"),
    "export": ("app.commands.export", "导出可打印的材料（PDF/Excel/Word）或数据包"),
    "import": ("app.commands.importing", "把数据包或填好的官方模板（或整个文件夹）导入本地数据库"),
    "list": ("app.commands.listing", "列出本地数据库中的单位和年度"),
    "summary": ("app.commands.summary", "多个数据包的汇总表（Excel/PDF）：执行率、得分、错误数"),
    "templates": ("app.commands.templates", "列出可用的模板（各省、财政部的表格）"),
}


class UserError(Exception):
    """A known problem to tell the user in one Chinese line, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


_VALUED_OPTIONS = ("--db", "--quit-after")

#: argparse's own messages (usage errors, --help headings) in Chinese, like everything else a user reads
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多一个值",
    "expected at least one argument": "后面至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r（应为整数）",  # every typed option is an int
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择 %(value)r（可选：%(choices)s）",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "%(prog)s: error: %(message)s\n": "%(prog)s：%(message)s\n",
}


def _chinese_argparse() -> None:
    """argparse looks its messages up through the module-level gettext alias ``_`` at each use."""
    argparse._ = lambda message: _ARGPARSE_ZH.get(message, message)  # type: ignore[attr-defined]


def requested_command(args: Sequence[str]) -> str | None:
    """The sub-command named on the line (skipping the global options and their values), if any."""
    tokens = iter(args)
    for token in tokens:
        if token in _VALUED_OPTIONS:
            next(tokens, None)
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, importing only ``command``'s module for its arguments: the GUI start and ``perfeval --help``
    import no command module at all (≈0.1 s of imports each would otherwise pay)."""
    _chinese_argparse()
    parser = argparse.ArgumentParser(prog="perfeval", description="PerfEval Desk 绩效自评填报")
    parser.add_argument("--db", metavar="PATH", help="本地数据库文件（默认在用户数据目录；也可用环境变量 PERFEVAL_DB）")
    # GUI only: close the window after MS milliseconds (smoke tests, start-time benchmark)
    parser.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module).add_arguments(p)
    return parser


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(encoding="utf-8", errors="replace")


def _user_templates() -> None:
    """Packs the clerk (or the province's IT office) put in the user data folder's ``templates/``."""
    from app.domain import registry
    from app.storage.location import user_templates_dir

    with contextlib.suppress(OSError):
        registry.add_folder(user_templates_dir())


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(requested_command(args_list))
    args = parser.parse_args(args_list)
    if args.db:
        os.environ["PERFEVAL_DB"] = args.db
    _user_templates()
    try:
        if args.command is None:
            from app.ui.main import run_gui  # Qt only for the GUI

            return run_gui(args_list)
        module = importlib.import_module(COMMANDS[args.command][0])
        code = int(module.run(args))
        sys.stdout.flush()  # inside the try: `perfeval check … | head` closes the pipe before the final flush
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE_CLOSED
    except UserError as exc:
        print(f"perfeval：{exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("perfeval：已中断", file=sys.stderr)
        return 130
    except Exception as exc:
        from app.crash import report_crash

        log = report_crash(exc)
        print(f"perfeval：程序内部错误（{type(exc).__name__}），详情已记录到 {log}", file=sys.stderr)
        return 3


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``perfeval`` program (console script, ``python -m app``, the bundle): :func:`main`, then leave.

    After a sub-command the process leaves without the interpreter's teardown: freeing every module and object
    an export loaded (reportlab, the fonts' tables) took ≈40 ms of a 0.35 s ``perfeval export``, and there is
    nothing left to do — the outputs are written and closed, the database is closed, the workers have exited.
    The exit handlers still run and the streams are flushed; with a thread still running, or after the GUI
    (Qt's objects), the normal exit."""
    args = list(sys.argv[1:] if argv is None else argv)
    code = main(args)
    if requested_command(args) is not None:
        leave(code)
    sys.exit(code)


def leave(code: int) -> NoReturn:
    """Exit with ``code`` now: atexit handlers, then stdout/stderr flushed, then ``os._exit`` — unless another
    thread is alive, whose end the normal exit waits for."""
    import atexit
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can reach the reader anyway
            stream.flush()
    os._exit(code)


def _silence_stdout() -> None:
    """The reader of our stdout has gone: point stdout at devnull so the interpreter's last flush is quiet."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    # `python -m app.cli`: run the copy imported as app.cli, whose UserError the commands raise (this module is
    # __main__, a second copy with classes of its own)
    from app.cli import run as _run

    _run()
