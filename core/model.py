"""The canonical tables every reader produces and everything downstream trusts.

``results`` — one row per pupil × subject × (period of term marks | independent procedure):

=================  ===========================================================================
school             school name (may be empty until the user fills it)
year               academic year «2024/2025»
procedure          «Отметки за период», «ВПР», «ОГЭ», «ЕГЭ», the kind of a control work («Входная КР»,
                   «Рубежная КР», «Итоговая КР», «Контрольная работа», «Региональная ДР» …), free
                   text as written
period             «1 четверть» … «Год», «Итоговая» for term marks; «» for independent procedures
date               «дд.мм.гггг» of an independent procedure, or «»
class_label        canonical «8А»
grade              int or <NA>
pupil              name or participant code (codes keep leading zeros)
subject            canonical subject name
teacher            «Фамилия И.О.» or «»
mark               canonical token (core.tokens): «5»…«1», «н/а», «осв», «зач», «незач», «долг», «»
mark_scale         the scale a ВПР mark was derived by from the primary score (core.scales.Scale.label:
                   «ВПР 2022, Математика, 5 класс, традиционная (своя шкала, источник: …)»); «» when
                   the mark came from the file or none was derived
primary_score      float or NaN
max_score          float or NaN
journal_mark       «5»…«2» or «» (journal mark beside an independent result)
variant            text
gender             «м», «ж» or «»
average            NetSchool «Средний балл» (NaN when absent)
weighted_average   NetSchool «Ср. взв. балл» (NaN when absent)
row_id             int, unique within the parsed file; ``tasks.row_id`` refers to it
source_sheet       sheet the row came from
source_row         1-based spreadsheet row
=================  ===========================================================================

``tasks`` — per-task scores: row_id, task («1», «11.3», «10К1»), score (float; NaN when the cell
is empty or unreadable; 0 for ``X``/«не пройд.»), max_score (float or NaN), attempted (bool),
level («Б», «П», «В» when the file gives the task's difficulty, as the Ф1 report does; «» or NaN
otherwise), position (int: the task's order in its file, from 1).

``lessons`` — daily journal: school, year, class_label, pupil, subject, date, lesson_index, marks
(«3 4»), attendance («Н», «Б», «У», «О» or «»).

``teacher_load`` — school, year, class_label, subject, teacher, group, hours.

``destinations`` — school, graduation_year, class_label, pupil, direction, institution,
speciality, funding, matches_profile.

``task_catalog`` — what a ВПР work description (FORMATS §10, «Описание работы»: ALL.xlsx, with the
KS/KT code dictionaries) says of each task. No pupils, no school: it describes a work.

=========  ==================================================================================
year       the ВПР year as written in spring, «2021» (the description's year; «» until given)
subject    canonical subject name
grade      int (Int64), <NA> until given
part       «tasks» (a row per task, ALL.xlsx), «kt» (КТ dictionary, KT.xlsx: ``kt`` + its text
           in ``skill``) or «ks» (КЭС dictionary, KS.xlsx: ``kes`` + its text in ``skill``)
task       task number as the result files write it: «1», «5.1», «10К1» («» in a dictionary)
position   int: the task's order in the description, from 1 (0 in a dictionary)
max_score  float or NaN: the task's maximum
level      «Б», «П», «В» or «»
kes        КЭС codes of the task, «;»-joined in file order («1.6;2.3»)
kt         КТ codes of the task, «;»-joined in file order
skill      the task's «Умения, виды деятельности» text, or a dictionary entry's text
=========  ==================================================================================

``reference`` — reference rows of a work (FORMATS §9: ФИС ОКО «Аналитика» figures of the
municipality, the region or the RF), one row per (year, procedure, subject, grade, level). No
pupils, no school.

============  ===============================================================================
year          academic year «2024/2025»
procedure     «ВПР» (canonical procedure name)
subject       canonical subject name
grade         int (Int64), <NA> until given
level         «РФ», «регион» or «муниципалитет»
participants  int (Int64): participants of the work at that level
mean_score    float: mean primary score; ``sd`` its standard deviation
p2 … p5       float: % of marks «2» … «5»
lowered       float: % «понизили» (ВПР mark below the journal mark); ``confirmed``, ``raised``
tasks         text: per-task completion, «task=%» joined by «;» in task order («1=85.2;2=61»)
============  ===============================================================================

:data:`TABLES` describes every canonical table once (columns and their types). A
:class:`Dataset` holds one frame per table; it has the same columns whether it was read from
files (the CLI) or loaded from the store (the app) for a :class:`Scope`. :data:`RESULT_KEY` is
the one key of a result: the scope of a pupil's result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace

import pandas as pd

from core.dates import format_date, parse_date
from core.problems import Problem

__all__ = [
    "CATALOG_COLUMNS",
    "DESTINATION_COLUMNS",
    "LESSON_COLUMNS",
    "LOAD_COLUMNS",
    "PUPIL_KEY",
    "REFERENCE_COLUMNS",
    "REFERENCE_LEVELS",
    "RESULT_COLUMNS",
    "RESULT_KEY",
    "TABLES",
    "TASK_COLUMNS",
    "Dataset",
    "Metadata",
    "ParsedFile",
    "Scope",
    "TableSpec",
    "catalog_years",
    "empty_frame",
    "filter_catalog",
    "filter_reference",
    "filter_results",
    "normalise_table",
    "reference_tasks",
    "results_frame",
]


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its columns and their types (everything not listed is text)."""

    name: str
    columns: tuple[str, ...]
    floats: tuple[str, ...] = ()
    ints: tuple[str, ...] = ()  # nullable integers (pandas «Int64»)
    required_ints: tuple[str, ...] = ()  # never empty («int64»)
    booleans: tuple[str, ...] = ()  # plain bool
    nullable_booleans: tuple[str, ...] = ()  # pandas «boolean»

    @property
    def texts(self) -> tuple[str, ...]:
        typed = {*self.floats, *self.ints, *self.required_ints, *self.booleans,
                 *self.nullable_booleans}
        return tuple(c for c in self.columns if c not in typed)


_RESULTS = TableSpec(
    "results",
    ("school", "year", "procedure", "period", "date", "class_label", "grade", "pupil", "subject",
     "teacher", "mark", "mark_scale", "primary_score", "max_score", "journal_mark", "variant",
     "gender", "average", "weighted_average", "row_id", "source_sheet", "source_row"),
    floats=("primary_score", "max_score", "average", "weighted_average"),
    ints=("grade", "source_row"), required_ints=("row_id",))
_TASKS = TableSpec("tasks", ("row_id", "task", "score", "max_score", "attempted", "level",
                             "position"),
                   floats=("score", "max_score"), required_ints=("row_id", "position"),
                   booleans=("attempted",))
_LESSONS = TableSpec("lessons", ("school", "year", "class_label", "pupil", "subject", "date",
                                 "lesson_index", "marks", "attendance"),
                     required_ints=("lesson_index",))
_LOAD = TableSpec("teacher_load", ("school", "year", "class_label", "subject", "teacher", "group",
                                   "hours"), floats=("hours",))
_DESTINATIONS = TableSpec("destinations", (
    "school", "graduation_year", "class_label", "pupil", "direction", "institution", "speciality",
    "funding", "matches_profile"), ints=("graduation_year",),
    nullable_booleans=("matches_profile",))
_CATALOG = TableSpec("task_catalog", ("year", "subject", "grade", "part", "task", "position",
                                      "max_score", "level", "kes", "kt", "skill"),
                     floats=("max_score",), ints=("grade",), required_ints=("position",))
_REFERENCE = TableSpec("reference", (
    "year", "procedure", "subject", "grade", "level", "participants", "mean_score", "sd", "p2",
    "p3", "p4", "p5", "lowered", "confirmed", "raised", "tasks"),
    floats=("mean_score", "sd", "p2", "p3", "p4", "p5", "lowered", "confirmed", "raised"),
    ints=("grade", "participants"))
# Reference levels, the nearest first: a school is compared with its region when it can be.
REFERENCE_LEVELS = ("регион", "муниципалитет", "РФ")

# Every canonical table, in the order they are saved. A new table is one entry here, one field
# of Dataset/ParsedFile, and (in the store) one model with its registry entry.
TABLES: dict[str, TableSpec] = {t.name: t for t in (_RESULTS, _TASKS, _LESSONS, _LOAD,
                                                     _DESTINATIONS, _CATALOG, _REFERENCE)}

RESULT_COLUMNS = _RESULTS.columns
TASK_COLUMNS = _TASKS.columns
LESSON_COLUMNS = _LESSONS.columns
LOAD_COLUMNS = _LOAD.columns
DESTINATION_COLUMNS = _DESTINATIONS.columns
CATALOG_COLUMNS = _CATALOG.columns
REFERENCE_COLUMNS = _REFERENCE.columns

# The one key of a result: a pupil has at most one result per key and pupil (the readers refuse
# a repeat within a file; the store and the CLI refuse or replace one across files).
RESULT_KEY = ("school", "year", "procedure", "period", "date", "class_label", "subject")
PUPIL_KEY = (*RESULT_KEY, "pupil")


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def normalise_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with exactly the columns of table ``name`` in their canonical types (absent
    columns are added empty; the index is reset)."""
    spec = TABLES[name]
    out = frame.reindex(columns=list(spec.columns)).reset_index(drop=True)
    for col in spec.texts:
        values = out[col].astype(object)
        out[col] = values.where(values.notna(), "").astype(str)
    for col in spec.floats:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    for col in spec.ints:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    for col in spec.required_ints:
        out[col] = pd.to_numeric(out[col], errors="coerce").fillna(0).astype("int64")
    for col in spec.booleans:
        out[col] = out[col].fillna(False).astype(bool)
    for col in spec.nullable_booleans:
        out[col] = out[col].map(_bool_or_na).astype("boolean")
    return out


def _bool_or_na(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return pd.NA
    if isinstance(value, str):
        text = value.strip().lower()
        return {"true": True, "false": False, "да": True, "нет": False}.get(text, pd.NA)
    return bool(value)


def results_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Build a results table from dicts, filling absent columns and fixing dtypes."""
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    if frame["row_id"].isna().all():
        frame["row_id"] = range(len(frame))
    return normalise_table("results", frame)


@dataclass(frozen=True)
class Metadata:
    """What a file may lack and the user (or CLI options) supply. Empty = not given."""

    school: str = ""
    year: str = ""
    subject: str = ""
    grade: int | None = None
    procedure: str = ""
    period: str = ""
    date: str = ""


@dataclass(frozen=True)
class ParsedFile:
    """One uploaded file turned into canonical tables plus the problems met on the way."""

    file_name: str
    sha256: str
    layout: str  # stable code, e.g. «template», «netschool_tabel»
    layout_title: str  # Russian, for the review screen
    results: pd.DataFrame
    tasks: pd.DataFrame = field(default_factory=lambda: empty_frame(TASK_COLUMNS))
    lessons: pd.DataFrame = field(default_factory=lambda: empty_frame(LESSON_COLUMNS))
    teacher_load: pd.DataFrame = field(default_factory=lambda: empty_frame(LOAD_COLUMNS))
    destinations: pd.DataFrame = field(default_factory=lambda: empty_frame(DESTINATION_COLUMNS))
    task_catalog: pd.DataFrame = field(default_factory=lambda: empty_frame(CATALOG_COLUMNS))
    reference: pd.DataFrame = field(default_factory=lambda: empty_frame(REFERENCE_COLUMNS))
    problems: tuple[Problem, ...] = ()
    metadata: Metadata = Metadata()

    def with_problems(self, extra: list[Problem] | tuple[Problem, ...]) -> ParsedFile:
        return replace(self, problems=self.problems + tuple(extra))

    @property
    def row_count(self) -> int:
        return (len(self.results) + len(self.lessons) + len(self.teacher_load)
                + len(self.destinations) + len(self.task_catalog) + len(self.reference))


@dataclass(frozen=True)
class Scope:
    """Which part of the data an analysis (or a user) sees. Empty = all.

    ``periods`` matches a result's period or its date (a control work is chosen by its date);
    ``teachers`` matches the result's teacher or, where a result names none, the teacher load.
    """

    schools: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    teachers: tuple[str, ...] = ()

    @classmethod
    def of(cls, **values: str | Iterable[str] | None) -> Scope:
        """``Scope.of(year="2024/2025", subjects=["Алгебра"])``: singular names take one value,
        ``None`` or «» means all."""
        plural = {f.name for f in fields(cls)}
        out: dict[str, tuple[str, ...]] = {}
        for key, value in values.items():
            name = key if key in plural else ("classes" if key == "class_label" else key + "s")
            if name not in plural:
                raise TypeError(f"unknown scope field {key!r}")
            if value is None or value == "":
                continue
            out[name] = (value,) if isinstance(value, str) else tuple(value)
        return cls(**out)

    @property
    def is_all(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def identity_part(self) -> Scope:
        """Only what names a result's place in the key (school, year, procedure, class,
        subject): choosing which of a pupil's results counts (the latest) looks at no less."""
        return Scope(schools=self.schools, years=self.years, procedures=self.procedures,
                     classes=self.classes, subjects=self.subjects)


def _isin(frame: pd.DataFrame, column: str, values: Sequence[str]) -> pd.Series:
    return frame[column].isin(list(values))


def filter_results(results: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The rows of a results table inside ``scope`` (index reset)."""
    mask = pd.Series(True, index=results.index)
    for column, values in (("school", scope.schools), ("year", scope.years),
                           ("procedure", scope.procedures), ("class_label", scope.classes),
                           ("subject", scope.subjects)):
        if values:
            mask &= _isin(results, column, values)
    if scope.periods:
        # a date may be given as «16.9.2024» or «2024-09-16»: it means «16.09.2024»
        dates = [format_date(d) for d in (parse_date(p) for p in scope.periods) if d]
        mask &= _isin(results, "period", scope.periods) | _isin(results, "date", dates)
    if scope.teachers:
        wanted = set(scope.teachers)
        mask &= results["teacher"].map(lambda t: bool(wanted & set(str(t).split(", "))))
    return results[mask].reset_index(drop=True)


@dataclass(frozen=True)
class Dataset:
    """Every canonical table of one selection. Results carry their teacher, filled from the
    teacher load where the file named none (:func:`core.summary.fill_teachers`)."""

    results: pd.DataFrame = field(default_factory=lambda: normalise_table("results",
                                                                          empty_frame(())))
    tasks: pd.DataFrame = field(default_factory=lambda: normalise_table("tasks", empty_frame(())))
    lessons: pd.DataFrame = field(default_factory=lambda: normalise_table("lessons",
                                                                          empty_frame(())))
    teacher_load: pd.DataFrame = field(default_factory=lambda: normalise_table(
        "teacher_load", empty_frame(())))
    destinations: pd.DataFrame = field(default_factory=lambda: normalise_table(
        "destinations", empty_frame(())))
    task_catalog: pd.DataFrame = field(default_factory=lambda: normalise_table(
        "task_catalog", empty_frame(())))
    reference: pd.DataFrame = field(default_factory=lambda: normalise_table(
        "reference", empty_frame(())))

    @classmethod
    def of_tables(cls, **tables: pd.DataFrame) -> Dataset:
        """A dataset from frames in the canonical shape (each normalised to its table)."""
        return cls(**{name: normalise_table(name, tables.get(name, empty_frame(())))
                      for name in TABLES})

    def table(self, name: str) -> pd.DataFrame:
        frame: pd.DataFrame = getattr(self, name)
        return frame

    def filter(self, scope: Scope) -> Dataset:
        """The part of this dataset inside ``scope`` (the pandas twin of the store's SQL)."""
        if scope.is_all:
            return self
        results = filter_results(self.results, scope)
        tasks = self.tasks[self.tasks["row_id"].isin(set(results["row_id"]))]
        out = {"results": results, "tasks": tasks.reset_index(drop=True)}
        for name in ("lessons", "teacher_load"):
            frame = self.table(name)
            keep = pd.Series(True, index=frame.index)
            for column, values in (("school", scope.schools), ("class_label", scope.classes),
                                   ("subject", scope.subjects)):
                if values:
                    keep &= _isin(frame, column, values)
            if scope.years:  # a load row without a year applies to every year
                keep &= _isin(frame, "year", scope.years) | (frame["year"] == "")
            out[name] = frame[keep].reset_index(drop=True)
        dest = self.destinations
        out["destinations"] = (dest[_isin(dest, "school", scope.schools)].reset_index(drop=True)
                               if scope.schools else dest)
        out["task_catalog"] = filter_catalog(self.task_catalog, scope)
        out["reference"] = filter_reference(self.reference, scope)
        return replace(self, **out)


def catalog_years(years: Sequence[str]) -> list[str]:
    """The ВПР years («2025») of academic years («2024/2025»): a description is kept by the year
    its work was written in."""
    return [y.split("/")[-1].strip() for y in years if y.strip()]


def filter_catalog(catalog: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The work descriptions of the scope's years and subjects (they belong to no school or
    class, so nothing else narrows them)."""
    keep = pd.Series(True, index=catalog.index)
    if scope.years:
        keep &= _isin(catalog, "year", catalog_years(scope.years))
    if scope.subjects:
        keep &= _isin(catalog, "subject", scope.subjects)
    return catalog[keep].reset_index(drop=True)


def filter_reference(reference: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The reference rows of the scope's years, procedures and subjects (they belong to no
    school or class)."""
    keep = pd.Series(True, index=reference.index)
    for column, values in (("year", scope.years), ("procedure", scope.procedures),
                           ("subject", scope.subjects)):
        if values:
            keep &= _isin(reference, column, values)
    return reference[keep].reset_index(drop=True)


def reference_tasks(reference: pd.DataFrame) -> pd.DataFrame:
    """The per-task completion of reference rows, long: year, procedure, subject, grade, level,
    task, position (from 1), completion (%)."""
    rows: list[dict[str, object]] = []
    for rec in reference.to_dict("records"):
        for position, item in enumerate(str(rec["tasks"] or "").split(";"), start=1):
            task, _, value = item.partition("=")
            if not task.strip():
                continue
            rows.append({**{k: rec[k] for k in ("year", "procedure", "subject", "grade",
                                                  "level")},
                         "task": task.strip(), "position": position,
                         "completion": float(value) if value.strip() else float("nan")})
    return pd.DataFrame(rows, columns=["year", "procedure", "subject", "grade", "level", "task",
                                       "position", "completion"])
