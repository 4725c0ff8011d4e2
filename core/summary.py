"""The summary table: one row per (школа, учебный год, период, процедура, класс, предмет).

Built from counts (pandas or SQL), so the download on the overview page and
``python -m core summary`` produce the same table and therefore the same bytes.
"""

from __future__ import annotations

import pandas as pd

from core.indicators import COUNT_COLUMNS, add_indicators, count_marks
from core.names import TERM_PROCEDURE, grade_of, period_order

__all__ = [
    "SUMMARY_HEADER",
    "SUMMARY_KEY",
    "count_summary",
    "fill_teachers",
    "summary_table",
]

SUMMARY_KEY = ["school", "year", "period", "procedure", "class_label", "subject"]

# summary.csv contract (issue «Foundation», item 7): the header, exactly.
SUMMARY_HEADER = (
    "Школа", "Учебный год", "Период", "Процедура", "Класс", "Предмет", "Учитель", "Обучающихся",
    "5", "4", "3", "2", "н/а", "осв", "Успеваемость, %", "Качество, %", "СОУ, %", "Средний балл",
)


def fill_teachers(results: pd.DataFrame, teacher_load: pd.DataFrame) -> pd.DataFrame:
    """Fill an empty ``teacher`` from the teacher load (школа?, год, класс, предмет → учитель).

    A load row with an empty school or year matches any. Several teachers of one class-subject
    (groups) are joined with «, ».
    """
    if teacher_load.empty or results.empty:
        return results
    load = teacher_load[teacher_load["teacher"].astype(str) != ""]
    joined = (load.groupby(["year", "class_label", "subject"])["teacher"]
              .agg(lambda s: ", ".join(sorted(set(s)))).rename("_load_teacher").reset_index())
    out = results.merge(joined, on=["year", "class_label", "subject"], how="left")
    if out["_load_teacher"].isna().all():
        any_year = (load.groupby(["class_label", "subject"])["teacher"]
                    .agg(lambda s: ", ".join(sorted(set(s)))).rename("_any").reset_index())
        out = out.merge(any_year, on=["class_label", "subject"], how="left")
        out["_load_teacher"] = out["_any"]
        out = out.drop(columns="_any")
    empty = out["teacher"].astype(str) == ""
    out.loc[empty, "teacher"] = out.loc[empty, "_load_teacher"].fillna("")
    return out.drop(columns="_load_teacher")


def count_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Counts per summary key and teacher, the pandas twin of the store's SQL query."""
    return count_marks(results, [*SUMMARY_KEY, "teacher"])


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
    table = table.sort_values(
        ["school", "year", "_proc", "procedure", "_period", "grade", "class_label", "subject"],
        kind="stable").drop(columns=["_proc", "_period"])
    cols = [*SUMMARY_KEY, "teacher", "grade", *COUNT_COLUMNS, "n", "pass_rate", "quality", "sou",
            "mean"]
    return table[cols].reset_index(drop=True)
