"""ФИС ОКО per-pupil region dumps: the 2021 dump (FORMATS.md §5: «логин школы», «код
обучающегося», «балл за N» …) and the 2020 legacy dump (§6: ``groups``, ``user``, ``otc``,
``var-1``, ``sum``, ``a-N-grade``).

Subject, grade and year are not in these files: they stay empty and come from the metadata
(CLI options, or what the upload page proposes from the file name). Task headers carry no
maximum, so task maxima are NaN and ``max_score`` is the scale's maximum when the metadata
names a known scale. Scores above a maximum are warnings (the data already passed ФИС ОКО).
A 2020 row whose cells are shifted (``ж``/``м`` in task columns) keeps its numeric cells and
is reported; the dump cannot tell which columns moved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from core.model import Metadata
from core.names import normalize_header
from core.problems import Problem, Severity
from core.readers.common import find_header_row
from core.readers.vpr_table import (
    TaskColumn,
    VprColumns,
    VprSheet,
    concat_sheets,
    read_vpr_sheet,
    scale_for,
)
from core.tokens import cell_text
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "detect", "find_columns", "parse"]

LAYOUT = "fisoko_vpr_dump"
TITLE = "ФИС ОКО: результаты ВПР по обучающимся (выгрузка региона)"


@dataclass(frozen=True)
class _Dialect:
    fields: dict[str, Callable[[str], bool]]
    required: tuple[str, ...]
    task: re.Pattern[str]
    variants: tuple[str, ...]


# Spellings of other years and regions are accepted; «балл за N» is the signature, the school
# login, the journal mark and the total are optional (the total is only checked against Σ).
_2021 = _Dialect(
    fields={
        "school": lambda t: t in {"логин школы", "логин оо", "логин"},
        "pupil": lambda t: t in {"код обучающегося", "код участника"},
        "journal": lambda t: t.startswith("отметка за предыдущ") or t == "отметка по журналу",
        "gender": lambda t: t == "пол",
        "class_label": lambda t: t == "класс",
        "variant": lambda t: t == "вариант",
        "total": lambda t: t in {"всего баллов", "итого баллов", "итого", "первичный балл",
                                 "сумма баллов"},
        "first_task": lambda t: t in {"балл за 1", "балл за задание 1"},
    },
    required=("pupil", "variant", "first_task"),
    task=re.compile(r"^балл за (?:задание\s*)?(\d+(?:\.\d+)?)$"),
    variants=("вариант",),
)
_2020 = _Dialect(
    fields={
        "groups": lambda t: t == "groups",
        "school": lambda t: t == "user",
        "pupil": lambda t: t == "code",
        "journal": lambda t: t == "otc",
        "gender": lambda t: t == "gender",
        "class_label": lambda t: t == "klass",
        "variant": lambda t: t == "var-1",
        "total": lambda t: t == "sum",
        "first_task": lambda t: t == "a-1-grade",
    },
    required=("school", "pupil", "journal", "variant", "total", "first_task"),
    task=re.compile(r"^a-(\d+)-grade$"),
    variants=("var-1", "var-2"),
)


def find_columns(sheet: Sheet) -> VprColumns | None:
    for dialect in (_2021, _2020):
        match = find_header_row(sheet, dialect.fields, required=dialect.required, max_rows=10)
        if match is None:
            continue
        texts = [normalize_header(v) for v in sheet.rows[match.row]]
        tasks = []
        for c, text in enumerate(texts):
            m = dialect.task.match(text)
            if m:
                tasks.append(TaskColumn(c, m.group(1), None, cell_text(sheet.rows[match.row][c])))
        cols = match.columns
        return VprColumns(
            header_row=match.row, pupil=cols["pupil"], tasks=tuple(tasks),
            variants=tuple(c for c, t in enumerate(texts) if t in dialect.variants),
            class_label=cols.get("class_label"), gender=cols.get("gender"),
            journal=cols.get("journal"), total=cols.get("total"), school=cols.get("school"),
        )
    return None


def detect(sheets: list[Sheet]) -> bool:
    return any(find_columns(s) is not None for s in sheets)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    scale = scale_for(metadata)
    parts: list[VprSheet] = []
    row_id = 0
    for sheet in sheets:
        cols = find_columns(sheet)
        if cols is None:
            continue
        part = read_vpr_sheet(sheet, cols, file_name=file_name, metadata=metadata,
                              row_id_start=row_id, over_max=Severity.WARNING,
                              max_score=scale.max_total if scale is not None else None)
        row_id += len(part.results)
        parts.append(part)
    return concat_sheets(parts)
