"""The official forms, declared once as data (labels exactly as printed)."""

from app.domain.forms import basic, project, report, self_eval
from app.domain.forms.common import Column, FundRowSpec, IndicatorLayout, fill

__all__ = ["Column", "FundRowSpec", "IndicatorLayout", "basic", "fill", "project", "report", "self_eval"]
