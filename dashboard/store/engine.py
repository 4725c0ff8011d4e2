"""The database: which one (``DATABASE_URL``), an engine for it, and its schema (Alembic)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, event, inspect
from sqlmodel import SQLModel, create_engine

__all__ = [
    "DEFAULT_URL", "WRITE_LOCK_OPTION", "ReadOnlyDatabase", "database_kind", "database_url",
    "is_read_only", "make_engine", "migrate",
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


class ReadOnlyDatabase(RuntimeError):
    """The SQLite file cannot be written (permissions, a read-only disk): it is opened for
    viewing only, and saving is refused with this reason."""


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        return Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    return None


def _writable(path: Path) -> bool:
    """Whether SQLite can write ``path``: asked of SQLite itself (permissions, a read-only
    mount, an immutable file), since the owner's bits say nothing to root."""
    if not path.exists():
        return os.access(path.parent, os.W_OK)
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE IF NOT EXISTS _vsoko_probe (x INTEGER)")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        return "readonly" not in str(exc).replace(" ", "").lower() and \
            "unable to open" not in str(exc)
    return True


def is_read_only(engine: Engine) -> bool:
    return bool(engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: :func:`database_url`), migrated to the newest schema.

    A SQLite file that cannot be written opens read-only (:func:`is_read_only`) when its schema
    is already the newest; otherwise :class:`ReadOnlyDatabase` says why it cannot be used.
    """
    url = url or database_url()
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and not _writable(path):
            return _read_only_engine(path)
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
            cur.execute("PRAGMA busy_timeout=30000")  # first: the next pragma may wait too
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            mode = (conn.get_execution_options().get(WRITE_LOCK_OPTION) and "IMMEDIATE") or ""
            conn.exec_driver_sql(f"BEGIN {mode}".strip())
    migrate(engine)
    return engine


def _read_only_engine(path: Path) -> Engine:
    # «immutable» spares SQLite its lock files (it may not create them here), but it would not
    # read changes still in a write-ahead log: used only when there is none.
    logs = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    immutable = "" if any(p.exists() and p.stat().st_size for p in logs) else "&immutable=1"
    engine = create_engine(f"sqlite:///file:{path}?mode=ro{immutable}&uri=true")
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    try:
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except Exception as exc:
        engine.dispose()
        raise ReadOnlyDatabase(
            f"файл базы данных «{path.name}» доступен только для чтения и не открывается как "
            f"база ВСОКО") from exc
    if version != head:
        engine.dispose()
        raise ReadOnlyDatabase(
            f"файл базы данных «{path.name}» доступен только для чтения, а его нужно обновить до "
            f"новой версии программы: разрешите запись в файл и в его папку")
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
        # SQLite: one transaction holding the write lock from its start, so a killed migration
        # leaves nothing and two programs starting at once migrate one after the other.
        conn = conn.execution_options(**{WRITE_LOCK_OPTION: True})
        with conn.begin():
            if not sqlite:
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('vsoko-migrate'))")
            _clear_half_made_schema(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        if sqlite:
            _raw(conn).execute("PRAGMA foreign_keys=ON")


def _clear_half_made_schema(conn: Connection) -> None:
    """The app's tables without a recorded revision are what an interrupted first migration of
    an earlier release left behind (every later start failed with «table … already exists»).
    Holding no upload, they are dropped so that the schema is made again. Tables of other
    programs in the same database are never touched; a database that holds uploads but no
    revision is left as it is and the error says so."""
    import dashboard.models  # noqa: F401  (the app's tables on SQLModel.metadata)

    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables and conn.exec_driver_sql(
            "SELECT max(version_num) FROM alembic_version").scalar() is not None:
        return
    ours = tables & (set(SQLModel.metadata.tables) | {"alembic_version"})
    if not ours - {"alembic_version"}:
        return
    if "upload" in ours and conn.exec_driver_sql("SELECT count(*) FROM upload").scalar():
        raise RuntimeError("the database holds uploads but no schema revision")
    meta = MetaData()
    meta.reflect(conn, only=sorted(ours))
    meta.drop_all(conn)


def _raw(conn: Any) -> Any:
    raw = conn.connection.dbapi_connection
    assert raw is not None
    return raw
