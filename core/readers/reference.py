"""Reference rows: the municipality's, region's or RF's figures of a work (FORMATS §9, our
template): «Учебный год | Процедура | Предмет | Параллель | Уровень | Участников | Средний
первичный балл | SD | %«2» … %«5» | % понизили | % подтвердили | % повысили | Задание N, %».

Recognised by content: a header with «Уровень» and «Средний первичный балл» and at least one row
whose level reads as РФ, регион or муниципалитет."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from core.model import REFERENCE_COLUMNS, Metadata
from core.names import canonical_procedure, canonical_subject, canonical_year, normalize_header
from core.problems import Problem, Severity
from core.readers.common import HeaderMatch, column_letter, find_header_row, parse_task_header
from core.tokens import parse_number
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "canonical_level", "detect", "parse"]

LAYOUT = "reference"
TITLE = "Справочные данные (муниципалитет, регион, РФ)"

_PERCENT_SIGNS = re.compile(r"[%«»\"'“”„\s]|доля|отметк[аи]|,")


def _mark_share(mark: str) -> Callable[[str], bool]:
    return lambda t: _PERCENT_SIGNS.sub("", t) == mark


FIELDS = {
    "year": lambda t: t in {"учебный год", "год"},
    "procedure": lambda t: t in {"процедура", "работа"},
    "subject": lambda t: t in {"предмет", "учебный предмет"},
    "grade": lambda t: t in {"параллель", "класс", "классы"},
    "level": lambda t: t.startswith("уровень"),
    "participants": lambda t: t.startswith(("участник", "число участников",
                                            "количество участников")),
    "mean_score": lambda t: t.startswith(("средний первичный балл", "средний балл")),
    "sd": lambda t: t in {"sd", "ско", "стандартное отклонение", "станд. отклонение"},
    **{f"p{m}": _mark_share(m) for m in "2345"},
    "lowered": lambda t: "понизил" in t,
    "confirmed": lambda t: "подтвердил" in t,
    "raised": lambda t: "повысил" in t,
}
_PERCENTS = ("p2", "p3", "p4", "p5", "lowered", "confirmed", "raised")

_LEVELS = {"рф": "РФ", "россия": "РФ", "российская федерация": "РФ", "вся выборка": "РФ",
           "по россии": "РФ", "регион": "регион", "субъект": "регион", "субъект рф": "регион",
           "муниципалитет": "муниципалитет", "муниципалитет (мо)": "муниципалитет",
           "мо": "муниципалитет", "муниципальное образование": "муниципалитет",
           "муниципальный район": "муниципалитет"}


def canonical_level(value: object) -> str:
    """«РФ», «регион» or «муниципалитет» for the spellings seen in ФИС ОКО reports; «» else."""
    text = normalize_header(value)
    return _LEVELS.get(text, _LEVELS.get(text.removeprefix("по ").strip(), ""))


def _task_columns(sheet: Sheet, row: int) -> dict[int, str]:
    """Columns «Задание N, %» (also «Задание N (%)», «N, %»): column → task name."""
    found: dict[int, str] = {}
    for c in range(sheet.width):
        text = normalize_header(sheet.text(row, c))
        if "%" not in text and not text.startswith("задание"):
            continue
        bare = re.sub(r"[,(]?\s*%\s*\)?\s*$", "", text).strip()
        head = parse_task_header(bare if bare.startswith("задание") else "задание " + bare,
                                 require_max=False)
        if head is not None:
            found[c] = head.task
    return found


def _header(sheet: Sheet) -> HeaderMatch | None:
    match = find_header_row(sheet, FIELDS, required=("level", "mean_score"))
    if match is None:
        return None
    levels = (canonical_level(sheet.text(r, match.columns["level"]))
              for r in range(match.row + 1, sheet.height))
    return match if any(levels) else None


def detect(sheets: list[Sheet]) -> bool:
    return any(_header(s) is not None for s in sheets)


def _column(sheet: Sheet, match: HeaderMatch, name: str) -> str:
    c = match.columns[name]
    return sheet.text(match.row, c) or column_letter(c)


def _year(text: str, default: str) -> str:
    """«2024/2025», «2024-25»; a spring year alone («2025», the ВПР year) → «2024/2025»."""
    year = canonical_year(text)
    if year:
        return year
    m = re.fullmatch(r"\s*(20\d\d)(?:\.0)?\s*", text)
    return f"{int(m.group(1)) - 1}/{m.group(1)}" if m else default


def _parse_sheet(sheet: Sheet, match: HeaderMatch, *, file_name: str, metadata: Metadata
                 ) -> tuple[list[dict[str, object]], list[Problem]]:
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    tasks = _task_columns(sheet, match.row)
    cols = match.columns

    def problem(r: int, column: str, value: str, message: str) -> None:
        problems.append(Problem(file=file_name, sheet=sheet.name, row=r + 1, column=column,
                                value=value, severity=Severity.ERROR, message=message))

    def number(r: int, column: int, *, percent: bool) -> float | None:
        raw = sheet.text(r, column)
        if not raw:
            return None
        value = parse_number(raw.replace("%", ""))
        header = sheet.text(match.row, column) or column_letter(column)
        if value is None or value < 0 or (percent and value > 100):
            what = "процент от 0 до 100" if percent else "неотрицательное число"
            problem(r, header, raw, f"ожидается {what}; значение не учтено")
            return None
        return value

    for r in range(match.row + 1, sheet.height):
        if not any(sheet.row_texts(r)):
            continue
        level_text = sheet.text(r, cols["level"])
        level = canonical_level(level_text)
        if not level:
            problem(r, _column(sheet, match, "level"), level_text,
                    "уровень не распознан (ожидается РФ, регион или муниципалитет); строка "
                    "пропущена")
            continue
        grade_text = sheet.text(r, cols["grade"]) if "grade" in cols else ""
        grade_number = parse_number(re.sub(r"\s*(класс|кл\.?)\s*$", "", grade_text,
                                           flags=re.IGNORECASE))
        grade = (int(grade_number) if grade_number is not None and 1 <= grade_number <= 11
                 else metadata.grade)
        if grade_text and grade_number is None:
            problem(r, _column(sheet, match, "grade"), grade_text, "параллель не распознана")
        subject_text = sheet.text(r, cols["subject"]) if "subject" in cols else ""
        procedure_text = sheet.text(r, cols["procedure"]) if "procedure" in cols else ""
        record: dict[str, object] = {
            "year": _year(sheet.text(r, cols["year"]) if "year" in cols else "", metadata.year),
            "procedure": (canonical_procedure(procedure_text) if procedure_text
                          else metadata.procedure or "ВПР"),
            "subject": canonical_subject(subject_text)[0] if subject_text else metadata.subject,
            "grade": grade, "level": level,
        }
        participants = (number(r, cols["participants"], percent=False)
                        if "participants" in cols else None)
        record["participants"] = None if participants is None else int(participants)
        for name in ("mean_score", "sd"):
            record[name] = (number(r, cols[name], percent=False) if name in cols
                            else None)
        for name in _PERCENTS:
            record[name] = number(r, cols[name], percent=True) if name in cols else None
        done = []
        for c, task in tasks.items():
            value = number(r, c, percent=True)
            if value is not None:
                done.append(f"{task}={value:g}")
        record["tasks"] = ";".join(done)
        rows.append(record)
    return rows, problems


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    for sheet in sheets:
        match = _header(sheet)
        if match is None:
            continue
        found, issues = _parse_sheet(sheet, match, file_name=file_name, metadata=metadata)
        rows += found
        problems += issues
    frame = pd.DataFrame(rows, columns=list(REFERENCE_COLUMNS))
    key = ["year", "procedure", "subject", "grade", "level"]
    repeated = frame[frame.astype(str).duplicated(key, keep="first")]
    for rec in repeated.to_dict("records"):
        problems.append(Problem(file=file_name, severity=Severity.ERROR, column="Уровень",
                                value=str(rec["level"]),
                                message=f"строка уровня «{rec['level']}» для {rec['subject']}, "
                                        f"{rec['grade']} класс, {rec['year']} повторяется; "
                                        "оставлена первая"))
    # a missing year, subject or grade is asked for on upload (core.intake.missing_fields)
    frame = frame[~frame.astype(str).duplicated(key, keep="first")]
    return {"reference": frame.reset_index(drop=True)}, problems
