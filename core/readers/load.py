"""Teacher load «Класс, Предмет, Учитель» (FORMATS.md §13)."""

from __future__ import annotations

import pandas as pd

from core.model import LOAD_COLUMNS, Metadata
from core.names import canonical_subject, canonical_year, parse_class_label, teacher_short_name
from core.problems import Problem, Severity
from core.readers.common import HeaderMatch, column_letter, find_header_row
from core.tokens import parse_number
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "detect", "find_load_header", "parse", "parse_load_sheet"]

LAYOUT = "teacher_load"
TITLE = "Нагрузка учителей (класс, предмет, учитель)"

FIELDS = {
    "year": lambda t: t == "учебный год",
    "class_label": lambda t: t in {"класс", "классы"},
    "subject": lambda t: t in {"предмет", "учебный предмет"},
    "teacher": lambda t: t in {"учитель", "фио учителя", "педагог", "преподаватель"},
    "group": lambda t: t in {"группа", "подгруппа"},
    "hours": lambda t: t.startswith("часов в неделю") or t == "часы",
}


def find_load_header(sheet: Sheet) -> HeaderMatch | None:
    match = find_header_row(sheet, FIELDS, required=("class_label", "subject", "teacher"))
    if match is None:
        return None
    # A results sheet also has «Класс» and «Предмет»; a load sheet has no pupil or mark column.
    texts = {v for v in (sheet.text(match.row, c).lower() for c in range(sheet.width)) if v}
    if any(t.startswith(("фио", "отметка", "ученик", "код")) for t in texts):
        return None
    return match


def detect(sheets: list[Sheet]) -> bool:
    return any(find_load_header(s) is not None for s in sheets)


def parse_load_sheet(sheet: Sheet, match: HeaderMatch, *, file_name: str,
                     metadata: Metadata) -> tuple[pd.DataFrame, list[Problem]]:
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    cols = match.columns
    for r in range(match.row + 1, sheet.height):
        cells = {k: sheet.text(r, c) for k, c in cols.items()}
        if not any(cells.values()):
            continue
        label = parse_class_label(cells["class_label"])
        if not label.understood:
            problems.append(Problem(file=file_name, sheet=sheet.name, row=r + 1,
                                    column=_col(sheet, match, "class_label"),
                                    value=cells["class_label"], severity=Severity.ERROR,
                                    message="не распознано название класса"))
            continue
        if not cells["subject"] or not cells["teacher"]:
            problems.append(Problem(file=file_name, sheet=sheet.name, row=r + 1,
                                    severity=Severity.WARNING,
                                    message="строка без предмета или учителя пропущена"))
            continue
        year = canonical_year(cells.get("year", "")) or metadata.year
        hours = parse_number(cells.get("hours", ""))
        rows.append({
            "school": metadata.school, "year": year, "class_label": label.label,
            "subject": canonical_subject(cells["subject"])[0],
            "teacher": teacher_short_name(cells["teacher"]), "group": cells.get("group", ""),
            "hours": hours,
        })
    return pd.DataFrame(rows, columns=list(LOAD_COLUMNS)), problems


def _col(sheet: Sheet, match: HeaderMatch, name: str) -> str:
    c = match.columns[name]
    return sheet.text(match.row, c) or column_letter(c)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    for sheet in sheets:
        match = find_load_header(sheet)
        if match is None:
            continue
        frame, found = parse_load_sheet(sheet, match, file_name=file_name, metadata=metadata)
        frames.append(frame)
        problems.extend(found)
    load = (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=list(LOAD_COLUMNS)))
    return {"teacher_load": load}, problems
