"""core/ is pure: it imports no UI, database or outer layer (CONVENTIONS rule 1)."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {"streamlit", "sqlmodel", "sqlalchemy", "alembic", "dashboard", "pages"}
CORE = Path(__file__).resolve().parents[2] / "core"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_outer_layer() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 5  # the walk really sees the package
    offenders = {str(f.relative_to(CORE)): sorted(_imports(f) & FORBIDDEN) for f in files}
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom streamlit import session_state\n", encoding="utf-8")
    assert _imports(bad) & FORBIDDEN == {"streamlit"}
