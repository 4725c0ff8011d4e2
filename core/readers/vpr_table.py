"""The column engine shared by the ФИС ОКО ВПР readers (FORMATS.md §4–§8).

A reader locates the header row and says which column holds what (:class:`VprColumns`); this
module turns the rows below it into the canonical ``results`` and ``tasks`` tables and the
problems found on the way. It works column by column: every distinct raw value of a column is
normalised once and the result is looked up per cell, so a region-wide dump of 26 000 pupils
costs a few hundred thousand dictionary look-ups, not a Python object per cell.

Rules (METHODOLOGY.md §4.1, FORMATS.md §0.4):

* a row whose variant is «отсутствовал» is not a result; absentees are counted in one warning;
* primary score = Σ task points (``X``, «не пройд.» and unclear tokens = 0); when a row has no
  task cell at all, the file's total is used; a row with variant «0» and an empty total (ФИС ОКО
  did not score the work) gets no primary score;
* the file's total («Итого баллов», «всего баллов», ``sum``, «Первичный балл») is only checked
  against Σ; all differences of one sheet go into one warning;
* problems that may repeat thousands of times are aggregated: up to :data:`ROW_LIMIT` rows are
  reported one by one, beyond that one problem gives the count and the first rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypedDict, TypeVar

import numpy as np
import pandas as pd

from core.model import RESULT_COLUMNS, TASK_COLUMNS, Metadata, results_frame
from core.names import canonical_subject, normalize_header, parse_class_label
from core.problems import Problem, Severity
from core.scales import Scale, find_scale, vpr_year
from core.tokens import cell_text, parse_number, parse_task_score
from core.workbook import Sheet

__all__ = [
    "ROW_LIMIT",
    "TaskColumn",
    "VprColumns",
    "VprSheet",
    "column_values",
    "concat_sheets",
    "read_vpr_sheet",
    "report_rows",
    "scale_for",
]

ROW_LIMIT = 10
PROCEDURE = "ВПР"
ABSENT = "отсутствовал"
_MISSING_MARK = {"", "нет отметки", "x", "х", "-", "—", "–"}

T = TypeVar("T")


@dataclass(frozen=True)
class TaskColumn:
    col: int  # 0-based column
    task: str  # «1», «11.3», «10К1»
    max_score: float | None
    header: str  # header text as written, for problems
    level: str = ""  # «Б», «П», «В» when the file gives it (Ф1 report)


@dataclass(frozen=True)
class VprColumns:
    """Where each field of one ВПР sheet lives (0-based columns; ``None`` = absent)."""

    header_row: int
    pupil: int
    tasks: tuple[TaskColumn, ...]
    variants: tuple[int, ...] = ()
    class_label: int | None = None
    class_is_index: bool = False  # 2025 form: an index into a «Классы» sheet
    gender: int | None = None
    journal: int | None = None
    total: int | None = None
    school: int | None = None
    mark: int | None = None  # «Отметка» of a results report, taken as given
    headers: dict[str, str] = field(default_factory=dict)  # field → header text


@dataclass(frozen=True)
class VprSheet:
    results: pd.DataFrame
    tasks: pd.DataFrame
    problems: list[Problem]
    absent: int


class _Where(TypedDict):
    file: str
    sheet: str


@lru_cache(maxsize=1)
def _result_dtypes() -> dict[str, Any]:
    return {str(k): v for k, v in results_frame([]).dtypes.items()}


def column_values(sheet: Sheet, col: int | None, start: int) -> list[object]:
    """Raw cells of one column from row ``start`` down ("" where the row is short)."""
    rows = sheet.rows[start:]
    if col is None:
        return [""] * len(rows)
    return [r[col] if col < len(r) else "" for r in rows]


def _mapped(values: Sequence[Hashable], fn: Callable[[Hashable], T]) -> list[T]:
    """``fn`` applied once per distinct value, then looked up per cell."""
    cache = {v: fn(v) for v in set(values)}
    return [cache[v] for v in values]


def _texts(values: Sequence[object]) -> list[str]:
    return _mapped(values, cell_text)  # type: ignore[arg-type, unused-ignore]


def report_rows(problems: list[Problem], cells: list[tuple[int, str]], *, file: str,
                sheet: str, column: str, message: str,
                severity: Severity = Severity.WARNING) -> None:
    """One problem per (row, value) up to :data:`ROW_LIMIT`, else one with the count."""
    if not cells:
        return
    if len(cells) <= ROW_LIMIT:
        problems.extend(Problem(file=file, sheet=sheet, row=row, column=column, value=value,
                                message=message, severity=severity) for row, value in cells)
        return
    first = ", ".join(str(row) for row, _ in cells[:ROW_LIMIT])
    values = sorted({value for _, value in cells})
    shown = ", ".join(f"«{v}»" for v in values[:5]) + (" …" if len(values) > 5 else "")
    problems.append(Problem(
        file=file, sheet=sheet, row=cells[0][0], column=column, severity=severity,
        value=cells[0][1],
        message=f"{message} — строк: {len(cells)} (первые: {first}; значения: {shown})"))


def scale_for(metadata: Metadata, scales: Iterable[Scale] = ()) -> Scale | None:
    """The official scale for the metadata's year/subject/grade, when all three are known."""
    if not (metadata.year and metadata.subject and metadata.grade is not None):
        return None
    subject = canonical_subject(metadata.subject)[0]
    return find_scale(year=vpr_year(metadata.year), subject=subject, grade=metadata.grade,
                      extra=tuple(scales))


def _journal_token(value: Hashable) -> tuple[str, bool]:
    """(token «2»–«5» or «», whether the value is not a mark at all)."""
    text = normalize_header(value)
    if text in _MISSING_MARK:
        return "", False
    number = parse_number(text)
    if number is not None and number.is_integer() and 2 <= number <= 5:
        return str(int(number)), False
    return "", True


def _gender(value: Hashable) -> tuple[str, bool]:
    text = normalize_header(value)
    if not text:
        return "", False
    if text in {"м", "муж", "мужской", "m"}:
        return "м", False
    if text in {"ж", "жен", "женский", "f"}:
        return "ж", False
    return "", True


def read_vpr_sheet(sheet: Sheet, cols: VprColumns, *, file_name: str, metadata: Metadata,
                   row_id_start: int = 0, over_max: Severity = Severity.WARNING,
                   school: str = "", year: str = "", subject: str = "",
                   max_score: float | None = None) -> VprSheet:
    """Rows under ``cols.header_row`` → canonical results and tasks of one sheet.

    ``school``/``year``/``subject`` are what the file itself says outside the table (a report
    title); empty values are left for :func:`core.readers.apply_metadata`. The grade of class
    labels without one («А», «нет») is ``metadata.grade``.
    ``max_score`` overrides Σ task maxima (a dump whose headers carry no maxima).
    """
    problems: list[Problem] = []
    start = cols.header_row + 1
    where: _Where = {"file": file_name, "sheet": sheet.name}
    head = cols.headers

    def header(name: str, col: int | None) -> str:
        if name in head:
            return head[name]
        return sheet.text(cols.header_row, col) if col is not None else name

    pupils = _texts(column_values(sheet, cols.pupil, start))
    n = len(pupils)
    variant_texts = [_texts(column_values(sheet, c, start)) for c in cols.variants]
    task_texts = [_texts(column_values(sheet, t.col, start)) for t in cols.tasks]

    # Blank rows (trailing formatting, gaps) are not data.
    has_task = np.zeros(n, dtype=bool)
    for texts in task_texts:
        has_task |= np.fromiter((t != "" for t in texts), dtype=bool, count=n)
    has_variant = np.zeros(n, dtype=bool)
    absent = np.zeros(n, dtype=bool)
    for texts in variant_texts:
        has_variant |= np.fromiter((t != "" for t in texts), dtype=bool, count=n)
        absent |= np.fromiter((t.lower() == ABSENT for t in texts), dtype=bool, count=n)
    pupil_arr = np.asarray(pupils, dtype=object)
    has_pupil = pupil_arr != ""
    data = has_pupil | has_task | has_variant

    no_code = np.flatnonzero(data & ~has_pupil & ~absent)
    report_rows(problems, [(int(i) + start + 1, "") for i in no_code], **where,
                column=header("pupil", cols.pupil), severity=Severity.ERROR,
                message="нет кода участника: строка с результатами не загружена; "
                        "укажите код или удалите строку")
    n_absent = int((data & absent).sum())
    keep = np.flatnonzero(data & has_pupil & ~absent)
    if n_absent:
        problems.append(Problem(
            **where, column=header("variant", cols.variants[0] if cols.variants else None),
            value=ABSENT,
            message=f"отсутствовали: {n_absent} (строки с вариантом «{ABSENT}» не включены "
                    f"в результаты)"))
    src_rows = keep + start + 1  # 1-based spreadsheet rows
    m = len(keep)

    # Task points: one matrix pupils × tasks.
    tasks = list(cols.tasks)
    points = np.full((m, len(tasks)), np.nan)
    attempted = np.zeros((m, len(tasks)), dtype=bool)
    filled = np.zeros((m, len(tasks)), dtype=bool)
    notes: dict[str, list[tuple[int, str]]] = {}
    for j, texts in enumerate(task_texts):
        kept = [texts[i] for i in keep]
        parsed = {v: parse_task_score(v) for v in set(kept)}
        points[:, j] = [np.nan if parsed[v].points is None else parsed[v].points for v in kept]
        attempted[:, j] = [parsed[v].attempted for v in kept]
        filled[:, j] = [v != "" for v in kept]
        noted = {v for v, s in parsed.items() if s.note}
        if noted:
            for i, v in enumerate(kept):
                if v in noted:
                    notes.setdefault(parsed[v].note, []).append((int(src_rows[i]), v))
    for note, cells in notes.items():
        report_rows(problems, cells, **where, column="задания", message=note)

    # Columns entirely empty and without a known maximum are not tasks of this work
    # (2020 dump: «a-21-grade» … «a-40-grade»).
    used = [j for j, t in enumerate(tasks) if t.max_score is not None or filled[:, j].any()]
    if len(used) != len(tasks):
        tasks = [tasks[j] for j in used]
        points, attempted, filled = points[:, used], attempted[:, used], filled[:, used]
    maxima = np.array([np.nan if t.max_score is None else t.max_score for t in tasks])

    over = filled & (points > maxima)  # NaN maxima compare False
    if over.any():
        cells_over: dict[int, list[tuple[int, str]]] = {}
        for i, j in zip(*np.nonzero(over), strict=True):
            cells_over.setdefault(int(j), []).append(
                (int(src_rows[i]), cell_text(float(points[i, j]))))
        for j, cells in cells_over.items():
            message = (f"балл за задание выше максимума ({cell_text(tasks[j].max_score)})"
                       + (", учтён как есть" if over_max is Severity.WARNING else ""))
            report_rows(problems, cells, **where, column=tasks[j].header, message=message,
                        severity=over_max)

    any_task = filled.any(axis=1)
    task_sum = np.where(any_task, np.nansum(points, axis=1), np.nan)
    total_texts = _texts(column_values(sheet, cols.total, start))
    totals_all = _mapped(total_texts, parse_number)
    totals = np.array([np.nan if totals_all[i] is None else totals_all[i] for i in keep],
                      dtype=float)
    primary = np.where(any_task, task_sum, totals)
    variants = _variant_labels(variant_texts, keep)
    unscored = np.array([v == "0" for v in variants], dtype=bool) & np.isnan(totals)
    if cols.total is not None:
        unscored &= np.array([total_texts[i] == "" for i in keep], dtype=bool)
    primary[unscored] = np.nan
    report_rows(problems, [(int(src_rows[i]), "0") for i in np.flatnonzero(unscored)], **where,
                column=header("variant", cols.variants[0] if cols.variants else None),
                message="вариант «0» и пустой итог: работа не оценена в ФИС ОКО, первичный "
                        "балл не рассчитан (баллы за задания сохранены)")
    if cols.total is not None:
        differs = any_task & ~np.isnan(totals) & (np.abs(task_sum - totals) > 1e-9)
        bad = np.flatnonzero(differs)
        if len(bad):
            first = ", ".join(str(int(src_rows[i])) for i in bad[:ROW_LIMIT])
            name = header("total", cols.total)
            problems.append(Problem(
                **where, row=int(src_rows[bad[0]]), column=name,
                value=cell_text(float(totals[bad[0]])),
                message=f"«{name}» не совпадает с суммой баллов за задания в {len(bad)} "
                        f"строк(ах) из {int(any_task.sum())} (первые: {first}); "
                        f"учтена сумма баллов за задания"))

    if max_score is None and tasks and not np.isnan(maxima).any():
        max_score = float(maxima.sum())
    if max_score is not None:
        above = np.flatnonzero(primary > max_score)
        report_rows(problems, [(int(src_rows[i]), cell_text(float(primary[i]))) for i in above],
                    **where, column="первичный балл",
                    message=f"первичный балл выше максимального ({cell_text(max_score)})")

    labels, grades = _classes(sheet, cols, start, keep, src_rows, metadata, problems, where)
    journal = _tokens_column(sheet, cols.journal, start, keep, src_rows, _journal_token,
                             problems, where, header("journal", cols.journal),
                             "отметка по журналу вне 2–5: не учтена (пусто)")
    marks = _tokens_column(sheet, cols.mark, start, keep, src_rows, _journal_token,
                           problems, where, header("mark", cols.mark),
                           "отметка ВПР вне 2–5: не учтена (пусто)")
    genders = _tokens_column(sheet, cols.gender, start, keep, src_rows, _gender, problems,
                             where, header("gender", cols.gender),
                             "пол не распознан (ожидается «м» или «ж»)")
    if cols.school is None:
        schools = [school] * m
    else:
        school_texts = _texts(column_values(sheet, cols.school, start))
        schools = [school_texts[i] or school for i in keep]
    pupil_kept = pupil_arr[keep].tolist()

    row_ids = np.arange(row_id_start, row_id_start + m, dtype="int64")
    results = pd.DataFrame({
        "school": schools, "year": [year] * m, "procedure": [PROCEDURE] * m,
        "period": [""] * m, "date": [""] * m, "class_label": labels,
        "grade": pd.array(grades, dtype="Int64"), "pupil": pupil_kept,
        "subject": [subject] * m, "teacher": [""] * m, "mark": marks, "mark_scale": [""] * m,
        "primary_score": primary,
        "max_score": np.full(m, np.nan if max_score is None else max_score),
        "journal_mark": journal, "variant": variants, "gender": genders,
        "average": np.full(m, np.nan), "weighted_average": np.full(m, np.nan),
        "row_id": row_ids, "source_sheet": [sheet.name] * m,
        "source_row": pd.array(src_rows, dtype="Int64"),
    }, columns=list(RESULT_COLUMNS)).astype(_result_dtypes())

    _check_duplicates(results, problems, where, header("pupil", cols.pupil))

    ii, jj = np.nonzero(filled)
    task_frame = pd.DataFrame({
        "row_id": row_ids[ii],
        "task": np.array([t.task for t in tasks], dtype=object)[jj] if tasks else [],
        "score": points[ii, jj],
        "max_score": maxima[jj] if tasks else [],
        "attempted": attempted[ii, jj],
        "level": np.array([t.level for t in tasks], dtype=object)[jj] if tasks else [],
    }, columns=list(TASK_COLUMNS))
    return VprSheet(results, task_frame, problems, n_absent)


def _variant_labels(variant_texts: list[list[str]], keep: np.ndarray) -> list[str]:
    """One variant per pupil; a two-part work gives «v1/v2»."""
    if not variant_texts:
        return [""] * len(keep)
    if len(variant_texts) == 1:
        texts = variant_texts[0]
        return [texts[i] for i in keep]
    out = []
    for i in keep:
        parts = [texts[i] for texts in variant_texts if texts[i]]
        out.append("/".join(parts))
    return out


def _tokens_column(sheet: Sheet, col: int | None, start: int, keep: np.ndarray,
                   src_rows: np.ndarray, fn: Callable[[Hashable], tuple[str, bool]],
                   problems: list[Problem], where: _Where, column: str,
                   message: str) -> list[str]:
    if col is None:
        return [""] * len(keep)
    texts = _texts(column_values(sheet, col, start))
    kept = [texts[i] for i in keep]
    parsed = {v: fn(v) for v in set(kept)}
    bad = [(int(src_rows[i]), v) for i, v in enumerate(kept) if parsed[v][1]]
    report_rows(problems, bad, **where, column=column, message=message)
    return [parsed[v][0] for v in kept]


_GRADE_NO_LETTER = re.compile(r'^(\d{1,2})\s*["«]?\s*нет\s*["»]?$', re.IGNORECASE)
_LETTER_GRADE = re.compile(r"^([А-ЯЁA-Z])\s*\((\d{1,2})\)$", re.IGNORECASE)


def _class_text(value: str) -> str:
    """Variants seen in the 2022 Altai protocols before the common rules: «"А"» → «А»,
    «11 "нет"» / «10"нет"» → «11», «А(11)» → «11А»."""
    text = value.strip().strip('"«»\'').strip()
    m = _GRADE_NO_LETTER.match(text)
    if m:
        return m.group(1)
    m = _LETTER_GRADE.match(text)
    if m:
        return m.group(2) + m.group(1)
    return text


def _classes(sheet: Sheet, cols: VprColumns, start: int, keep: np.ndarray,
             src_rows: np.ndarray, metadata: Metadata, problems: list[Problem],
             where: _Where) -> tuple[list[str], list[int | None]]:
    """Canonical class labels and grades (FORMATS §0.3); the grade of «А»/«нет» comes from the
    metadata, else the raw text is kept for :func:`core.readers.apply_metadata` to finish."""
    m = len(keep)
    grade = metadata.grade
    column = sheet.text(cols.header_row, cols.class_label) if cols.class_label is not None \
        else "класс"
    if cols.class_label is None or cols.class_is_index:
        if cols.class_is_index and m:
            known = (f"; пока класс взят по параллели «{grade}»" if grade is not None else
                     "; пока класс не задан")
            problems.append(Problem(
                **where, column=column, row=int(src_rows[0]),
                value=(sheet.text(int(keep[0]) + start, cols.class_label)
                       if cols.class_label is not None else ""),
                message="в столбце класса номер строки листа «Классы», а этого листа в файле "
                        "нет: укажите класс при загрузке" + known))
        label = str(grade) if grade is not None else ""
        return [label] * m, [grade] * m
    texts = _texts(column_values(sheet, cols.class_label, start))
    kept = [texts[i] for i in keep]
    parsed = {v: parse_class_label(_class_text(v), grade=grade) for v in set(kept)}
    labels: list[str] = []
    grades: list[int | None] = []
    no_grade: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    other_grade: list[tuple[int, str]] = []
    for i, v in enumerate(kept):
        c = parsed[v]
        if c.understood and (grade is None or c.grade == grade):
            labels.append(c.label)
            grades.append(c.grade)
            continue
        if grade is not None:
            # One work of one parallel: the pupil is in that parallel whatever the label says.
            labels.append(f"{grade} ({v})")
            grades.append(grade)
            (other_grade if c.understood else unknown).append((int(src_rows[i]), v))
            continue
        labels.append(v)
        grades.append(None)
        letter_only = normalize_header(v) in {"нет", ""} or (len(v.strip()) == 1
                                                            and v.strip().isalpha())
        (no_grade if letter_only else unknown).append((int(src_rows[i]), v))
    kept_as = f"сохранено как «{grade} (…)»" if grade is not None else "сохранено как есть"
    report_rows(problems, no_grade, **where, column=column,
                message="класс указан без параллели (буква, «нет» или пусто): укажите "
                        "параллель при загрузке, тогда класс станет вида «5А»")
    report_rows(problems, unknown, **where, column=column,
                message=f"название класса не распознано (ожидается вида «8А»); {kept_as}")
    report_rows(problems, other_grade, **where, column=column,
                message=f"класс другой параллели, чем у работы ({grade}); {kept_as}")
    return labels, grades


def _check_duplicates(results: pd.DataFrame, problems: list[Problem], where: _Where,
                      column: str) -> None:
    dup = results.duplicated(["school", "class_label", "pupil"], keep="first")
    if not dup.any():
        return
    rows = results.loc[dup, ["source_row", "pupil"]]
    report_rows(problems, [(int(r), str(p)) for r, p in rows.itertuples(index=False)], **where,
                column=column, severity=Severity.ERROR,
                message="код участника повторяется в той же школе и классе; исправьте код")


def concat_sheets(parts: list[VprSheet]) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    problems = [p for part in parts for p in part.problems]
    if not parts:
        return {"results": results_frame([]),
                "tasks": pd.DataFrame(columns=list(TASK_COLUMNS))}, problems
    if len(parts) == 1:
        return {"results": parts[0].results, "tasks": parts[0].tasks}, problems
    return {"results": pd.concat([p.results for p in parts], ignore_index=True),
            "tasks": pd.concat([p.tasks for p in parts], ignore_index=True)}, problems
