"""One call that the GUI, the command line and the exports share: figures + issues of a packet."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.calc import Computed, compute
from app.domain.cells import Cells
from app.domain.model import Packet
from app.domain.packs import Pack
from app.domain.plan import Plan, make_plan
from app.domain.rules import Issue, check, explanation_key

#: Keys that ``perfeval check`` always prints (contract.md) when the pack has them, in this order.
REQUIRED_KEYS: tuple[str, ...] = (
    "basic.control_rate",
    "basic.funds.three_public.prior",
    "basic.funds.three_public.budget",
    "basic.funds.three_public.actual",
    "basic.funds.vehicle.prior",
    "basic.funds.vehicle.budget",
    "basic.funds.vehicle.actual",
    "basic.funds.projects.prior",
    "basic.funds.projects.budget",
    "basic.funds.projects.actual",
    "self_eval.execution_rate",
    "self_eval.execution_score",
    "self_eval.total_score",
    "self_eval.weight_total",
)
#: Keys printed for every project (contract.md).
PROJECT_KEYS: tuple[str, ...] = ("execution_rate", "execution_score", "weight_total", "total_score")


@dataclass
class Evaluation:
    cells: Cells
    computed: Computed
    issues: list[Issue]
    plan: Plan
    #: the packet's 合理性说明 of warnings (``Packet.explanations``)
    explanations: dict[str, str] = field(default_factory=dict)

    @property
    def pack(self) -> Pack:
        return self.plan.pack

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    def explanation(self, issue: Issue) -> str:
        """The clerk's 合理性说明 of a warning ("" when there is none; errors cannot be explained away)."""
        if issue.is_error:
            return ""
        return self.explanations.get(explanation_key(issue), "").strip()

    @property
    def explained(self) -> list[Issue]:
        """Warnings with a 合理性说明: they count as looked at."""
        return [i for i in self.warnings if self.explanation(i)]

    @property
    def unexplained(self) -> list[Issue]:
        return [i for i in self.warnings if not self.explanation(i)]

    def issues_for(self, path: str) -> list[Issue]:
        return [i for i in self.issues if path in i.cells or i.field == path]

    def summary_keys(self, n_projects: int) -> list[str]:
        """The figures a summary prints: the contract's keys this pack has, then each project's."""
        keys = [k for k in REQUIRED_KEYS if k in self.computed.figures]
        for n in range(n_projects):
            keys += [f"projects[{n}].{k}" for k in PROJECT_KEYS if f"projects[{n}].{k}" in self.computed.figures]
        return keys

    def to_json(self) -> dict[str, object]:
        """The ``perfeval check --json`` document."""
        return {
            "template": {"id": self.pack.id, "name": self.pack.name, "version": self.pack.version},
            "computed": self.computed.as_text(),
            "issues": [
                {
                    "severity": i.severity.value,
                    "code": i.code,
                    "field": i.field,
                    "message": i.message,
                    "cells": list(i.cells),
                }
                for i in self.issues
            ],
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings)},
        }


def evaluate(packet: Packet, pack: Pack | None = None) -> Evaluation:
    """Figures and issues of ``packet`` on ``pack`` (default: the pack the packet names, from the registry;
    :class:`app.domain.registry.UnknownPack` when no folder holds it)."""
    if pack is None:
        from app.domain.registry import pack_for

        pack = pack_for(packet)
    plan = make_plan(pack, packet)
    cells = Cells.of(packet, plan)
    computed = compute(plan, cells, packet)
    return Evaluation(cells, computed, check(packet, plan, cells, computed), plan, dict(packet.explanations))
