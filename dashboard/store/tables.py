"""Each canonical table of the core (core.model.TABLES) with its model, its writer and its reader.

A new canonical table is its model in ``dashboard/models.py`` and one :class:`StoredTable`
entry in :data:`STORED`: saving, deleting, counting per upload and loading a dataset go through
this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVarTuple, cast

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, insert, or_, select, text, tuple_
from sqlalchemy.orm import Mapped, aliased, class_mapper
from sqlmodel import Session, SQLModel, col, func

from core.dates import format_date, parse_date
from core.model import REFERENCE_COLUMNS, Scope, catalog_years
from core.names import PERIODS, grade_of, is_participant_code, procedure_kind
from dashboard.models import (
    AcademicYear,
    Destination,
    Lesson,
    Period,
    Procedure,
    Pupil,
    Reference,
    Result,
    School,
    SchoolClass,
    Subject,
    TaskCatalog,
    TaskScore,
    Teacher,
    TeacherLoad,
)

if TYPE_CHECKING:
    import psycopg

__all__ = ["CATALOG_FIELDS", "PERIOD", "STORED", "Ids", "StoredTable", "named_results",
           "result_conditions"]


def insert_ignoring_duplicates(session: Session, model: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect."""
    if session.connection().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert
        return postgresql_insert(model).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert
    return sqlite_insert(model).on_conflict_do_nothing()


class Ids:
    """Get-or-create of dimension rows inside one transaction, cached per value."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[str, Any], int] = {}

    def _get(self, model: Any, where: dict[str, Any], extra: dict[str, Any] | None = None) -> int:
        key = tuple(where.values())
        return self.many(model, tuple(where), {key}, lambda _k: extra or {})[key]

    def many(self, model: Any, columns: tuple[str, ...], keys: set[tuple[Any, ...]],
             extra: Callable[[tuple[Any, ...]], dict[str, Any]] | None = None
             ) -> dict[tuple[Any, ...], int]:
        """Ids for many keys of ``model`` (values of ``columns``) with one query per chunk,
        the missing rows inserted at once (a region's file names hundreds of schools)."""
        table = model.__tablename__
        found = {k: self.cache[(table, k)] for k in keys if (table, k) in self.cache}
        wanted = sorted(keys - set(found))

        # Rows are looked up by their leading columns (school, year): one query returns every
        # pupil of a school year, cheaper than matching thousands of full keys.
        lead = max(1, min(2, len(columns) - 1))
        cols = [getattr(model, c) for c in columns]

        def lookup(chunk: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], int]:
            prefixes = sorted({k[:lead] for k in chunk})
            have: dict[tuple[Any, ...], int] = {}
            for start in range(0, len(prefixes), 500):
                part = prefixes[start:start + 500]
                rows = self.session.execute(select(model.id, *cols).where(
                    tuple_(*cols[:lead]).in_(part))).all()
                have.update({tuple(r[1:]): int(r[0]) for r in rows})
            return {k: have[k] for k in chunk if k in have}

        if wanted:
            have = lookup(wanted)
            missing = [k for k in wanted if k not in have]
            if missing:
                # Another save may create the same row at the same moment: keep either.
                self.session.execute(insert_ignoring_duplicates(self.session, model), [
                    {**dict(zip(columns, k, strict=True)), **(extra(k) if extra else {})}
                    for k in missing])
                have = lookup(wanted)
            found.update(have)
        for k, i in found.items():
            self.cache[(table, k)] = i
        return found

    def school(self, name: str) -> int:
        return self.many(School, ("name",), {(name,)})[(name,)]

    def year(self, name: str) -> int:
        return self._get(AcademicYear, {"name": name})

    def period(self, name: str) -> int | None:
        if not name:
            return None
        order = PERIODS.index(name) if name in PERIODS else len(PERIODS)
        return self._get(Period, {"name": name}, {"sort_order": order})

    def procedure(self, name: str) -> int:
        kind = procedure_kind(name)
        return self._get(Procedure, {"name": name},
                         {"independent": kind.value != "term", "kind": kind.value})

    def subject(self, name: str) -> int:
        return self._get(Subject, {"name": name})

    def classes(self, keys: set[tuple[int, int, str]]) -> dict[tuple[int, int, str], int]:
        """(school_id, year_id, label) → id."""
        return self.many(SchoolClass, ("school_id", "year_id", "label"), set(keys),
                         lambda k: {"grade": grade_of(str(k[2]))})

    def school_class(self, school_id: int, year_id: int, label: str) -> int:
        return self.classes({(school_id, year_id, label)})[(school_id, year_id, label)]

    def teacher(self, school_id: int, name: str) -> int | None:
        if not name:
            return None
        return self.many(Teacher, ("school_id", "name"), {(school_id, name)})[(school_id, name)]

    def pupils(self, keys: set[tuple[int, int, str, str]]) -> dict[tuple[int, int, str, str], int]:
        """Ids of pupils (school_id, year_id, class label or «» for a code, key), made when new."""
        return self.many(Pupil, ("school_id", "year_id", "class_label", "key"), set(keys))


PERIOD = aliased(Period)

_Columns = TypeVarTuple("_Columns")


def named_results(stmt: Select[*_Columns]) -> Select[*_Columns]:
    """Join a result's dimension names (school, year, procedure, period, class, subject, pupil,
    teacher), the same way for every query that reads results back."""
    return (stmt.select_from(Result)
            .join(School, col(School.id) == Result.school_id)
            .join(AcademicYear, col(AcademicYear.id) == Result.year_id)
            .join(Procedure, col(Procedure.id) == Result.procedure_id)
            .outerjoin(PERIOD, col(PERIOD.id) == Result.period_id)
            .join(SchoolClass, col(SchoolClass.id) == Result.class_id)
            .join(Subject, col(Subject.id) == Result.subject_id)
            .join(Pupil, col(Pupil.id) == Result.pupil_id)
            .outerjoin(Teacher, col(Teacher.id) == Result.teacher_id))


def _load_teacher_matches(teachers: tuple[str, ...]) -> ColumnElement[bool]:
    """A result without a teacher whose class and subject the load gives to one of
    ``teachers`` (core.summary.fill_teachers: a load row without a school or year matches any)."""
    load_school = aliased(School)
    load_teacher = aliased(Teacher)
    match = (select(col(TeacherLoad.id))
             .join(load_school, col(load_school.id) == TeacherLoad.school_id)
             .join(load_teacher, col(load_teacher.id) == TeacherLoad.teacher_id)
             .where(or_(col(TeacherLoad.school_id) == Result.school_id, col(load_school.name) == ""),
                    or_(col(TeacherLoad.year_id) == Result.year_id,
                        col(TeacherLoad.year_id).is_(None)),
                    col(TeacherLoad.class_label) == SchoolClass.label,
                    col(TeacherLoad.subject_id) == Result.subject_id,
                    col(load_teacher.name).in_(teachers)))
    return and_(col(Result.teacher_id).is_(None), match.exists())


def result_conditions(scope: Scope) -> list[ColumnElement[bool]]:
    """The SQL twin of :meth:`core.model.Dataset.filter` for results (over
    :func:`named_results`)."""
    conds: list[ColumnElement[bool]] = []
    for column, values in ((School.name, scope.schools), (AcademicYear.name, scope.years),
                           (Procedure.name, scope.procedures), (SchoolClass.label, scope.classes),
                           (Subject.name, scope.subjects)):
        if values:
            conds.append(col(column).in_(values))
    if scope.periods:
        dates = [d for d in (parse_date(p) for p in scope.periods) if d is not None]
        conds.append(or_(col(PERIOD.name).in_(scope.periods), col(Result.held_on).in_(dates)))
    if scope.teachers:
        conds.append(or_(col(Teacher.name).in_(scope.teachers),
                         _load_teacher_matches(scope.teachers)))
    return conds


def _text(values: list[Any]) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def _numbers(values: list[Any]) -> list[float | None]:
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("float64")
    return [None if v != v else float(v) for v in numbers.tolist()]


# ---------------------------------------------------------------------------------------------
# Writers: (session, ids, upload_id, frame, context) → rows inserted. ``context`` carries the
# database ids of this file's results for the task scores.

Context = dict[str, Any]


def _write_results(session: Session, ids: Ids, upload_id: int, results: pd.DataFrame,
                   context: Context) -> None:
    """Ids are resolved once per distinct value (a file repeats a few schools, years, classes
    and subjects thousands of times)."""
    if results.empty:
        return
    texts = {name: _text(results[name].tolist()) for name in (
        "school", "year", "procedure", "period", "date", "class_label", "pupil", "subject",
        "teacher", "mark", "mark_scale", "journal_mark", "variant", "gender", "source_sheet")}
    school_ids = {k[0]: i for k, i in ids.many(School, ("name",),
                                                {(n,) for n in texts["school"]}).items()}
    year_ids = {n: ids.year(n) for n in dict.fromkeys(texts["year"])}
    place = list(zip(texts["school"], texts["year"], texts["class_label"], strict=True))
    by_ids = ids.classes({(school_ids[s], year_ids[y], c) for s, y, c in set(place)})
    class_ids = {k: by_ids[(school_ids[k[0]], year_ids[k[1]], k[2])] for k in set(place)}
    pupil_keys = [(school_ids[s], year_ids[y], "" if is_participant_code(p) else c, p)
                  for (s, y, c), p in zip(place, texts["pupil"], strict=True)]
    pupil_ids = ids.pupils(set(pupil_keys))
    named = {(school_ids[s], t) for s, t in zip(texts["school"], texts["teacher"], strict=True) if t}
    teacher_by_id = ids.many(Teacher, ("school_id", "name"), named)
    teacher_ids = {(s, t): teacher_by_id.get((school_ids[s], t))
                   for s, t in set(zip(texts["school"], texts["teacher"], strict=True))}
    procedure_ids = {n: ids.procedure(n) for n in set(texts["procedure"])}
    period_ids = {n: ids.period(n) for n in set(texts["period"])}
    subject_ids = {n: ids.subject(n) for n in set(texts["subject"])}
    dates = {t: parse_date(t) for t in set(texts["date"])}
    source_rows = [None if pd.isna(v) else int(v) for v in results["source_row"].tolist()]
    columns: dict[str, list[Any]] = {
        "school_id": [school_ids[s] for s in texts["school"]],
        "year_id": [year_ids[y] for y in texts["year"]],
        "procedure_id": [procedure_ids[p] for p in texts["procedure"]],
        "period_id": [period_ids[p] for p in texts["period"]],
        "held_on": [dates[t] for t in texts["date"]],
        "class_id": [class_ids[k] for k in place],
        "pupil_id": [pupil_ids[k] for k in pupil_keys],
        "subject_id": [subject_ids[n] for n in texts["subject"]],
        "teacher_id": [teacher_ids[k] for k in zip(texts["school"], texts["teacher"], strict=True)],
        **{name: texts[name] for name in ("mark", "mark_scale", "journal_mark", "variant",
                                          "gender", "source_sheet")},
        **{name: _numbers(results[name].tolist())
           for name in ("primary_score", "max_score", "average", "weighted_average")},
        "source_row": source_rows,
    }
    new_ids = allocate_ids(session, "result", len(results))
    names = ("id", "upload_id", *columns)
    rows = list(zip(new_ids, [upload_id] * len(new_ids), *columns.values(), strict=True))
    bulk_insert(session, "result", names, rows)
    context["result_ids"] = dict(zip(results["row_id"].astype("int64").tolist(), new_ids,
                                     strict=True))
    context["pupil_years"] = {(k[0], k[1]) for k in pupil_keys}


def _write_tasks(session: Session, ids: Ids, upload_id: int, tasks: pd.DataFrame,
                 context: Context) -> None:
    by_row: dict[int, int] = context.get("result_ids", {})
    if tasks.empty or not by_row:
        return
    result_ids = [by_row.get(int(r)) for r in tasks["row_id"].tolist()]
    rows = [
        (rid, task, score, maximum, bool(attempted), level, int(position))
        for rid, task, score, maximum, attempted, level, position in zip(
            result_ids, _text(tasks["task"].tolist()), _numbers(tasks["score"].tolist()),
            _numbers(tasks["max_score"].tolist()), tasks["attempted"].tolist(),
            _text(tasks["level"].tolist()), tasks["position"].tolist(), strict=True)
        if rid is not None
    ]
    bulk_insert(session, "task_score", ("result_id", "task", "score", "max_score", "attempted",
                                        "level", "position"), rows)


def allocate_ids(session: Session, table: str, count: int) -> list[int]:
    """``count`` new primary keys for ``table``, so that rows can be copied in bulk with their
    ids known (task scores refer to results). PostgreSQL takes them from the table's sequence;
    SQLite continues after the largest id, which is safe because the saving transaction already
    holds SQLite's write lock (the upload row is written first)."""
    if count == 0:
        return []
    if session.connection().dialect.name == "postgresql":
        rows = session.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            f"FROM generate_series(1, :n)"), {"n": count}).scalars().all()
        return [int(i) for i in rows]
    start = int(session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one())
    return list(range(start + 1, start + 1 + count))


def bulk_insert(session: Session, table: str, columns: tuple[str, ...],
                rows: list[tuple[Any, ...]]) -> None:
    """Many rows without ORM overhead, in the session's transaction: COPY on PostgreSQL, one
    prepared statement on SQLite (a region's ВПР dump has over half a million task scores)."""
    if not rows:
        return
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    assert raw is not None
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        # SQLAlchemy types the driver's connection as plain DB-API; it is psycopg's, with COPY.
        pg = cast("psycopg.Connection[Any]", raw)
        with pg.cursor() as pg_cursor, pg_cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def _write_lessons(session: Session, ids: Ids, upload_id: int, lessons: pd.DataFrame,
                   context: Context) -> None:
    if lessons.empty:
        return
    recs = lessons.to_dict("records")
    keys = []
    for rec in recs:
        school_id, year_id = ids.school(str(rec["school"])), ids.year(str(rec["year"]))
        pupil = str(rec["pupil"])
        keys.append((school_id, year_id, "" if is_participant_code(pupil)
                     else str(rec["class_label"]), pupil))
    pupil_ids = ids.pupils(set(keys))
    rows = [{
        "upload_id": upload_id, "school_id": key[0], "year_id": key[1],
        "class_id": ids.school_class(key[0], key[1], str(rec["class_label"])),
        "pupil_id": pupil_ids[key], "subject_id": ids.subject(str(rec["subject"])),
        "lesson_on": parse_date(str(rec["date"])), "lesson_index": int(rec["lesson_index"] or 1),
        "marks": str(rec["marks"] or ""), "attendance": str(rec["attendance"] or ""),
    } for rec, key in zip(recs, keys, strict=True)]
    session.execute(insert(Lesson), rows)
    context.setdefault("pupil_years", set()).update((k[0], k[1]) for k in keys)


def _write_load(session: Session, ids: Ids, upload_id: int, load: pd.DataFrame,
                context: Context) -> None:
    if load.empty:
        return
    rows = []
    for rec in load.to_dict("records"):
        school_id = ids.school(str(rec["school"] or ""))
        year = str(rec["year"] or "")
        hours = rec["hours"]
        rows.append({
            "upload_id": upload_id, "school_id": school_id,
            "year_id": ids.year(year) if year else None, "class_label": str(rec["class_label"]),
            "subject_id": ids.subject(str(rec["subject"])),
            "teacher_id": ids.teacher(school_id, str(rec["teacher"])),
            "group_name": str(rec["group"] or ""),
            "hours": None if hours is None or pd.isna(hours) else float(hours),
        })
    session.execute(insert(TeacherLoad), rows)


def _write_destinations(session: Session, ids: Ids, upload_id: int, frame: pd.DataFrame,
                        context: Context) -> None:
    if frame.empty:
        return
    rows = []
    for rec in frame.to_dict("records"):
        row = {str(k): "" if v is None or v is pd.NA or (isinstance(v, float) and v != v)
               else str(v) for k, v in rec.items() if k != "school"}
        match = rec["matches_profile"]
        row["matches_profile"] = "" if match is None or match is pd.NA else (
            "да" if bool(match) else "нет")
        rows.append({"upload_id": upload_id, "school_id": ids.school(str(rec["school"])), **row})
    session.execute(insert(Destination), rows)


CATALOG_FIELDS = ("year", "subject", "grade", "part", "task", "position", "max_score", "level",
                  "kes", "kt", "skill")


def _write_catalog(session: Session, ids: Ids, upload_id: int, frame: pd.DataFrame,
                   context: Context) -> None:
    if frame.empty:
        return
    texts = {name: _text(frame[name].tolist()) for name in (
        "year", "subject", "part", "task", "level", "kes", "kt", "skill")}
    columns: dict[str, list[Any]] = {
        **texts, "grade": [None if pd.isna(g) else int(g) for g in frame["grade"].tolist()],
        "position": [int(p) for p in frame["position"].tolist()],
        "max_score": _numbers(frame["max_score"].tolist())}
    rows = list(zip([upload_id] * len(frame), *(columns[c] for c in CATALOG_FIELDS),
                    strict=True))
    bulk_insert(session, "task_catalog", ("upload_id", *CATALOG_FIELDS), rows)


def _write_reference(session: Session, ids: Ids, upload_id: int, frame: pd.DataFrame,
                     context: Context) -> None:
    if frame.empty:
        return
    numbers = ("mean_score", "sd", "p2", "p3", "p4", "p5", "lowered", "confirmed", "raised")
    columns: dict[str, list[Any]] = {
        **{name: _text(frame[name].tolist())
           for name in ("year", "procedure", "subject", "level", "tasks")},
        **{name: _numbers(frame[name].tolist()) for name in numbers},
        **{name: [None if pd.isna(v) else int(v) for v in frame[name].tolist()]
           for name in ("grade", "participants")}}
    rows = list(zip([upload_id] * len(frame), *(columns[c] for c in REFERENCE_COLUMNS),
                    strict=True))
    bulk_insert(session, "reference", ("upload_id", *REFERENCE_COLUMNS), rows)


# ---------------------------------------------------------------------------------------------
# Readers: (session, scope) → a frame with the columns of core.model.TABLES[name].


def result_ids(scope: Scope) -> Select[int | None]:
    """Ids of the results inside ``scope``."""
    return named_results(select(col(Result.id))).where(*result_conditions(scope))


def _read_results(session: Session, scope: Scope) -> pd.DataFrame:
    stmt = named_results(select(
        col(School.name), col(AcademicYear.name), col(Procedure.name),
        func.coalesce(PERIOD.name, ""), col(Result.held_on), col(SchoolClass.label),
        col(SchoolClass.grade), col(Pupil.key), col(Subject.name), func.coalesce(Teacher.name, ""),
        col(Result.mark), col(Result.mark_scale), col(Result.primary_score),
        col(Result.max_score),
        col(Result.journal_mark), col(Result.variant), col(Result.gender), col(Result.average),
        col(Result.weighted_average), col(Result.id), col(Result.source_sheet),
        col(Result.source_row),
    )).where(*result_conditions(scope)).order_by(col(Result.id))
    frame = pd.DataFrame(session.execute(stmt).all(), columns=[
        "school", "year", "procedure", "period", "date", "class_label", "grade", "pupil",
        "subject", "teacher", "mark", "mark_scale", "primary_score", "max_score", "journal_mark",
        "variant", "gender", "average", "weighted_average", "row_id", "source_sheet",
        "source_row"])
    frame["date"] = frame["date"].map(format_date)
    return frame


def _read_tasks(session: Session, scope: Scope) -> pd.DataFrame:
    stmt = (select(col(TaskScore.result_id), col(TaskScore.task), col(TaskScore.score),
                   col(TaskScore.max_score), col(TaskScore.attempted), col(TaskScore.level),
                   col(TaskScore.position))
            .order_by(col(TaskScore.result_id), col(TaskScore.position), col(TaskScore.id)))
    if not scope.is_all:
        stmt = stmt.where(col(TaskScore.result_id).in_(result_ids(scope)))
    return pd.DataFrame(session.execute(stmt).all(), columns=[
        "row_id", "task", "score", "max_score", "attempted", "level", "position"])


def _place_conditions(model: Any, scope: Scope, *, any_year: bool = False
                      ) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if scope.schools:
        conds.append(col(School.name).in_(scope.schools))
    if scope.years:
        year = col(AcademicYear.name).in_(scope.years)
        conds.append(or_(year, model.year_id.is_(None)) if any_year else year)
    if scope.subjects:
        conds.append(col(Subject.name).in_(scope.subjects))
    return conds


def _read_lessons(session: Session, scope: Scope) -> pd.DataFrame:
    stmt = (select(col(School.name), col(AcademicYear.name), col(SchoolClass.label),
                   col(Pupil.key), col(Subject.name), col(Lesson.lesson_on),
                   col(Lesson.lesson_index), col(Lesson.marks), col(Lesson.attendance))
            .select_from(Lesson)
            .join(School, col(School.id) == Lesson.school_id)
            .join(AcademicYear, col(AcademicYear.id) == Lesson.year_id)
            .join(SchoolClass, col(SchoolClass.id) == Lesson.class_id)
            .join(Pupil, col(Pupil.id) == Lesson.pupil_id)
            .join(Subject, col(Subject.id) == Lesson.subject_id)
            .where(*_place_conditions(Lesson, scope))
            .order_by(col(Lesson.id)))
    if scope.classes:
        stmt = stmt.where(col(SchoolClass.label).in_(scope.classes))
    frame = pd.DataFrame(session.execute(stmt).all(), columns=[
        "school", "year", "class_label", "pupil", "subject", "date", "lesson_index", "marks",
        "attendance"])
    frame["date"] = frame["date"].map(format_date)
    return frame


def _read_load(session: Session, scope: Scope) -> pd.DataFrame:
    stmt = (select(col(School.name), func.coalesce(AcademicYear.name, ""),
                   col(TeacherLoad.class_label), col(Subject.name), col(Teacher.name),
                   col(TeacherLoad.group_name), col(TeacherLoad.hours))
            .select_from(TeacherLoad)
            .join(School, col(School.id) == TeacherLoad.school_id)
            .outerjoin(AcademicYear, col(AcademicYear.id) == TeacherLoad.year_id)
            .join(Subject, col(Subject.id) == TeacherLoad.subject_id)
            .join(Teacher, col(Teacher.id) == TeacherLoad.teacher_id)
            .where(*_place_conditions(TeacherLoad, scope, any_year=True))
            .order_by(col(TeacherLoad.id)))
    if scope.classes:
        stmt = stmt.where(col(TeacherLoad.class_label).in_(scope.classes))
    return pd.DataFrame(session.execute(stmt).all(), columns=[
        "school", "year", "class_label", "subject", "teacher", "group", "hours"])


def _read_destinations(session: Session, scope: Scope) -> pd.DataFrame:
    stmt = (select(col(School.name), col(Destination.graduation_year),
                   col(Destination.class_label), col(Destination.pupil),
                   col(Destination.direction), col(Destination.institution),
                   col(Destination.speciality), col(Destination.funding),
                   col(Destination.matches_profile))
            .select_from(Destination).join(School, col(School.id) == Destination.school_id)
            .order_by(col(Destination.id)))
    if scope.schools:
        stmt = stmt.where(col(School.name).in_(scope.schools))
    frame = pd.DataFrame(session.execute(stmt).all(), columns=[
        "school", "graduation_year", "class_label", "pupil", "direction", "institution",
        "speciality", "funding", "matches_profile"])
    frame["graduation_year"] = frame["graduation_year"].replace("", None)
    return frame


def _read_catalog(session: Session, scope: Scope) -> pd.DataFrame:
    """The twin of :func:`core.model.filter_catalog`: descriptions of the scope's ВПР years and
    subjects, whatever the school."""
    stmt = select(*(getattr(TaskCatalog, c) for c in CATALOG_FIELDS)).order_by(
        col(TaskCatalog.id))
    if scope.years:
        stmt = stmt.where(col(TaskCatalog.year).in_(catalog_years(scope.years)))
    if scope.subjects:
        stmt = stmt.where(col(TaskCatalog.subject).in_(scope.subjects))
    return pd.DataFrame(session.execute(stmt).all(), columns=list(CATALOG_FIELDS))


def _read_reference(session: Session, scope: Scope) -> pd.DataFrame:
    """The twin of :func:`core.model.filter_reference`: reference rows of the scope's years,
    procedures and subjects, whatever the school."""
    stmt = select(*(getattr(Reference, c) for c in REFERENCE_COLUMNS)).order_by(
        col(Reference.id))
    for column, values in ((Reference.year, scope.years), (Reference.procedure, scope.procedures),
                           (Reference.subject, scope.subjects)):
        if values:
            stmt = stmt.where(col(column).in_(values))
    return pd.DataFrame(session.execute(stmt).all(), columns=list(REFERENCE_COLUMNS))


@dataclass(frozen=True)
class StoredTable:
    name: str  # a key of core.model.TABLES
    model: type[SQLModel]
    write: Callable[[Session, Ids, int, pd.DataFrame, Context], None]
    read: Callable[[Session, Scope], pd.DataFrame]
    # Rows carry upload_id (task scores belong to their result). The Upload row counts each
    # table's rows in a column of the table's name.
    per_upload: bool = True

    def upload_id(self) -> Mapped[int]:
        """``model.upload_id`` of a ``per_upload`` table, looked up through the mapper (the
        registry holds the model as ``type[SQLModel]``, which declares no such attribute; a
        method, as mypy reads a property typed ``Mapped`` as the column's Python value)."""
        column: Mapped[int] = class_mapper(self.model).attrs["upload_id"].class_attribute
        return column


STORED: tuple[StoredTable, ...] = (
    StoredTable("results", Result, _write_results, _read_results),
    StoredTable("tasks", TaskScore, _write_tasks, _read_tasks, per_upload=False),
    StoredTable("lessons", Lesson, _write_lessons, _read_lessons),
    StoredTable("teacher_load", TeacherLoad, _write_load, _read_load),
    StoredTable("destinations", Destination, _write_destinations, _read_destinations),
    StoredTable("task_catalog", TaskCatalog, _write_catalog, _read_catalog),
    StoredTable("reference", Reference, _write_reference, _read_reference),
)
