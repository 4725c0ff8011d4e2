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
