"""РЦОИ ОГЭ/ЕГЭ result protocol (FORMATS.md §11, METHODOLOGY.md §7).

A1 holds the title ``<код экзамена> … <предмет> <дата>``; the header row has ``Код МСУ``,
``Код ОО``, ``Класс``, ``Код ППЭ``, ``Аудитория``, ``Фамилия``, ``Имя``, ``Отчество``, document
columns, ``Задания с кратким ответом``, ``Задания с развёрнутым ответом``, ``Первичный балл``,
``Балл``.

* ОГЭ (and ГВЭ-9): ``Балл`` is the mark, read as is and never recomputed from the total.
* ЕГЭ: ``Балл`` is the 100-point test score → ``primary_score`` with ``max_score`` 100, mark «».
  ГВЭ-11 is graded with marks, so it is kept as its own procedure with the mark.
* Short answers ``++-1+0`` → one task per position (``+`` 1 of 1, ``-`` 0 of 1, a digit = points
  of unknown maximum); long answers ``2(2)1(3)0(2)`` → one task per criterion with its maximum,
  numbered after the short tasks.
* Passport / document columns are never read, so they are never stored or echoed in problems.
"""

from __future__ import annotations

import re

import pandas as pd

from core.model import TASK_COLUMNS, Metadata, results_frame
from core.names import canonical_subject, canonical_year, parse_class_label
from core.problems import Problem, Severity
from core.readers.common import HeaderMatch, column_letter, find_header_row
from core.tokens import MarkKind, cell_text, parse_mark, parse_number
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "detect", "parse"]

LAYOUT = "exam_protocol"
TITLE = "Протокол результатов ОГЭ/ЕГЭ (РЦОИ)"

FIELDS = {
    "msu": lambda t: t == "код мсу",
    "school_code": lambda t: t == "код оо",
    "class_label": lambda t: t == "класс",
    "surname": lambda t: t == "фамилия",
    "name": lambda t: t == "имя",
    "patronymic": lambda t: t == "отчество",
    "short": lambda t: t.startswith("задания с кратким ответом") or t == "ответы части 1",
    "long": lambda t: t.startswith("задания с развернутым ответом") or t == "ответы части 2",
    "primary_score": lambda t: t == "первичный балл",
    "score": lambda t: t in {"балл", "тестовый балл", "отметка", "оценка", "итоговый балл"},
}
REQUIRED = ("school_code", "surname", "name", "short", "primary_score", "score")
EGE_MAX = 100.0

_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(20\d\d)(?!\d)")
_LONG_PART = re.compile(r"\s*(\d+(?:[.,]\d+)?|[xXхХ\-−–—])?\s*\(\s*(\d+)\s*\)")
_MINUS = {"-", "−", "–", "—"}


def _find(sheet: Sheet) -> HeaderMatch | None:
    return find_header_row(sheet, FIELDS, required=REQUIRED)


def detect(sheets: list[Sheet]) -> bool:
    return any(_find(s) is not None for s in sheets)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    rows: list[dict[str, object]] = []
    tasks: list[dict[str, object]] = []
    problems: list[Problem] = []
    for sheet in sheets:
        match = _find(sheet)
        if match is not None:
            _parse_sheet(sheet, match, file_name, metadata, rows, tasks, problems)
    return {"results": results_frame(rows),
            "tasks": pd.DataFrame(tasks, columns=list(TASK_COLUMNS))}, problems


def exam_of_title(title: str) -> str:
    """«ОГЭ», «ЕГЭ», «ГВЭ-9», «ГВЭ-11» or «» from the protocol title."""
    up = title.upper().replace("Ё", "Е")
    if re.search(r"ГВЭ\s*-?\s*11", up):
        return "ГВЭ-11"
    if "ГВЭ" in up:
        return "ГВЭ-9"
    for name in ("ЕГЭ", "ОГЭ"):
        if re.search(rf"(?<![А-Я]){name}(?![А-Я])", up):
            return name
    return ""


def subject_of_title(title: str) -> str:
    """The first dictionary subject named in the title (longest word run first), or «»."""
    text = _DATE.sub(" ", title)
    text = re.sub(r"(?i)(?<![а-яё])(огэ|егэ|гвэ)(?![а-яё])(\s*-?\s*\d+)?", " ", text)
    segments = [s for s in re.split(r"[.,;:|]|\s[-–—]\s", text) if s.strip()]
    for segment in segments:
        subject, known = canonical_subject(segment.strip(" ()-–«»\"'"))
        if known:
            return subject
    words = re.findall(r"[А-Яа-яЁёA-Za-z]+(?:\.|\s*\([А-Яа-яЁё ]+\))?", text)
    for size in range(min(len(words), 6), 0, -1):
        for start in range(len(words) - size + 1):
            subject, known = canonical_subject(" ".join(words[start:start + size]))
            if known:
                return subject
    return ""


def academic_year_of(date: str) -> str:
    """«15.06.2025» → «2024/2025» (September–December start a new academic year)."""
    m = _DATE.search(date)
    if not m:
        return ""
    month, year = int(m.group(2)), int(m.group(3))
    first = year if month >= 9 else year - 1
    return f"{first}/{first + 1}"


def _title(sheet: Sheet, header_row: int) -> str:
    lines = (" ".join(t for t in sheet.row_texts(r) if t) for r in range(header_row))
    return " ".join(line for line in lines if line)


def _parse_sheet(sheet: Sheet, match: HeaderMatch, file_name: str, metadata: Metadata,
                 rows: list[dict[str, object]], tasks: list[dict[str, object]],
                 problems: list[Problem]) -> None:
    cols = match.columns
    title = _title(sheet, match.row)
    exam = exam_of_title(title) or exam_of_title(metadata.procedure)
    subject = subject_of_title(title) or metadata.subject
    date_match = _DATE.search(title)
    date = ""
    if date_match:
        d, mo, y = date_match.groups()
        date = f"{int(d):02d}.{int(mo):02d}.{y}"
    date = date or metadata.date
    year = academic_year_of(date) or canonical_year(metadata.year) or ""
    if not year:
        m = re.search(r"(?<!\d)(20\d\d)(?!\d)", title)
        if m:  # exams are sat at the end of the academic year
            year = f"{int(m.group(1)) - 1}/{m.group(1)}"

    def header(field: str) -> str:
        c = cols[field]
        return sheet.text(match.row, c) or column_letter(c)

    def sheet_problem(message: str, needs: str) -> None:
        problems.append(Problem(file=file_name, sheet=sheet.name, row=1, column="A",
                                message=message, severity=Severity.ERROR, needs=needs))

    if not subject:
        sheet_problem("не указан предмет: в заголовке протокола (ячейка A1) предмет не найден; "
                      "укажите его при загрузке", "subject")
    if not year:
        sheet_problem("не указан учебный год: в заголовке протокола нет даты экзамена; "
                      "укажите год при загрузке", "year")
    if not subject or not year:
        return

    for r in range(match.row + 1, sheet.height):
        cells = {k: sheet.text(r, c) for k, c in cols.items()}
        if not any(cells.get(k) for k in ("surname", "name", "primary_score", "score")):
            continue
        rownum = r + 1

        def problem(field: str, message: str, severity: Severity = Severity.ERROR,
                    _rownum: int = rownum, _cells: dict[str, str] = cells,
                    needs: str = "") -> None:
            problems.append(Problem(file=file_name, sheet=sheet.name, row=_rownum,
                                    column=header(field), value=_cells.get(field, ""),
                                    message=message, severity=severity, needs=needs))

        pupil = " ".join(" ".join(cells.get(k, "") for k in ("surname", "name", "patronymic"))
                         .split())
        if not cells["surname"]:
            problem("surname", "не заполнена фамилия участника")
            continue
        row_exam = exam
        raw_class = cells.get("class_label", "")
        grade_hint = {"ОГЭ": 9, "ГВЭ-9": 9, "ЕГЭ": 11, "ГВЭ-11": 11}.get(exam, metadata.grade)
        label = parse_class_label(raw_class, grade=grade_hint)
        if not label.understood:
            problem("class_label" if "class_label" in cols else "surname",
                    "не распознан класс участника (ожидается вида «9А»); укажите параллель "
                    "при загрузке", needs="grade" if grade_hint is None else "")
            continue
        if not row_exam:
            row_exam = {9: "ОГЭ", 11: "ЕГЭ"}.get(label.grade or 0, "")
            if not row_exam:
                problem("class_label", "не удалось определить экзамен (ОГЭ или ЕГЭ): в "
                        "заголовке нет «ОГЭ»/«ЕГЭ», класс не 9 и не 11")
                continue
        primary = parse_number(cells["primary_score"])
        if cells["primary_score"] and (primary is None or primary < 0):
            problem("primary_score", "первичный балл должен быть неотрицательным числом")
            continue
        raw_score = cells["score"]
        mark_token, score = "", None
        if row_exam == "ЕГЭ":
            score = parse_number(raw_score)
            if raw_score and (score is None or not 0 <= score <= EGE_MAX):
                problem("score", "тестовый балл ЕГЭ должен быть числом от 0 до 100")
                continue
        else:
            mark = parse_mark(raw_score, zero_is_placeholder=False)
            if mark is None or mark.kind not in (MarkKind.MARK, MarkKind.EMPTY) or (
                    mark.kind is MarkKind.MARK and not 2 <= (mark.value or 0) <= 5):
                problem("score", "отметка за экзамен должна быть от 2 до 5")
                continue
            mark_token = mark.token
        if not raw_score and primary is None:
            problem("score", "нет результата (балл и первичный балл пусты); строка пропущена",
                    Severity.WARNING)
            continue
        row_id = len(rows)
        procedure = {"ГВЭ-9": "ОГЭ"}.get(row_exam, row_exam)
        rows.append({
            "school": metadata.school, "year": year, "procedure": procedure, "period": "",
            "date": date, "class_label": label.label, "grade": label.grade, "pupil": pupil,
            "subject": subject, "mark": mark_token,
            "primary_score": score if row_exam == "ЕГЭ" else primary,
            "max_score": EGE_MAX if row_exam == "ЕГЭ" else None,
            "row_id": row_id, "source_sheet": sheet.name, "source_row": rownum,
        })
        row_tasks: list[dict[str, object]] = []
        short = cells.get("short", "")
        for i, ch in enumerate(short.replace(" ", "")):
            if ch == "+":
                row_tasks.append(_task(row_id, i + 1, 1.0, 1.0, True))
            elif ch in _MINUS:
                row_tasks.append(_task(row_id, i + 1, 0.0, 1.0, True))
            elif ch.isdigit() and ch.isascii():
                row_tasks.append(_task(row_id, i + 1, float(ch), None, True))
            else:
                row_tasks.append(_task(row_id, i + 1, None, None, False))
                problem("short", f"неизвестный символ «{ch}» в позиции {i + 1} ответов; "
                        "задание считается невыполненным", Severity.WARNING)
        n_short = len(short.replace(" ", ""))
        long_text = cells.get("long", "")
        parts = _parse_long(long_text) if long_text else []
        if long_text:
            if parts is None:
                problem("long", "строка развёрнутых ответов не разобрана (ожидается вида "
                        "«2(2)1(3)0(2)»); баллы по критериям не сохранены", Severity.WARNING)
            else:
                for k, (points, maximum) in enumerate(parts):
                    if points is not None and points > maximum:
                        problem("long", f"балл по критерию {k + 1} больше максимума "
                                f"({cell_text(maximum)})")
                    row_tasks.append(_task(row_id, n_short + k + 1, points, maximum,
                                           points is not None))
        tasks.extend(row_tasks)
        scores = [t["score"] for t in row_tasks]
        total = sum(s for s in scores if isinstance(s, float))
        if primary is not None and row_tasks and parts is not None and total != primary:
            problem("primary_score", f"первичный балл не равен сумме баллов за задания "
                    f"({cell_text(total)})", Severity.WARNING)


def _task(row_id: int, number: int, score: float | None, maximum: float | None,
          attempted: bool) -> dict[str, object]:
    return {"row_id": row_id, "task": str(number), "score": score, "max_score": maximum,
            "attempted": attempted}


def _parse_long(text: str) -> list[tuple[float | None, float]] | None:
    """«2(2)1(3)0(2)» → [(2, 2), (1, 3), (0, 2)]; «X(2)» → not attempted; ``None`` if garbled."""
    compact = text.strip()
    parts: list[tuple[float | None, float]] = []
    pos = 0
    while pos < len(compact):
        m = _LONG_PART.match(compact, pos)
        if m is None or m.end() == pos:
            return None if compact[pos:].strip() else parts
        raw, maximum = m.group(1), float(m.group(2))
        points = parse_number(raw) if raw and raw[0].isdigit() else None
        parts.append((points, maximum))
        pos = m.end()
    return parts
