"""AppTest fixtures: every app test gets its own empty SQLite database through DATABASE_URL."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def shown(elements: Iterable[object]) -> list[str]:
    """The texts of messages as a reader sees them: user text is escaped for markdown
    (dashboard.text.plain), so AppTest's raw values carry backslashes and zero-width spaces."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)).replace("\u200b", "")  # type: ignore[attr-defined]
            for e in elements]


@pytest.fixture(scope="session")
def demo_database_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demonstration school saved once per session (loading it takes ~15 s)."""
    import os

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    try:
        from dashboard import services

        services.load_demo()
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before
    return path


@pytest.fixture
def demo_database(demo_database_file: Path, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private copy of the demonstration school's database for one test."""
    import shutil

    copy = tmp_path / "demo.db"
    for suffix in ("", "-wal", "-shm"):  # the write-ahead log holds the newest pages
        source = demo_database_file.with_name(demo_database_file.name + suffix)
        if source.exists():
            shutil.copyfile(source, copy.with_name(copy.name + suffix))
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
