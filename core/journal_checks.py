"""Journal checks J2 and J4 (METHODOLOGY.md §5.6, proposal): term-to-term jumps the independent
work does not confirm, and journal filling (current marks per pupil).

They report through the ``add`` callable of core.objectivity (one finding per unit) and return
(computed, reason) for the list of checks.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from typing import Any, cast

import pandas as pd

from core.dates import parse_date
from core.names import PERIODS, ProcedureKind, period_order, procedure_kind

__all__ = ["check_journal_filling", "check_term_jumps"]

Add = Callable[..., None]
_MARKS = ("2", "3", "4", "5")
_JUMP = 15.0  # п.п., METHODOLOGY §5.6 J2
_FEW_MARKS = 3  # J4: fewer than 3 current marks per pupil in a quarter
_MIN_SPAN_DAYS = 42  # a span shorter than six weeks is not a quarter's worth of lessons
_DIGIT = re.compile(r"[1-5]")


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " %"


def _quality(marks: pd.Series) -> float:
    return 100.0 * float(marks.isin(["4", "5"]).mean())


def check_term_jumps(add: Add, results: pd.DataFrame, written: pd.DataFrame, *,
                     min_n: int) -> tuple[bool, str]:
    """J2: качество of a class × subject changes by ≥ 15 п.п. between adjacent terms. When an
    independent work of that class and subject in the year agrees with the later level (its
    качество within 15 п.п. of the later term's), the jump is real and nothing is flagged; when
    it disagrees, «средний»; with no independent work to compare, «информация»."""
    term = results[(results["procedure"].map(procedure_kind) == ProcedureKind.TERM)
                   & results["mark"].isin(_MARKS)]
    term = term[term["period"].isin(PERIODS[:9])]  # quarters, half-years, trimesters
    if term.empty or term["period"].nunique() < 2:
        return False, "нужны отметки хотя бы за две соседние четверти (полугодия, триместра)"
    keys = ["school", "year", "class_label", "subject"]
    graded = written[written["mark"].isin(_MARKS)]
    tests: dict[tuple[str, str, str, str], tuple[int, float]] = {
        cast("tuple[str, str, str, str]", k): (len(g), _quality(g["mark"]))
        for k, g in graded.groupby(keys)}
    # One row per class × subject × term: n, качество and the teacher (aggregated once).
    per = term.assign(_good=term["mark"].isin(["4", "5"])).groupby(
        [*keys, "period"], sort=False).agg(n=("_good", "size"), q=("_good", "mean"),
                                           teacher=("teacher", "max")).reset_index()
    per["q"] = 100.0 * per["q"]
    per["_order"] = per["period"].map(period_order)
    per = per.sort_values([*keys, "_order"])
    for raw_key, unit in per.groupby(keys, sort=True):
        key = cast("tuple[str, str, str, str]", raw_key)
        rows = list(unit.itertuples(index=False))
        for a, b in itertools.pairwise(rows):
            if not _adjacent(str(a.period), str(b.period)):
                continue
            n_a, n_b = int(cast("int", a.n)), int(cast("int", b.n))
            qa, qb = float(cast("float", a.q)), float(cast("float", b.q))
            if n_a < min_n or n_b < min_n or abs(qb - qa) < _JUMP:
                continue
            school, year, class_label, subject = key
            size, tested = tests.get(key, (0, 0.0))
            if size >= min_n:
                if abs(tested - qb) <= _JUMP:
                    continue  # the independent work confirms the new level
                level, note = "средний", (f"; независимая работа этого года даёт качество "
                                          f"{_pct(tested)}")
            else:
                level, note = "информация", "; независимой работы по предмету в классе нет"
            direction = "вырос" if qb > qa else "снизился"
            add("J2", level, {"school": school, "year": year, "procedure": "Отметки за период",
                              "class_label": class_label, "subject": subject,
                              "teacher": str(b.teacher or "")},
                n=min(n_a, n_b), value=f"{_pct(qa)} → {_pct(qb)}",
                threshold=f"изменение ≥ {_JUMP:.0f} п.п.",
                text=f"качество {direction} с {_pct(qa)} ({a.period}) до {_pct(qb)} "
                     f"({b.period}){note}")
    return True, "по отметкам соседних четвертей и независимым работам"


def _adjacent(before: str, after: str) -> bool:
    """«1 четверть» → «2 четверть» (the same kind of term, the next number)."""
    (n1, kind1), (n2, kind2) = before.split(" ", 1), after.split(" ", 1)
    return kind1 == kind2 and int(n2) - int(n1) == 1


def _count_marks(text: object) -> int:
    return len(_DIGIT.findall(str(text or "")))


def check_journal_filling(add: Add, lessons: pd.DataFrame, results: pd.DataFrame
                          ) -> tuple[bool, str]:
    """J4: pupils with fewer than 3 current marks in a subject over the lessons of a report
    that spans at least six weeks; and term marks with no current marks at all."""
    if lessons.empty:
        return False, "нет текущих отметок (отчёт об успеваемости «Сетевого города»)"
    frame = lessons.assign(_day=lessons["date"].map(lambda d: parse_date(str(d))),
                           _marks=lessons["marks"].map(_count_marks))
    frame = frame[frame["_day"].notna()]
    ran = False
    for raw_key, unit in frame.groupby(["school", "year", "class_label", "subject"], sort=True):
        key = cast("tuple[str, str, str, str]", raw_key)
        days = unit["_day"]
        span = (max(days) - min(days)).days
        if span < _MIN_SPAN_DAYS:
            continue
        ran = True
        per_pupil = unit.groupby("pupil")["_marks"].sum()
        few = per_pupil[per_pupil < _FEW_MARKS]
        if few.empty:
            continue
        school, year, class_label, subject = key
        share = 100.0 * len(few) / len(per_pupil)
        add("J4", "средний" if share >= 20 else "информация",
            {"school": school, "year": year, "procedure": "Текущие отметки",
             "class_label": class_label, "subject": subject, "teacher": ""},
            n=len(per_pupil), value=_pct(share),
            threshold=f"меньше {_FEW_MARKS} отметок у ученика",
            text=f"у {len(few)} из {len(per_pupil)} учеников меньше {_FEW_MARKS} текущих отметок "
                 f"за {min(days):%d.%m.%Y}–{max(days):%d.%m.%Y}",
            pupils=_names(few.index))
    if not ran:
        return False, "текущие отметки охватывают меньше шести недель"
    return True, "по текущим отметкам отчёта об успеваемости"


def _names(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values]
