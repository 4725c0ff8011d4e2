"""ФИС ОКО results report «Ф1 Индивидуальные результаты» (FORMATS.md §8, described; no real
sample — known from the header layout documented there).

Above the table: a title «ВПР YYYY <Предмет> N класс», meta rows («Предмет», «Максимальный
первичный балл», «Дата …»), an organisation line «<Название ОО> (eduNNNNNN) | … Кол-во
участников: N», and a row of task levels «Б»/«П»/«В» just above the header. Header: «ОО» |
«Муниципалитет» | «Название ОО» | «Код участника» | «Класс» | «Вариант» | tasks (§4.2) |
«Первичный балл» | «Отметка» | «Отметка по журналу».

«Отметка» is taken as given (METHODOLOGY §4.1); the task levels go to ``tasks.level``; year,
subject and grade come from the title when it is there.
"""

from __future__ import annotations

import re

import pandas as pd

from core.model import Metadata
from core.names import canonical_subject, normalize_header
from core.problems import Problem, Severity
from core.readers.common import find_header_row, parse_task_header
from core.readers.vpr_table import TaskColumn, VprColumns, VprSheet, concat_sheets, read_vpr_sheet
from core.tokens import cell_text, parse_number
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "detect", "find_columns", "parse"]

LAYOUT = "fisoko_vpr_report"
TITLE = "ФИС ОКО: «Ф1 Индивидуальные результаты» ВПР"

FIELDS = {
    "pupil": lambda t: t == "код участника",
    "primary": lambda t: t == "первичный балл",
    "mark": lambda t: t in {"отметка", "отметка впр"},
    "journal": lambda t: t == "отметка по журналу",
    "class_label": lambda t: t == "класс",
    "variant": lambda t: t == "вариант",
    "school_name": lambda t: t == "название оо",
    "school": lambda t: t in {"оо", "логин оо", "код оо"},
    "gender": lambda t: t == "пол",
}
_TITLE = re.compile(r"ВПР\s+(\d{4})\s+(.+?)\s+(\d{1,2})\s*класс", re.IGNORECASE)
_ORG = re.compile(r"^(.*?)\s*\(?(edu\d+)\)?", re.IGNORECASE)
_LEVELS = {"б": "Б", "п": "П", "в": "В"}


def find_columns(sheet: Sheet) -> VprColumns | None:
    match = find_header_row(sheet, FIELDS, required=("pupil", "primary", "mark"))
    if match is None:
        return None
    texts = [normalize_header(v) for v in sheet.rows[match.row]]
    raw = [cell_text(v) for v in sheet.rows[match.row]]
    levels = sheet.rows[match.row - 1] if match.row > 0 else []
    tasks = []
    for c, text in enumerate(texts):
        th = parse_task_header(text)
        if th is not None:
            level = normalize_header(levels[c]) if c < len(levels) else ""
            tasks.append(TaskColumn(c, th.task, th.max_score, raw[c], _LEVELS.get(level, "")))
    if not tasks:
        return None
    cols = match.columns
    return VprColumns(
        header_row=match.row, pupil=cols["pupil"], tasks=tuple(tasks),
        variants=(cols["variant"],) if "variant" in cols else (),
        class_label=cols.get("class_label"), gender=cols.get("gender"),
        journal=cols.get("journal"), total=cols["primary"], mark=cols["mark"],
        school=cols.get("school_name", cols.get("school")),
    )


def detect(sheets: list[Sheet]) -> bool:
    return any(find_columns(s) is not None for s in sheets)


def _title(sheet: Sheet, header_row: int) -> tuple[str, str, int | None, str, float | None]:
    """(year «2020/2021», subject, grade, school, declared max) from the lines above the table."""
    year, subject, grade, school = "", "", None, ""
    declared: float | None = None
    for r in range(header_row):
        texts = [t for t in sheet.row_texts(r) if t]
        if not texts:
            continue
        line = " ".join(texts)
        m = _TITLE.search(line)
        if m and not year:
            spring = int(m.group(1))
            year = f"{spring - 1}/{spring}"  # ВПР are written in spring
            subject = canonical_subject(m.group(2))[0]
            grade = int(m.group(3))
        label = normalize_header(texts[0])
        if label == "предмет" and len(texts) > 1:
            subject = canonical_subject(texts[1])[0]
        elif label.startswith("максимальный первичный балл") and len(texts) > 1:
            declared = parse_number(texts[1])
        elif "кол-во участников" in line.lower() or ("edu" in line.lower() and "|" in line):
            org = _ORG.match(line.split("|")[0].strip())
            school = (org.group(1).strip() or org.group(2)) if org else line.split("|")[0].strip()
    return year, subject, grade, school, declared


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    parts: list[VprSheet] = []
    problems: list[Problem] = []
    row_id = 0
    for sheet in sheets:
        cols = find_columns(sheet)
        if cols is None:
            continue
        year, subject, grade, school, declared = _title(sheet, cols.header_row)
        if grade is not None and metadata.grade is None:
            metadata = Metadata(school=metadata.school, year=metadata.year,
                                subject=metadata.subject, grade=grade,
                                procedure=metadata.procedure, period=metadata.period,
                                date=metadata.date)
        part = read_vpr_sheet(sheet, cols, file_name=file_name, metadata=metadata,
                              row_id_start=row_id, over_max=Severity.WARNING, school=school,
                              year=year, subject=subject)
        header_max = sum(t.max_score or 0.0 for t in cols.tasks)
        if declared is not None and abs(declared - header_max) > 1e-9:
            problems.append(Problem(
                file=file_name, sheet=sheet.name, row=cols.header_row + 1,
                value=cell_text(declared),
                message=f"«Максимальный первичный балл» ({cell_text(declared)}) не равен сумме "
                        f"максимумов заданий ({cell_text(header_max)}); учтена сумма по "
                        f"заданиям"))
        row_id += len(part.results)
        parts.append(part)
    frames, found = concat_sheets(parts)
    return frames, found + problems
