"""ВПР task analysis (METHODOLOGY.md §4.4, ФИОКО 2026 §1, §5, §7): mark statistics, per-task
completion against the Б ≥ 60 % and П/В ≥ 30 % thresholds with their uncertainty zones, tasks by
mark group with crossings, and the primary-score histogram with the mark boundaries.

With a work description (core.model ``task_catalog``) the tasks get their levels and КТ codes,
and :func:`skill_deficits` finds the skills that are system deficits (ФИОКО 2026 §5).

Works on primary scores alone too: a protocol without a score → mark scale still gets its
completion, task analysis and histogram; only what needs marks is left out (and said so).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.model import REFERENCE_LEVELS, reference_tasks
from core.objectivity import MARKS, Boundaries, boundaries, histogram, independent_results
from core.scales import Scale
from core.thresholds import Thresholds

__all__ = [
    "MASTERY",
    "SKILL_COLUMNS",
    "Work",
    "mark_statistics",
    "skill_deficits",
    "task_by_mark_group",
    "task_completion",
    "work_catalog",
    "work_histogram",
    "work_reference",
    "work_reference_tasks",
    "works",
    "written_results",
]

# Status of a task's completion (ФИОКО 2026 §1, §5), in display order.
MASTERY = ("освоено", "зона неопределённости", "не освоено", "уровень не указан")


@dataclass(frozen=True)
class Work:
    """One written work: a year's ВПР (or control work) in one subject and parallel."""

    year: str
    procedure: str
    subject: str
    grade: int | None

    @property
    def label(self) -> str:
        grade = f", {self.grade} кл." if self.grade is not None else ""
        return f"{self.procedure} {self.year}, {self.subject}{grade}"


def works(results: pd.DataFrame) -> list[Work]:
    """Every independent work with primary scores: newest year first, ВПР before control works
    and exams, then by parallel and subject."""
    written = independent_results(results)
    written = written[written["primary_score"].notna()]
    keys = written[["year", "procedure", "subject", "grade"]].drop_duplicates()
    found = [Work(str(year), str(procedure), str(subject),
                  None if pd.isna(grade) else int(grade))
             for year, procedure, subject, grade in keys.itertuples(index=False, name=None)]
    newest = sorted({w.year for w in found}, reverse=True)
    return sorted(found, key=lambda w: (newest.index(w.year), w.procedure != "ВПР", w.procedure,
                                        w.grade or 0, w.subject))


def _of(frame: pd.DataFrame, work: Work) -> pd.DataFrame:
    mask = ((frame["year"] == work.year) & (frame["procedure"] == work.procedure)
            & (frame["subject"] == work.subject))
    if work.grade is None:
        mask &= frame["grade"].isna()
    else:
        mask &= frame["grade"] == work.grade
    return frame[mask]


def work_reference(reference: pd.DataFrame, work: Work) -> pd.DataFrame:
    """The reference rows (core.model ``reference``) of ``work``, the region first, then the
    municipality, then the RF."""
    if reference.empty:
        return reference.iloc[0:0]
    grade = pd.to_numeric(reference["grade"], errors="coerce")
    rows = reference[(reference["year"] == work.year) & (reference["procedure"] == work.procedure)
                     & (reference["subject"] == work.subject)
                     & (grade.isna() if work.grade is None else grade == work.grade)]
    order = rows["level"].map(lambda lv: REFERENCE_LEVELS.index(lv)
                              if lv in REFERENCE_LEVELS else len(REFERENCE_LEVELS))
    return rows.assign(_order=order).sort_values("_order", kind="stable").drop(
        columns="_order").reset_index(drop=True)


def work_reference_tasks(task_table: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """``task_completion`` rows (no ``by``) with one column per reference level that gives task
    completion, named by the level («регион», «РФ» …), NaN where the level lacks the task."""
    out = task_table.copy()
    long = reference_tasks(reference)
    for level in [lv for lv in reference["level"] if lv in set(long["level"])]:
        values = long[long["level"] == level].drop_duplicates("task").set_index("task")
        out[level] = out["task"].astype(str).map(values["completion"])
    return out


def work_catalog(catalog: pd.DataFrame, work: Work) -> pd.DataFrame:
    """The description rows (tasks and КТ/КЭС dictionaries) of a ВПР ``work``: its ВПР year
    («2025» of «2024/2025»), subject and grade; none for other procedures."""
    if work.procedure != "ВПР" or work.grade is None:
        return catalog.iloc[0:0]
    grade = pd.to_numeric(catalog["grade"], errors="coerce")
    return catalog[(catalog["year"] == work.year.split("/")[-1])
                   & (catalog["subject"] == work.subject) & (grade == work.grade)]


def written_results(results: pd.DataFrame, work: Work) -> pd.DataFrame:
    written = independent_results(results)
    return _of(written[written["primary_score"].notna()], work)


def mark_statistics(written: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per unit: participants, marks 2–5 (counts and %), mean mark, mean primary score and
    mean % of the maximum. Columns: the ``by`` keys, n, n2…n5, p2…p5, marked, mean_mark,
    mean_score, completion."""
    mark = pd.to_numeric(written["mark"].where(written["mark"].isin(MARKS)), errors="coerce")
    frame = written.assign(_mark=mark, _completion=100 * written["primary_score"]
                           / written["max_score"], _all="")
    frame = frame.assign(**{f"_is{m}": (mark == int(m)).astype(int) for m in MARKS})
    grouped = frame.groupby(by or ["_all"], dropna=False, sort=True)
    out = grouped.agg(n=("primary_score", "size"), marked=("_mark", "count"),
                      mean_mark=("_mark", "mean"), mean_score=("primary_score", "mean"),
                      completion=("_completion", "mean"),
                      **{f"n{m}": (f"_is{m}", "sum") for m in MARKS})
    for m in MARKS:
        out[f"p{m}"] = (100 * out[f"n{m}"] / out["marked"]).where(out["marked"] > 0)
    return out.reset_index(drop=not by)


def _status(completion: float, level: str, t: Thresholds) -> str:
    if pd.isna(completion) or level not in {"Б", "П", "В"}:
        return MASTERY[3]
    mastered, insufficient = ((t.basic_mastered, t.basic_insufficient) if level == "Б"
                              else (t.advanced_mastered, t.advanced_insufficient))
    if completion >= mastered:
        return MASTERY[0]
    if completion >= insufficient:
        return MASTERY[1]
    return MASTERY[2]


def task_completion(scores: pd.DataFrame, by: list[str], thresholds: Thresholds | None = None
                    ) -> pd.DataFrame:
    """Per unit and task: pupils, % completion (Σ points / Σ maxima), level and status.
    Columns: the ``by`` keys, position, task, level, pupils, completion, status."""
    t = thresholds or Thresholds()
    if scores.empty:
        return pd.DataFrame(columns=[*by, "position", "task", "level", "pupils", "completion",
                                     "status"])
    keys = [*by, "position", "task"]
    out = scores.assign(_score=scores["score"].fillna(0)).groupby(
        keys, dropna=False, sort=True).agg(
        level=("level", "first"), pupils=("row_id", "nunique"), done=("_score", "sum"),
        top=("max_score", "sum"))
    out["completion"] = 100 * out["done"] / out["top"]
    out = out.reset_index()
    out["level"] = out["level"].fillna("").astype(str)
    out["status"] = [_status(c, lv, t) for c, lv in zip(out["completion"], out["level"],
                                                         strict=True)]
    return out[[*keys[:-2], "position", "task", "level", "pupils", "completion", "status"]]


def task_by_mark_group(scores: pd.DataFrame, thresholds: Thresholds | None = None
                       ) -> pd.DataFrame:
    """% completion of each task by ВПР mark group (ФИОКО 2026 §7), with the group size and
    ``crossing`` = a lower-mark group ahead of the next higher one by more than the margin.
    Groups smaller than the minimum are kept, flagged ``small``."""
    t = thresholds or Thresholds()
    marked = scores[scores["mark"].isin(MARKS)]
    if marked.empty:
        return pd.DataFrame(columns=["mark", "position", "task", "pupils", "completion", "small",
                                     "crossing"])
    out = task_completion(marked, ["mark"], t)
    sizes = marked.groupby("mark")["row_id"].nunique()
    out["small"] = out["mark"].map(sizes) < t.min_group
    out = out.sort_values(["position", "mark"]).reset_index(drop=True)
    crossing = []
    for _, row in out.iterrows():
        higher = out[(out["position"] == row["position"]) & (out["mark"] > row["mark"])
                     & ~out["small"]]
        crossing.append(bool(not row["small"] and not higher.empty and (
            row["completion"] - higher["completion"].iloc[0] > t.crossing_margin)))
    out["crossing"] = crossing
    return out[["mark", "position", "task", "pupils", "completion", "small", "crossing"]]


def work_histogram(written: pd.DataFrame, scales: tuple[Scale, ...] | list[Scale] = ()
                   ) -> tuple[pd.DataFrame, Boundaries | None]:
    """Pupils per primary score (0…max) and the mark boundaries to draw, when known."""
    found = boundaries(written, scales)
    maximum = found.maximum if found is not None else None
    if maximum is None and written["max_score"].notna().any():
        maximum = float(written["max_score"].max())
    return histogram(written["primary_score"], maximum), found


SKILL_COLUMNS = ("kt", "skill", "tasks", "red", "task_list", "red_list", "deficit")


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def skill_deficits(task_table: pd.DataFrame, catalog_or_scores: pd.DataFrame,
                   thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Skills (КТ codes) that are system deficits: more than half of the skill's tasks are
    "red", completed below the insufficient threshold of their level (Б < 57 %, П/В < 28.5 %;
    METHODOLOGY §4.4, ФИОКО 2026 §5 p.19).

    ``task_table``: :func:`task_completion` of one unit (task, level, completion). A task's КТ
    codes («;»-joined) come from ``catalog_or_scores``: the work's ``task_catalog`` rows or the
    :func:`core.objectivity.task_scores` output with a catalog (columns task, kt); a task
    counts under each of its codes. The text of a code is its КТ dictionary entry (catalog rows
    of part «kt»), «» when none was uploaded. Tasks without a level or completion are not
    judged.

    Columns: kt, skill, tasks (judged tasks), red, task_list («1, 5.1»), red_list, deficit.
    Sorted by code."""
    t = thresholds or Thresholds()
    source = catalog_or_scores
    part = source["part"] if "part" in source.columns else pd.Series("tasks", index=source.index)
    codes = (source[(part == "tasks") & (source["kt"].astype(str) != "")]
             .drop_duplicates("task").set_index("task")["kt"].astype(str))
    texts = ({} if "part" not in source.columns else dict(
        source.loc[part == "kt", ["kt", "skill"]].drop_duplicates("kt").itertuples(
            index=False, name=None)))
    judged = task_table[task_table["level"].isin(["Б", "П", "В"])
                        & task_table["completion"].notna()]
    members: dict[str, list[tuple[str, bool]]] = {}
    for task, level, completion in judged[["task", "level", "completion"]].itertuples(
            index=False, name=None):
        red = _status(completion, level, t) == MASTERY[2]
        for code in str(codes.get(task, "")).split(";"):
            if code:
                members.setdefault(code, []).append((str(task), red))
    rows = [{"kt": code, "skill": str(texts.get(code, "")), "tasks": len(items),
             "red": sum(red for _task, red in items),
             "task_list": ", ".join(task for task, _red in items),
             "red_list": ", ".join(task for task, red in items if red),
             "deficit": 2 * sum(red for _task, red in items) > len(items)}
            for code, items in members.items()]
    rows.sort(key=lambda r: _code_order(str(r["kt"])))
    return pd.DataFrame(rows, columns=list(SKILL_COLUMNS))
