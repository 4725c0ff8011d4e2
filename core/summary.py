"""The summary table: one row per (школа, учебный год, период, процедура, класс, предмет).

Built from counts (pandas or SQL), so the download on the overview page and
``python -m core summary`` produce the same table and therefore the same bytes.

«Период» of a row is the period of term marks, and for a school's or region's own control work
(«Входная КР», «Итоговая КР» …) its date, so that two works of one kind on different dates are
two rows (:func:`summary_period`). Within a row each pupil counts once: when a pupil has two
results there (an ОГЭ retake), the latest by date counts (:func:`counted_results`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from core.dates import date_sort_key
from core.indicators import (
    COUNT_COLUMNS,
    Indicators,
    MarkCounts,
    add_indicators,
    compute_indicators,
    count_marks,
)
from core.model import Scope, filter_results
from core.names import TERM_PROCEDURE, ProcedureKind, grade_of, period_order, procedure_kind
from core.problems import Problem, Severity

__all__ = [
    "COUNT_KEY",
    "SUMMARY_HEADER",
    "SUMMARY_KEY",
    "SummaryFilter",
    "count_summary",
    "counted_results",
    "fill_teachers",
    "filter_options",
    "filter_summary",
    "repeated_results",
    "summary_period",
    "summary_table",
    "total_indicators",
]

SUMMARY_KEY = ["school", "year", "period", "procedure", "class_label", "subject"]

# summary.csv contract (issue «Foundation», item 7): the header, exactly.
SUMMARY_HEADER = (
    "Школа", "Учебный год", "Период", "Процедура", "Класс", "Предмет", "Учитель", "Обучающихся",
    "5", "4", "3", "2", "н/а", "осв", "Успеваемость, %", "Качество, %", "СОУ, %", "Средний балл",
)


def fill_teachers(results: pd.DataFrame, teacher_load: pd.DataFrame) -> pd.DataFrame:
    """Fill an empty ``teacher`` from the teacher load (школа, год, класс, предмет → учитель).

    A load row applies to results of its own school and year; a load row with an empty school
    or year matches any. A load of another year never applies (teachers change between years).
    Several teachers of one class-subject (groups) are joined with «, ».
    """
    if teacher_load.empty or results.empty:
        return results
    where = ["school", "year", "class_label", "subject"]
    load = teacher_load[[*where, "teacher"]].fillna("").astype(str)
    load = load[load["teacher"] != ""]
    keys = results[where].drop_duplicates().astype(str)
    pairs = keys.merge(load, on=["class_label", "subject"], suffixes=("", "_load"))
    applies = (((pairs["school_load"] == "") | (pairs["school_load"] == pairs["school"]))
               & ((pairs["year_load"] == "") | (pairs["year_load"] == pairs["year"])))
    joined = (pairs[applies].groupby(where)["teacher"]
              .agg(lambda s: ", ".join(sorted(set(s)))).rename("_load_teacher").reset_index())
    out = results.merge(joined, on=where, how="left")
    empty = out["teacher"].fillna("").astype(str) == ""
    out.loc[empty, "teacher"] = out.loc[empty, "_load_teacher"].fillna("")
    return out.drop(columns="_load_teacher")


# Within one summary row a pupil counts once: his results are told apart by this key + pupil.
COUNT_KEY = [*SUMMARY_KEY, "pupil"]


def summary_period(procedure: str, period: str, date: str) -> str:
    """«Период» of a summary row: a control work is known by its date, everything else (term
    marks, ВПР, ОГЭ, ЕГЭ) by its period («» for the national procedures)."""
    if date and procedure_kind(procedure) is ProcedureKind.WORK:
        return date
    return period


def _with_summary_period(results: pd.DataFrame) -> pd.DataFrame:
    frame = results.copy()
    frame["period"] = [summary_period(str(p), str(q), str(d)) for p, q, d in zip(
        frame["procedure"], frame["period"], frame["date"], strict=True)]
    return frame


def _latest_first(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame.assign(_date=frame["date"].map(date_sort_key))
    return order.sort_values(["_date", "row_id"], ascending=False, kind="stable")


def counted_results(results: pd.DataFrame) -> pd.DataFrame:
    """The results that count, with «Период» as in summary.csv: one per pupil and summary row,
    the latest by date (then the later row) when a pupil has several."""
    if results.empty:
        return _with_summary_period(results)
    frame = _latest_first(_with_summary_period(results))
    kept = frame.drop_duplicates(COUNT_KEY, keep="first").drop(columns="_date")
    return kept.sort_values("row_id", kind="stable").reset_index(drop=True)


def repeated_results(results: pd.DataFrame, *, file_name: str = "") -> list[Problem]:
    """A warning for each pupil with several results in one summary row (an ОГЭ retake): the
    latest counts; the review screen and the CLI say so."""
    if results.empty:
        return []
    frame = _with_summary_period(results)
    repeated = frame[frame.duplicated(COUNT_KEY, keep=False)]
    problems = []
    for _key, group in _latest_first(repeated).groupby(COUNT_KEY, sort=False):
        latest = group.iloc[0]
        dates = sorted({str(d) for d in group["date"] if d}, key=date_sort_key)
        when = f" ({', '.join(dates)})" if dates else ""
        counted = f"последний ({latest['date']})" if latest["date"] else "последний в файле"
        row = latest["source_row"]
        problems.append(Problem(
            file=file_name, sheet=str(latest["source_sheet"]),
            row=None if pd.isna(row) else int(row), column="", value=str(latest["pupil"]),
            severity=Severity.WARNING,
            message=f"у обучающегося несколько результатов «{latest['procedure']}» по предмету "
                    f"«{latest['subject']}» ({latest['class_label']}){when}: в показателях "
                    f"учитывается {counted}"))
    return problems


def count_summary(results: pd.DataFrame, scope: Scope | None = None) -> pd.DataFrame:
    """Counts per summary key and teacher, the pandas twin of the store's SQL query.

    With ``scope``, the result that counts for each pupil is chosen first over the whole key
    (an ОГЭ retake supersedes the first try whoever the teacher and whatever the date asked
    for), and the scope's periods and teachers are applied to what counts."""
    scope = scope or Scope()
    counted = counted_results(filter_results(results, scope.identity_part()))
    kept = filter_results(counted, replace(scope, schools=(), years=(), procedures=(),
                                           classes=(), subjects=()))
    return count_marks(kept, [*SUMMARY_KEY, "teacher"])


def summary_table(counts: pd.DataFrame) -> pd.DataFrame:
    """From counts per (SUMMARY_KEY + teacher) to the summary table.

    Columns: SUMMARY_KEY, ``teacher`` (distinct names joined by «, »), ``grade``,
    :data:`~core.indicators.COUNT_COLUMNS`, ``n``, ``pass_rate``, ``quality``, ``sou``, ``mean``.
    Groups without numeric marks or «н/а» (N = 0) give no row.
    """
    if counts.empty:
        frame = pd.DataFrame(columns=[*SUMMARY_KEY, "teacher", "grade", *COUNT_COLUMNS])
        return add_indicators(frame)
    frame = counts.copy()
    frame["teacher"] = frame["teacher"].fillna("").astype(str)
    grouped = frame.groupby(SUMMARY_KEY, dropna=False, sort=False)
    summed = grouped[list(COUNT_COLUMNS)].sum()
    teachers = grouped["teacher"].agg(
        lambda s: ", ".join(sorted({t for t in s if t})))
    table = summed.join(teachers).reset_index()
    table = add_indicators(table)
    table = table[table["n"] > 0].copy()
    table["grade"] = table["class_label"].map(grade_of).astype("Int64")
    table["_proc"] = (table["procedure"] != TERM_PROCEDURE).astype(int)
    table["_period"] = table["period"].map(period_order)
    table["_date"] = table["period"].map(date_sort_key)  # control works by date, in time order
    table = table.sort_values(
        ["school", "year", "_proc", "_period", "_date", "procedure", "grade", "class_label",
         "subject"], kind="stable").drop(columns=["_proc", "_period", "_date"])
    cols = [*SUMMARY_KEY, "teacher", "grade", *COUNT_COLUMNS, "n", "pass_rate", "quality", "sou",
            "mean"]
    return table[cols].reset_index(drop=True)


@dataclass(frozen=True)
class SummaryFilter:
    """Overview filters; ``None`` means «все»."""

    school: str | None = None
    year: str | None = None
    period: str | None = None
    procedure: str | None = None
    grade: int | None = None
    class_label: str | None = None
    subject: str | None = None
    teacher: str | None = None


def filter_summary(table: pd.DataFrame, f: SummaryFilter) -> pd.DataFrame:
    """Rows of a summary table matching every set filter (a teacher matches joined names)."""
    mask = pd.Series(True, index=table.index)
    for col, value in (("school", f.school), ("year", f.year), ("period", f.period),
                       ("procedure", f.procedure),
                       ("class_label", f.class_label), ("subject", f.subject)):
        if value is not None:
            mask &= table[col] == value
    if f.grade is not None:
        mask &= table["grade"] == f.grade
    if f.teacher is not None:
        mask &= table["teacher"].map(lambda t: f.teacher in str(t).split(", "))
    return table[mask]


def filter_options(table: pd.DataFrame) -> dict[str, list[Any]]:
    """Distinct values for each filter, in display order."""
    teachers = sorted({t for joined in table["teacher"] for t in str(joined).split(", ") if t})
    procedures = sorted(set(table["procedure"]), key=lambda p: (p != TERM_PROCEDURE, p))
    return {
        "school": sorted(set(table["school"])),
        "year": sorted(set(table["year"]), reverse=True),
        "period": sorted({p for p in table["period"] if p},
                         key=lambda p: (period_order(p), date_sort_key(p))),
        "procedure": procedures,
        "grade": sorted({int(g) for g in table["grade"].dropna()}),
        "class_label": sorted(set(table["class_label"]), key=lambda c: (grade_of(c) or 0, c)),
        "subject": sorted(set(table["subject"])),
        "teacher": teachers,
    }


def total_indicators(table: pd.DataFrame) -> Indicators:
    """Indicators over all rows of a summary table, from the summed counts (mark-based: each
    pupil counts once per class × subject × period in the selection)."""
    sums = {c: int(table[c].sum()) for c in COUNT_COLUMNS} if not table.empty else {}
    return compute_indicators(MarkCounts(**sums))
