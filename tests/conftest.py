"""Shared fixtures: the real files of ../shared/realdata and small builders."""

from __future__ import annotations

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
