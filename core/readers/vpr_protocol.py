"""ФИС ОКО ВПР upload protocol: the 2022 «Протокол» (+ «Классы») and the 2025 two-part school
form (FORMATS.md §4 and §7). Both share the column grammar: «Код», «Вариант» (or «Вариант
(часть 1)» and «Вариант (часть 2)»), task headers «<task> (<max>б)», a class column, «Пол»,
«Отметка за предыдущий …», «Итого баллов».

Recognition: one header row with «Код» (or «Код участника»), «Вариант» and at least one task
header. The total («Итого баллов», «Итого», «Сумма баллов» …) is optional: the primary score is
Σ tasks anyway and the total is only checked against it.

Subject and grade are not in the file: they stay empty and come from the metadata. The year is
the school year of the region download's «Дата загрузки» («17.03.2022 05:09:18» → «2021/2022»);
a school's own upload has no such column, and its year comes from the metadata too.
The school is «Школа» (``eduNNNNNN | name``) of a region download, else «Пользователь», else
empty (a school's own upload). Scores above a task maximum are a warning, not an error: the
real regional downloads carry such cells (45 in the 2022 Altai files) and refusing the file
would lose thousands of valid rows; the value is kept as written.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core.dates import academic_year_of, parse_date
from core.model import Metadata
from core.names import normalize_header
from core.problems import Problem, Severity
from core.readers.common import find_header_row, parse_task_header
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

LAYOUT = "fisoko_vpr_protocol"
TITLE = "ФИС ОКО: протокол проверки ВПР (форма загрузки)"


def _is_variant(t: str) -> bool:
    return t == "вариант" or t.startswith("вариант (часть")


# The file's total: «Итого баллов» in the ФИС ОКО form; schools' own forms also write «Итого»,
# «Сумма баллов», «Первичный балл». It is only checked against Σ tasks, so it is optional.
_TOTALS = {"итого баллов", "итого", "итого балл", "всего баллов", "сумма баллов",
           "первичный балл", "итоговый балл"}

FIELDS = {
    "pupil": lambda t: t in {"код", "код участника"},
    "variant": _is_variant,
    "total": lambda t: t in _TOTALS,
    "class_label": lambda t: t == "наименование класса" or t.startswith("класс"),
    "gender": lambda t: t == "пол",
    "journal": lambda t: t.startswith("отметка за предыдущ") or t == "отметка по журналу",
    "school": lambda t: t == "школа",
    "user": lambda t: t == "пользователь",
}
_UPLOADED = "дата загрузки"


def find_columns(sheet: Sheet) -> VprColumns | None:
    """The protocol columns of a sheet, or ``None`` when it is not a protocol."""
    match = find_header_row(sheet, FIELDS, required=("pupil", "variant"))
    if match is None:
        return None
    texts = [normalize_header(v) for v in sheet.rows[match.row]]
    raw = [cell_text(v) for v in sheet.rows[match.row]]
    tasks = []
    for c, text in enumerate(texts):
        th = parse_task_header(text)
        if th is not None:
            tasks.append(TaskColumn(c, th.task, th.max_score, raw[c]))
    if not tasks:
        return None
    cols = match.columns
    class_col = cols.get("class_label")
    return VprColumns(
        header_row=match.row, pupil=cols["pupil"], tasks=tuple(tasks),
        variants=tuple(c for c, t in enumerate(texts) if _is_variant(t)),
        class_label=class_col,
        class_is_index=class_col is not None and texts[class_col].startswith("класс №"),
        gender=cols.get("gender"), journal=cols.get("journal"), total=cols.get("total"),
        school=cols.get("school", cols.get("user")),
    )


def detect(sheets: list[Sheet]) -> bool:
    return any(find_columns(s) is not None for s in sheets)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    parts: list[VprSheet] = []
    problems: list[Problem] = []
    scale = scale_for(metadata)
    row_id = 0
    for sheet in sheets:
        cols = find_columns(sheet)
        if cols is None:
            continue
        part = read_vpr_sheet(sheet, cols, file_name=file_name, metadata=metadata,
                              row_id_start=row_id, over_max=Severity.WARNING)
        row_id += len(part.results)
        parts.append(part)
        header_max = sum(t.max_score or 0.0 for t in cols.tasks)
        if scale is not None and abs(header_max - scale.max_total) > 1e-9:
            problems.append(Problem(
                file=file_name, sheet=sheet.name, row=cols.header_row + 1,
                message=f"сумма максимумов заданий в заголовках ({cell_text(header_max)}) не "
                        f"равна максимуму шкалы {scale.year} г. ({cell_text(scale.max_total)}): "
                        f"проверьте год, предмет и параллель; отметки по шкале могут быть "
                        f"неверны"))
    frames, found = concat_sheets(parts)
    _years_from_upload_dates(frames["results"], sheets)
    return frames, found + problems


def _school_year(value: object) -> str:
    """«17.03.2022 05:09:18» (text or a date cell) → «2021/2022»; «» when not a date."""
    if isinstance(value, dt.date):  # a datetime is a date too
        return academic_year_of(value)
    text = cell_text(value).split(" ")[0].split("T")[0]
    day = parse_date(text)
    return academic_year_of(day) if day is not None else ""


def _years_from_upload_dates(results: pd.DataFrame, sheets: list[Sheet]) -> None:
    """Fill ``year`` from the row's «Дата загрузки» (region downloads, FORMATS §4.1)."""
    if results.empty:
        return
    by_row: dict[tuple[str, int], str] = {}
    for sheet in sheets:
        cols = find_columns(sheet)
        if cols is None:
            continue
        header = [normalize_header(v) for v in sheet.rows[cols.header_row]]
        if _UPLOADED not in header:
            continue
        col = header.index(_UPLOADED)
        years: dict[object, str] = {}
        for i, row in enumerate(sheet.rows[cols.header_row + 1:], start=cols.header_row + 2):
            value = row[col] if col < len(row) else ""
            key = value if isinstance(value, str | int | float | dt.date) else str(value)
            if key not in years:
                years[key] = _school_year(value)
            if years[key]:
                by_row[(sheet.name, i)] = years[key]
    if not by_row:
        return
    found = [by_row.get((str(s), int(r)), "") if not pd.isna(r) else ""
             for s, r in zip(results["source_sheet"], results["source_row"], strict=True)]
    results["year"] = [f or y for f, y in zip(found, results["year"], strict=True)]
