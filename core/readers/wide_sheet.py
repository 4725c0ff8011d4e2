"""Generic wide «сводная ведомость итоговых отметок» (FORMATS.md §3).

One row per pupil, one column per subject (or a merged subject over period sub-columns
``1ч 2ч 3ч 4ч год`` / ``I II год``). Class, period and year come from title lines above the
table, from the sheet name (``5А``, ``5А 1 четв``), from ``Класс``/``Период`` columns, or from
the metadata the user supplies at upload. A transposed sheet (subjects as rows, pupils as
columns) is read by transposing it first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

import pandas as pd

from core.model import Metadata, results_frame
from core.names import (
    TERM_PROCEDURE,
    canonical_period,
    canonical_subject,
    canonical_year,
    normalize_header,
    parse_class_label,
    teacher_short_name,
)
from core.problems import Problem, Severity
from core.readers.common import column_letter
from core.readers.netschool_blocks import has_pupil_blocks
from core.tokens import MarkKind, parse_mark
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "detect", "parse"]

LAYOUT = "wide_sheet"
TITLE = "Сводная ведомость итоговых отметок (широкая таблица)"

MAX_HEADER_ROW = 30
MIN_SUBJECTS = 3

_PUPIL_EXACT = {"фио", "ученик", "учащийся", "обучающийся", "обучающиеся", "фамилия, имя",
                "фамилия имя", "фамилия, имя, отчество", "фамилия имя отчество", "код",
                "код обучающегося", "код участника", "код ученика", "ф.и.о", "ф. и. о"}
_PUPIL_PREFIX = ("фио", "ф.и.о", "фамилия", "ученик", "обучающ", "учащ")
# Accepted only in the corner cell of a transposed sheet (subjects down, pupils across).
_TRANSPOSED_CORNER = {"предмет", "предметы", "предмет / фио", "предмет/фио", "предмет \\ фио",
                      "предмет\\фио", "фио / предмет", "фио/предмет", "учебный предмет"}
_FOOTER = re.compile(
    r"^(?:всего|итого|кол-во|количество|число|соу|средний балл|ср\. балл|%|процент)(?![а-яё])"
    r"|^(?:успеваемост|качеств|степень обученност|отличник|хорошист|троечник|неуспева"
    r"|классный руководитель|подпис|директор|заместитель|зам\. директора)")
# Columns inside the subject span that are not subjects even when their marks look like marks.
_NOT_SUBJECT = ("пропущ", "пропуск", "в т.ч", "в том числе", "поведение", "средн", "ср. балл",
                "кол-во", "количество", "всего", "итого", "примечан", "пол", "дата", "№",
                "класс", "период", "соу", "качеств", "успеваем", "по болезни", "уважит")
_EXAM = {"экз", "экз.", "экзамен", "экзаменационная", "экз. оценка", "экзам"}

# «1 четверть», «I полугодие», «2-е полугодие», «1 четв», «1ч», «3 трим.» inside longer text.
_PERIOD_IN_TEXT = re.compile(
    r"(?<![0-9a-zа-яё])(iv|i{1,3}|[1-4])\s*-?\s*(?:го|ой|ая|ое|я|й|е)?\s*"
    r"(четверт[а-яё]*|четв\.?|ч|полугоди[а-яё]*|полуг\.?|п/г|триместр[а-яё]*|трим\.?)"
    r"(?![а-яё])")
_YEAR_PERIOD = re.compile(r"(?<![а-яё])(годов[а-яё]*|за год)(?![а-яё])|^год$|период\s*:?\s*год$")
_CLASS_AFTER = re.compile(
    r"(?<![а-яё])класс\s*[:\-–]?\s*(\d{1,2})\s*[-–]?\s*[\"«']?\s*([а-яёa-z])?(?![а-яёa-z])")
_CLASS_BEFORE = re.compile(
    r"(?<![0-9])(\d{1,2})\s*[-–]?\s*[\"«']?\s*([а-яёa-z])?\s*[\"»']?\s*класс")
_BARE_PERIOD = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_BARE_KIND = {2: "полугодие", 3: "триместр", 4: "четверть"}
_NAME_LIKE = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]")


@dataclass
class _Column:
    col: int
    subject: str
    known: bool
    period: str = ""  # «» → the sheet-level period
    teacher: str = ""


@dataclass
class _Layout:
    sheet: Sheet  # possibly transposed
    header_row: int
    pupil_col: int
    first_data_row: int
    columns: list[_Column]
    class_col: int | None = None
    period_col: int | None = None
    transposed: bool = False
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (col, header, why)


def detect(sheets: list[Sheet]) -> bool:
    return any(_find_layout(s) is not None for s in sheets)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    found = [(s, _find_layout(s)) for s in sheets]
    contexts = {s.name: _sheet_context(s, lay) for s, lay in found if lay is not None}
    # A file may state the year or the class once (one class per file): use it for every sheet
    # only when all sheets that state it agree.
    file_year = _only({c["year"] for c in contexts.values() if c["year"]})
    file_class = _only({c["class"] for c in contexts.values() if c["class"]})
    for sheet, layout in found:
        if layout is None:
            continue
        context = contexts[sheet.name]
        context["year"] = context["year"] or file_year
        context["class"] = context["class"] or file_class
        _parse_sheet(layout, context, file_name, metadata, rows, problems)
    return {"results": results_frame(rows)}, problems


def _only(values: set[str]) -> str:
    return next(iter(values)) if len(values) == 1 else ""


# ---------------------------------------------------------------- layout detection


def _is_pupil_header(text: str) -> bool:
    return text in _PUPIL_EXACT or text.startswith(_PUPIL_PREFIX)


def _find_layout(sheet: Sheet) -> _Layout | None:
    if has_pupil_blocks(sheet):
        # A «Сетевой город» report whose header its reader did not understand: read as a
        # (transposed) ведомость it would ask for a period and then import nonsense.
        return None
    layout = _find_in(sheet, transposed=False)
    if layout is None and sheet.height and sheet.width:
        layout = _find_in(_transpose(sheet), transposed=True)
    return layout


def _transpose(sheet: Sheet) -> Sheet:
    width = sheet.width
    rows = [[sheet.rows[r][c] if c < len(sheet.rows[r]) else "" for r in range(sheet.height)]
            for c in range(min(width, 200))]
    merged = [((c1, r1), (c2, r2)) for (r1, c1), (r2, c2) in sheet.merged]
    return Sheet(name=sheet.name, rows=rows, merged=merged)


def _find_in(sheet: Sheet, *, transposed: bool) -> _Layout | None:
    for h in range(min(MAX_HEADER_ROW, sheet.height)):
        texts = [normalize_header(v) for v in sheet.rows[h]]
        subject_cols = [c for c, t in enumerate(texts) if t and canonical_subject(t)[1]]
        if len({canonical_subject(texts[c])[0] for c in subject_cols}) < MIN_SUBJECTS:
            continue
        pupil_col = _pupil_column(sheet, h, transposed=transposed)
        if pupil_col is None or pupil_col in subject_cols:
            continue
        return _build_layout(sheet, h, pupil_col, transposed=transposed)
    return None


def _pupil_column(sheet: Sheet, h: int, *, transposed: bool) -> int | None:
    # The pupil header may sit one or two rows higher when merged vertically over a 2-row header.
    for r in (h, h - 1, h - 2):
        if r < 0:
            continue
        for c, value in enumerate(sheet.rows[r]):
            text = normalize_header(value)
            if _is_pupil_header(text) or (transposed and text in _TRANSPOSED_CORNER):
                return c
    return None


def _merged_owner(sheet: Sheet, row: int) -> dict[int, int]:
    """Column → top-left column of a horizontal merged range covering ``row``."""
    owner: dict[int, int] = {}
    for (r1, c1), (r2, c2) in sheet.merged:
        if r1 <= row <= r2 and c2 > c1:
            for c in range(c1, c2 + 1):
                owner[c] = c1
    return owner


def _is_period_token(text: str) -> bool:
    return bool(text) and (canonical_period(text) is not None or text in _BARE_PERIOD
                           or text in _EXAM)


def _build_layout(sheet: Sheet, h: int, pupil_col: int, *, transposed: bool) -> _Layout:
    header = [normalize_header(v) for v in sheet.rows[h]]
    width = sheet.width
    header += [""] * (width - len(header))
    owner = _merged_owner(sheet, h)
    class_col = next((c for c, t in enumerate(header) if t == "класс"), None)
    period_col = next((c for c, t in enumerate(header) if t == "период"), None)

    # Columns under a known subject: its own, its merged span, and empty header cells after it.
    in_subject: list[int] = []
    context = False
    for c in range(width):
        text = header[c] or (header[owner[c]] if c in owner else "")
        if c in (pupil_col, class_col, period_col):
            context = False
        elif text:
            context = canonical_subject(text)[1]
        if context:
            in_subject.append(c)

    # Rows directly under the header with no pupil: a period sub-row and/or a teacher row.
    period_row = teacher_row = None
    first_data = h + 1
    for r in (h + 1, h + 2):
        if r >= sheet.height or sheet.text(r, pupil_col):
            break
        filled = [t for t in (normalize_header(sheet.text(r, c)) for c in in_subject) if t]
        if filled and period_row is None and all(_is_period_token(t) for t in filled):
            period_row, first_data = r, r + 1
        elif filled and teacher_row is None and any(
                _NAME_LIKE.match(sheet.text(r, c)) for c in in_subject):
            teacher_row, first_data = r, r + 1
        else:
            break

    known_cols = [c for c, t in enumerate(header) if t and canonical_subject(t)[1]]
    first_subject, last_subject = min(known_cols), max(known_cols)
    columns: list[_Column] = []
    skipped: list[tuple[int, str, str]] = []
    current: tuple[str, bool] | None = None
    for c in range(width):
        if c in (pupil_col, class_col, period_col):
            current = None
            continue
        text = header[c]
        if not text and c in owner and owner[c] != c:
            text = header[owner[c]]
        sub = normalize_header(sheet.text(period_row, c)) if period_row is not None else ""
        if text:
            subject, known = canonical_subject(sheet.text(h, c) or sheet.text(h, owner.get(c, c)))
            if not known and not (first_subject <= c <= last_subject
                                  and not text.startswith(_NOT_SUBJECT)
                                  and _looks_like_marks(sheet, first_data, c)):
                current = None
                if first_subject <= c <= last_subject:
                    skipped.append((c, sheet.text(h, c), "not a subject"))
                continue
            current = (subject, known)
        elif current is None or not sub:
            # An empty header cell continues the subject to its left only under a sub-header.
            current = None
            continue
        teacher = ""
        if teacher_row is not None:
            teacher = sheet.text(teacher_row, c) or sheet.text(teacher_row, owner.get(c, c))
        columns.append(_Column(c, current[0], current[1], sub, teacher_short_name(teacher)))
    _resolve_sub_periods(columns, skipped, sheet, h)
    return _Layout(sheet=sheet, header_row=h, pupil_col=pupil_col, first_data_row=first_data,
                   columns=columns, class_col=class_col, period_col=period_col,
                   transposed=transposed, skipped=skipped)


def _looks_like_marks(sheet: Sheet, first_data: int, col: int) -> bool:
    values = [sheet.text(r, col) for r in range(first_data, min(sheet.height, first_data + 40))]
    values = [v for v in values if v]
    if not values:
        return False
    marks = [parse_mark(v, zero_is_placeholder=False) for v in values]
    good = [m for m in marks if m is not None and m.kind is not MarkKind.EMPTY and not m.note]
    return len(good) >= 0.8 * len(values)


def _resolve_sub_periods(columns: list[_Column], skipped: list[tuple[int, str, str]],
                         sheet: Sheet, h: int) -> None:
    """Sub-header text → canonical period. Bare numerals under one subject are read by their
    count: two → halves, three → trimesters, four → quarters. «экз» columns are skipped."""
    bare_count: dict[str, int] = {}
    for col in columns:
        if col.period in _BARE_PERIOD:
            bare_count[col.subject] = bare_count.get(col.subject, 0) + 1
    keep: list[_Column] = []
    for col in columns:
        sub = col.period
        if not sub:
            keep.append(col)
            continue
        period = canonical_period(sub)
        if period is None and sub in _BARE_PERIOD:
            kind = _BARE_KIND.get(bare_count[col.subject])
            if kind is not None:
                period = canonical_period(f"{_BARE_PERIOD[sub]} {kind}")
        if period is None:
            why = "exam" if sub in _EXAM else "period not understood"
            skipped.append((col.col, f"{sheet.text(h, col.col)} / {sub}", why))
            continue
        col.period = period
        keep.append(col)
    columns[:] = keep


# ---------------------------------------------------------------- class / period / year


def _find_period(text: str) -> tuple[str, str] | None:
    """(canonical period, matched text) found inside free text, or ``None``."""
    low = normalize_header(text)
    m = _PERIOD_IN_TEXT.search(low)
    if m:
        period = canonical_period(f"{m.group(1)} {m.group(2)}")
        if period:
            return period, m.group(0)
    m = re.search(r"период\s*:?\s*(.+)$", low)
    if m:
        period = canonical_period(m.group(1))
        if period:
            return period, m.group(0)
    if _YEAR_PERIOD.search(low) and "учебный год" not in low:
        return "Год", low
    return None


def _find_class(text: str) -> str:
    low = normalize_header(text)
    for pattern in (_CLASS_AFTER, _CLASS_BEFORE):
        m = pattern.search(low)
        if m:
            label = parse_class_label(f"{m.group(1)}{m.group(2) or ''}")
            if label.understood:
                return label.label
    return ""


def _sheet_context(sheet: Sheet, layout: _Layout | None) -> dict[str, str]:
    """Class, period and year stated in the title lines or in the sheet name."""
    context = {"class": "", "period": "", "year": ""}
    if layout is None:
        return context
    source = sheet  # title lines are above the header in the original (untransposed) sheet
    top = layout.pupil_col if layout.transposed else layout.header_row
    for r in range(min(top, source.height)):
        line = " ".join(t for t in source.row_texts(r) if t)
        if not line:
            continue
        if not context["year"]:
            context["year"] = canonical_year(line) or ""
        if not context["class"]:
            context["class"] = _find_class(line)
        if not context["period"]:
            found = _find_period(line)
            if found:
                context["period"] = found[0]
    name = sheet.name.strip()
    if not context["year"]:
        context["year"] = canonical_year(name) or ""
    found = _find_period(name)
    rest = name
    if found:
        context["period"] = context["period"] or found[0]
        rest = normalize_header(name).replace(found[1], " ").strip(" _-")
    if not context["class"]:
        label = parse_class_label(rest.split(" ")[0] if rest else "")
        if label.understood and re.search(r"[А-ЯЁ]", label.label):
            context["class"] = label.label
        else:
            context["class"] = _find_class(rest)
    return context


# ---------------------------------------------------------------- rows


def _parse_sheet(layout: _Layout, context: dict[str, str], file_name: str, metadata: Metadata,
                 rows: list[dict[str, object]], problems: list[Problem]) -> None:
    sheet = layout.sheet

    def where(r: int, c: int) -> tuple[int, str]:
        """1-based row and column letter in the original sheet."""
        return (c + 1, column_letter(r)) if layout.transposed else (r + 1, column_letter(c))

    def add(r: int | None, c: int | None, message: str, severity: Severity = Severity.ERROR,
            value: str = "", column: str = "", needs: str = "") -> None:
        row, letter = where(r if r is not None else layout.header_row, c if c is not None else 0)
        problems.append(Problem(
            file=file_name, sheet=sheet.name, row=row if r is not None else None,
            column=column or (letter if c is not None else ""), value=value, message=message,
            severity=severity, needs=needs))

    for c, header, why in layout.skipped:
        if why == "exam":
            add(layout.header_row, c, "экзаменационные отметки в сводной ведомости не "
                "импортируются (загрузите протокол экзамена)", Severity.WARNING, column=header)
        elif why == "period not understood":
            add(layout.header_row, c, "подзаголовок периода не распознан; столбец пропущен",
                Severity.WARNING, column=header)
    if not layout.columns:
        add(None, None, "не найдено ни одного столбца с отметками по предметам")
        return

    year = context["year"] or canonical_year(metadata.year) or ""
    sheet_period = context["period"] or (canonical_period(metadata.period) or "")
    sheet_class = context["class"]
    if not sheet_class and metadata.grade is not None:
        sheet_class = parse_class_label("нет", grade=metadata.grade).label
    needs_period = any(not c.period for c in layout.columns) and layout.period_col is None
    missing = []
    if not year:
        missing.append(("year", "не указан учебный год: укажите его при загрузке или добавьте "
                                "строку «Учебный год 2024/2025» над таблицей"))
    if needs_period and not sheet_period:
        missing.append(("period", "не указан период: укажите его при загрузке или добавьте "
                                  "строку «Период: 1 четверть» над таблицей"))
    if not sheet_class and layout.class_col is None:
        missing.append(("grade", "не указан класс: укажите параллель при загрузке или добавьте "
                                 "строку «Класс: 5А» над таблицей (или назовите лист «5А»)"))
    if missing:
        for field, message in missing:
            add(None, None, message, needs=field)
        return

    seen: dict[tuple[str, str, str, str], int] = {}
    last_class, last_period = "", ""
    for r in range(layout.first_data_row, sheet.height):
        if _is_footer(sheet, r, layout.pupil_col):
            break
        if _is_column_numbering(sheet, r):
            continue
        pupil = " ".join(sheet.text(r, layout.pupil_col).split())
        values = [(col, sheet.text(r, col.col)) for col in layout.columns]
        if not any(v for _, v in values):
            continue
        if not pupil:
            add(r, layout.pupil_col, "в строке есть отметки, но нет ФИО или кода обучающегося")
            continue
        class_label, grade = sheet_class, None
        if layout.class_col is not None:
            raw = sheet.text(r, layout.class_col) or last_class  # merged cells: fill down
            last_class = raw
            if raw:
                label = parse_class_label(raw, grade=metadata.grade)
                if not label.understood:
                    add(r, layout.class_col, "не распознано название класса (ожидается вида "
                        "«8А»)", value=raw)
                    continue
                class_label = label.label
        if not class_label:
            add(r, layout.class_col, "не указан класс")
            continue
        row_period = sheet_period
        if layout.period_col is not None:
            raw = sheet.text(r, layout.period_col) or last_period
            last_period = raw
            if raw:
                row_period = canonical_period(raw) or ""
                if not row_period:
                    add(r, layout.period_col, "период не распознан (ожидается «1 четверть», "
                        "«2 полугодие», «3 триместр», «год»)", value=raw)
                    continue
        grade = parse_class_label(class_label).grade
        for col, raw in values:
            if not raw:
                continue
            period = col.period or row_period
            if not period:
                add(r, col.col, "не указан период", value=raw)
                continue
            mark = parse_mark(raw, zero_is_placeholder=True)
            if mark is None:
                add(r, col.col, "недопустимая отметка (допустимы 1–5, «н/а», «осв», «зач», "
                    "«незач»)", value=raw)
                continue
            if mark.note:
                add(r, col.col, mark.note, Severity.WARNING, value=raw)
            if mark.kind is MarkKind.EMPTY:
                continue
            key = (class_label, pupil, col.subject, period)
            if key in seen:
                add(r, col.col, f"отметка обучающегося по этому предмету и периоду уже есть "
                    f"(строка {seen[key]})", value=raw)
                continue
            seen[key] = where(r, col.col)[0]
            source_row = where(r, col.col)[0]
            rows.append({
                "school": metadata.school, "year": year, "procedure": TERM_PROCEDURE,
                "period": period, "date": "", "class_label": class_label, "grade": grade,
                "pupil": pupil, "subject": col.subject, "teacher": col.teacher,
                "mark": mark.token, "row_id": len(rows), "source_sheet": sheet.name,
                "source_row": source_row,
            })


def _is_footer(sheet: Sheet, r: int, pupil_col: int) -> bool:
    for c in range(0, pupil_col + 1):
        text = normalize_header(sheet.text(r, c))
        if text and _FOOTER.match(text):
            return True
    return False


def _is_column_numbering(sheet: Sheet, r: int) -> bool:
    """A row «1 2 3 4 5 …» numbering the columns of a printed form."""
    texts = [t for t in sheet.row_texts(r) if t]
    if len(texts) < 4 or not all(t.isdigit() and t.isascii() for t in texts):
        return False
    numbers = [int(t) for t in texts]
    return all(b == a + 1 for a, b in pairwise(numbers))

