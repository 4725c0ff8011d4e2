"""Metadata proposed from file names (only a proposal: layouts are found by headers)."""

from __future__ import annotations

import pytest

from core.model import Metadata
from core.readers.filename import propose_metadata


@pytest.mark.parametrize(("name", "expected"), [
    # ВПР 2021 is written in spring 2021 → academic year 2020/2021.
    ("Проведение работы по математике, 5 класс. ВПР 2021.xlsx",
     Metadata(year="2020/2021", subject="Математика", grade=5)),
    ("Проведение работы по русскому языку, 6 класс. ВПР 2021.xlsx",
     Metadata(year="2020/2021", subject="Русский язык", grade=6)),
    ("altai-vpr/2021/11/Проведение работы по физике, 11 класс. ВПР 2021.xlsx",
     Metadata(year="2020/2021", subject="Физика", grade=11)),
    # Folders «<ВПР year>/<grade>/<subject>».
    ("2022/6/Русскому языку.xlsx", Metadata(year="2021/2022", subject="Русский язык", grade=6)),
    ("2020/4/Математика.xlsx", Metadata(year="2019/2020", subject="Математика", grade=4)),
    ("ВПР 2024-2025 история 7 кл.xlsx", Metadata(year="2024/2025", subject="История", grade=7)),
    ("protocol.xlsx", Metadata()),
])
def test_propose_metadata(name: str, expected: Metadata) -> None:
    assert propose_metadata(name) == expected


def test_windows_paths_are_split() -> None:
    assert propose_metadata(r"C:\ВПР\2022\8\Физика.xlsx") == Metadata(
        year="2021/2022", subject="Физика", grade=8)
