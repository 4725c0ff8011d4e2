"""The store: the only adapter between the core's canonical tables and the database.

``DATABASE_URL`` selects the database: by default a SQLite file ``./data/vsoko.db``;
PostgreSQL via ``postgresql+psycopg://…``. The schema is created and upgraded by Alembic.
Functions are keyword-only and take a ``Session``; they return core values (DataFrames with
the columns the core documents), never ORM rows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, case, delete, event, func, insert, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, create_engine

from core.indicators import COUNT_COLUMNS
from core.model import RESULT_COLUMNS, ParsedFile
from core.names import PERIODS, TERM_PROCEDURE, grade_of
from core.summary import SUMMARY_KEY, fill_teachers
from dashboard.models import (
    AcademicYear,
    ColumnMapping,
    Destination,
    Lesson,
    Period,
    Procedure,
    Pupil,
    Result,
    School,
    SchoolClass,
    Setting,
    Subject,
    TaskScore,
    Teacher,
    TeacherLoad,
    Upload,
)

__all__ = [
    "DEFAULT_URL",
    "SaveOutcome",
    "ScopeConflict",
    "database_url",
    "delete_upload",
    "get_setting",
    "has_results",
    "list_uploads",
    "load_mapping",
    "load_results",
    "load_teacher_load",
    "make_engine",
    "mark_counts",
    "migrate",
    "save_mapping",
    "save_upload",
    "set_setting",
    "upload_exists",
]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'vsoko.db'}"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url() -> str:
    return os.environ.get("DATABASE_URL", "").strip() or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: :func:`database_url`), migrated to the newest schema."""
    url = url or database_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()
    migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


# ---------------------------------------------------------------------------------------------
# Saving an upload


@dataclass(frozen=True)
class ScopeConflict:
    """Earlier data for the same scope (школа, год, процедура/период, класс, предмет)."""

    upload_id: int
    file_name: str
    uploaded_at: datetime
    scopes: int  # how many class × subject × period scopes overlap
    rows: int


@dataclass(frozen=True)
class SaveOutcome:
    status: str  # «saved», «duplicate», «conflict», «empty»
    upload_id: int | None = None
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: tuple[ScopeConflict, ...] = ()


class _Ids:
    """Get-or-create cache for the dimension tables inside one transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[str, Any], int] = {}

    def _get(self, model: Any, where: dict[str, Any], extra: dict[str, Any] | None = None) -> int:
        key = (model.__tablename__, tuple(sorted(where.items())))
        if key in self.cache:
            return self.cache[key]
        stmt = select(model.id)
        for col, value in where.items():
            stmt = stmt.where(getattr(model, col) == value)
        found = self.session.execute(stmt).scalar_one_or_none()
        if found is None:
            row = model(**where, **(extra or {}))
            self.session.add(row)
            self.session.flush()
            found = row.id
        self.cache[key] = int(found)
        return int(found)

    def school(self, name: str) -> int:
        return self._get(School, {"name": name})

    def year(self, name: str) -> int:
        return self._get(AcademicYear, {"name": name})

    def period(self, name: str) -> int | None:
        if not name:
            return None
        order = PERIODS.index(name) if name in PERIODS else len(PERIODS)
        return self._get(Period, {"name": name}, {"sort_order": order})

    def procedure(self, name: str) -> int:
        return self._get(Procedure, {"name": name}, {"independent": name != TERM_PROCEDURE})

    def subject(self, name: str) -> int:
        return self._get(Subject, {"name": name})

    def school_class(self, school_id: int, year_id: int, label: str) -> int:
        return self._get(SchoolClass, {"school_id": school_id, "year_id": year_id, "label": label},
                         {"grade": grade_of(label)})

    def teacher(self, school_id: int, name: str) -> int | None:
        if not name:
            return None
        return self._get(Teacher, {"school_id": school_id, "name": name})

    def pupils(self, school_id: int, keys: Iterable[str]) -> dict[str, int]:
        wanted = set(keys)
        rows = self.session.execute(
            select(Pupil.key, Pupil.id).where(Pupil.school_id == school_id)).all()
        known = {k: int(i) for k, i in rows if k in wanted}
        missing = sorted(wanted - set(known))
        if missing:
            self.session.execute(insert(Pupil), [{"school_id": school_id, "key": k} for k in missing])
            rows = self.session.execute(
                select(Pupil.key, Pupil.id).where(Pupil.school_id == school_id)).all()
            known = {k: int(i) for k, i in rows if k in wanted}
        return known


_RESULT_SCOPE = ["school", "year", "procedure", "period", "date", "class_label", "subject"]
# A teacher-load row with an empty school or year matches any (core.summary.fill_teachers), so
# its scope is compared on what it states.
_LOAD_SCOPE = ["school", "year", "class_label", "subject"]


def _overlap(existing: pd.DataFrame, new: pd.DataFrame, scope: list[str]) -> pd.DataFrame:
    """Rows of ``existing`` (per earlier upload and scope) whose scope the new file also has."""
    if existing.empty or new.empty:
        return existing.iloc[0:0] if not existing.empty else pd.DataFrame(
            columns=["upload_id", *scope, "rows"])
    keys = {tuple(str(v) for v in row) for row in new[scope].fillna("").astype(str)
            .drop_duplicates().itertuples(index=False)}
    mask = [tuple(str(v) for v in r) in keys
            for r in existing[scope].fillna("").astype(str).itertuples(index=False)]
    return existing[mask]


def _conflicts(session: Session, overlap: pd.DataFrame) -> tuple[ScopeConflict, ...]:
    if overlap.empty:
        return ()
    infos = session.execute(select(Upload.id, Upload.file_name, Upload.uploaded_at).where(
        Upload.id.in_([int(u) for u in overlap["upload_id"].unique()]))).all()
    return tuple(
        ScopeConflict(int(uid), name, at, int((overlap["upload_id"] == uid).sum()),
                      int(overlap.loc[overlap["upload_id"] == uid, "rows"].sum()))
        for uid, name, at in infos)


def _existing_load_scopes(session: Session) -> pd.DataFrame:
    stmt = (
        select(TeacherLoad.upload_id, School.name.label("school"),
               func.coalesce(AcademicYear.name, "").label("year"), TeacherLoad.class_label,
               Subject.name.label("subject"), func.count().label("rows"))
        .join(School, School.id == TeacherLoad.school_id)
        .outerjoin(AcademicYear, AcademicYear.id == TeacherLoad.year_id)
        .join(Subject, Subject.id == TeacherLoad.subject_id)
        .group_by(TeacherLoad.upload_id, School.name, AcademicYear.name, TeacherLoad.class_label,
                  Subject.name)
    )
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["upload_id", *_LOAD_SCOPE, "rows"])


def _delete_load_overlap(session: Session, ids: _Ids, overlap: pd.DataFrame) -> None:
    for rec in overlap.to_dict("records"):
        year = str(rec["year"])
        cond = [TeacherLoad.upload_id == int(rec["upload_id"]),
                TeacherLoad.school_id == ids.school(str(rec["school"])),
                TeacherLoad.class_label == str(rec["class_label"]),
                TeacherLoad.subject_id == ids.subject(str(rec["subject"])),
                TeacherLoad.year_id.is_(None) if not year else TeacherLoad.year_id == ids.year(year)]
        session.execute(delete(TeacherLoad).where(*cond))


def _mark_replaced(session: Session, upload_ids: set[int]) -> None:
    """Status and counts of earlier uploads after some of their rows were replaced."""
    for upload_id in upload_ids:
        left = {name: session.execute(select(func.count()).select_from(model).where(
                    model.upload_id == upload_id)).scalar_one()  # type: ignore[attr-defined]
                for name, model in (("results", Result), ("lessons", Lesson),
                                    ("teacher_load", TeacherLoad))}
        status = "заменено полностью" if not any(left.values()) else "заменено частично"
        session.execute(update(Upload).where(Upload.id == upload_id).values(status=status, **left))


# The dimension names of a result (school, year, procedure, period, class, subject), joined the same way
# by every query that reads results back.
_PERIOD = aliased(Period)


def _named(stmt: Select[Any]) -> Select[Any]:
    return (stmt.select_from(Result)
            .join(School, School.id == Result.school_id)
            .join(AcademicYear, AcademicYear.id == Result.year_id)
            .join(Procedure, Procedure.id == Result.procedure_id)
            .outerjoin(_PERIOD, _PERIOD.id == Result.period_id)
            .join(SchoolClass, SchoolClass.id == Result.class_id)
            .join(Subject, Subject.id == Result.subject_id))


def _existing_scopes(session: Session, years: list[str]) -> pd.DataFrame:
    """Existing results grouped by scope, for the years of a new upload."""
    stmt = (
        _named(select(Result.upload_id, School.name.label("school"), AcademicYear.name.label("year"),
               Procedure.name.label("procedure"), func.coalesce(_PERIOD.name, "").label("period"),
               Result.event_date.label("date"), SchoolClass.label.label("class_label"),
               Subject.name.label("subject"), func.count().label("rows")))
        .where(AcademicYear.name.in_(years))
        .group_by(Result.upload_id, School.name, AcademicYear.name, Procedure.name, _PERIOD.name,
                  Result.event_date, SchoolClass.label, Subject.name)
    )
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["upload_id", "school", "year", "procedure", "period", "date",
                                 "class_label", "subject", "rows"])


def _sharing_pupils(session: Session, overlap: pd.DataFrame, results: pd.DataFrame
                    ) -> pd.DataFrame:
    """Keep the overlapping scopes whose earlier rows share a pupil with the new file.

    A corrected file repeats the pupils of the earlier one (a conflict to confirm); another
    subgroup of the same class, subject and period has other pupils and simply adds to it.
    """
    if overlap.empty:
        return overlap
    stmt = (
        _named(select(Result.upload_id, School.name, AcademicYear.name, Procedure.name,
               func.coalesce(_PERIOD.name, ""), Result.event_date, SchoolClass.label, Subject.name,
               Pupil.key))
        .join(Pupil, Pupil.id == Result.pupil_id)
        .where(Result.upload_id.in_([int(u) for u in overlap["upload_id"].unique()]),
               AcademicYear.name.in_(sorted(set(overlap["year"]))))
    )
    earlier: dict[tuple[str, ...], set[str]] = {}
    for row in session.execute(stmt).all():
        earlier.setdefault(tuple(str(v) for v in row[:8]), set()).add(str(row[8]))
    new: dict[tuple[str, ...], set[str]] = {}
    for row in results[[*_RESULT_SCOPE, "pupil"]].astype(str).itertuples(index=False):
        new.setdefault(tuple(row[:7]), set()).add(row[7])
    keep = [bool(earlier.get((str(rec["upload_id"]), *(str(rec[c]) for c in _RESULT_SCOPE)),
                             set()) & new.get(tuple(str(rec[c]) for c in _RESULT_SCOPE), set()))
            for rec in overlap.to_dict("records")]
    return overlap[keep]


def save_upload(*, session: Session, parsed: ParsedFile, uploaded_by: str = "",
                replace: bool = False, now: datetime | None = None) -> SaveOutcome:
    """Save one parsed file in the caller's transaction (the caller commits or rolls back).

    * the same bytes again (sha256) → ``duplicate``, nothing added;
    * results overlapping an earlier upload's scope → ``conflict`` unless ``replace``; with
      ``replace`` the earlier rows of those scopes are deleted and the earlier upload marked;
    * nothing to save → ``empty``.
    """
    previous = session.execute(
        select(Upload.id, Upload.file_name, Upload.uploaded_at).where(
            Upload.sha256 == parsed.sha256)).first()
    if previous is not None:
        return SaveOutcome(
            "duplicate", int(previous[0]),
            f"Файл «{parsed.file_name}» уже загружен {previous[2]:%d.%m.%Y %H:%M} "
            f"(как «{previous[1]}»): ничего не добавлено.")
    if parsed.row_count == 0:
        return SaveOutcome("empty", None, f"В файле «{parsed.file_name}» нет данных для сохранения.")
    results = parsed.results
    overlap = _overlap(_existing_scopes(session, sorted(set(results["year"])))
                       if not results.empty else pd.DataFrame(), results, _RESULT_SCOPE)
    overlap = _sharing_pupils(session, overlap, results)
    load_overlap = _overlap(_existing_load_scopes(session) if not parsed.teacher_load.empty
                            else pd.DataFrame(), parsed.teacher_load, _LOAD_SCOPE)
    conflicts = _conflicts(session, pd.concat([overlap, load_overlap], ignore_index=True))
    if conflicts and not replace:
        return SaveOutcome(
            "conflict", None,
            "Данные за те же классы, предметы и периоды уже загружены из: "
            + ", ".join(f"«{c.file_name}»" for c in conflicts)
            + ". Подтвердите замену, чтобы заменить их исправленным файлом.",
            conflicts=conflicts)
    ids = _Ids(session)
    upload = Upload(
        file_name=parsed.file_name, sha256=parsed.sha256, uploaded_at=now or datetime.now(UTC),
        uploaded_by=uploaded_by, layout=parsed.layout, layout_title=parsed.layout_title,
        results=len(results), tasks=len(parsed.tasks), lessons=len(parsed.lessons),
        teacher_load=len(parsed.teacher_load), destinations=len(parsed.destinations),
        scope=json.dumps(_describe_scope(parsed), ensure_ascii=False),
    )
    session.add(upload)
    session.flush()
    assert upload.id is not None
    if conflicts:
        _delete_overlap(session, ids, overlap)
        _delete_load_overlap(session, ids, load_overlap)
        _mark_replaced(session, {c.upload_id for c in conflicts})
    _insert_results(session, ids, upload.id, parsed)
    _insert_lessons(session, ids, upload.id, parsed)
    _insert_load(session, ids, upload.id, parsed)
    _insert_destinations(session, ids, upload.id, parsed)
    counts = {"results": len(results), "tasks": len(parsed.tasks), "lessons": len(parsed.lessons),
              "teacher_load": len(parsed.teacher_load),
              "destinations": len(parsed.destinations)}
    return SaveOutcome("saved", upload.id, f"Файл «{parsed.file_name}» сохранён.", counts,
                       conflicts)


def _describe_scope(parsed: ParsedFile) -> dict[str, list[str]]:
    r = parsed.results
    if r.empty:
        return {}
    return {
        "Школа": sorted({s for s in r["school"] if s}),
        "Учебный год": sorted(set(r["year"])),
        "Процедура": sorted(set(r["procedure"])),
        "Период": sorted({p for p in r["period"] if p}, key=lambda p: PERIODS.index(p)
                         if p in PERIODS else 99),
        "Классы": sorted(set(r["class_label"]), key=lambda c: (grade_of(c) or 0, c)),
        "Предметы": sorted(set(r["subject"])),
    }


def _delete_overlap(session: Session, ids: _Ids, overlap: pd.DataFrame) -> None:
    for rec in overlap.to_dict("records"):
        school_id = ids.school(str(rec["school"]))
        year_id = ids.year(str(rec["year"]))
        class_id = ids.school_class(school_id, year_id, str(rec["class_label"]))
        period_id = ids.period(str(rec["period"]))
        cond = [Result.upload_id == int(rec["upload_id"]), Result.school_id == school_id,
                Result.year_id == year_id, Result.procedure_id == ids.procedure(str(rec["procedure"])),
                Result.class_id == class_id, Result.subject_id == ids.subject(str(rec["subject"])),
                Result.event_date == str(rec["date"])]
        cond.append(Result.period_id.is_(None) if period_id is None else Result.period_id == period_id)
        doomed = select(Result.id).where(*cond)
        session.execute(delete(TaskScore).where(TaskScore.result_id.in_(doomed)))
        session.execute(delete(Result).where(*cond))


def _nan_to_none(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value


def _column(frame: pd.DataFrame, name: str, *, number: bool = False) -> list[Any]:
    """A column as plain Python values; NaN → None for numbers."""
    if number:
        values = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        return [None if v != v else float(v) for v in values.tolist()]
    return [str(v) for v in frame[name].tolist()]


def _insert_results(session: Session, ids: _Ids, upload_id: int, parsed: ParsedFile) -> None:
    """Insert results and their task scores. Ids are resolved once per distinct value (a file
    repeats a few schools, years, classes and subjects thousands of times)."""
    results = parsed.results
    if results.empty:
        return
    school = _column(results, "school")
    year = _column(results, "year")
    label = _column(results, "class_label")
    pupil = _column(results, "pupil")
    teacher = _column(results, "teacher")
    school_ids = {name: ids.school(name) for name in dict.fromkeys(school)}
    year_ids = {name: ids.year(name) for name in dict.fromkeys(year)}
    pupils_by_school: dict[int, set[str]] = {}
    for s, p in zip(school, pupil, strict=True):
        pupils_by_school.setdefault(school_ids[s], set()).add(p)
    pupil_ids = {sid: ids.pupils(sid, keys) for sid, keys in pupils_by_school.items()}
    class_ids = {key: ids.school_class(school_ids[key[0]], year_ids[key[1]], key[2])
                 for key in dict.fromkeys(zip(school, year, label, strict=True))}
    teacher_ids = {key: ids.teacher(school_ids[key[0]], key[1])
                   for key in dict.fromkeys(zip(school, teacher, strict=True))}
    procedure_ids = {n: ids.procedure(n) for n in set(_column(results, "procedure"))}
    period_ids = {n: ids.period(n) for n in set(_column(results, "period"))}
    subject_ids = {n: ids.subject(n) for n in set(_column(results, "subject"))}
    columns: dict[str, list[Any]] = {
        "school_id": [school_ids[s] for s in school],
        "year_id": [year_ids[y] for y in year],
        "procedure_id": [procedure_ids[p] for p in _column(results, "procedure")],
        "period_id": [period_ids[p] for p in _column(results, "period")],
        "event_date": _column(results, "date"),
        "class_id": [class_ids[k] for k in zip(school, year, label, strict=True)],
        "pupil_id": [pupil_ids[school_ids[s]][p] for s, p in zip(school, pupil, strict=True)],
        "subject_id": [subject_ids[n] for n in _column(results, "subject")],
        "teacher_id": [teacher_ids[k] for k in zip(school, teacher, strict=True)],
        **{name: _column(results, name) for name in ("mark", "journal_mark", "variant", "gender")},
        **{name: _column(results, name, number=True)
           for name in ("primary_score", "max_score", "average", "weighted_average")},
    }
    names = list(columns)
    rows = [{"upload_id": upload_id, **dict(zip(names, values, strict=True))}
            for values in zip(*columns.values(), strict=True)]
    stmt = insert(Result).returning(Result.id, sort_by_parameter_order=True)
    new_ids = [int(i) for i in session.execute(stmt, rows).scalars().all()]
    tasks = parsed.tasks
    if tasks.empty:
        return
    by_row = dict(zip(results["row_id"].astype("int64").tolist(), new_ids, strict=True))
    result_ids = [by_row.get(int(r)) for r in tasks["row_id"].tolist()]
    task_rows = [
        {"result_id": rid, "task": task, "score": score, "max_score": maximum,
         "attempted": bool(attempted)}
        for rid, task, score, maximum, attempted in zip(
            result_ids, _column(tasks, "task"), _column(tasks, "score", number=True),
            _column(tasks, "max_score", number=True), tasks["attempted"].tolist(), strict=True)
        if rid is not None
    ]
    if task_rows:
        session.execute(insert(TaskScore), task_rows)


def _insert_lessons(session: Session, ids: _Ids, upload_id: int, parsed: ParsedFile) -> None:
    lessons = parsed.lessons
    if lessons.empty:
        return
    rows = []
    for school_name, group in lessons.groupby("school"):
        school_id = ids.school(str(school_name))
        pupils = ids.pupils(school_id, group["pupil"].astype(str))
        for rec in group.to_dict("records"):
            year_id = ids.year(str(rec["year"]))
            rows.append({
                "upload_id": upload_id, "school_id": school_id, "year_id": year_id,
                "class_id": ids.school_class(school_id, year_id, str(rec["class_label"])),
                "pupil_id": pupils[str(rec["pupil"])], "subject_id": ids.subject(str(rec["subject"])),
                "lesson_date": str(rec["date"]), "lesson_index": int(rec["lesson_index"] or 1),
                "marks": str(rec["marks"] or ""), "attendance": str(rec["attendance"] or ""),
            })
    session.execute(insert(Lesson), rows)


def _insert_load(session: Session, ids: _Ids, upload_id: int, parsed: ParsedFile) -> None:
    load = parsed.teacher_load
    if load.empty:
        return
    rows = []
    for rec in load.to_dict("records"):
        school_id = ids.school(str(rec["school"] or ""))
        year = str(rec["year"] or "")
        rows.append({
            "upload_id": upload_id, "school_id": school_id,
            "year_id": ids.year(year) if year else None, "class_label": str(rec["class_label"]),
            "subject_id": ids.subject(str(rec["subject"])),
            "teacher_id": ids.teacher(school_id, str(rec["teacher"])),
            "group_name": str(rec["group"] or ""), "hours": _nan_to_none(rec["hours"]),
        })
    session.execute(insert(TeacherLoad), rows)


def _insert_destinations(session: Session, ids: _Ids, upload_id: int, parsed: ParsedFile) -> None:
    frame = parsed.destinations
    if frame.empty:
        return
    school_id = ids.school(parsed.metadata.school)
    rows = [{"upload_id": upload_id, "school_id": school_id,
             **{k: str(_nan_to_none(v) or "") for k, v in rec.items()}}
            for rec in frame.to_dict("records")]
    session.execute(insert(Destination), rows)


# ---------------------------------------------------------------------------------------------
# Uploads


def upload_exists(*, session: Session, sha256: str) -> bool:
    return session.execute(select(Upload.id).where(Upload.sha256 == sha256)).first() is not None


def list_uploads(*, session: Session) -> pd.DataFrame:
    """Upload history, newest first: id, file_name, uploaded_at, uploaded_by, layout_title,
    status, results, tasks, lessons, teacher_load, destinations, scope (dict)."""
    rows = session.execute(select(Upload).order_by(Upload.uploaded_at.desc(), Upload.id.desc()))
    records = []
    for (u,) in rows.all():
        records.append({
            "id": u.id, "file_name": u.file_name, "uploaded_at": u.uploaded_at,
            "uploaded_by": u.uploaded_by, "layout_title": u.layout_title, "status": u.status,
            "results": u.results, "tasks": u.tasks, "lessons": u.lessons,
            "teacher_load": u.teacher_load, "destinations": u.destinations,
            "scope": json.loads(u.scope) if u.scope else {},
        })
    return pd.DataFrame(records, columns=[
        "id", "file_name", "uploaded_at", "uploaded_by", "layout_title", "status", "results",
        "tasks", "lessons", "teacher_load", "destinations", "scope"])


def delete_upload(*, session: Session, upload_id: int) -> bool:
    """Delete one upload with all its rows. ``False`` when there is no such upload."""
    if session.get(Upload, upload_id) is None:
        return False
    own = select(Result.id).where(Result.upload_id == upload_id)
    session.execute(delete(TaskScore).where(TaskScore.result_id.in_(own)))
    for model in (Result, Lesson, TeacherLoad, Destination):
        session.execute(delete(model).where(model.upload_id == upload_id))  # type: ignore[attr-defined]
    session.execute(delete(Upload).where(Upload.id == upload_id))
    return True


# ---------------------------------------------------------------------------------------------
# Reading back


def has_results(*, session: Session) -> bool:
    return session.execute(select(Result.id).limit(1)).first() is not None


def mark_counts(*, session: Session) -> pd.DataFrame:
    """Counts per (SUMMARY_KEY + teacher) by SQL ``GROUP BY``: the twin of
    :func:`core.summary.count_summary`. Empty teachers are filled from the teacher load."""
    token_counts = {
        "n5": "5", "n4": "4", "n3": "3", "n2": "2", "n1": "1", "n_na": "н/а", "n_exempt": "осв",
        "n_pass": "зач", "n_fail": "незач",
    }
    count_cols = [func.count().label("pupils")] + [
        func.sum(case((Result.mark == token, 1), else_=0)).label(name)
        for name, token in token_counts.items()
    ]
    stmt = (
        _named(select(School.name.label("school"), AcademicYear.name.label("year"),
               func.coalesce(_PERIOD.name, "").label("period"), Procedure.name.label("procedure"),
               SchoolClass.label.label("class_label"), Subject.name.label("subject"),
               func.coalesce(Teacher.name, "").label("teacher"), *count_cols))
        .outerjoin(Teacher, Teacher.id == Result.teacher_id)
        .group_by(School.name, AcademicYear.name, _PERIOD.name, Procedure.name, SchoolClass.label,
                  Subject.name, Teacher.name)
    )
    columns = [*SUMMARY_KEY, "teacher", *COUNT_COLUMNS]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    for col in COUNT_COLUMNS:
        frame[col] = frame[col].fillna(0).astype("int64")
    return fill_teachers(frame, load_teacher_load(session=session))


def load_teacher_load(*, session: Session) -> pd.DataFrame:
    """Teacher load as core's LOAD_COLUMNS (school, year, class_label, subject, teacher, group,
    hours)."""
    stmt = (
        select(School.name, func.coalesce(AcademicYear.name, ""), TeacherLoad.class_label,
               Subject.name, Teacher.name, TeacherLoad.group_name, TeacherLoad.hours)
        .join(School, School.id == TeacherLoad.school_id)
        .outerjoin(AcademicYear, AcademicYear.id == TeacherLoad.year_id)
        .join(Subject, Subject.id == TeacherLoad.subject_id)
        .join(Teacher, Teacher.id == TeacherLoad.teacher_id)
    )
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["school", "year", "class_label", "subject", "teacher", "group",
                                 "hours"])


def load_results(*, session: Session, year: str | None = None,
                 procedure: str | None = None) -> pd.DataFrame:
    """Results as core's RESULT_COLUMNS (row_id = the database id)."""
    stmt = (
        _named(select(School.name, AcademicYear.name, Procedure.name, func.coalesce(_PERIOD.name, ""),
               Result.event_date, SchoolClass.label, SchoolClass.grade, Pupil.key, Subject.name,
               func.coalesce(Teacher.name, ""), Result.mark, Result.primary_score,
               Result.max_score, Result.journal_mark, Result.variant, Result.gender,
               Result.average, Result.weighted_average, Result.id))
        .join(Pupil, Pupil.id == Result.pupil_id)
        .outerjoin(Teacher, Teacher.id == Result.teacher_id)
    )
    if year:
        stmt = stmt.where(AcademicYear.name == year)
    if procedure:
        stmt = stmt.where(Procedure.name == procedure)
    cols = [c for c in RESULT_COLUMNS if c not in ("source_sheet", "source_row")]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=cols)
    frame["source_sheet"] = ""
    frame["source_row"] = pd.array([None] * len(frame), dtype="Int64")
    frame["grade"] = pd.to_numeric(frame["grade"], errors="coerce").astype("Int64")
    for col in ("primary_score", "max_score", "average", "weighted_average"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return frame[list(RESULT_COLUMNS)]


# ---------------------------------------------------------------------------------------------
# Settings and remembered column mappings


def get_setting(*, session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else json.loads(row.value)


def set_setting(*, session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
        session.add(row)


def save_mapping(*, session: Session, signature: str, mapping: dict[str, Any],
                 now: datetime | None = None) -> None:
    row = session.execute(select(ColumnMapping).where(
        ColumnMapping.signature == signature)).scalar_one_or_none()
    text = json.dumps(mapping, ensure_ascii=False)
    stamp = now or datetime.now(UTC)
    if row is None:
        session.add(ColumnMapping(signature=signature, mapping=text, updated_at=stamp))
    else:
        row.mapping, row.updated_at = text, stamp
        session.add(row)


def load_mapping(*, session: Session, signature: str) -> dict[str, Any] | None:
    row = session.execute(select(ColumnMapping.mapping).where(
        ColumnMapping.signature == signature)).scalar_one_or_none()
    return None if row is None else dict(json.loads(row))
