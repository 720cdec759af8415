"""app/domain stays pure Python: no GUI, storage or file-format library (architecture.md)."""

import ast
from pathlib import Path

FORBIDDEN = ("PySide6", "sqlalchemy", "openpyxl", "reportlab", "docx", "platformdirs")
DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"


def test_domain_imports_no_gui_storage_or_format_library() -> None:
    offenders = []
    for path in DOMAIN.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert len(list(DOMAIN.rglob("*.py"))) >= 10
