"""SQLAlchemy models: the current schema (v3), one class per table of ``db/migrations``.

The DDL in ``db/migrations/*.sql`` creates and upgrades the tables; these classes describe the result so the
repository can query it (a test checks that both agree column for column).  Class names end in ``Row`` to
keep them apart from the domain dataclasses they store.  A Raw cell is a pair of columns ``<name>`` (exact
text) and ``<name>_type`` (``text``/``int``/``float``), see :mod:`app.storage.rawvalues`.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.storage.status import DRAFT, STATUSES  # noqa: F401  (the repository imports them from here)

SCHEMA_VERSION = 3
APPLICATION_ID = 0x50455644  # "PEVD": marks a SQLite file as a PerfEval Desk database


class Base(DeclarativeBase):
    pass


Txt = Mapped[str | None]  # one half of a Raw pair


def _raw() -> Mapped[str | None]:
    return mapped_column(Text, nullable=True)


def _text() -> Mapped[str]:
    return mapped_column(Text, nullable=False, default="")


def _fields() -> Mapped[str]:
    return mapped_column(Text, nullable=False, default="{}")


class UnitRow(Base):
    """单位: the name, and the contact persons pre-filled into a new packet."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    preparer: Mapped[str] = _text()  # 填表人
    phone: Mapped[str] = _text()  # 联系电话
    head: Mapped[str] = _text()  # 单位负责人


class PacketRow(Base):
    """One unit's packet for one year.  The unit_* columns are the names printed on THIS packet."""

    __tablename__ = "packets"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    template: Mapped[str] = mapped_column(Text, nullable=False, default="standard")
    unit_preparer: Mapped[str] = _text()
    unit_phone: Mapped[str] = _text()
    unit_head: Mapped[str] = _text()
    unit_date: Mapped[str] = _text()
    scoring_kind: Mapped[str] = mapped_column(Text, nullable=False, default="proportional")
    scoring_k: Txt = _raw()
    scoring_k_type: Txt = _raw()
    notes: Mapped[str] = _text()
    extra_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    created_at: Mapped[str] = mapped_column(Text, nullable=False)  # ISO-8601 UTC
    updated_at: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False, default=DRAFT)  # v2
    template_version: Mapped[str] = _text()  # v3: version of the template pack the packet was filled on
    catalogue: Mapped[str] = _text()  # v3: the pack's indicator catalogue
    deleted_at: Mapped[str | None] = mapped_column(Text, nullable=True)  # v3: in the 回收站 since (ISO-8601 UTC)
    explanations_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # v3: 合理性说明 of warnings


class BandRow(Base):
    __tablename__ = "scoring_bands"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    min: Txt = _raw()
    min_type: Txt = _raw()
    ratio: Txt = _raw()
    ratio_type: Txt = _raw()


class EntryRow(Base):
    """A fixed-shape cell of 附件1/附件2, keyed by its field path."""

    __tablename__ = "entries"
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Txt = _raw()
    value_type: Txt = _raw()


class ProjectLineRow(Base):
    __tablename__ = "project_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = _text()
    kind: Mapped[str] = mapped_column(Text, nullable=False, default="special")
    prior: Txt = _raw()
    prior_type: Txt = _raw()
    budget: Txt = _raw()
    budget_type: Txt = _raw()
    actual: Txt = _raw()
    actual_type: Txt = _raw()
    fields_json: Mapped[str] = _fields()  # v3: columns a template pack adds



class SubLineRow(Base):
    __tablename__ = "sub_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("project_lines.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = _text()
    prior: Txt = _raw()
    prior_type: Txt = _raw()
    budget: Txt = _raw()
    budget_type: Txt = _raw()
    actual: Txt = _raw()
    actual_type: Txt = _raw()
    fields_json: Mapped[str] = _fields()  # v3: columns a template pack adds



class BuildingRow(Base):
    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    completed_year: Txt = _raw()
    completed_year_type: Txt = _raw()
    approved_area: Txt = _raw()
    approved_area_type: Txt = _raw()
    actual_area: Txt = _raw()
    actual_area_type: Txt = _raw()
    budget_investment: Txt = _raw()
    budget_investment_type: Txt = _raw()
    actual_investment: Txt = _raw()
    actual_investment_type: Txt = _raw()
    area_control_rate: Txt = _raw()
    area_control_rate_type: Txt = _raw()
    investment_control_rate: Txt = _raw()
    investment_control_rate_type: Txt = _raw()
    fields_json: Mapped[str] = _fields()  # v3: columns a template pack adds



class ProjectRow(Base):
    """附件3 of one project (its funds, targets and indicators are child rows)."""

    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = _text()
    supervisor: Mapped[str] = _text()
    implementer: Mapped[str] = _text()
    weight: Txt = _raw()
    weight_type: Txt = _raw()
    execution_rate: Txt = _raw()
    execution_rate_type: Txt = _raw()
    score: Txt = _raw()
    score_type: Txt = _raw()
    total_score: Txt = _raw()
    total_score_type: Txt = _raw()
    fields_json: Mapped[str] = _fields()  # v3: columns a template pack adds



class ProjectFundsRow(Base):
    __tablename__ = "project_funds"
    __table_args__ = (UniqueConstraint("project_id", "row_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=False)
    row_key: Mapped[str] = mapped_column(Text, nullable=False)  # total | current | carryover | other
    initial: Txt = _raw()
    initial_type: Txt = _raw()
    full_year: Txt = _raw()
    full_year_type: Txt = _raw()
    executed: Txt = _raw()
    executed_type: Txt = _raw()
    fields_json: Mapped[str] = _fields()  # v3: columns a template pack adds



class TargetRow(Base):
    """年度总体目标: of 附件2 when project_id is NULL, else of that project."""

    __tablename__ = "targets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"), nullable=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    expected: Mapped[str] = _text()
    actual: Mapped[str] = _text()
    fields_json: Mapped[str] = _fields()  # v3: columns a template pack adds



class IndicatorRow(Base):
    """A 三级 indicator: of 附件2 when project_id is NULL, else of that project."""

    __tablename__ = "indicators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"), nullable=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    level1: Mapped[str] = _text()
    level1_weight: Txt = _raw()
    level1_weight_type: Txt = _raw()
    level2: Mapped[str] = _text()
    name: Mapped[str] = _text()
    target: Mapped[str] = _text()
    actual: Mapped[str] = _text()
    weight: Txt = _raw()
    weight_type: Txt = _raw()
    score: Txt = _raw()
    score_type: Txt = _raw()
    deviation: Mapped[str] = _text()
    fields_json: Mapped[str] = _fields()  # v3: columns a template pack adds



class ReportSectionRow(Base):
    __tablename__ = "report_sections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = _text()
    text: Mapped[str] = _text()
    fields_json: Mapped[str] = _fields()  # v3: columns a template pack adds



class LibraryIndicatorRow(Base):
    """指标库 (v2): a 三级 indicator as last used, offered again next year."""

    __tablename__ = "indicator_library"
    __table_args__ = (UniqueConstraint("level1", "level2", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level1: Mapped[str] = mapped_column(Text, nullable=False)
    level2: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    target: Mapped[str] = _text()
    weight: Txt = _raw()
    weight_type: Txt = _raw()
    last_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
