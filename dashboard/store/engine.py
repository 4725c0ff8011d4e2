"""The database: which one (``DATABASE_URL``), an engine for it, and its schema (Alembic)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import create_engine

__all__ = [
    "DEFAULT_URL", "WRITE_LOCK_OPTION", "database_kind", "database_url", "make_engine", "migrate",
]

# Execution option of a connection whose transactions take SQLite's write lock at BEGIN
# (BEGIN IMMEDIATE): the intake decision and the write then see no other writer in between.
WRITE_LOCK_OPTION = "vsoko_write_lock"

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'vsoko.db'}"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def database_url() -> str:
    return os.environ.get("DATABASE_URL", "").strip() or DEFAULT_URL


def database_kind(url: str | None = None) -> str:
    """«PostgreSQL» or «SQLite (встроенная)»: what to show instead of the URL (it may hold a
    password)."""
    return "PostgreSQL" if (url or database_url()).startswith("postgresql") else \
        "SQLite (встроенная)"


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: :func:`database_url`), migrated to the newest schema."""
    url = url or database_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # The driver's own transaction handling commits before DDL and cannot take the
            # write lock up front; SQLAlchemy's «begin» below emits BEGIN instead, so that a
            # migration is one transaction and a save can begin IMMEDIATE (SQLAlchemy's recipe
            # for pysqlite).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            mode = (conn.get_execution_options().get(WRITE_LOCK_OPTION) and "IMMEDIATE") or ""
            conn.exec_driver_sql(f"BEGIN {mode}".strip())
    migrate(engine)
    return engine


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` (the newest by default)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Batch mode rebuilds tables that others refer to (Alembic's SQLite recipe): the
            # references are checked once the schema is complete, before the commit. The pragma
            # only works outside a transaction, so it goes to the driver's connection directly.
            _raw(conn).execute("PRAGMA foreign_keys=OFF")
        with conn.begin():  # SQLite: one transaction, so a killed migration leaves nothing
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        if sqlite:
            _raw(conn).execute("PRAGMA foreign_keys=ON")


def _raw(conn: Any) -> Any:
    raw = conn.connection.dbapi_connection
    assert raw is not None
    return raw
