"""ВПР work descriptions (FORMATS.md §10): ALL (per-task level, КЭС, КТ, maximum) and the KS/KT
code dictionaries. They hold no pupils' results, so the reader recognises them only to tell the
user precisely what was uploaded instead of «unknown layout».
"""

from __future__ import annotations

import pandas as pd

from core.model import Metadata
from core.names import normalize_header
from core.problems import ParseError, Problem
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "TaskDescriptionError", "detect", "parse"]

LAYOUT = "vpr_description"
TITLE = "Описание работы ВПР (уровни, КЭС, КТ)"

_TASK_NUMBER = {"№ ким", "№ по киму", "№ по ким", "номер задания"}
_CODE = {"код", "код требования", "код кэс", "код кт", "код элемента", "код умения"}
_DICTIONARY = ("проверяемые ", "элементы содержания", "основные умения", "описание требований",
               "требования к уровню подготовки")


class TaskDescriptionError(ParseError):
    """The upload is a work description (task metadata), not results."""


def _is_all(texts: set[str]) -> bool:
    return bool(texts & _TASK_NUMBER) and "уровень сложности" in texts and bool(
        texts & {"код кэс", "код кт"})


def _is_dictionary(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    return (len(filled) == 2 and filled[0] in _CODE
            and filled[1].startswith(_DICTIONARY))


def _kind(sheet: Sheet) -> str | None:
    for r in range(min(5, sheet.height)):
        texts = [normalize_header(v) for v in sheet.rows[r]]
        if _is_all(set(texts)):
            return "ALL"
        if _is_dictionary(texts):
            return "KS/KT"
    return None


def detect(sheets: list[Sheet]) -> bool:
    return any(_kind(s) is not None for s in sheets)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    sheet = next(s for s in sheets if _kind(s) is not None)
    what = ("таблица заданий: уровни сложности, коды КЭС и КТ, максимальные баллы"
            if _kind(sheet) == "ALL" else "справочник кодов КЭС или КТ")
    raise TaskDescriptionError(
        file_name,
        f"это описание работы ВПР ({what}), результатов обучающихся в нём нет; загрузите "
        f"протокол проверки или отчёт «Индивидуальные результаты»",
        sheet=sheet.name)
