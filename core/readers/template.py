"""The canonical long template (FORMATS.md §12): one row per pupil × subject × period/procedure."""

from __future__ import annotations

import re

import pandas as pd

from core.dates import canonical_date
from core.model import TASK_COLUMNS, Metadata, results_frame
from core.names import (
    TERM_PROCEDURE,
    canonical_period,
    canonical_procedure,
    canonical_subject,
    canonical_year,
    normalize_header,
    parse_class_label,
    pupil_key,
    teacher_short_name,
)
from core.problems import Problem, Severity
from core.readers import load as load_reader
from core.readers.common import HeaderMatch, column_letter, find_header_row, parse_task_header
from core.tokens import MarkKind, cell_text, parse_mark, parse_number, parse_task_score
from core.workbook import Sheet

__all__ = ["FIELDS", "LAYOUT", "TITLE", "detect", "parse"]

LAYOUT = "template"
TITLE = "Шаблон ВСОКО (длинная таблица)"

FIELDS = {
    "school": lambda t: t in {"школа", "оо", "образовательная организация"},
    "year": lambda t: t == "учебный год",
    "period": lambda t: t == "период",
    "procedure": lambda t: t in {"процедура", "вид процедуры"},
    "class_label": lambda t: t == "класс",
    "pupil": lambda t: t in {"фио или код", "фио", "код", "ученик", "обучающийся", "код участника"},
    "subject": lambda t: t == "предмет",
    "teacher": lambda t: t == "учитель",
    "mark": lambda t: t in {"отметка", "оценка"},
    "primary_score": lambda t: t in {"первичный балл", "балл"},
    "max_score": lambda t: t in {"максимальный балл", "макс. балл", "максимальный первичный балл"},
    "journal_mark": lambda t: t in {"отметка по журналу", "отметка за предыдущий период"},
    "date": lambda t: t == "дата",
    "variant": lambda t: t == "вариант",
    "gender": lambda t: t == "пол",
}
REQUIRED = ("year", "period", "procedure", "class_label", "pupil", "subject")
_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")


def _find(sheet: Sheet) -> HeaderMatch | None:
    match = find_header_row(sheet, FIELDS, required=REQUIRED)
    if match is None:
        return None
    has_value = "mark" in match.columns or "primary_score" in match.columns
    return match if has_value else None


def detect(sheets: list[Sheet]) -> bool:
    return any(_find(s) is not None for s in sheets)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    rows: list[dict[str, object]] = []
    tasks: list[dict[str, object]] = []
    problems: list[Problem] = []
    loads: list[pd.DataFrame] = []
    # Shared by all sheets: a pupil repeated on a second sheet (a copied sheet) is a duplicate too.
    seen: dict[tuple[str, ...], tuple[str, int]] = {}
    for sheet in sheets:
        match = _find(sheet)
        if match is not None:
            _parse_sheet(sheet, match, file_name, metadata, rows, tasks, problems, seen)
            continue
        load_match = load_reader.find_load_header(sheet)
        if load_match is not None:
            frame, found = load_reader.parse_load_sheet(sheet, load_match, file_name=file_name,
                                                        metadata=metadata)
            loads.append(frame)
            problems.extend(found)
    out: dict[str, pd.DataFrame] = {
        "results": results_frame(rows),
        "tasks": pd.DataFrame(tasks, columns=list(TASK_COLUMNS)),
    }
    if loads:
        out["teacher_load"] = pd.concat(loads, ignore_index=True)
    return out, problems


def _parse_sheet(sheet: Sheet, match: HeaderMatch, file_name: str, metadata: Metadata,
                 rows: list[dict[str, object]], tasks: list[dict[str, object]],
                 problems: list[Problem], seen: dict[tuple[str, ...], tuple[str, int]]) -> None:
    cols = match.columns
    header = {name: sheet.text(match.row, c) or column_letter(c) for name, c in cols.items()}
    task_cols = []
    for c in range(sheet.width):
        if c in cols.values():
            continue
        th = parse_task_header(normalize_header(sheet.text(match.row, c)), require_max=False)
        if th is not None:
            task_cols.append((c, th))
    for r in range(match.row + 1, sheet.height):
        cells = {k: sheet.text(r, c) for k, c in cols.items()}
        if not any(cells.values()):
            continue
        rownum = r + 1

        def problem(field: str, message: str, severity: Severity = Severity.ERROR,
                    value: str | None = None, _rownum: int = rownum,
                    _cells: dict[str, str] = cells) -> None:
            problems.append(Problem(file=file_name, sheet=sheet.name, row=_rownum,
                                    column=header.get(field, field), message=message,
                                    value=_cells.get(field, "") if value is None else value,
                                    severity=severity))

        missing = [f for f in REQUIRED if not cells.get(f) and not _from_meta(f, metadata)]
        if missing:
            for f in missing:
                problem(f, "не заполнено обязательное поле")
            continue
        year = canonical_year(cells["year"] or metadata.year)
        if year is None:
            problem("year", "учебный год должен выглядеть как «2024/2025»")
            continue
        procedure = canonical_procedure(cells["procedure"] or metadata.procedure)
        raw_period = cells["period"] or metadata.period
        period, date = "", cells.get("date", "")
        if procedure == TERM_PROCEDURE:
            period = canonical_period(raw_period) or ""
            if not period:
                problem("period", "период не распознан (ожидается «1 четверть», «2 полугодие», "
                                  "«3 триместр», «год», «итог»)")
                continue
        elif _DATE.match(raw_period):
            date = date or raw_period
        label = parse_class_label(cells["class_label"], grade=metadata.grade)
        if not label.understood:
            problem("class_label", "не распознано название класса (ожидается вида «8А»)")
            continue
        subject, _known = canonical_subject(cells["subject"] or metadata.subject)
        mark = parse_mark(cells.get("mark", ""), zero_is_placeholder=False)
        if mark is None:
            problem("mark", "недопустимая отметка (допустимы 2–5, «н/а», «осв», «зач», «незач»)")
            continue
        if mark.note:
            problem("mark", mark.note, Severity.WARNING)
        primary = parse_number(cells.get("primary_score", ""))
        maximum = parse_number(cells.get("max_score", ""))
        if cells.get("primary_score") and primary is None:
            problem("primary_score", "первичный балл должен быть числом")
            continue
        if primary is not None and primary < 0:
            problem("primary_score", "первичный балл не может быть отрицательным")
            continue
        if cells.get("max_score") and (maximum is None or maximum <= 0):
            problem("max_score", "максимальный балл должен быть положительным числом")
            continue
        if primary is not None and maximum is not None and primary > maximum:
            problem("primary_score", f"первичный балл больше максимального ({cell_text(maximum)})")
            continue
        journal = parse_mark(cells.get("journal_mark", ""), zero_is_placeholder=False)
        journal_token = ""
        if journal is not None and journal.kind is MarkKind.MARK:
            journal_token = journal.token
        elif cells.get("journal_mark") and normalize_header(cells["journal_mark"]) != "нет отметки":
            problem("journal_mark", "отметка по журналу не распознана", Severity.WARNING)
        pupil = cells["pupil"]
        # one child however the name is spelt («ИВАНОВ  ИВАН» is «Иванов Иван»), one date
        # however it is written
        key = (year, procedure, period, canonical_date(date) or date, label.label, subject,
               pupil_key(pupil))
        if key in seen:
            first_sheet, first_row = seen[key]
            where = (f"строку {first_row}" if first_sheet == sheet.name
                     else f"лист «{first_sheet}», строку {first_row}")
            problem("pupil", f"обучающийся повторяется в том же классе, предмете и периоде "
                             f"(см. {where})")
            continue
        seen[key] = (sheet.name, rownum)
        row_id = len(rows)
        rows.append({
            "school": cells.get("school", "") or metadata.school, "year": year,
            "procedure": procedure, "period": period, "date": date, "class_label": label.label,
            "grade": label.grade, "pupil": pupil, "subject": subject,
            "teacher": teacher_short_name(cells.get("teacher", "")), "mark": mark.token,
            "primary_score": primary, "max_score": maximum, "journal_mark": journal_token,
            "variant": cells.get("variant", ""), "gender": cells.get("gender", "").lower(),
            "row_id": row_id, "source_sheet": sheet.name, "source_row": rownum,
        })
        for c, th in task_cols:
            raw = sheet.text(r, c)
            if not raw:
                continue
            score = parse_task_score(raw)
            if score.note:
                problem("task", score.note, Severity.WARNING, value=raw)
            if (score.points is not None and th.max_score is not None
                    and score.points > th.max_score):
                problems.append(Problem(file=file_name, sheet=sheet.name, row=rownum,
                                        column=sheet.text(match.row, c), value=raw,
                                        severity=Severity.ERROR,
                                        message="балл за задание больше максимума "
                                                f"({cell_text(th.max_score)})"))
            tasks.append({"row_id": row_id, "task": th.task, "score": score.points,
                          "max_score": th.max_score, "attempted": score.attempted})


def _from_meta(field: str, metadata: Metadata) -> bool:
    value = {"year": metadata.year, "subject": metadata.subject, "procedure": metadata.procedure,
             "period": metadata.period}.get(field, "")
    return bool(value)
