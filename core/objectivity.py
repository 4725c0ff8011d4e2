"""Objectivity of marks (METHODOLOGY.md §5): independent results against journal marks, score
histograms at the mark boundaries, task profiles, and term marks against the pupil's own average.

Pure functions over canonical frames. Two products:

* ``objectivity_table`` — per class (and «Итого» per parallel): pairs, понизили / подтвердили /
  повысили, the share of gaps ≥ 2 and Spearman ρ; the CLI's ``objectivity.csv`` and the page's
  bars are this one table.
* ``run_checks`` — typed ``Finding`` values for O1–O13 and J1 (METHODOLOGY §5.5–§5.6), each with
  its level, scope, n, value, threshold, source and the pupils behind it, plus the list of checks
  that could not be computed and why (``CheckStatus``).

Every finding is worded as a possible marker that needs further analysis, never as a verdict,
and teacher-level findings are methodical support (§5.1).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

import numpy as np
import pandas as pd

from core.cohorts import previous_year
from core.dates import date_sort_key
from core.exports import format_decimal
from core.journal_checks import check_journal_filling, check_term_jumps
from core.model import REFERENCE_LEVELS, TABLES, empty_frame, reference_tasks
from core.names import ProcedureKind, grade_of, procedure_kind
from core.scales import Scale, find_scale, vpr_year
from core.summary import counted_results
from core.thresholds import Thresholds

__all__ = [
    "CHECK_NAMES",
    "MARKS",
    "OBJECTIVITY_COLUMNS",
    "PARALLEL_TOTAL",
    "Boundaries",
    "CheckStatus",
    "Finding",
    "Level",
    "Report",
    "boundaries",
    "histogram",
    "independent_results",
    "objectivity_table",
    "pairs_frame",
    "parallel_label",
    "run_checks",
    "task_scores",
    "teacher_support",
    "term_pairs",
    "term_shares",
]

PARALLEL_TOTAL = "Итого"
ALL_SCHOOLS = "Все школы"
MARKS = ("2", "3", "4", "5")
# Independent procedures compared with the journal: ВПР and control works (O1), ОГЭ (O9).
_INDEPENDENT = (ProcedureKind.VPR, ProcedureKind.WORK, ProcedureKind.OGE)


class Level(StrEnum):
    """METHODOLOGY's "strong" and "moderate"; below the minimum n or for an informing rule:
    «информация»."""

    HIGH = "высокий"
    MEDIUM = "средний"
    INFO = "информация"


LEVEL_ORDER = {Level.HIGH: 0, Level.MEDIUM: 1, Level.INFO: 2}

CHECK_NAMES = {
    "O1": "ВПР и отметки по журналу: понизили / подтвердили / повысили",
    "O2": "Грубое расхождение с отметкой по журналу (на 2 и более)",
    "O3": "Согласованность рангов (ρ Спирмена)",
    "O4": "Пики у границ отметок",
    "O5": "Трудные задания выполнены лучше лёгких",
    "O6": "Пересечения групп по отметкам",
    "O7": "Завышенный средний балл относительно всех школ",
    "O8": "Резкое изменение результатов когорты",
    "O9": "ОГЭ и годовые отметки",
    "O10": "Отметка за период и собственный средний балл",
    "O11": "Методическая поддержка: расхождение журнала и работы у учителя",
    "O12": "Качество данных",
    "O13": "Совпадающие профили ответов",
    "J1": "Индекс завышения качества",
    "J2": "Скачок показателей между четвертями",
    "J3": "Форма распределения отметок",
    "J4": "Наполняемость журнала",
    "J5": "Полнота участия в ВПР",
}

_HEDGE = "Возможный признак, требует дополнительного анализа"
SOURCE = {
    "O1": "подписи — ФИС ОКО «Сравнение отметок с отметками по журналу»; пороги — предложение "
          "(≈ p75–p90 по ВПР 2021 Алтайского края, METHODOLOGY §5.4)",
    "O2": "ФИОКО 2026 §3: анализировать расхождения ≥ 2; доля 10 % — предложение",
    "O3": "Рособрнадзор 2019: ρ < 0 — признак; 0,3 — предложение по калибровке (METHODOLOGY §5.4)",
    "O4": "ФИОКО 2026 §4: пики у границ — возможный признак; правило отношения — предложение",
    "O5": "заявления Рособрнадзора по ВПР 4–5 классов (METHODOLOGY §5.5)",
    "O6": "ФИОКО 2026 §7: пересечения требуют изучения; 5 п.п. — практика",
    "O7": "Рособрнадзор 2019, методика «Уровень объективности», t = 1,96",
    "O8": "Рособрнадзор 2019 (K по квартилям); запасное правило ±15 п.п. — предложение",
    "O9": "Рособрнадзор: высокие школьные результаты должны подтверждаться экзаменом",
    "O10": "предложение, калибровка на реальном табеле (METHODOLOGY §5.4b)",
    "O11": "предложение (METHODOLOGY §5.5); результаты ВПР не используются для оценки "
           "педагогов (Рособрнадзор, письмо 02-86 от 18.04.2025)",
    "O13": "идея: Jacob & Levitt, «Rotten Apples», QJE 118(3), 2003; пороги — предложение",
    "J1": "практика школ (METHODOLOGY §5.6), порог — предложение",
    "J2": "практика школ (METHODOLOGY §5.6), порог 15 п.п. — предложение",
    "J4": "практика школ (METHODOLOGY §5.6): меньше 3 отметок за четверть — предложение",
    "J3": "практика школ (METHODOLOGY §5.6), порог — предложение",
    "J5": "практика школ (METHODOLOGY §5.6), порог 10 % — предложение",
}


@dataclass(frozen=True)
class Finding:
    """One possible marker for one unit (school, year, procedure, class, subject, teacher)."""

    code: str
    level: Level
    school: str
    year: str
    procedure: str
    class_label: str
    subject: str
    teacher: str
    n: int
    value: str  # as shown, with its unit («85,7 %», «ρ = −0,12», «×8,6»)
    threshold: str  # the rule that fired, with its number («≥ 60 %»)
    explanation: str
    pupils: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return CHECK_NAMES[self.code]

    @property
    def source(self) -> str:
        return SOURCE.get(self.code, "")


@dataclass(frozen=True)
class CheckStatus:
    code: str
    computed: bool
    reason: str  # why not, or what it ran on

    @property
    def name(self) -> str:
        return CHECK_NAMES[self.code]


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    statuses: tuple[CheckStatus, ...]


# --------------------------------------------------------------------------------------------
# Formatting (decimal comma, like the exports)


def _pct(value: float) -> str:
    return f"{_num(value, 1)} %"


def _num(value: float, digits: int) -> str:
    """Decimal comma, rounded half up like the CSV exports (core.exports.format_decimal)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if math.isinf(value):
        return "∞"
    return format_decimal(value, digits).replace("-", "−")


# --------------------------------------------------------------------------------------------
# Independent results and pairs


def independent_results(results: pd.DataFrame) -> pd.DataFrame:
    """Results of independent procedures (ВПР, control works, ОГЭ), one per pupil, class,
    subject and procedure in a year — the latest when a pupil wrote twice. A control work is
    known by its date, as in summary.csv: two works of one class on different dates stay two,
    and their procedure reads «Контрольная работа (10.10.2024)»."""
    kinds = results["procedure"].map(procedure_kind)
    frame = counted_results(results[kinds.isin(_INDEPENDENT)])
    if frame.empty:
        return frame.assign(kind=pd.Series(dtype=object))
    kind = frame["procedure"].map(procedure_kind)
    dated = (kind == ProcedureKind.WORK) & (frame["date"] != "")
    frame = frame.assign(kind=kind, _date=frame["date"].map(date_sort_key))
    frame.loc[dated, "procedure"] = frame.loc[dated, "procedure"] + " (" + frame.loc[
        dated, "date"] + ")"
    frame = frame.sort_values(["_date", "row_id"], ascending=False, kind="stable")
    frame = frame.drop_duplicates(["school", "year", "procedure", "class_label", "subject",
                                   "pupil"], keep="first")
    return frame.drop(columns="_date").sort_values("row_id", kind="stable").reset_index(drop=True)


def _with_annual_marks(frame: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """ОГЭ rows without a journal mark get the pupil's annual mark in the subject (the same
    school, year and pupil): O9 compares the exam with the «Год» mark."""
    exam = (frame["kind"] == ProcedureKind.OGE) & ~frame["journal_mark"].isin(MARKS)
    if not exam.any():
        return frame
    annual = results[(results["procedure"].map(procedure_kind) == ProcedureKind.TERM)
                     & (results["period"].str.lower() == "год") & results["mark"].isin(MARKS)]
    if annual.empty:
        return frame
    key = ["school", "year", "pupil", "subject"]
    marks = annual.drop_duplicates(key, keep="last").set_index(key)["mark"]
    found = pd.Series([marks.get(k, "") for k in zip(*(frame.loc[exam, c] for c in key),
                                                    strict=True)], index=frame.index[exam])
    out = frame.copy()
    out.loc[exam, "journal_mark"] = found
    return out


def pairs_frame(results: pd.DataFrame) -> pd.DataFrame:
    """Pupils with both an independent mark 2–5 and a journal mark 2–5 (absent pupils and «нет
    отметки» excluded): columns of the result plus ``test`` and ``journal`` as integers."""
    frame = _with_annual_marks(independent_results(results), results)
    keep = frame["mark"].isin(MARKS) & frame["journal_mark"].isin(MARKS)
    pairs = frame[keep].copy()
    pairs["test"] = pairs["mark"].astype(int)
    pairs["journal"] = pairs["journal_mark"].astype(int)
    pairs["grade"] = pairs["grade"].astype("Int64")
    return pairs.reset_index(drop=True)


def _spearman(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Spearman ρ (average ranks) of journal mark vs primary score per group (NaN if undefined)."""
    scored = frame[frame["primary_score"].notna()]
    if scored.empty:
        return pd.Series(dtype=float)
    grouped = scored.groupby(keys, dropna=False, sort=False)
    x = grouped["journal"].rank(method="average")
    y = grouped["primary_score"].rank(method="average")
    sums = pd.DataFrame({"x": x, "y": y, "xy": x * y, "xx": x * x, "yy": y * y})
    for k in keys:
        sums[k] = scored[k]
    agg = sums.groupby(keys, dropna=False, sort=False).agg(
        n=("x", "size"), sx=("x", "sum"), sy=("y", "sum"), sxy=("xy", "sum"),
        sxx=("xx", "sum"), syy=("yy", "sum"))
    cov = agg["sxy"] - agg["sx"] * agg["sy"] / agg["n"]
    vx = agg["sxx"] - agg["sx"] ** 2 / agg["n"]
    vy = agg["syy"] - agg["sy"] ** 2 / agg["n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rho: pd.Series = cov / np.sqrt(vx * vy)
    rho[(vx <= 1e-12) | (vy <= 1e-12)] = np.nan
    return rho.where(agg["n"] >= 2)


def _shares(pairs: pd.DataFrame, keys: list[str], min_rho_pairs: int) -> pd.DataFrame:
    frame = pairs.assign(
        lowered=(pairs["test"] < pairs["journal"]).astype(int),
        confirmed=(pairs["test"] == pairs["journal"]).astype(int),
        raised=(pairs["test"] > pairs["journal"]).astype(int),
        gap2=((pairs["test"] - pairs["journal"]).abs() >= 2).astype(int),
        scored=pairs["primary_score"].notna().astype(int),
        q_journal=(pairs["journal"] >= 4).astype(int),
        q_test=(pairs["test"] >= 4).astype(int))
    agg = frame.groupby(keys, dropna=False, sort=False).agg(
        pairs=("test", "size"), lowered=("lowered", "sum"), confirmed=("confirmed", "sum"),
        raised=("raised", "sum"), gap2=("gap2", "sum"), scored=("scored", "sum"),
        q_journal=("q_journal", "sum"),
        q_test=("q_test", "sum"))
    for column in ("lowered", "confirmed", "raised", "gap2", "q_journal", "q_test"):
        agg[column] = 100.0 * agg[column] / agg["pairs"]
    rho = _spearman(frame, keys)
    agg["rho"] = rho.reindex(agg.index) if not rho.empty else np.nan
    # ρ needs enough pairs with a primary score (a report may give marks without scores).
    agg.loc[agg["scored"] < min_rho_pairs, "rho"] = np.nan
    return agg.reset_index()


OBJECTIVITY_COLUMNS = ("school", "year", "procedure", "class_label", "subject", "teacher",
                       "grade", "pairs", "lowered", "confirmed", "raised", "gap2", "rho",
                       "q_journal", "q_test", "is_total")
_CLASS_KEY = ["school", "year", "procedure", "grade", "class_label", "subject", "teacher"]
_PARALLEL_KEY = ["school", "year", "procedure", "grade", "subject"]


def objectivity_table(results: pd.DataFrame, *, min_rho_pairs: int = 10) -> pd.DataFrame:
    """One row per class (school, year, procedure, class, subject, teacher) and one «Итого» row
    per (school, year, procedure, subject, parallel): pairs and shares in %, ρ when pairs ≥ 10."""
    pairs = pairs_frame(results)
    if pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OBJECTIVITY_COLUMNS})
    classes = _shares(pairs, _CLASS_KEY, min_rho_pairs).assign(is_total=False)
    totals = _shares(pairs, _PARALLEL_KEY, min_rho_pairs).assign(
        is_total=True, class_label=PARALLEL_TOTAL, teacher="")
    table = pd.concat([classes, totals], ignore_index=True)
    table["_grade"] = table["grade"].fillna(-1).astype(int)
    table["_class"] = [_class_order(c, t) for c, t in zip(table["class_label"], table["is_total"],
                                                          strict=True)]
    table = table.sort_values(["school", "year", "procedure", "subject", "_grade", "_class",
                               "teacher"], kind="stable")
    return table[list(OBJECTIVITY_COLUMNS)].reset_index(drop=True)


def _class_order(label: str, total: bool) -> tuple[int, int, str]:
    digits = "".join(ch for ch in str(label) if ch.isdigit())
    return (1 if total else 0, int(digits) if digits else 0, str(label))


# --------------------------------------------------------------------------------------------
# Histogram and boundaries


def histogram(scores: pd.Series, maximum: float | None = None) -> pd.DataFrame:
    """Pupils per whole primary score, 0…max, including empty bins (columns score, pupils)."""
    values = pd.to_numeric(scores, errors="coerce").dropna()
    top = int(max(values.max() if len(values) else 0, maximum or 0))
    counts = values.round().astype(int).value_counts()
    return pd.DataFrame({"score": range(top + 1),
                         "pupils": [int(counts.get(s, 0)) for s in range(top + 1)]})


def scale_of(year: object, subject: object, grade: Any, scales: Sequence[Scale]) -> Scale | None:
    """The score → mark scale of a work, or ``None`` (then no boundaries are drawn or judged)."""
    if grade is None or pd.isna(grade):
        return None
    return find_scale(year=vpr_year(str(year)), subject=str(subject), grade=int(grade),
                      extra=tuple(scales))


@dataclass(frozen=True)
class Boundaries:
    """The minimum primary score of each mark of one work, and where they come from."""

    minimum: dict[int, int]
    maximum: float | None
    source: str


def boundaries(written: pd.DataFrame, scales: Sequence[Scale] = ()) -> Boundaries | None:
    """Mark boundaries for the written results of one work (one year, subject and parallel):
    the stored scale when there is one; otherwise the boundaries the file's own marks imply
    (all «2» below all «3», and so on), which reads the scale the file was marked with and
    guesses nothing; ``None`` when neither is known."""
    if written.empty:
        return None
    first = written.iloc[0]
    # ВПР scales belong to ВПР: a control work of the same grade is marked by its own rules.
    vpr = procedure_kind(str(first["procedure"])) is ProcedureKind.VPR
    scale = scale_of(first["year"], first["subject"], first["grade"], scales) if vpr else None
    if scale is not None:
        found = {m: int(low) for m, low, _ in scale.bands}
        state = "подтверждена" if scale.verified else "не сверена с документом ФИОКО"
        return Boundaries(found, scale.max_total,
                          f"шкала {scale.year} г., {scale.subject}, {scale.grade} кл. ({state}); "
                          f"источник: {scale.source}")
    marked = written[written["mark"].isin(MARKS)]
    if marked.empty:
        return None
    scores = marked["primary_score"].round().astype(int)
    found = {}
    for mark in (3, 4, 5):
        this = scores[marked["mark"] == str(mark)]
        below = scores[marked["mark"] == str(mark - 1)]
        if this.empty or below.empty or int(below.max()) >= int(this.min()):
            continue
        found[mark] = int(this.min())
    if not found:
        return None
    return Boundaries(found, None, "границы по отметкам из файла (шкала в программе не задана)")


# --------------------------------------------------------------------------------------------
# Task scores


def task_scores(dataset_results: pd.DataFrame, tasks: pd.DataFrame,
                catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-task points of independent results: one row per (result, task) with the result's
    scope, ``share`` = score / max (the task's maximum, or the highest score seen for that task
    of the same work when the file gives none).

    ``catalog`` (core.model ``task_catalog``): the ВПР work descriptions; they fill a task's
    level and maximum where the result file gives none, matched by (ВПР year, subject, grade,
    task), and add the columns ``kes``, ``kt`` and ``skill`` («» where no description fits)."""
    frame = independent_results(dataset_results)
    extra = ["kes", "kt", "skill"] if catalog is not None else []
    if frame.empty or tasks.empty:
        return pd.DataFrame(columns=["row_id", "task", "score", "max_score", "level", "position",
                                     "share", "school", "year", "procedure", "grade",
                                     "class_label", "subject", "teacher", "pupil", "mark",
                                     "primary_score", *extra])
    scope = frame[["row_id", "school", "year", "procedure", "grade", "class_label", "subject",
                   "teacher", "pupil", "mark", "primary_score"]]
    merged = tasks.merge(scope, on="row_id", how="inner")
    if catalog is not None:
        merged = described(merged, catalog)
    work = ["year", "procedure", "subject", "grade", "task"]
    seen = merged.groupby(work, dropna=False)["score"].transform("max")
    maximum = merged["max_score"].where(merged["max_score"].notna() & (merged["max_score"] > 0),
                                        seen)
    merged["max_score"] = maximum
    with np.errstate(divide="ignore", invalid="ignore"):
        merged["share"] = (merged["score"].fillna(0) / maximum).where(maximum > 0)
    return merged


def described(scores: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """``scores`` (rows with year, procedure, subject, grade, task, level, max_score) with the
    level and maximum of ВПР tasks filled from the work descriptions where missing, and the
    description's ``kes``, ``kt`` and ``skill``."""
    key = ["_year", "subject", "_grade", "task"]
    rows = catalog[catalog["part"] == "tasks"]
    found = (rows.assign(_year=rows["year"].astype(str),
                         _grade=pd.to_numeric(rows["grade"], errors="coerce"))
             .drop_duplicates(key)[[*key, "level", "max_score", "kes", "kt", "skill"]]
             .rename(columns={"level": "_level", "max_score": "_max"}))
    vpr = scores["procedure"] == "ВПР"
    out = scores.assign(_year=[str(y).split("/")[-1] if v else "" for y, v in zip(
        scores["year"], vpr, strict=True)], _grade=pd.to_numeric(scores["grade"], errors="coerce"))
    out = out.merge(found, on=key, how="left")
    level = out["level"].astype(object)
    out["level"] = level.where(level.notna() & (level != ""), out["_level"]).fillna("")
    given = out["max_score"].notna() & (out["max_score"] > 0)
    out["max_score"] = out["max_score"].where(given, out["_max"])
    for column in ("kes", "kt", "skill"):
        out[column] = out[column].fillna("")
    return out.drop(columns=["_year", "_grade", "_level", "_max"])


# --------------------------------------------------------------------------------------------
# Checks


_WorkKey = tuple[str, str, str, int]


def _work_of(year: object, procedure: object, subject: object, grade: object) -> _WorkKey:
    number = pd.to_numeric(pd.Series([grade]), errors="coerce").iloc[0]
    return (str(year), str(procedure), str(subject), -1 if pd.isna(number) else int(number))


def _reference_index(reference: pd.DataFrame | None) -> dict[_WorkKey, list[dict[str, Any]]]:
    """Reference rows (core.model ``reference``) per work, the preferred level first: the
    region, then the municipality, then the RF (METHODOLOGY §5.2: the region's CI)."""
    if reference is None or reference.empty:
        return {}
    long = reference_tasks(reference)
    out: dict[_WorkKey, list[dict[str, Any]]] = {}
    for raw in reference.to_dict("records"):
        rec = {str(k): v for k, v in raw.items()}
        key = _work_of(rec["year"], rec["procedure"], rec["subject"], rec["grade"])
        done = long[(long["level"] == rec["level"]) & (long["year"] == rec["year"])
                    & (long["procedure"] == rec["procedure"]) & (long["subject"] == rec["subject"])
                    & (long["grade"].astype(str) == str(rec["grade"]))]
        rec["task_completion"] = dict(zip(done["task"], done["completion"], strict=True))
        out.setdefault(key, []).append(rec)
    for rows in out.values():
        rows.sort(key=lambda r: REFERENCE_LEVELS.index(r["level"])
                  if r["level"] in REFERENCE_LEVELS else len(REFERENCE_LEVELS))
    return out


def _known(value: object) -> bool:
    return value is not None and value is not pd.NA and not (
        isinstance(value, float) and math.isnan(value))


@dataclass
class _Collector:
    t: Thresholds
    findings: list[Finding] = field(default_factory=list)
    references: dict[_WorkKey, list[dict[str, Any]]] = field(default_factory=dict)

    def reference(self, year: object, procedure: object, subject: object, grade: object,
                  *needs: str) -> dict[str, Any] | None:
        """The preferred reference row of the work that gives every one of ``needs``."""
        if not self.references:
            return None
        for rec in self.references.get(_work_of(year, procedure, subject, grade), []):
            if all(rec["task_completion"] if name == "task_completion" else _known(rec[name])
                   for name in needs):
                return rec
        return None

    def add(self, code: str, level: Level, unit: dict[str, str], *, n: int, value: str,
            threshold: str, text: str, pupils: Iterable[object] = ()) -> None:
        small = ""
        if level is Level.INFO:
            small = " Для сведения."
        self.findings.append(Finding(
            code=code, level=level, school=unit.get("school", ""), year=unit.get("year", ""),
            procedure=unit.get("procedure", ""), class_label=unit.get("class_label", ""),
            subject=unit.get("subject", ""), teacher=unit.get("teacher", ""), n=int(n),
            value=value, threshold=threshold,
            explanation=f"{_HEDGE}: {text.rstrip('.')}.{small} Источник: {SOURCE[code]}.",
            pupils=tuple(str(p) for p in pupils)))


def parallel_label(grade: object) -> str:
    """«Параллель 5»: a finding about all classes of a grade (or «Параллель не указана»)."""
    text = str(grade).strip()
    if not text or text in {"nan", "<NA>", "None"}:
        return "Параллель не указана"
    return f"Параллель {text.removesuffix('.0')}"


def _unit(row: pd.Series, *, parallel: bool = False) -> dict[str, str]:
    grade = row.get("grade")
    grade_text = "" if grade is None or pd.isna(grade) else str(int(grade))
    label = parallel_label(grade_text) if parallel else str(row.get("class_label", ""))
    return {"school": str(row["school"]), "year": str(row["year"]),
            "procedure": str(row["procedure"]), "class_label": label,
            "subject": str(row["subject"]), "teacher": "" if parallel else str(
                row.get("teacher", "") or "")}


def _small(n: int, minimum: int) -> str:
    return f" (мало данных: n = {n} < {minimum})" if n < minimum else ""


def _check_pairs(c: _Collector, pairs: pd.DataFrame) -> None:
    """O1/O9, O2, O3 and J1 per class and per parallel of a school."""
    t = c.t
    for keys, parallel in ((_CLASS_KEY, False), (_PARALLEL_KEY, True)):
        table = _shares(pairs, keys, t.min_pairs)
        grouped = pairs.groupby(keys, dropna=False, sort=False)
        for (_, row), (_key, members) in zip(table.iterrows(), grouped, strict=True):
            if parallel and members["class_label"].nunique() < 2:
                continue  # one class: the parallel is that class
            unit = _unit(row, parallel=parallel)
            n = int(row["pairs"])
            enough = n >= t.min_pairs
            code = "O9" if procedure_kind(unit["procedure"]) is ProcedureKind.OGE else "O1"
            # genitive: «ниже отметки по журналу», «отличается от годовой отметки»
            journal_name = "годовой отметки" if code == "O9" else "отметки по журналу"
            lowered, raised = float(row["lowered"]), float(row["raised"])
            # METHODOLOGY §5.5 O1: with a reference row, «понизили» ≥ reference + margin
            ref = c.reference(row["year"], row["procedure"], row["subject"], row["grade"],
                              "lowered")
            medium, medium_text, compared = (
                t.lowered_medium, f"≥ {_num(t.lowered_medium, 0)} %", "")
            if ref is not None:
                medium = float(ref["lowered"]) + t.reference_margin
                medium_text = (f"≥ {ref['level']} {_pct(float(ref['lowered']))} + "
                               f"{_num(t.reference_margin, 0)} п.п.")
                compared = f"; {ref['level']}: {_pct(float(ref['lowered']))}"
            level = None
            if lowered >= t.lowered_high:
                level, threshold = Level.HIGH, f"≥ {_num(t.lowered_high, 0)} %"
            elif lowered >= medium:
                level, threshold = Level.MEDIUM, medium_text
            if level is not None:
                c.add(code, level if enough else Level.INFO, unit, n=n, value=_pct(lowered),
                      threshold=threshold,
                      text=f"у {_pct(lowered)} учеников отметка за работу ниже {journal_name} "
                           f"(пар «работа — журнал»: {n}{compared}){_small(n, t.min_pairs)}",
                      pupils=members.loc[members["test"] < members["journal"], "pupil"])
            if raised >= t.raised_medium:
                c.add(code, Level.MEDIUM if enough else Level.INFO, unit, n=n,
                      value=_pct(raised), threshold=f"«повысили» ≥ {_num(t.raised_medium, 0)} %",
                      text=f"у {_pct(raised)} учеников отметка за работу выше {journal_name} "
                           f"(пар «работа — журнал»: {n}){_small(n, t.min_pairs)}",
                      pupils=members.loc[members["test"] > members["journal"], "pupil"])
            gap = float(row["gap2"])
            if gap > 0 and not parallel:
                gap_pupils = members.loc[(members["test"] - members["journal"]).abs() >= 2,
                                         "pupil"]
                level = Level.MEDIUM if (gap >= t.gap_share and enough) else Level.INFO
                c.add("O2", level, unit, n=n, value=_pct(gap),
                      threshold=f"≥ {_num(t.gap_share, 0)} % пар",
                      text=f"у {len(gap_pupils)} из {n} учеников отметка за работу отличается "
                           f"от {journal_name} на 2 балла и более{_small(n, t.min_pairs)}",
                      pupils=gap_pupils)
            rho, scored = row["rho"], int(row["scored"])
            if not pd.isna(rho):  # computed only with enough scored pairs (see _shares)
                with_score = members.loc[members["primary_score"].notna(), "pupil"]
                if rho < 0:
                    c.add("O3", Level.HIGH, unit, n=scored, value=f"ρ = {_num(rho, 2)}",
                          threshold="ρ < 0",
                          text=f"чем выше отметка по журналу, тем ниже первичный балл "
                               f"(ρ Спирмена {_num(rho, 2)}; пар с первичным баллом: {scored})",
                          pupils=with_score)
                elif rho < t.weak_rho:
                    c.add("O3", Level.MEDIUM, unit, n=scored, value=f"ρ = {_num(rho, 2)}",
                          threshold=f"ρ < {_num(t.weak_rho, 1)}",
                          text=f"слабая согласованность отметок по журналу и первичных баллов "
                               f"(ρ Спирмена {_num(rho, 2)}; пар с первичным баллом: {scored})",
                          pupils=with_score)
            quality_gap = float(row["q_journal"]) - float(row["q_test"])
            if quality_gap >= t.quality_gap:
                c.add("J1", Level.MEDIUM if enough else Level.INFO, unit, n=n,
                      value=f"{_num(quality_gap, 1)} п.п.",
                      threshold=f"≥ {_num(t.quality_gap, 0)} п.п.",
                      text=f"качество по журналу {_pct(float(row['q_journal']))}, по работе "
                           f"{_pct(float(row['q_test']))} у тех же {n} учеников"
                           f"{_small(n, t.min_pairs)}",
                      pupils=members.loc[(members["journal"] >= 4) & (members["test"] < 4),
                                         "pupil"])


def _check_teachers(c: _Collector, pairs: pd.DataFrame) -> bool:
    """O11: per teacher × class, «понизили» against the school's median for the subject."""
    t = c.t
    with_teacher = pairs[pairs["teacher"].astype(str) != ""]
    if with_teacher.empty:
        return False
    table = _shares(pairs, _CLASS_KEY, t.min_pairs)
    table = table[table["pairs"] >= t.min_pairs]
    # The school's median over its classes of the same year, procedure and subject: the same
    # number whichever years are loaded (the page shows one year, the CLI reads any files).
    medians = table.groupby(["school", "year", "procedure", "subject"])["lowered"].median()
    for _, row in table[table["teacher"].astype(str) != ""].iterrows():
        median = float(medians[(row["school"], row["year"], row["procedure"], row["subject"])])
        if row["lowered"] >= median + t.teacher_excess:
            unit = _unit(row)
            c.add("O11", Level.MEDIUM, unit, n=int(row["pairs"]), value=_pct(row["lowered"]),
                  threshold=f"≥ медиана школы {_pct(median)} + {_num(t.teacher_excess, 0)} п.п.",
                  text=f"зона методического внимания: «понизили» {_pct(row['lowered'])} при "
                       f"медиане школы по предмету {_pct(median)} ({int(row['pairs'])} пар); "
                       f"это повод для методической поддержки, а не оценка работы учителя")
    return True


def _work_key(year: object, subject: object, grade: object) -> tuple[str, str, int]:
    """A hashable key of a work (a missing grade is −1: NaN never equals itself)."""
    return str(year), str(subject), -1 if pd.isna(grade) else int(grade)  # type: ignore[call-overload]


def _check_peaks(c: _Collector, written: pd.DataFrame, scales: Sequence[Scale]) -> set[str]:
    """O4 per class, per parallel of a school and over all schools of a dump."""
    t = c.t
    missing: set[str] = set()
    vpr = written[written["procedure"].map(procedure_kind) == ProcedureKind.VPR]
    if vpr.empty:
        return missing
    vpr = vpr.assign(_score=vpr["primary_score"].round().astype(int))
    # One set of boundaries per work (a year's subject and parallel), shared by its units.
    bounds = {_work_key(*cast("tuple[Any, Any, Any]", key)): boundaries(work, scales)
              for key, work in vpr.groupby(["year", "subject", "grade"], dropna=False,
                                           sort=False)}
    units: list[tuple[list[str], str]] = [
        (["school", "year", "procedure", "grade", "class_label", "subject"], "class"),
        (["school", "year", "procedure", "grade", "subject"], "parallel"),
        (["year", "procedure", "grade", "subject"], "all")]
    for keys, kind in units:
        bins = vpr.groupby([*keys, "_score"], dropna=False).size()
        for raw_key, group in vpr.groupby(keys, dropna=False, sort=True):
            key = cast("tuple[Any, ...]", raw_key)
            values: dict[str, Any] = dict(zip(keys, key, strict=True))
            if kind == "parallel" and group["class_label"].nunique() < 2:
                continue
            if kind == "all" and group["school"].nunique() < 2:
                continue
            found = bounds.get(_work_key(values["year"], values["subject"], values["grade"]))
            if found is None:
                grade = values["grade"]
                where = "параллель не указана" if pd.isna(grade) else f"{int(grade)} кл."
                missing.add(f"{values['subject']}, {where}, {values['year']}")
                continue
            n = len(group)
            try:
                counts = cast("pd.Series", bins.loc[key])
            except KeyError:  # a missing grade: NaN keys do not look up
                continue
            unit = {"school": str(values.get("school", "")), "year": str(values["year"]),
                    "procedure": str(values["procedure"]),
                    "class_label": str(values.get("class_label", "")),
                    "subject": str(values["subject"]), "teacher": ""}
            if kind == "parallel":
                unit["class_label"] = parallel_label(values["grade"])
            elif kind == "all":
                unit["school"] = f"{ALL_SCHOOLS} ({group['school'].nunique()})"
                unit["class_label"] = parallel_label(values["grade"]) + ", все школы"
            for mark in (3, 4):
                if mark not in found.minimum:
                    continue
                b = found.minimum[mark]
                at = int(counts.get(b, 0))
                mean = (int(counts.get(b - 1, 0)) + int(counts.get(b - 2, 0))) / 2
                ratio = at / mean if mean else (math.inf if at else 0.0)
                if ratio >= t.peak_ratio and at >= t.peak_min_count:
                    level = Level.MEDIUM if n >= t.peak_min_n else Level.INFO
                    if n < t.peak_min_n:
                        note = _small(n, t.peak_min_n)
                    elif n < t.peak_informative_n:
                        note = (f"; распределение по {n} участникам приблизительное "
                                f"(информативно от {t.peak_informative_n})")
                    else:
                        note = ""
                    # Pupil codes repeat across schools: list pupils only within one school.
                    pupils = () if kind == "all" else group.loc[group["_score"] == b, "pupil"]
                    c.add("O4", level, unit, n=n, value=f"×{_num(ratio, 1)}",
                          threshold=f"≥ ×{_num(t.peak_ratio, 0)} и ≥ {t.peak_min_count} чел.",
                          text=f"у минимального балла отметки «{mark}» ({b}) {at} уч., в среднем "
                               f"у {b - 2} и {b - 1} баллов {_num(mean, 1)}{note}; {found.source}",
                          pupils=pupils)
    return missing


def _signed(value: float) -> str:
    return f"{'+' if value > 0 else ''}{_num(value, 1)} п.п."


def _against_reference(c: _Collector, unit: dict[str, str], group: pd.DataFrame,
                       ref: dict[str, Any]) -> None:
    """O5 with reference task %: the class is above the reference on П/В tasks and below it on
    Б tasks (METHODOLOGY §5.5 O5; mean differences over the tasks of each kind)."""
    per_task = group.groupby(["task", "hard"]).agg(done=("score", "sum"),
                                                  top=("max_score", "sum")).reset_index()
    per_task["pct"] = 100 * per_task["done"] / per_task["top"]
    per_task["ref"] = per_task["task"].map(ref["task_completion"])
    per_task = per_task[per_task["ref"].notna() & per_task["pct"].notna()]
    diff = per_task["pct"] - per_task["ref"]
    hard, easy = diff[per_task["hard"]], diff[~per_task["hard"]]
    if hard.empty or easy.empty:
        return
    n = group["row_id"].nunique()
    if hard.mean() > 0 > easy.mean():
        c.add("O5", Level.MEDIUM if n >= c.t.min_group else Level.INFO, unit, n=n,
              value=f"П {_signed(hard.mean())}, Б {_signed(easy.mean())}",
              threshold=f"к {ref['level']}: П выше, Б ниже",
              text=f"задания повышенного уровня выполнены лучше, чем в среднем "
                   f"({ref['level']}), в среднем на {_signed(hard.mean())}, а базового — хуже, "
                   f"на {_signed(easy.mean())}{_small(n, c.t.min_group)}")


def _check_task_levels(c: _Collector, scores: pd.DataFrame) -> bool:
    """O5: П/В tasks done better than Б tasks in a class; with reference task % — better than
    the reference on П/В and worse on Б."""
    known = scores[scores["level"].isin(["Б", "П", "В"])]
    if known.empty:
        return False
    known = known.assign(hard=known["level"] != "Б")
    keys = ["school", "year", "procedure", "grade", "class_label", "subject", "teacher"]
    for key, group in known.groupby(keys, dropna=False, sort=True):
        n = group["row_id"].nunique()
        easy = group[~group["hard"]]
        hard = group[group["hard"]]
        if easy.empty or hard.empty:
            continue
        values = dict(zip(keys, key, strict=True))
        ref = c.reference(values["year"], values["procedure"], values["subject"],
                          values["grade"], "task_completion")
        if ref is not None:
            _against_reference(c, {k: str(v) for k, v in values.items()}, group, ref)
            continue
        easy_pct = 100 * easy["score"].fillna(0).sum() / easy["max_score"].sum()
        hard_pct = 100 * hard["score"].fillna(0).sum() / hard["max_score"].sum()
        if hard_pct > easy_pct:
            unit = dict(zip(keys, (str(v) for v in key), strict=True))
            c.add("O5", Level.MEDIUM if n >= c.t.min_group else Level.INFO, unit, n=n,
                  value=f"П {_pct(hard_pct)} > Б {_pct(easy_pct)}",
                  threshold="выполнение П > Б",
                  text=f"задания повышенного уровня выполнены лучше ({_pct(hard_pct)}), чем "
                       f"базового ({_pct(easy_pct)}){_small(n, c.t.min_group)}")
    return True


def _check_crossings(c: _Collector, scores: pd.DataFrame) -> None:
    """O6: a lower-mark group beats a higher-mark group on a task by more than the margin."""
    t = c.t
    marked = scores[scores["mark"].isin(MARKS)]
    if marked.empty:
        return
    keys = ["school", "year", "procedure", "grade", "subject"]
    per = marked.groupby([*keys, "mark", "position", "task"], dropna=False, sort=True).agg(
        done=("score", "sum"), top=("max_score", "sum"))
    per["pct"] = 100 * per["done"] / per["top"]
    sizes = marked.groupby([*keys, "mark"], dropna=False)["row_id"].nunique()
    pupils = marked.groupby(keys, dropna=False)["row_id"].nunique()
    big = sizes[sizes >= t.min_group].reset_index()
    units = big.groupby(keys, dropna=False)["mark"].apply(list)
    pct = per["pct"]
    for raw_key, marks in units.items():
        key = cast("tuple[Any, ...]", raw_key)
        if len(marks) < 2:
            continue
        crossings: list[str] = []
        ordered = sorted(marks)
        for low, high in itertools.pairwise(ordered):
            a = pct.loc[(*key, low)]
            b = pct.loc[(*key, high)]
            diff = (a - b).dropna()
            for (_pos, task), d in diff[diff > t.crossing_margin].items():
                crossings.append(f"задание {task}: «{low}» выше «{high}» на {_num(d, 1)} п.п.")
        if crossings:
            unit = dict(zip(keys, (str(v) for v in key), strict=True))
            unit["class_label"] = parallel_label(unit.pop("grade"))
            c.add("O6", Level.MEDIUM, unit, n=int(pupils.loc[key]),
                  value=f"{len(crossings)} пересеч.",
                  threshold=f"> {_num(t.crossing_margin, 0)} п.п., группы от {t.min_group} чел.",
                  text="; ".join(crossings[:8]) + (" …" if len(crossings) > 8 else ""))


_GENITIVE = {"регион": "региона", "муниципалитет": "муниципалитета", "РФ": "РФ"}


def _check_inflated_mean(c: _Collector, written: pd.DataFrame) -> tuple[bool, str]:
    """O7: a school's 95 % CI of the mean primary score entirely above the reference CI: the
    reference row's (region, else municipality, else RF: mean ± t·SD/√n), else that of all
    loaded schools. Returns whether it ran and on what."""
    t = c.t
    ran: set[str] = set()
    vpr = written[written["procedure"].map(procedure_kind) == ProcedureKind.VPR]
    for key, group in vpr.groupby(["year", "procedure", "grade", "subject"], dropna=False):
        year, procedure, grade, subject = key
        ref = c.reference(year, procedure, subject, grade, "mean_score", "sd", "participants")
        if ref is not None and int(ref["participants"]) > 0:
            ran.add(str(ref["level"]))
            ref_mean, ref_n = float(ref["mean_score"]), int(ref["participants"])
            ref_high = ref_mean + t.t_value * float(ref["sd"]) / math.sqrt(ref_n)
            whose = _GENITIVE.get(str(ref["level"]), str(ref["level"]))
            against = whose
        elif group["school"].nunique() >= 2:
            ran.add("")
            scores = group["primary_score"].astype(float)
            ref_mean, ref_sd, ref_n = scores.mean(), scores.std(ddof=1), len(scores)
            ref_high = ref_mean + t.t_value * ref_sd / math.sqrt(ref_n)
            whose = "всех школ"
            against = f"всех {group['school'].nunique()} школ"
        else:
            continue
        stats = group.groupby("school")["primary_score"].agg(["mean", "std", "size"])
        stats = stats[stats["size"] >= t.min_pairs]
        low = stats["mean"] - t.t_value * stats["std"] / np.sqrt(stats["size"])
        for school in stats.index[low > ref_high]:
            row = stats.loc[school]
            unit = {"school": str(school), "year": str(year), "procedure": str(procedure),
                    "class_label": parallel_label(grade), "subject": str(subject),
                    "teacher": ""}
            c.add("O7", Level.HIGH, unit, n=int(row["size"]),
                  value=f"нижняя граница {_num(float(low[school]), 2)}",
                  threshold=f"> верхней границы {whose} {_num(ref_high, 2)}",
                  text=f"средний первичный балл {_num(float(row['mean']), 2)}: его 95-процентный "
                       f"интервал целиком выше интервала {against} "
                       f"(среднее {_num(ref_mean, 2)}, n = {ref_n})")
    levels = sorted(level for level in ran if level)
    if levels:
        reason = "по справочным данным (" + ", ".join(levels) + ")" + (
            " и среди загруженных школ" if "" in ran else "")
    elif ran:
        reason = "среди загруженных школ"
    else:
        reason = ("нужны результаты нескольких школ или справочные данные "
                  "муниципалитета/региона/РФ (средний балл, SD, участников)")
    return bool(ran), reason


def _poisson_tail(observed: int, expected: float) -> float:
    """P(X ≥ observed) for X ~ Poisson(expected)."""
    if observed <= 0:
        return 1.0
    term = math.exp(-expected)
    below = term
    for k in range(1, observed):
        term *= expected / k
        below += term
    return max(0.0, 1.0 - below)


def _check_profiles(c: _Collector, scores: pd.DataFrame) -> bool:
    """O13: identical per-task score vectors in a class against the number the class's task
    difficulties make likely (independent pupils: P(two equal) = Π over tasks of Σ p²).
    All-zero and all-full vectors are not counted: they say nothing about copying."""
    t = c.t
    if scores.empty:
        return False
    keys = ["school", "year", "procedure", "grade", "class_label", "subject", "teacher"]
    wide = scores.pivot_table(index="row_id", columns="position", values="score",
                              aggfunc="first")
    top = scores.pivot_table(index="row_id", columns="position", values="max_score",
                             aggfunc="first")
    first = scores.drop_duplicates("row_id").set_index("row_id")
    for raw_key, rows in first.groupby(keys, dropna=False, sort=True).groups.items():
        key = cast("tuple[Any, ...]", raw_key)
        if len(rows) < t.min_group:
            continue
        block = wide.loc[rows]
        block = block.loc[:, block.notna().any()]
        if block.shape[1] < 3:
            continue
        values = block.fillna(0).to_numpy()
        n = len(values)
        match = 1.0
        for column in values.T:
            _, counts = np.unique(column, return_counts=True)
            match *= float(((counts / n) ** 2).sum())
        expected = n * (n - 1) / 2 * match
        maxima = top.loc[rows, block.columns].max().to_numpy()
        uniques, inverse, counts = np.unique(values, axis=0, return_inverse=True,
                                             return_counts=True)
        shared = [i for i, k in enumerate(counts) if k > 1
                  and uniques[i].any() and not np.array_equal(uniques[i], maxima)]
        observed = int(sum(counts[i] * (counts[i] - 1) // 2 for i in shared))
        if not observed:
            continue
        chance = _poisson_tail(observed, expected)
        biggest = int(max(counts[i] for i in shared))
        if (chance < t.copy_probability and observed - expected >= t.copy_min_excess
                and biggest >= t.copy_min_group):
            unit = dict(zip(keys, (str(v) for v in key), strict=True))
            names = first.loc[rows, "pupil"].to_numpy()
            members = [str(names[j]) for i in shared for j in np.flatnonzero(inverse.ravel() == i)]
            c.add("O13", Level.MEDIUM, unit, n=n, value=f"пар: {observed} (ожидалось "
                  f"{_num(expected, 2)})", threshold=f"вероятность < {_num(t.copy_probability, 2)}"
                  f" и ≥ {t.copy_min_excess} лишних пар",
                  text=f"пар учеников с одинаковыми баллами по всем {block.shape[1]} заданиям: "
                       f"{observed} при ожидаемых {_num(expected, 2)} (вероятность "
                       f"{_probability(chance)}); крупнейшая группа одинаковых ответов — {biggest} уч.",
                  pupils=members)
    return True


def _probability(p: float) -> str:
    return "меньше 0,0001" if p < 1e-4 else _num(p, 4)


# O8 ------------------------------------------------------------------------------------------


def _completion(written: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = written[written["max_score"] > 0]
    frame = frame.assign(_pct=100 * frame["primary_score"] / frame["max_score"],
                         _grade=frame["grade"].astype(float))
    return frame.groupby([*keys, "_grade"], dropna=True).agg(
        S=("_pct", "mean"), n=("_pct", "size")).reset_index()


def _check_cohorts(c: _Collector, written: pd.DataFrame) -> tuple[bool, str]:
    """O8: the same cohort's mean % completion in adjacent years (grade N in Y, N+1 in Y+1),
    per school parallel and per class of the same letter (5А → 6А). K = S(N, Y) / S(N+1, Y+1)
    outside Q1 − 3·IQR … Q3 + 3·IQR when there are ≥ 20 units; otherwise |ΔS| > 15 п.п."""
    t = c.t
    vpr = written[written["procedure"].map(procedure_kind) == ProcedureKind.VPR]
    if vpr.empty or vpr["year"].nunique() < 2:
        return False, "нужны ВПР одного предмета в двух соседних годах (одна когорта)"
    vpr = vpr.assign(_letter=vpr["class_label"].str.replace(r"^\d+\s*", "", regex=True))
    units = 0
    for keys, kind in ((["school", "year", "subject"], "parallel"),
                       (["school", "year", "subject", "_letter"], "class")):
        table = _completion(vpr if kind == "parallel" else vpr[vpr["_letter"] != ""], keys)
        table = table[table["n"] >= t.min_pairs]
        later = table.assign(year_next=table["year"], year=table["year"].map(previous_year),
                             _grade=table["_grade"] - 1)
        pairs = table.merge(later, on=[*keys, "_grade"], suffixes=("", "_next"))
        if pairs.empty:
            continue
        units += len(pairs)
        pairs["K"] = pairs["S"] / pairs["S_next"]
        fenced = len(pairs) >= 20
        if fenced:
            q1, q3 = pairs["K"].quantile(0.25), pairs["K"].quantile(0.75)
            low, high = q1 - 3 * (q3 - q1), q3 + 3 * (q3 - q1)
        for _, row in pairs.iterrows():
            delta = float(row["S_next"] - row["S"])
            if fenced:
                hit = not (low <= row["K"] <= high)
                rule = f"K вне [{_num(float(low), 2)}; {_num(float(high), 2)}] (квартили ± 3·IQR)"
            else:
                hit = abs(delta) > 15
                rule = "|Δ| > 15 п.п. (единиц меньше 20)"
            if not hit:
                continue
            grade = int(row["_grade"])
            letter = str(row.get("_letter", ""))
            unit = {"school": str(row["school"]), "year": str(row["year_next"]),
                    "procedure": "ВПР", "subject": str(row["subject"]), "teacher": "",
                    "class_label": (f"{grade}{letter} → {grade + 1}{letter}" if kind == "class"
                                    else f"{parallel_label(grade)} → {grade + 1}")}
            direction = "рост" if delta > 0 else "падение"
            c.add("O8", Level.MEDIUM, unit, n=int(min(row["n"], row["n_next"])),
                  value=f"{_num(delta, 1)} п.п. (K = {_num(float(row['K']), 2)})", threshold=rule,
                  text=f"{direction} среднего выполнения той же когорты: {_pct(float(row['S']))} "
                       f"в {grade} кл. ({row['year']}, n = {int(row['n'])}) → "
                       f"{_pct(float(row['S_next']))} в {grade + 1} кл. ({row['year_next']}, "
                       f"n = {int(row['n_next'])}); состав класса мог измениться")
    if not units:
        return False, "нет ВПР одного предмета у одной когорты в соседних годах"
    return True, f"сравнений когорт: {units}"


# J3, J5 --------------------------------------------------------------------------------------


def _term_marks(results: pd.DataFrame) -> pd.DataFrame:
    return results[(results["procedure"].map(procedure_kind) == ProcedureKind.TERM)
                   & results["mark"].isin(MARKS)]


def _check_five_share(c: _Collector, results: pd.DataFrame) -> tuple[bool, str]:
    """J3: the share of «5» among a class's term marks is more than twice the median of its
    parallel (same school, year, period and subject)."""
    t = c.t
    term = _term_marks(results)
    if term.empty:
        return False, "нет отметок за периоды"
    # The year's marks of a subject when it has any (one finding per class and subject, not
    # one per quarter); otherwise every period of that subject.
    is_year = term["period"].str.lower() == "год"
    has_year = is_year.groupby([term["school"], term["year"], term["subject"]]).transform("any")
    term = term[~has_year | is_year]
    term = term.assign(_grade=term["class_label"].map(grade_of), _five=term["mark"] == "5")
    keys = ["school", "year", "period", "subject", "_grade"]
    classes = term.groupby([*keys, "class_label", "teacher"], dropna=False).agg(
        n=("_five", "size"), five=("_five", "mean")).reset_index()
    classes = classes[classes["n"] >= t.min_pairs]
    counted = classes.groupby(keys, dropna=False)["class_label"].transform("nunique")
    classes = classes[counted >= 2]
    if classes.empty:
        return False, "в параллелях меньше двух классов с отметками"
    median = classes.groupby(keys, dropna=False)["five"].transform("median")
    flagged = classes[(median > 0) & (classes["five"] > 2 * median)]
    for (_, row), m in zip(flagged.iterrows(), median[flagged.index], strict=True):
        # A few «5» against a near-zero median is noise: below +15 п.п. it only informs.
        level = Level.MEDIUM if 100 * (row["five"] - m) >= 15 else Level.INFO
        unit = {"school": str(row["school"]), "year": str(row["year"]),
                "procedure": f"Отметки за период ({row['period']})",
                "class_label": str(row["class_label"]), "subject": str(row["subject"]),
                "teacher": str(row["teacher"] or "")}
        c.add("J3", level, unit, n=int(row["n"]), value=_pct(100 * float(row["five"])),
              threshold=f"> 2 × медиана параллели ({_pct(100 * float(m))})",
              text=f"доля «5» {_pct(100 * float(row['five']))} при медиане параллели "
                   f"{_pct(100 * float(m))}")
    return True, "по отметкам за периоды"


def _check_participation(c: _Collector, results: pd.DataFrame, written: pd.DataFrame
                         ) -> tuple[bool, str]:
    """J5: pupils of a class (from its term marks that year) against the ВПР participants of
    the class; absent share above 10 %."""
    vpr = written[written["procedure"].map(procedure_kind) == ProcedureKind.VPR]
    term = _term_marks(results)
    if vpr.empty or term.empty:
        return False, "нужны и ВПР, и отметки за периоды тех же классов (численность класса)"
    enrolled = term.groupby(["school", "year", "class_label"])["pupil"].nunique()
    took = vpr.groupby(["school", "year", "class_label", "subject"])["pupil"].nunique()
    ran = False
    for key, n in took.items():
        school, year, class_label, subject = cast("tuple[str, str, str, str]", key)
        size = enrolled.get((school, year, class_label))
        if size is None or size < c.t.min_pairs:
            continue
        ran = True
        absent = 100 * (1 - min(n, size) / size)
        if absent > 10:
            unit = {"school": str(school), "year": str(year), "procedure": "ВПР",
                    "class_label": str(class_label), "subject": str(subject), "teacher": ""}
            c.add("J5", Level.MEDIUM, unit, n=int(size), value=_pct(absent),
                  threshold="> 10 % не писали",
                  text=f"работу писали {int(n)} из {int(size)} учеников класса (по отметкам за "
                       f"периоды); высокая доля отсутствующих может менять результат")
    return ran, ("по численности классов из отметок за периоды" if ran
                 else "классы ВПР не найдены среди классов с отметками за периоды")


# O10 -----------------------------------------------------------------------------------------


def term_pairs(results: pd.DataFrame) -> pd.DataFrame:
    """Term marks 2–5 with a positive own average (weighted when > 0, else plain): columns of
    the result plus ``base``, ``expected`` (round half up) and ``side`` (above/equal/below)."""
    term = results[(results["procedure"].map(procedure_kind) == ProcedureKind.TERM)
                   & results["mark"].isin(MARKS)]
    weighted = pd.to_numeric(term["weighted_average"], errors="coerce")
    plain = pd.to_numeric(term["average"], errors="coerce")
    base = weighted.where(weighted > 0, plain)
    frame = term.assign(base=base)
    frame = frame[frame["base"] > 0].copy()
    frame["expected"] = np.floor(frame["base"] + 0.5).astype(int)
    marks = frame["mark"].astype(int)
    frame["side"] = np.where(marks > frame["expected"], "above",
                             np.where(marks < frame["expected"], "below", "equal"))
    return frame.reset_index(drop=True)


def _check_term_marks(c: _Collector, results: pd.DataFrame) -> bool:
    t = c.t
    frame = term_pairs(results)
    if frame.empty:
        return False
    keys = ["school", "year", "class_label", "subject", "teacher"]
    for key, group in frame.groupby(keys, dropna=False, sort=True):
        n = len(group)
        unit = dict(zip(keys, (str(v) for v in key), strict=True))
        unit["procedure"] = "Отметки за период"
        for side, word in (("above", "выше"), ("below", "ниже")):
            share = 100 * float((group["side"] == side).sum()) / n
            if share < t.term_share:
                continue
            marks = group["mark"].astype(int)
            if side == "above":
                odd = group[(marks == 3) & (group["base"] < 2.5)]
                extra = f"; «3» при среднем ниже 2,5: {len(odd)}"
            else:
                odd = group[(marks == 2) & (group["base"] >= 2.5)]
                extra = f"; «2» при среднем 2,5 и выше: {len(odd)}"
            members = group[group["side"] == side]
            c.add("O10", Level.MEDIUM if n >= t.term_min_pairs else Level.INFO, unit, n=n,
                  value=_pct(share), threshold=f"≥ {_num(t.term_share, 0)} %",
                  text=f"{_pct(share)} отметок за период {word} округлённого собственного "
                       f"среднего балла ученика ({n} пар){extra}{_small(n, t.term_min_pairs)}",
                  pupils=(members["pupil"] + " (" + members["period"] + ")"))
    return True


# --------------------------------------------------------------------------------------------


def run_checks(results: pd.DataFrame, tasks: pd.DataFrame, *,
               thresholds: Thresholds | None = None, scales: Sequence[Scale] = (),
               catalog: pd.DataFrame | None = None,
               reference: pd.DataFrame | None = None,
               lessons: pd.DataFrame | None = None) -> Report:
    """All objectivity checks over canonical results and tasks (already scoped); ``catalog``:
    the ВПР work descriptions, which give task levels (O5) and maxima; ``reference``: reference
    rows (core.model ``reference``: region, municipality, RF), which move the O1 threshold to
    the reference + ``reference_margin``, compare task completion with the reference (O5) and
    give O7 its reference interval even for one school."""
    t = thresholds or Thresholds()
    c = _Collector(t, references=_reference_index(reference))
    statuses: list[CheckStatus] = []

    def status(code: str, computed: bool, reason: str) -> None:
        statuses.append(CheckStatus(code, computed, reason))

    pairs = pairs_frame(results)
    written = independent_results(results)
    written = written[written["primary_score"].notna()]
    scores = task_scores(results, tasks, catalog)
    if pairs.empty:
        reason = "нет пар «отметка за работу — отметка по журналу» (2–5)"
        for code in ("O1", "O2", "O3", "O9", "J1", "O11"):
            status(code, False, reason)
    else:
        _check_pairs(c, pairs)
        kinds = set(pairs["procedure"].map(procedure_kind))
        status("O1", bool(kinds - {ProcedureKind.OGE}), "по парам «отметка за работу — отметка по журналу»")
        status("O2", True, "по парам «отметка за работу — отметка по журналу»")
        status("O3", bool(pairs["primary_score"].notna().any()),
               "по парам с первичным баллом" if pairs["primary_score"].notna().any()
               else "нет первичных баллов")
        status("O9", ProcedureKind.OGE in kinds,
               "по протоколам ОГЭ и годовым отметкам" if ProcedureKind.OGE in kinds
               else "нет пар «ОГЭ — годовая отметка»: нужны протокол ОГЭ и годовые отметки тех "
                    "же учеников (по имени) или отметка в протоколе")
        status("J1", True, "по парам «отметка за работу — отметка по журналу»")
        status("O11", _check_teachers(c, pairs),
               "по нагрузке учителей" if (pairs["teacher"].astype(str) != "").any()
               else "не загружена нагрузка учителей: учитель класса неизвестен")
    missing = _check_peaks(c, written, scales) if not written.empty else set()
    if written.empty:
        status("O4", False, "нет первичных баллов")
    else:
        status("O4", True, "нет шкалы: " + "; ".join(sorted(missing)) if missing else
               "по шкалам перевода баллов или отметкам из файла")
    status("O5", _check_task_levels(c, scores),
           "по уровням заданий Б/П/В" if scores["level"].isin(["Б", "П", "В"]).any()
           else "в файлах нет уровней заданий (Б/П/В): загрузите описание работы (ALL.xlsx) "
                "или отчёт ФИС ОКО с уровнями")
    if scores.empty:
        status("O6", False, "нет баллов по заданиям")
        status("O13", False, "нет баллов по заданиям")
    else:
        _check_crossings(c, scores)
        status("O6", True, "по баллам за задания и отметкам")
        status("O13", _check_profiles(c, scores), "по баллам за задания")
    status("O7", *_check_inflated_mean(c, written))
    status("O8", *_check_cohorts(c, written))
    status("J3", *_check_five_share(c, results))
    status("J5", *_check_participation(c, results, written))
    def add(code: str, level: str, unit: dict[str, str], **found: Any) -> None:
        c.add(code, Level(level), unit, **found)

    status("J2", *check_term_jumps(add, results, written, min_n=t.min_pairs))
    status("J4", *check_journal_filling(add, lessons if lessons is not None else
                                        empty_frame(TABLES["lessons"].columns), results))
    status("O10", _check_term_marks(c, results),
           "по отметкам за период и средним баллам" if not term_pairs(results).empty
           else "нет отметок за период со средним баллом (табель «Сетевого города»)")
    status("O12", True, "замечания к данным показываются при загрузке файла")
    findings = sorted(c.findings, key=lambda f: (
        LEVEL_ORDER[f.level], f.school, f.year, f.procedure, f.subject, f.class_label, f.code))
    return Report(tuple(findings), tuple(statuses))


def term_shares(results: pd.DataFrame) -> pd.DataFrame:
    """O10 per class × subject (teacher) of a year: pairs n and % of term marks above, equal to
    and below the pupil's own rounded average."""
    frame = term_pairs(results)
    keys = ["school", "year", "class_label", "subject", "teacher"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "n", "above", "equal", "below"])
    out = frame.groupby(keys, dropna=False, sort=True)["side"].agg(
        n="size", above=lambda s: 100 * float((s == "above").mean()),
        equal=lambda s: 100 * float((s == "equal").mean()),
        below=lambda s: 100 * float((s == "below").mean()))
    return out.reset_index()


def teacher_support(table: pd.DataFrame, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Methodical support view (O11): per teacher × class with enough pairs, «понизили» beside
    the school's median for the subject. No ranking and no composite score: rows are ordered
    by subject, year and class, and ``attention`` marks the «зона методического внимания»."""
    t = thresholds or Thresholds()
    rows = table[(~table["is_total"].astype(bool)) & (table["teacher"].astype(str) != "")
                 & (table["pairs"] >= t.min_pairs)]
    columns = ["school", "year", "procedure", "subject", "class_label", "teacher", "pairs",
               "lowered", "median", "attention"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    enough = table[(~table["is_total"].astype(bool)) & (table["pairs"] >= t.min_pairs)]
    medians = enough.groupby(["school", "year", "procedure", "subject"])["lowered"].median()
    out = rows.assign(median=[float(medians[key]) for key in zip(
        rows["school"], rows["year"], rows["procedure"], rows["subject"], strict=True)])
    out["attention"] = out["lowered"] >= out["median"] + t.teacher_excess
    out["_class"] = [_class_order(c, False) for c in out["class_label"]]
    out = out.sort_values(["school", "subject", "year", "_class"])
    return out[columns].reset_index(drop=True)
