"""«Сетевой город» — «Отчет об успеваемости и посещаемости ученика (весь класс)» (FORMATS §2)
→ ``lessons`` (and ``results`` when the period can be named).

Recognition (content only): a pupil label line «Ученик:» and, in the first pupil block, a header
row with «Предмет», at least one month name and «Итоговая оценка за период» or «Средняя оценка».

Layout, read separately for **every** pupil block (the day columns differ between blocks):

* header row = the first row of the block with «Предмет»; month names sit in it, each in the
  first of its day columns (merged over them, or alone in the HTML export), so a day column
  belongs to the nearest month name at or to its left; «Средняя оценка», «Средневзвешенный балл»
  and «Итоговая оценка за период» end the month area;
* the day row is the first of the next 3 rows holding day numbers under the months; a day number
  that repeats within a month is a second lesson that day (``lesson_index`` 1, 2, …);
* date = day + month + year from «Учебный год» (September–December → the first year,
  January–August → the second; AlbePt/new_gradbook ``docs/progress_report_format.md``).

Output decisions:

* ``lessons``: one row per non-empty lesson cell, tokens split by
  :func:`core.tokens.parse_lesson_cell` («О 3 3» → attendance «О», marks «3 3»; «Н 2/2»;
  «2  3»). A «0» cell is NetSchool's placeholder: no row, a warning naming the cell. Empty cells
  give no row (no lesson of that subject, or nothing recorded).
* ``results`` (procedure «Отметки за период», with «Средняя оценка» → ``average`` and
  «Средневзвешенный балл» → ``weighted_average``, 0 → NaN) only when the period can be named:
  from the «Период:» line when it names one («Период: 4 четверть»), otherwise from the period the
  user gives at upload (``Metadata.period``). A date range such as «с 24.03.25 по 24.05.25» is not
  mapped to a quarter by guessing (school calendars differ): the term marks are then not
  imported and one warning per sheet asks the user to name the period. Row rule as in the Табель:
  a subject with any term mark or positive average; subjects with neither are skipped.
* a lesson date outside the «Период:» range gets one warning per block (a sign of a wrong year).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from core.model import LESSON_COLUMNS, Metadata, results_frame
from core.names import (
    TERM_PROCEDURE,
    canonical_period,
    canonical_subject,
    canonical_year,
    normalize_header,
    parse_class_label,
)
from core.problems import Problem, Severity
from core.readers.common import column_letter
from core.readers.netschool_blocks import (
    DETECT_ROWS,
    PupilBlock,
    find_row,
    is_subject_header,
    pupil_blocks,
    school_name,
    title_row,
)
from core.tokens import parse_lesson_cell, parse_mark, parse_number
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "DayColumn", "ReportLayout", "detect", "find_layout", "month_number",
           "parse"]

LAYOUT = "netschool_report"
TITLE = "«Сетевой город»: отчёт об успеваемости и посещаемости ученика (весь класс)"

_TITLE_TEXT = "Отчет об успеваемости"
_DAY_ROW_SPAN = 3
# Text columns of ``results`` this layout never fills (see netschool_tabel).
_EMPTY_TEXT = {"date": "", "teacher": "", "journal_mark": "", "variant": "", "gender": ""}

_MONTHS = {
    "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7,
    "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
}
_MONTH_PREFIX = {name[:3]: number for name, number in _MONTHS.items()}
_RANGE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})\D+(\d{1,2})\.(\d{1,2})\.(\d{2,4})")


def month_number(text: str) -> int | None:
    """«Март», «марта», «Мар.», «сентябрь» → 3, 3, 3, 9; anything else → ``None``."""
    key = normalize_header(text)
    if not key.isalpha() or len(key) < 3 or len(key) > 9:
        return None
    if key in _MONTHS:
        return _MONTHS[key]
    if key == "мая":
        return 5
    number = _MONTH_PREFIX.get(key[:3])
    if number is None:
        return None
    # Abbreviations («мар», «сент») and genitive forms («марта», «сентября») only.
    if len(key) <= 4 or key.startswith(tuple(n[:-1] for n in _MONTHS)):
        return number
    return None


def _role(t: str) -> str | None:
    compact = t.replace(" ", "")
    if compact.startswith("итоговаяоценка") or compact.startswith("итоговаяотметка"):
        return "term"
    if compact.startswith("средневзвеш") or compact.startswith("ср.взв"):
        return "weighted"
    if compact in {"средняяоценка", "среднийбалл", "средняяотметка", "ср.балл", "ср.оценка"}:
        return "average"
    return None


@dataclass(frozen=True)
class DayColumn:
    """A lesson column: 0-based column, month, day, and the lesson number within that day."""

    column: int
    month: int
    day: int
    lesson_index: int


@dataclass(frozen=True)
class ReportLayout:
    """0-based rows and columns of one pupil block's header."""

    header_row: int
    day_row: int
    subject_col: int
    days: tuple[DayColumn, ...]
    average: int | None
    weighted: int | None
    term: int | None


def find_layout(sheet: Sheet, start: int, end: int) -> ReportLayout | None:
    """The header of the pupil block in rows ``start``…``end - 1``; ``None`` when absent."""
    found = find_row(sheet, start, end, is_subject_header)
    if found is None:
        return None
    header_row, subject_col = found
    header = sheet.rows[header_row]
    month_of: dict[int, int] = {}
    roles: dict[str, int] = {}
    current: int | None = None
    for c in range(subject_col + 1, len(header)):
        value = header[c]
        if value != "" and value is not None:
            text = sheet.text(header_row, c)
            month = month_number(text)
            if month is not None:
                current = month
            else:
                current = None
                role = _role(normalize_header(text))
                if role is not None:
                    roles.setdefault(role, c)
        if current is not None:
            month_of[c] = current
    if not month_of or not ({"term", "average"} & set(roles)):
        return None
    day_row = None
    for r in range(header_row + 1, min(header_row + 1 + _DAY_ROW_SPAN, end)):
        if any(_day(sheet, r, c) is not None for c in month_of):
            day_row = r
            break
    if day_row is None:
        return None
    days: list[DayColumn] = []
    seen: dict[tuple[int, int], int] = {}
    for c in sorted(month_of):
        day = _day(sheet, day_row, c)
        if day is None:
            continue
        key = (month_of[c], day)
        seen[key] = seen.get(key, 0) + 1
        days.append(DayColumn(c, month_of[c], day, seen[key]))
    return ReportLayout(header_row, day_row, subject_col, tuple(days), roles.get("average"),
                   roles.get("weighted"), roles.get("term"))


def _day(sheet: Sheet, row: int, col: int) -> int | None:
    number = parse_number(sheet.rows[row][col] if col < len(sheet.rows[row]) else "")
    if number is None or not number.is_integer() or not 1 <= number <= 31:
        return None
    return int(number)


def _first_layout(sheet: Sheet) -> ReportLayout | None:
    blocks = pupil_blocks(sheet, limit=DETECT_ROWS)
    if not blocks or "ученик" not in blocks[0].labels:
        return None
    return find_layout(sheet, blocks[0].start, blocks[0].end)


def detect(sheets: list[Sheet]) -> bool:
    return any(_first_layout(s) is not None for s in sheets)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    results: list[dict[str, object]] = []
    lessons: list[tuple[object, ...]] = []
    problems: list[Problem] = []
    for sheet in sheets:
        if _first_layout(sheet) is None:
            continue
        _Sheet(sheet, file_name, metadata, results, lessons, problems).parse()
    return {"results": results_frame(results),
            "lessons": pd.DataFrame(lessons, columns=list(LESSON_COLUMNS))}, problems


def _date_range(text: str) -> tuple[dt.date, dt.date] | None:
    m = _RANGE.search(text)
    if m is None:
        return None
    parts = [int(g) for g in m.groups()]
    years = [y + 2000 if y < 100 else y for y in (parts[2], parts[5])]
    try:
        return (dt.date(years[0], parts[1], parts[0]), dt.date(years[1], parts[4], parts[3]))
    except ValueError:
        return None


class _Sheet:
    """Parsing state of one sheet."""

    def __init__(self, sheet: Sheet, file_name: str, metadata: Metadata,
                 results: list[dict[str, object]], lessons: list[tuple[object, ...]],
                 problems: list[Problem]) -> None:
        self.sheet = sheet
        self.file_name = file_name
        self.metadata = metadata
        self.results = results
        self.lessons = lessons
        self.problems = problems
        self.school = school_name(sheet, title_row(sheet, _TITLE_TEXT)) or metadata.school
        self.skipped_terms = 0
        self.skipped_rows = 0
        self.unnamed_period = ""
        self.unnamed_row = 0

    def problem(self, row: int | None, column: str, message: str, value: str = "",
                severity: Severity = Severity.WARNING) -> None:
        self.problems.append(Problem(
            file=self.file_name, sheet=self.sheet.name, row=None if row is None else row + 1,
            column=column, value=value, message=message, severity=severity))

    def parse(self) -> None:
        for block in pupil_blocks(self.sheet):
            self._block(block)
        if self.skipped_rows:
            self.problem(self.unnamed_row, "Период",
                         f"период отчёта «{self.unnamed_period}» не назван учебным периодом, "
                         f"поэтому {self.skipped_terms} итоговых оценок за период и средние баллы "
                         "не загружены (загружены только уроки); укажите период при загрузке "
                         "(например, «4 четверть»), чтобы учесть их",
                         value=self.unnamed_period)

    def _block(self, block: PupilBlock) -> None:
        sheet = self.sheet
        layout = find_layout(sheet, block.start, block.end)
        if layout is None:
            self.problem(block.start, "Предмет", "в блоке ученика не найдена шапка таблицы "
                         "(«Предмет», названия месяцев, числа дней); блок пропущен",
                         severity=Severity.ERROR)
            return
        pupil = block.labels.get("ученик", "")
        if not pupil:
            self.problem(block.start, "Ученик", "в блоке не указан ученик (строка «Ученик:»); "
                         "блок пропущен", severity=Severity.ERROR)
            return
        raw_class = block.labels.get("класс", "")
        label = parse_class_label(raw_class, grade=self.metadata.grade)
        if not label.understood:
            self.problem(block.label_rows.get("класс", block.start), "Класс",
                         f"не распознан класс (ожидается вида «8А»); блок ученика «{pupil}» "
                         "пропущен", value=raw_class, severity=Severity.ERROR)
            return
        raw_year = block.labels.get("учебный год", "")
        year = canonical_year(raw_year) or canonical_year(self.metadata.year)
        if year is None:
            self.problem(block.label_rows.get("учебный год", block.start), "Учебный год",
                         f"учебный год не распознан, даты уроков ученика «{pupil}» не "
                         "восстановить; блок пропущен (укажите год при загрузке)",
                         value=raw_year, severity=Severity.ERROR)
            return
        raw_period = block.labels.get("период", "")
        period = canonical_period(raw_period) or canonical_period(self.metadata.period) or ""
        span = _date_range(raw_period)
        first_year = int(year[:4])
        dates: dict[int, str] = {}
        outside: list[tuple[int, str]] = []
        for d in layout.days:
            try:
                date = dt.date(first_year if d.month >= 9 else first_year + 1, d.month, d.day)
            except ValueError:
                self.problem(layout.day_row, column_letter(d.column),
                             "такой даты нет в календаре; столбец пропущен",
                             value=f"{d.day}.{d.month:02d}", severity=Severity.ERROR)
                continue
            dates[d.column] = date.strftime("%d.%m.%Y")
            if span is not None and not span[0] <= date <= span[1]:
                outside.append((d.column, dates[d.column]))
        if outside:
            col, date_text = outside[0]
            self.problem(layout.day_row, f"{column_letter(col)} ({date_text})",
                         f"{len(outside)} дат(ы) уроков вне периода отчёта «{raw_period}», "
                         f"первая — {date_text}: проверьте учебный год", value=raw_period)
        ident = (self.school, year, label.label, pupil)
        started = False
        for r in range(layout.day_row + 1, block.end):
            subject_text = sheet.text(r, layout.subject_col)
            if not subject_text:
                if started:
                    break
                continue
            started = True
            subject, _known = canonical_subject(subject_text)
            self._lessons(r, layout, dates, (*ident, subject))
            self._term(r, layout, period, raw_period, block,
                       {**_EMPTY_TEXT, "school": self.school, "year": year,
                        "class_label": label.label, "grade": label.grade, "pupil": pupil,
                        "subject": subject, "source_sheet": sheet.name, "source_row": r + 1})

    def _lessons(self, r: int, layout: ReportLayout, dates: dict[int, str],
                 ident: tuple[str, ...]) -> None:
        values = self.sheet.rows[r]
        for d in layout.days:
            if d.column >= len(values):
                break
            value = values[d.column]
            if value == "" or value is None or d.column not in dates:
                continue
            cell = parse_lesson_cell(value)
            if cell.note:
                self.problem(r, f"{column_letter(d.column)} ({dates[d.column]})", cell.note,
                             value=self.sheet.text(r, d.column))
            if not cell.marks and not cell.attendance:
                continue
            school, year, class_label, pupil, subject = ident
            self.lessons.append((school, year, class_label, pupil, subject, dates[d.column],
                                 d.lesson_index, " ".join(str(m) for m in cell.marks),
                                 cell.attendance))

    def _term(self, r: int, layout: ReportLayout, period: str, raw_period: str, block: PupilBlock,
              base: dict[str, object]) -> None:
        sheet = self.sheet
        raw = sheet.text(r, layout.term) if layout.term is not None else ""
        avg = _positive(sheet, r, layout.average)
        wavg = _positive(sheet, r, layout.weighted)
        if not raw and avg is None and wavg is None:
            return
        if not period:
            self.skipped_terms += bool(raw)
            self.skipped_rows += 1
            if not self.unnamed_period:
                self.unnamed_period = raw_period
                self.unnamed_row = block.label_rows.get("период", block.start)
            return
        token = ""
        if raw:
            where = f"{column_letter(layout.term or 0)} (Итоговая оценка за период)"
            mark = parse_mark(raw)
            if mark is None:
                self.problem(r, where, "отметка не распознана (допустимы 2–5, «н/а», «осв», "
                             "«зач», «незач»); сохранена как пустая", value=raw)
            else:
                if mark.note:
                    self.problem(r, where, mark.note, value=raw)
                token = mark.token
        self.results.append({**base, "procedure": TERM_PROCEDURE, "period": period,
                             "mark": token, "average": avg, "weighted_average": wavg,
                             "row_id": len(self.results)})


def _positive(sheet: Sheet, row: int, col: int | None) -> float | None:
    if col is None or col >= len(sheet.rows[row]):
        return None
    number = parse_number(sheet.rows[row][col])
    return number if number is not None and number > 0 else None
