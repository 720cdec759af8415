"""The data package ``perfeval-package/1`` (JSON) ⇄ :class:`~app.domain.model.Packet`.

Reading never raises for bad input: it returns every problem it found with its place, so a
clerk (or a finance bureau batch-checking packets) sees them all at once, not the first one.
"""

from __future__ import annotations

import json
import re
import stat
import types
import typing
from dataclasses import MISSING, dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, get_type_hints

from app.domain.model import Packet

FORMAT = "perfeval-package/1"
_FIELD_KEY = re.compile(r"[^\W\d]\w*")  # an identifier (汉字 allowed): what a field path can name
MAX_BYTES = 20 * 1024 * 1024  # a real packet is ~15-60 KB; anything this large is not one
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON can spell one ("\\ud800"); no file or database can hold it
#: characters a key of a keyed table (funds, income…) may not hold: field paths are joined with "." and "[n]"
_KEY_FORBIDDEN = re.compile(r"[.\[\]]")
#: dicts whose keys are not steps of a cell's path (``explanations`` is keyed ``code@field.path``)
_FREE_KEYS = {"explanations"}


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
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block or never end
            raise PackageError(name, [Problem("", "不是普通文件（可能是管道或设备），不能作为数据包读取")])
        if info.st_size > MAX_BYTES:
            mb = info.st_size // 1024 // 1024
            raise PackageError(name, [Problem("", f"文件过大（{mb} MB），不是绩效自评数据包")])
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # a file still growing is cut here, and refused below
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
    duplicates: list[str] = []
    try:
        doc = json.loads(
            text, parse_float=str, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates(duplicates)
        )
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
    if duplicates:
        # JSON would silently keep the last one: which figure the clerk meant cannot be known
        problems = [Problem("", f"键“{_shown(k)}”在同一个对象中出现了多次，无法确定应取哪一个") for k in duplicates]
        raise PackageError(source, problems)
    return packet_from_dict(doc, source=source)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _no_duplicates(found: list[str]) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out and key not in found:
                found.append(key)
            out[key] = value
        return out

    return hook


def _shown(text: str, limit: int = 40) -> str:
    """Input quoted in a message: cut when long, a broken character shown as ?."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bad_text(value: Any, place: str, problems: list[Problem]) -> None:
    """Lone surrogates anywhere in a kept JSON value (the unknown top-level keys a round trip keeps)."""
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            problems.append(Problem(place, _SURROGATE_MESSAGE))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _bad_text(v, f"{place}[{i}]", problems)
    elif isinstance(value, dict):
        for k, v in value.items():
            if _LONE_SURROGATE.search(k):
                problems.append(Problem(place, _SURROGATE_MESSAGE))
            _bad_text(v, f"{place}.{_shown(k)}", problems)


_SURROGATE_MESSAGE = "含有无效字符（不成对的Unicode代理项，常见于损坏的文件），无法保存或打印"


def packet_from_dict(doc: Any, *, source: str = "") -> Packet:
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise PackageError(source, [Problem("", "数据包的顶层应为JSON对象 {…}")])
    fmt = doc.get("format")
    if fmt != FORMAT:
        version = _format_version(fmt)
        if version is not None and version > 1:
            problems.append(Problem("format", f"数据包格式版本“{fmt}”比本程序新，请升级PerfEval Desk"))
        elif version is not None:
            problems.append(Problem("format", f"数据包格式版本“{_shown(str(fmt))}”无效（应为“{FORMAT}”）"))
        else:
            problems.append(Problem("format", f"不是绩效自评数据包（format 应为“{FORMAT}”）"))
        raise PackageError(source, problems)
    year = doc.get("year")
    if isinstance(year, str) and year.strip().isdecimal():  # full-width ２０２４ is; superscript ²⁰²⁴ is not
        year = int(year.strip())
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2200:
        shown = _shown(str(doc.get("year")))
        problems.append(Problem("year", f"年度应为四位整数年份，实际为“{shown}”"))
        year = 2024
    known = {f.name for f in fields(Packet)} - {"extra"}
    body = {k: v for k, v in doc.items() if k in known and k not in ("year", "template")}
    extra = {k: v for k, v in doc.items() if k not in known and k != "format"}
    _bad_text(extra, "", problems)
    packet = _build(Packet, body, "", problems)
    assert isinstance(packet, Packet)
    packet.year = year
    packet.extra = extra
    from app.domain.registry import resolve_template

    packet.template, catalogue, problem = resolve_template(doc.get("template"))
    if problem is not None:
        problems.append(Problem(problem.place, problem.message))
    packet.catalogue = packet.catalogue or catalogue
    if problems:
        raise PackageError(source, problems)
    from app.domain.registry import pack_for
    from app.domain.shape import materialize

    return materialize(pack_for(packet), packet)


def _format_version(fmt: Any) -> int | None:
    """N of "perfeval-package/N" (None when it is not that at all)."""
    if not isinstance(fmt, str) or not fmt.startswith("perfeval-package/"):
        return None
    tail = fmt.removeprefix("perfeval-package/")
    return int(tail) if tail.isascii() and tail.isdigit() and len(tail) < 6 else 0


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
    if isinstance(value, str) and _LONE_SURROGATE.search(value):
        problems.append(Problem(where, _SURROGATE_MESSAGE))
        return None if _is_raw(tp) else ""
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
        out: dict[str, Any] = {}
        for k, v in value.items():
            sub = f"{place}.{_shown(k)}" if place else _shown(k)
            path_key = place not in _FREE_KEYS
            if not k.strip() or (path_key and _KEY_FORBIDDEN.search(k)) or _LONE_SURROGATE.search(k):
                rule = "不能为空，也不能含有“.”“[”“]”或无效字符" if path_key else "不能为空，也不能含有无效字符"
                problems.append(Problem(sub, f"键名“{_shown(k)}”无效：{rule}"))
                continue
            out[k] = _build(item_tp, v, sub, problems)
        return out
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _build(args[0], value, place, problems)
    if isinstance(tp, type) and is_dataclass(tp):
        default = _blank(tp)
        if value is None:
            return default
        if not isinstance(value, dict):
            problems.append(Problem(where, f"应为对象 {{…}}，实际为{_json_type(value)}"))
            return default
        hints = _hints(tp)
        kwargs: dict[str, Any] = {}
        names = {f.name for f in fields(tp)}
        if "fields" in names:  # keys a template pack adds (指标性质, 财政专户管理资金…) keep what was typed
            own = {k: v for k, v in value.items()
                   if k not in names and (v is None or isinstance(v, str | int | float)) and not isinstance(v, bool)}
            for k in list(own):
                if not _FIELD_KEY.fullmatch(k) or _LONE_SURROGATE.search(k):  # a key is a path step: "a.b" or
                    shown = _shown(k)  # "x[0]" would name another cell
                    problems.append(Problem(f"{place}.{shown}" if place else shown,
                                            "字段名只能由字母、数字、下划线或汉字组成"))
                    del own[k]
            if own:
                value = {**value, "fields": {**own, **(value.get("fields") or {})}}
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
        return _blank(tp, kwargs)
    raise TypeError(f"unsupported type {tp!r}")  # pragma: no cover - a model bug, not bad input


def _blank(tp: type, given: dict[str, Any] | None = None) -> Any:
    """``tp(**given)``; a field without a default that the package leaves out (a band's min) is None/""."""
    kwargs = dict(given or {})
    for f in fields(tp):
        if f.name not in kwargs and f.default is MISSING and f.default_factory is MISSING:
            kwargs[f.name] = "" if _hints(tp)[f.name] is str else None
    return tp(**kwargs)


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


#: parts of a packet that only some packs have (a project pack has none of them)
_OPTIONAL_PARTS = ("basic", "self_eval", "report")


def packet_to_dict(packet: Packet) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT}
    parts = _pack_parts(packet)
    for f in fields(packet):
        if f.name == "extra" or (f.name in _OPTIONAL_PARTS and f.name not in parts):
            continue
        if f.name == "explanations" and not packet.explanations:
            continue  # a package without 合理性说明 stays as it was before the key existed
        doc[f.name] = _plain(getattr(packet, f.name))
    for k, v in packet.extra.items():
        doc.setdefault(k, v)
    return doc


def _pack_parts(packet: Packet) -> tuple[str, ...]:
    from app.domain.registry import UnknownPack, pack_for

    try:
        return pack_for(packet).parts
    except UnknownPack:
        return _OPTIONAL_PARTS  # keep everything of a packet on a pack this machine lacks


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.name != "fields"}
        for k, v in (getattr(value, "fields", None) or {}).items():  # a pack's own columns sit beside the fixed
            out.setdefault(k, v)
        return out
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

    target = Path(path)
    # a fixed temporary name (as the printable exports use): a process killed while writing leaves one file that
    # the next export of the same name replaces, not a new random one each time
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(write_package_text(packet))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
