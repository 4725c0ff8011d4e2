"""Shared fixtures: the real files of ../shared/realdata and small builders."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The real files folder; skip only when the whole folder is absent (a missing file fails)."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata not present: real-data tests need the shared checkout")
    return REALDATA


def real_file(realdata: Path, relative: str) -> Path:
    path = realdata / relative
    assert path.is_file(), f"missing real file {relative}"
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the session. Skipped when the binaries are absent, unless
    VSOKO_REQUIRE_POSTGRES=1 (the README test command sets it), then it fails."""
    from tests.pg import postgres_bindir, postgres_server

    if postgres_bindir() is None:
        if os.environ.get("VSOKO_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (VSOKO_REQUIRE_POSTGRES=1) but not installed")
        pytest.skip("PostgreSQL server binaries not installed")
    with postgres_server() as url:
        yield url


_db_counter = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: a SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'vsoko.db'}"
    server: str = request.getfixturevalue("postgres_url")
    from sqlalchemy import create_engine, text

    name = f"t{os.getpid()}_{next(_db_counter)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"
