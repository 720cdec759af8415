"""Domain dataclasses ⇄ table rows.

A packet is stored in parts (see :data:`PARTS`); :func:`write_part` replaces one part from an in-memory
packet and :func:`read_packet` rebuilds the whole packet.  Structural edits rewrite only the part they touch.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from dataclasses import fields, is_dataclass
from typing import Any

from sqlalchemy import delete, insert, literal_column, select, update
from sqlalchemy.orm import Session

import app.domain.model as model
from app.domain.model import (
    CATALOGUE_ALIASES,
    DEFAULT_TEMPLATE,
    Band,
    Basic,
    Building,
    FundRow,
    Indicator,
    Packet,
    Project,
    ProjectFunds,
    ProjectLine,
    Report,
    ReportSection,
    ScoringRule,
    SelfEval,
    SubLine,
    Target,
    Unit,
)
from app.storage import rawvalues
from app.storage.errors import StorageError
from app.storage.models import (
    BandRow,
    Base,
    BuildingRow,
    EntryRow,
    IndicatorRow,
    PacketRow,
    ProjectFundsRow,
    ProjectLineRow,
    ProjectRow,
    ReportSectionRow,
    SubLineRow,
    TargetRow,
    UnitRow,
)

#: The parts a packet is stored in.
PARTS: tuple[str, ...] = (
    "header",  # packets row: year, template, unit, scoring rule (+ bands), notes, extra
    "basic",  # 附件1 fixed cells (entries basic.*)
    "project_lines",
    "buildings",
    "self_eval",  # 附件2 fixed cells (entries self_eval.*)
    "targets",  # 附件2 年度总体目标
    "indicators",  # 附件2 三级 indicators
    "projects",  # 附件3, each with funds, targets and indicators
    "report",
)
_HEADER_FIELDS = frozenset({"year", "template", "template_version", "catalogue", "notes", "extra", "unit",
                            "scoring_rule", "explanations"})
_SUBPARTS = {
    "basic": {"project_lines": "project_lines", "buildings": "buildings"},
    "self_eval": {"targets": "targets", "indicators": "indicators"},
}


def parts_touched(parts: list[str | int]) -> set[str]:
    """The stored parts an edit at this (parsed) path can change."""
    head = parts[0]
    if head in _HEADER_FIELDS:
        return {"header"}
    if head in _SUBPARTS:
        subs = _SUBPARTS[str(head)]
        if len(parts) == 1:
            return {str(head), *subs.values()}
        return {subs.get(str(parts[1]), str(head))}
    if head == "projects":
        return {"projects"}
    if head == "report":
        return {"report"}
    return set()  # not a packet field: apply_edit has already refused it


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


# --- scalar fields of a dataclass ------------------------------------------------------------------


_SCALARS: dict[type, dict[str, bool]] = {}


def scalar_fields(cls: type) -> dict[str, bool]:
    """``{field: is_raw}`` for the str and Raw fields of ``cls`` (lists, dicts and nested objects excluded)."""
    if cls in _SCALARS:
        return _SCALARS[cls]
    hints = typing.get_type_hints(cls, vars(model))
    out: dict[str, bool] = {}
    for f in fields(cls):
        tp = hints[f.name]
        if tp is str:
            out[f.name] = False
        elif {str, int, float, type(None)} <= set(typing.get_args(tp)):
            out[f.name] = True
    _SCALARS[cls] = out
    return out


def field_values(cls: type, name: str, value: Any, where: str) -> dict[str, Any]:
    """The column values that store ``value`` in field ``name`` of a ``cls`` row."""
    if scalar_fields(cls)[name]:
        text, tag = rawvalues.encode(value, where)
        return {name: text, f"{name}_type": tag}
    if not isinstance(value, str):
        raise StorageError(f"{where}：应为文字，不能保存{type(value).__name__}类型的值")
    return {name: rawvalues.check_text(value, where)}


def has_pack_fields(cls: type) -> bool:
    return any(f.name == "fields" for f in fields(cls))


def pack_fields_json(own: Any, where: str) -> str:
    """A template pack's own columns of an item (``fields``) as the JSON of its ``fields_json`` column."""
    _check_type(own, dict, f"{where}.fields")
    for key, value in own.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, str | int | float | None):
            raise StorageError(f"{where}.{key}：不能保存{type(value).__name__}类型的值")
        if isinstance(value, str):
            rawvalues.check_text(value, f"{where}.{key}")
    return json.dumps(own, ensure_ascii=False)


def item_values(obj: Any, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in scalar_fields(type(obj)):
        out.update(field_values(type(obj), name, getattr(obj, name), f"{where}.{name}"))
    if has_pack_fields(type(obj)):
        out["fields_json"] = pack_fields_json(obj.fields, where)
    return out


def item_from_row(cls: type, row: Base) -> Any:
    kwargs: dict[str, Any] = {}
    for name, is_raw in scalar_fields(cls).items():
        if is_raw:
            kwargs[name] = rawvalues.decode(getattr(row, name), getattr(row, f"{name}_type"))
        else:
            kwargs[name] = getattr(row, name)
    if has_pack_fields(cls):
        own = json.loads(getattr(row, "fields_json", None) or "{}")
        kwargs["fields"] = own if isinstance(own, dict) else {}
    return cls(**kwargs)


def _check_type(value: Any, cls: type, where: str) -> None:
    if not isinstance(value, cls):
        raise StorageError(f"{where}：应为{cls.__name__}，不能保存{type(value).__name__}")


# --- entries: the fixed cells of 附件1/附件2 ----------------------------------------------------


def entry_items(obj: Any, prefix: str) -> list[tuple[str, Any]]:
    """(path, value) for every fixed cell under ``obj`` (lists are stored in their own tables)."""
    out: list[tuple[str, Any]] = []
    for f in fields(obj):
        value = getattr(obj, f.name)
        path = f"{prefix}.{f.name}"
        if f.name == "fields" and isinstance(value, dict):  # a pack's own cells, keyed by the path that reaches them
            out += [(f"{prefix}.{key}", item) for key, item in value.items()]
            continue
        if isinstance(value, list):
            continue
        if is_dataclass(value):
            out += entry_items(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_key(key, path)
                if is_dataclass(item):
                    out += entry_items(item, f"{path}.{key}")
                else:
                    out.append((f"{path}.{key}", item))
        else:
            out.append((path, value))
    return out


def _check_key(key: object, where: str) -> None:
    """A table key becomes part of a stored path: one with "." or "[…]" could never be read back (issue 11)."""
    if not isinstance(key, str) or not key.strip() or any(ch in key for ch in ".[]"):
        raise StorageError(f"{where}：键名“{key}”无效（不能为空，也不能含有“.”“[”“]”），无法保存")


def _put_entry(root: Any, rel: list[str], value: Any) -> None:
    obj = root
    for i, part in enumerate(rel[:-1]):
        if isinstance(obj, dict):
            if part not in obj:  # a key the model does not declare (kept from a package): funds rows only
                obj[part] = FundRow() if rel[i - 1] == "funds" else {}
            obj = obj[part]
        else:
            obj = getattr(obj, part)
    if isinstance(obj, dict):
        obj[rel[-1]] = value
    elif rel[-1] in {f.name for f in fields(obj)}:
        setattr(obj, rel[-1], value)
    else:  # a pack's own cell (basic.building_year)
        obj.fields[rel[-1]] = value


# --- writing parts ------------------------------------------------------------------------------


def find_unit(s: Session, name: str) -> UnitRow | None:
    return s.scalars(select(UnitRow).where(UnitRow.name == name)).first()


def ensure_unit(s: Session, unit: Unit) -> UnitRow:
    row = find_unit(s, unit.name)
    if row is None:
        row = UnitRow(name=unit.name, preparer=unit.preparer, phone=unit.phone, head=unit.head)
        s.add(row)
        s.flush()
    return row


def new_packet_row(s: Session, packet: Packet, status: str) -> int:
    _check_type(packet.year, int, "year")
    unit = ensure_unit(s, _named_unit(packet))
    clash = s.execute(
        select(PacketRow.id, PacketRow.deleted_at).where(PacketRow.unit_id == unit.id, PacketRow.year == packet.year)
    ).first()
    if clash is not None:
        raise StorageError(_exists(unit.name, packet.year, clash.deleted_at))
    stamp = now_iso()
    row = PacketRow(unit_id=unit.id, year=packet.year, created_at=stamp, updated_at=stamp, status=status)
    s.add(row)
    s.flush()
    return row.id


def _named_unit(packet: Packet) -> Unit:
    _check_type(packet.unit, Unit, "unit")
    _check_type(packet.unit.name, str, "unit.name")
    if not packet.unit.name.strip():
        raise StorageError("数据包没有填写单位名称（预算部门名称），无法保存")
    rawvalues.check_text(packet.unit.name, "unit.name")
    return packet.unit


def write_part(s: Session, pid: int, part: str, packet: Packet) -> None:
    _WRITERS[part](s, pid, packet)


def write_all(s: Session, pid: int, packet: Packet) -> None:
    for part in PARTS:
        write_part(s, pid, part, packet)


def _write_header(s: Session, pid: int, packet: Packet) -> None:
    _check_type(packet.year, int, "year")
    unit = _named_unit(packet)
    rule = packet.scoring_rule
    _check_type(rule, ScoringRule, "scoring_rule")
    values: dict[str, Any] = {
        "year": packet.year,
        "unit_preparer": unit.preparer,
        "unit_phone": unit.phone,
        "unit_head": unit.head,
        "unit_date": unit.date,
        "template": packet.template,
        "template_version": packet.template_version,
        "catalogue": packet.catalogue,
        "notes": packet.notes,
        "scoring_kind": rule.kind,
    }
    for key in ("unit_preparer", "unit_phone", "unit_head", "unit_date", "template", "template_version",
                "catalogue", "notes", "scoring_kind"):
        _check_type(values[key], str, key)
        rawvalues.check_text(values[key], key)
    k, k_type = rawvalues.encode(rule.k, "scoring_rule.k")
    values.update(scoring_k=k, scoring_k_type=k_type)
    try:
        values["extra_json"] = rawvalues.check_text(json.dumps(packet.extra, ensure_ascii=False), "extra")
    except (TypeError, ValueError):
        raise StorageError("extra：含有无法保存的值") from None
    if not isinstance(packet.explanations, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in packet.explanations.items()
    ):
        raise StorageError("explanations：合理性说明应为文字")
    values["explanations_json"] = json.dumps(packet.explanations, ensure_ascii=False)
    unit_row = ensure_unit(s, unit)
    clash = s.execute(
        select(PacketRow.id, PacketRow.deleted_at).where(
            PacketRow.unit_id == unit_row.id, PacketRow.year == packet.year, PacketRow.id != pid
        )
    ).first()
    if clash is not None:
        raise StorageError(_exists(unit.name, packet.year, clash.deleted_at))
    old_unit = s.scalar(select(PacketRow.unit_id).where(PacketRow.id == pid))
    s.execute(update(PacketRow).where(PacketRow.id == pid).values(unit_id=unit_row.id, **values))
    newest = s.scalar(select(PacketRow.year).where(PacketRow.unit_id == unit_row.id).order_by(PacketRow.year.desc()))
    if newest == packet.year:  # the unit's contact persons follow its newest packet
        unit_row.preparer, unit_row.phone, unit_row.head = unit.preparer, unit.phone, unit.head
    if old_unit is not None and old_unit != unit_row.id:
        drop_unit_if_unused(s, old_unit)
    s.execute(delete(BandRow).where(BandRow.packet_id == pid))
    bands = [
        {"packet_id": pid, "position": i, **item_values(b, f"scoring_rule.bands[{i}]")}
        for i, b in enumerate(rule.bands)
    ]
    if bands:
        s.execute(insert(BandRow), bands)


def _exists(unit: str, year: int, deleted_at: str | None) -> str:
    where = "回收站中" if deleted_at else "数据库中"
    return f"{where}已有“{unit}”{year}年度的数据包"


def drop_unit_if_unused(s: Session, unit_id: int) -> None:
    if s.scalar(select(PacketRow.id).where(PacketRow.unit_id == unit_id).limit(1)) is None:
        s.execute(delete(UnitRow).where(UnitRow.id == unit_id))


def _write_entries(prefix: str, s: Session, pid: int, obj: Any) -> None:
    s.execute(delete(EntryRow).where(EntryRow.packet_id == pid, EntryRow.path.like(f"{prefix}.%")))
    rows = []
    for path, value in entry_items(obj, prefix):
        text, tag = rawvalues.encode(value, path)
        rows.append({"packet_id": pid, "path": path, "value": text, "value_type": tag})
    if rows:
        s.execute(insert(EntryRow), rows)


def _write_basic(s: Session, pid: int, packet: Packet) -> None:
    _check_type(packet.basic, Basic, "basic")
    _write_entries("basic", s, pid, packet.basic)


def _write_self_eval(s: Session, pid: int, packet: Packet) -> None:
    _check_type(packet.self_eval, SelfEval, "self_eval")
    _write_entries("self_eval", s, pid, packet.self_eval)


def _list_rows(items: list[Any], cls: type, where: str, **owner: Any) -> list[dict[str, Any]]:
    _check_type(items, list, where)
    rows = []
    for i, item in enumerate(items):
        _check_type(item, cls, f"{where}[{i}]")
        rows.append({**owner, "position": i, **item_values(item, f"{where}[{i}]")})
    return rows


def _insert(s: Session, table: type[Base], rows: list[dict[str, Any]]) -> None:
    if rows:
        s.execute(insert(table), rows)


def _write_project_lines(s: Session, pid: int, packet: Packet) -> None:
    s.execute(delete(ProjectLineRow).where(ProjectLineRow.packet_id == pid))
    where = "basic.project_lines"
    for values, line in zip(
        _list_rows(packet.basic.project_lines, ProjectLine, where, packet_id=pid),
        packet.basic.project_lines,
        strict=True,
    ):
        line_id = s.scalar(insert(ProjectLineRow).values(**values).returning(ProjectLineRow.id))
        sub_where = f"{where}[{values['position']}].lines"
        _insert(s, SubLineRow, _list_rows(line.lines, SubLine, sub_where, line_id=line_id))


def _write_buildings(s: Session, pid: int, packet: Packet) -> None:
    s.execute(delete(BuildingRow).where(BuildingRow.packet_id == pid))
    _insert(s, BuildingRow, _list_rows(packet.basic.buildings, Building, "basic.buildings", packet_id=pid))


def _write_targets(s: Session, pid: int, packet: Packet) -> None:
    s.execute(delete(TargetRow).where(TargetRow.packet_id == pid, TargetRow.project_id.is_(None)))
    _insert(s, TargetRow, _list_rows(packet.self_eval.targets, Target, "self_eval.targets", packet_id=pid))


def _write_indicators(s: Session, pid: int, packet: Packet) -> None:
    s.execute(delete(IndicatorRow).where(IndicatorRow.packet_id == pid, IndicatorRow.project_id.is_(None)))
    where = "self_eval.indicators"
    _insert(s, IndicatorRow, _list_rows(packet.self_eval.indicators, Indicator, where, packet_id=pid))


def _write_projects(s: Session, pid: int, packet: Packet) -> None:
    s.execute(delete(ProjectRow).where(ProjectRow.packet_id == pid))
    for values, project in zip(
        _list_rows(packet.projects, Project, "projects", packet_id=pid), packet.projects, strict=True
    ):
        where = f"projects[{values['position']}]"
        project_id = s.scalar(insert(ProjectRow).values(**values).returning(ProjectRow.id))
        _check_type(project.funds, dict, f"{where}.funds")
        funds = []
        for key, row in project.funds.items():
            _check_key(key, f"{where}.funds")
            _check_type(row, ProjectFunds, f"{where}.funds.{key}")
            funds.append({"project_id": project_id, "row_key": key, **item_values(row, f"{where}.funds.{key}")})
        _insert(s, ProjectFundsRow, funds)
        owner = {"packet_id": pid, "project_id": project_id}
        _insert(s, TargetRow, _list_rows(project.targets, Target, f"{where}.targets", **owner))
        _insert(s, IndicatorRow, _list_rows(project.indicators, Indicator, f"{where}.indicators", **owner))


def _write_report(s: Session, pid: int, packet: Packet) -> None:
    _check_type(packet.report, Report, "report")
    s.execute(delete(ReportSectionRow).where(ReportSectionRow.packet_id == pid))
    rows = _list_rows(packet.report.sections, ReportSection, "report.sections", packet_id=pid)
    _insert(s, ReportSectionRow, rows)


_WRITERS = {
    "header": _write_header,
    "basic": _write_basic,
    "project_lines": _write_project_lines,
    "buildings": _write_buildings,
    "self_eval": _write_self_eval,
    "targets": _write_targets,
    "indicators": _write_indicators,
    "projects": _write_projects,
    "report": _write_report,
}
assert set(_WRITERS) == set(PARTS)


# --- reading ------------------------------------------------------------------------------------


def _explanations(text: str) -> dict[str, str]:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def read_packet(s: Session, pid: int) -> Packet | None:
    found = s.execute(select(PacketRow, UnitRow.name).join(UnitRow).where(PacketRow.id == pid)).first()
    if found is None:
        return None
    row, unit_name = found
    bands = [
        item_from_row(Band, b)
        for b in s.scalars(select(BandRow).where(BandRow.packet_id == pid).order_by(BandRow.position))
    ]
    template, catalogue = row.template, row.catalogue
    if template in CATALOGUE_ALIASES:  # a v1/v2 database: "standard"/"cost_level1" were hunan-dept catalogues
        template, catalogue = DEFAULT_TEMPLATE, catalogue or CATALOGUE_ALIASES[template]
    packet = Packet(
        year=row.year,
        template=template,
        template_version=row.template_version,
        catalogue=catalogue,
        unit=Unit(unit_name, row.unit_preparer, row.unit_phone, row.unit_head, row.unit_date),
        scoring_rule=ScoringRule(row.scoring_kind, rawvalues.decode(row.scoring_k, row.scoring_k_type), bands),
        notes=row.notes,
        extra=json.loads(row.extra_json),
        explanations=_explanations(row.explanations_json),
    )
    # rowid order is the order the cells were written in: declared keys first, then any a package added
    entries = select(EntryRow).where(EntryRow.packet_id == pid).order_by(literal_column("entries.rowid"))
    for entry in s.scalars(entries):
        head, *rel = entry.path.split(".")
        root = packet.basic if head == "basic" else packet.self_eval
        _put_entry(root, rel, rawvalues.decode(entry.value, entry.value_type))

    lines = s.scalars(select(ProjectLineRow).where(ProjectLineRow.packet_id == pid).order_by(ProjectLineRow.position))
    line_rows = list(lines)
    subs: dict[int, list[SubLine]] = {}
    if line_rows:
        for sub in s.scalars(
            select(SubLineRow)
            .where(SubLineRow.line_id.in_([r.id for r in line_rows]))
            .order_by(SubLineRow.line_id, SubLineRow.position)
        ):
            subs.setdefault(sub.line_id, []).append(item_from_row(SubLine, sub))
    for r in line_rows:
        line = item_from_row(ProjectLine, r)
        line.lines = subs.get(r.id, [])
        packet.basic.project_lines.append(line)
    packet.basic.buildings = [
        item_from_row(Building, b)
        for b in s.scalars(select(BuildingRow).where(BuildingRow.packet_id == pid).order_by(BuildingRow.position))
    ]

    targets: dict[int | None, list[Target]] = {}
    for t in s.scalars(select(TargetRow).where(TargetRow.packet_id == pid).order_by(TargetRow.position)):
        targets.setdefault(t.project_id, []).append(item_from_row(Target, t))
    indicators: dict[int | None, list[Indicator]] = {}
    for ind in s.scalars(select(IndicatorRow).where(IndicatorRow.packet_id == pid).order_by(IndicatorRow.position)):
        indicators.setdefault(ind.project_id, []).append(item_from_row(Indicator, ind))
    packet.self_eval.targets = targets.get(None, [])
    packet.self_eval.indicators = indicators.get(None, [])

    project_rows = list(s.scalars(select(ProjectRow).where(ProjectRow.packet_id == pid).order_by(ProjectRow.position)))
    funds: dict[int, list[ProjectFundsRow]] = {}
    if project_rows:
        for f in s.scalars(
            select(ProjectFundsRow)
            .where(ProjectFundsRow.project_id.in_([r.id for r in project_rows]))
            .order_by(ProjectFundsRow.id)
        ):
            funds.setdefault(f.project_id, []).append(f)
    for pr in project_rows:
        project = item_from_row(Project, pr)
        for f in funds.get(pr.id, []):
            project.funds[f.row_key] = item_from_row(ProjectFunds, f)
        project.targets = targets.get(pr.id, [])
        project.indicators = indicators.get(pr.id, [])
        packet.projects.append(project)

    packet.report.sections = [
        item_from_row(ReportSection, r)
        for r in s.scalars(
            select(ReportSectionRow).where(ReportSectionRow.packet_id == pid).order_by(ReportSectionRow.position)
        )
    ]
    return packet
