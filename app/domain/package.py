"""The data package ``perfeval-package/1`` (JSON) ⇄ :class:`~app.domain.model.Packet`.

Reading never raises for bad input: it returns every problem it found with its place, so a
clerk (or a finance bureau batch-checking packets) sees them all at once, not the first one.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

from app.domain.model import Packet

FORMAT = "perfeval-package/1"
MAX_BYTES = 20 * 1024 * 1024  # a real packet is ~15-60 KB; anything this large is not one


@dataclass(frozen=True)
class Problem:
    place: str  # field path, or "第3行第5列" for JSON syntax
    message: str

    def __str__(self) -> str:
        return f"{self.place}：{self.message}" if self.place else self.message


class PackageError(Exception):
    """A package that cannot be read; ``problems`` says every reason with its place."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.one_line())

    def one_line(self) -> str:
        head = f"{self.source}：" if self.source else ""
        shown = "；".join(str(p) for p in self.problems[:5])
        more = f"（另有{len(self.problems) - 5}处问题）" if len(self.problems) > 5 else ""
        return f"{head}{shown}{more}"


def read_package_file(path: str | Path) -> Packet:
    """Read a package file; raises :class:`PackageError` with a Chinese message for any bad input."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise PackageError(name, [Problem("", f"文件过大（{size // 1024 // 1024} MB），不是绩效自评数据包")])
        data = p.read_bytes()
    except PackageError:
        raise
    except FileNotFoundError:
        raise PackageError(name, [Problem("", "文件不存在")]) from None
    except IsADirectoryError:
        raise PackageError(name, [Problem("", "这是一个文件夹，不是数据包文件")]) from None
    except OSError as exc:
        raise PackageError(name, [Problem("", f"无法读取文件（{exc.strerror or exc}）")]) from None
    return read_package_bytes(data, source=name)


def read_package_bytes(data: bytes, *, source: str = "") -> Packet:
    if len(data) > MAX_BYTES:
        raise PackageError(source, [Problem("", "文件过大，不是绩效自评数据包")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PackageError(source, [Problem("", "不是UTF-8编码的JSON数据包（可能是其他类型的文件）")]) from None
    return read_package_text(text, source=source)


def read_package_text(text: str, *, source: str = "") -> Packet:
    if not text.strip():
        raise PackageError(source, [Problem("", "文件是空的")])
    try:
        doc = json.loads(text, parse_float=str, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            msg = "文件不完整（内容在结尾处被截断），不是完整的数据包"
        elif exc.pos == 0 or not text.lstrip().startswith(("{", "[")):
            msg = "不是JSON数据包（可能是其他类型的文件）"
        else:
            msg = "JSON格式错误"
        raise PackageError(source, [Problem(f"第{exc.lineno}行第{exc.colno}列", msg)]) from None
    except ValueError as exc:  # NaN/Infinity, or a number too long to be a figure
        raise PackageError(source, [Problem("", f"包含无效数字：{exc}")]) from None
    except RecursionError:
        raise PackageError(source, [Problem("", "JSON嵌套层数过多，不是绩效自评数据包")]) from None
    return packet_from_dict(doc, source=source)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def packet_from_dict(doc: Any, *, source: str = "") -> Packet:
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise PackageError(source, [Problem("", "数据包的顶层应为JSON对象 {…}")])
    fmt = doc.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and fmt.startswith("perfeval-package/"):
            problems.append(Problem("format", f"数据包格式版本“{fmt}”比本程序新，请升级PerfEval Desk"))
        else:
            problems.append(Problem("format", f"不是绩效自评数据包（format 应为“{FORMAT}”）"))
        raise PackageError(source, problems)
    year = doc.get("year")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2200:
        problems.append(Problem("year", f"年度应为四位整数年份，实际为“{doc.get('year')}”"))
        year = 2024
    known = {f.name for f in fields(Packet)} - {"extra"}
    body = {k: v for k, v in doc.items() if k in known and k != "year"}
    extra = {k: v for k, v in doc.items() if k not in known and k != "format"}
    packet = _build(Packet, body, "", problems)
    assert isinstance(packet, Packet)
    packet.year = year
    packet.extra = extra
    if problems:
        raise PackageError(source, problems)
    return packet


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        import app.domain.model as model

        _HINTS[cls] = get_type_hints(cls, vars(model))
    return _HINTS[cls]


def _is_raw(tp: Any) -> bool:
    args = set(typing.get_args(tp))
    return {str, int, float, type(None)} <= args


def _build(tp: Any, value: Any, place: str, problems: list[Problem]) -> Any:
    """Turn JSON into the declared type, recording a problem (and a default) on any mismatch."""
    where = place or "（顶层）"
    if _is_raw(tp):
        if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
            return value
        problems.append(Problem(where, f"应为数字或文字，实际为{_json_type(value)}"))
        return None
    if tp is str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        problems.append(Problem(where, f"应为文字，实际为{_json_type(value)}"))
        return ""
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        problems.append(Problem(where, f"应为整数，实际为{_json_type(value)}"))
        return 0
    origin = typing.get_origin(tp)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if value is None:
            return []
        if not isinstance(value, list):
            problems.append(Problem(where, f"应为列表 […]，实际为{_json_type(value)}"))
            return []
        return [_build(item_tp, v, f"{place}[{i}]", problems) for i, v in enumerate(value)]
    if origin is dict:
        _, item_tp = typing.get_args(tp)
        if value is None:
            return {}
        if not isinstance(value, dict):
            problems.append(Problem(where, f"应为对象 {{…}}，实际为{_json_type(value)}"))
            return {}
        return {str(k): _build(item_tp, v, f"{place}.{k}" if place else str(k), problems) for k, v in value.items()}
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _build(args[0], value, place, problems)
    if isinstance(tp, type) and is_dataclass(tp):
        default = tp()
        if value is None:
            return default
        if not isinstance(value, dict):
            problems.append(Problem(where, f"应为对象 {{…}}，实际为{_json_type(value)}"))
            return default
        hints = _hints(tp)
        kwargs: dict[str, Any] = {}
        for f in fields(tp):
            if f.name not in value or f.name == "extra":
                continue
            sub = f"{place}.{f.name}" if place else f.name
            built = _build(hints[f.name], value[f.name], sub, problems)
            if isinstance(built, dict) and isinstance(getattr(default, f.name), dict):
                # keep the declared keys of fixed-key tables (funds, income…) even when the package omits some
                merged = dict(getattr(default, f.name))
                merged.update(built)
                built = merged
            kwargs[f.name] = built
        return tp(**kwargs)
    raise TypeError(f"unsupported type {tp!r}")  # pragma: no cover - a model bug, not bad input


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, dict):
        return "对象"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    if isinstance(value, str):
        return "文字"
    return "数字"


# --- writing ------------------------------------------------------------------------------------


def packet_to_dict(packet: Packet) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT}
    for f in fields(packet):
        if f.name == "extra" or (f.name == "explanations" and not packet.explanations):
            continue  # a package without 合理性说明 stays as it was before the key existed
        doc[f.name] = _plain(getattr(packet, f.name))
    for k, v in packet.extra.items():
        doc.setdefault(k, v)
    return doc


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def write_package_text(packet: Packet) -> str:
    return json.dumps(packet_to_dict(packet), ensure_ascii=False, indent=1) + "\n"


def write_package_file(packet: Packet, path: str | Path) -> None:
    """Write atomically: a power cut leaves either the old file or the new one, never half of one."""
    import os
    import tempfile

    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".perfeval-", suffix=".json", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(write_package_text(packet))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
