"""One way through (ARCHITECTURE): pages and views call the service module; only the store
knows SQL and the models; no view commits a transaction."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = {"sqlalchemy", "sqlmodel", "alembic", "dashboard.store", "dashboard.models"}
# The modules that may touch the database: the store package, the models, the migrations and
# the service module that owns the transactions.
STORE_SIDE = {"dashboard/services.py", "dashboard/models.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _touches_database(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == d or n.startswith(d + ".") for d in DATABASE))


def _views() -> list[Path]:
    files = sorted((ROOT / "pages").glob("*.py")) + sorted((ROOT / "dashboard").glob("*.py"))
    return [f for f in files if str(f.relative_to(ROOT)) not in STORE_SIDE]


def test_pages_and_views_reach_the_database_only_through_the_services() -> None:
    views = _views()
    assert len(views) > 10  # the walk sees pages and dashboard modules
    offenders = {str(f.relative_to(ROOT)): _touches_database(_imports(f)) for f in views}
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_no_page_or_view_commits() -> None:
    for path in _views():
        text = path.read_text(encoding="utf-8")
        assert ".commit(" not in text and ".rollback(" not in text, path


def test_only_the_store_queries_the_models() -> None:
    outside = [p for p in (ROOT / "dashboard").rglob("*.py")
               if "store" not in p.relative_to(ROOT / "dashboard").parts
               and "migrations" not in p.parts and p.name != "models.py"]
    offenders = [str(p.relative_to(ROOT)) for p in outside
                 if any(n.startswith("dashboard.models") for n in _imports(p))]
    assert offenders == []


def test_the_check_sees_a_query_in_a_page(tmp_path: Path) -> None:
    page = tmp_path / "bad.py"
    page.write_text("from sqlmodel import Session\nfrom dashboard.store import mark_counts\n",
                    encoding="utf-8")
    assert _touches_database(_imports(page)) == ["dashboard.store", "dashboard.store.mark_counts",
                                                 "sqlmodel", "sqlmodel.Session"]
