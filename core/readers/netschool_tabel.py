"""«Сетевой город» — «Табель успеваемости учащегося (весь класс)» (FORMATS §1) → ``results``.

Recognition (content only): a pupil label line «Ученик:» and, in the first pupil block, a header
with «Предмет» followed within a few rows by a sub-header row holding «Средний балл» and «Итог».
The title «Табель успеваемости учащегося» is used for the school line above it, not required.

Layout, found by text inside **every** block (column letters are never assumed):

* the header row is the first row of the block with a cell «Предмет» (its column is the subject
  column); the sub-header row is the first row within 5 rows below with «Средний балл»;
* each sub-header cell «Средний балл», «Ср. взв. балл» or «Итог» belongs to the nearest period
  label at or to the left of it in the rows between («1 Четверть», «2 Полугодие», «3 Триместр»,
  also «Год»), so merged headers and the HTML export (value in the top-left cell only) read the
  same way;
* a column with an empty sub-header cell and a header text «Год. оценка», «Итог. оценка»,
  «Экз. оценка» or «Гос. экз. оценка» is a single mark column.

Output rows (decisions):

* procedure «Отметки за период», one row per pupil × subject × period, with ``average`` =
  «Средний балл» and ``weighted_average`` = «Ср. взв. балл» (0 or empty → NaN);
* a period is kept when its «Итог» cell holds anything or one of its averages is positive. A
  period with an average but an empty «Итог» therefore stays as a row with mark «»: the pupil
  counts in «Обучающихся» (not in N) and O10 can list "average without a term mark";
* «Год. оценка» → period «Год», «Итог. оценка» → period «Итоговая», only when non-empty (they have
  no averages);
* «Экз. оценка» → procedure «Экзамен» with an empty period; «Гос. экз. оценка» → «ОГЭ» for grades
  ≤ 9, «ЕГЭ» for grades ≥ 10 (empty period); both only when non-empty;
* a subject row with no positive average and no mark anywhere (a course without marks, the other
  «Труд» group) is skipped: those pupils do not study it, they are not "pupils without a mark";
* a «0» in a mark column is NetSchool's placeholder: mark «» plus a warning naming the cell;
  a dual «4/5» keeps the first mark and a sign «4+» is dropped, each with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.model import Metadata, results_frame
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
from core.tokens import parse_mark, parse_number
from core.workbook import Sheet

__all__ = ["LAYOUT", "TITLE", "detect", "parse"]

LAYOUT = "netschool_tabel"
TITLE = "«Сетевой город»: табель успеваемости учащегося (весь класс)"

_TITLE_TEXT = "Табель успеваемости"
_SUBHEADER_SPAN = 5
EXAM_PROCEDURE = "Экзамен"
# Text columns this layout never fills: given explicitly, because ``results_frame`` fills absent
# columns with «» via ``fillna`` on an all-NaN float column, which pandas 3 warns about.
_EMPTY_TEXT = {"date": "", "teacher": "", "journal_mark": "", "variant": "", "gender": ""}


def _is_subject(t: str) -> bool:
    return is_subject_header(t)


def _is_average(t: str) -> bool:
    # «Средний балл»; other NetSchool versions and re-typed copies: «Ср. балл», «Средняя оценка».
    return t.replace(" ", "") in {"среднийбалл", "ср.балл", "средняяоценка", "средняяотметка"}


def _is_weighted(t: str) -> bool:
    return t.replace(" ", "").startswith(("ср.взв", "средневзв"))


def _is_term_mark(t: str) -> bool:
    return t in {"итог", "итоговая", "оценка", "отметка", "итоговая оценка", "итоговая отметка",
                 "отметка за период", "оценка за период", "итоговая оценка за период"}


def _single_kind(t: str) -> str | None:
    """Kind of a stand-alone mark column by its header: «Год», «Итоговая», «exam», «state»."""
    compact = t.replace(" ", "")
    if compact.startswith(("гос.экз", "государственн", "гиа")):
        return "state"
    if compact.startswith(("экз.", "экзамен")):
        return "exam"
    period = canonical_period(t)
    if period in {"Год", "Итоговая"}:
        return period
    return None


@dataclass(frozen=True)
class _PeriodColumns:
    period: str
    label: str  # header text as written, for problem messages
    average: int | None
    weighted: int | None
    mark: int | None


@dataclass(frozen=True)
class _SingleColumn:
    kind: str  # «Год», «Итоговая», «exam», «state»
    column: int
    label: str


@dataclass(frozen=True)
class _Layout:
    header_row: int
    subheader_row: int
    subject_col: int
    periods: tuple[_PeriodColumns, ...]
    singles: tuple[_SingleColumn, ...]


def _find_layout(sheet: Sheet, start: int, end: int) -> _Layout | None:
    found = find_row(sheet, start, end, _is_subject)
    if found is None:
        return None
    header_row, subject_col = found
    sub = find_row(sheet, header_row, min(header_row + _SUBHEADER_SPAN + 1, end), _is_average)
    if sub is None:
        return None
    sub_row = sub[0]
    width = max(len(sheet.rows[r]) for r in range(header_row, sub_row + 1))
    # Period labels in the rows between the header and the sub-header: (column, period, text).
    labels: list[tuple[int, str, str]] = []
    for r in range(header_row, sub_row):
        for c, value in enumerate(sheet.rows[r]):
            if c <= subject_col or value == "" or value is None:
                continue
            period = canonical_period(value)
            if period is not None and period != "Итоговая":
                labels.append((c, period, sheet.text(r, c)))
    groups: dict[str, dict[str, object]] = {}
    order: list[str] = []
    singles: list[_SingleColumn] = []
    for c in range(subject_col + 1, width):
        sub_text = normalize_header(sheet.text(sub_row, c))
        if sub_text:
            role = ("average" if _is_average(sub_text) else "weighted" if _is_weighted(sub_text)
                    else "mark" if _is_term_mark(sub_text) else None)
            if role is None:
                continue
            left = [lab for lab in labels if lab[0] <= c]
            if not left:
                continue
            _col, period, text = max(left, key=lambda lab: lab[0])
            group = groups.setdefault(period, {"label": text})
            if period not in order:
                order.append(period)
            group.setdefault(role, c)  # the first column of a role in a period wins
            continue
        for r in range(header_row, sub_row):
            text = sheet.text(r, c)
            if not text:
                continue
            kind = _single_kind(normalize_header(text))
            if kind is not None:
                singles.append(_SingleColumn(kind, c, text))
            break
    periods = tuple(
        _PeriodColumns(period=p, label=str(groups[p]["label"]),
                       average=_int_or_none(groups[p].get("average")),
                       weighted=_int_or_none(groups[p].get("weighted")),
                       mark=_int_or_none(groups[p].get("mark")))
        for p in order
    )
    if not any(p.mark is not None for p in periods):
        return None
    return _Layout(header_row, sub_row, subject_col, periods, tuple(singles))


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _first_layout(sheet: Sheet) -> _Layout | None:
    blocks = pupil_blocks(sheet, limit=DETECT_ROWS)
    if not blocks or "ученик" not in blocks[0].labels:
        return None
    first = blocks[0]
    return _find_layout(sheet, first.start, first.end)


def detect(sheets: list[Sheet]) -> bool:
    return any(_first_layout(s) is not None for s in sheets)


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    for sheet in sheets:
        if _first_layout(sheet) is None:
            continue
        _parse_sheet(sheet, file_name, metadata, rows, problems)
    return {"results": results_frame(rows)}, problems


class _Context:
    """The per-sheet state the row builders need."""

    def __init__(self, sheet: Sheet, file_name: str, metadata: Metadata,
                 rows: list[dict[str, object]], problems: list[Problem]) -> None:
        self.sheet = sheet
        self.file_name = file_name
        self.metadata = metadata
        self.rows = rows
        self.problems = problems
        self.school = school_name(sheet, title_row(sheet, _TITLE_TEXT)) or metadata.school

    def problem(self, row: int | None, column: str, message: str, value: str = "",
                severity: Severity = Severity.WARNING) -> None:
        self.problems.append(Problem(
            file=self.file_name, sheet=self.sheet.name, row=None if row is None else row + 1,
            column=column, value=value, message=message, severity=severity))


def _parse_sheet(sheet: Sheet, file_name: str, metadata: Metadata,
                 rows: list[dict[str, object]], problems: list[Problem]) -> None:
    ctx = _Context(sheet, file_name, metadata, rows, problems)
    seen: dict[tuple[str, str], int] = {}
    for block in pupil_blocks(sheet):
        _parse_block(ctx, block, seen)


def _parse_block(ctx: _Context, block: PupilBlock, seen: dict[tuple[str, str], int]) -> None:
    sheet = ctx.sheet
    layout = _find_layout(sheet, block.start, block.end)
    if layout is None:
        ctx.problem(block.start, "Предмет", "в блоке ученика не найдена шапка таблицы («Предмет», "
                    "«Средний балл», «Итог»); блок пропущен", severity=Severity.ERROR)
        return
    pupil = block.labels.get("ученик", "")
    if not pupil:
        ctx.problem(block.start, "Ученик", "в блоке не указан ученик (строка «Ученик:»); "
                    "блок пропущен", severity=Severity.ERROR)
        return
    label_row = block.label_rows.get("класс", block.start)
    raw_class = block.labels.get("класс", "")
    label = parse_class_label(raw_class, grade=ctx.metadata.grade)
    if not label.understood:
        ctx.problem(label_row, "Класс", "не распознан класс (ожидается вида «8А»); блок ученика "
                    f"«{pupil}» пропущен", value=raw_class, severity=Severity.ERROR)
        return
    raw_year = block.labels.get("учебный год", "")
    year = canonical_year(raw_year) or canonical_year(ctx.metadata.year) or ""
    if not year:
        ctx.problem(block.label_rows.get("учебный год", block.start), "Учебный год",
                    "учебный год не распознан (ожидается «2024/2025»); укажите его при загрузке",
                    value=raw_year)
    key = (label.label, pupil)
    if key in seen:
        ctx.problem(block.label_rows.get("ученик", block.start), "Ученик",
                    f"ученик «{pupil}» уже встречался в этом классе (строка {seen[key] + 1}); "
                    "проверьте, не повторён ли блок", value=pupil)
    else:
        seen[key] = block.label_rows.get("ученик", block.start)
    base: dict[str, object] = {**_EMPTY_TEXT, "school": ctx.school, "year": year,
                               "class_label": label.label, "grade": label.grade, "pupil": pupil,
                               "source_sheet": sheet.name}
    started = False
    for r in range(layout.subheader_row + 1, block.end):
        subject_text = sheet.text(r, layout.subject_col)
        if not subject_text:
            if started:
                break
            continue
        started = True
        _parse_subject_row(ctx, layout, r, subject_text, base)


def _average(sheet: Sheet, row: int, col: int | None) -> float | None:
    if col is None:
        return None
    number = parse_number(sheet.rows[row][col] if col < len(sheet.rows[row]) else "")
    return number if number is not None and number > 0 else None


def _parse_subject_row(ctx: _Context, layout: _Layout, r: int, subject_text: str,
                       base: dict[str, object]) -> None:
    sheet = ctx.sheet
    cells = [(p, sheet.text(r, p.mark) if p.mark is not None else "",
              _average(sheet, r, p.average), _average(sheet, r, p.weighted))
             for p in layout.periods]
    single_cells = [(s, sheet.text(r, s.column)) for s in layout.singles]
    has_any = any(mark or avg is not None or wavg is not None for _, mark, avg, wavg in cells)
    if not has_any and not any(text for _, text in single_cells):
        return  # not studied by this pupil: no marks, no averages
    subject, _known = canonical_subject(subject_text)
    row_base = {**base, "subject": subject, "source_row": r + 1}
    for period, raw, avg, wavg in cells:
        if not raw and avg is None and wavg is None:
            continue
        where = f"{column_letter(period.mark)} ({period.label}, Итог)" if period.mark is not None \
            else period.label
        token = _mark_token(ctx, r, where, raw)
        _add(ctx, row_base, procedure=TERM_PROCEDURE, period=period.period, mark=token,
             average=avg, weighted_average=wavg)
    for single, raw in single_cells:
        if not raw:
            continue
        where = f"{column_letter(single.column)} ({single.label})"
        token = _mark_token(ctx, r, where, raw)
        if not token:
            continue
        if single.kind in {"Год", "Итоговая"}:
            _add(ctx, row_base, procedure=TERM_PROCEDURE, period=single.kind, mark=token)
        elif single.kind == "exam":
            _add(ctx, row_base, procedure=EXAM_PROCEDURE, period="", mark=token)
        else:
            grade = base["grade"]
            procedure = ("ОГЭ" if isinstance(grade, int) and grade <= 9 else
                         "ЕГЭ" if isinstance(grade, int) else "ГИА")
            _add(ctx, row_base, procedure=procedure, period="", mark=token)


def _mark_token(ctx: _Context, r: int, where: str, raw: str) -> str:
    if not raw:
        return ""
    mark = parse_mark(raw)
    if mark is None:
        ctx.problem(r, where, "отметка не распознана (допустимы 2–5, «н/а», «осв», «зач», "
                    "«незач»); сохранена как пустая", value=raw)
        return ""
    if mark.note:
        ctx.problem(r, where, mark.note, value=raw)
    return mark.token


def _add(ctx: _Context, row_base: dict[str, object], **values: object) -> None:
    ctx.rows.append({**row_base, **values, "row_id": len(ctx.rows)})
