"""Reading back: a :class:`~core.model.Dataset` for a :class:`~core.model.Scope`, mark counts by
scope (the SQL twin of :func:`core.summary.count_summary`), upload history, settings."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlmodel import Session

from core.dates import format_date
from core.indicators import COUNT_COLUMNS, TOKEN_COLUMNS
from core.model import TABLES, Dataset, Scope, normalise_table
from core.names import ProcedureKind
from core.summary import SUMMARY_KEY, fill_teachers, summary_period
from dashboard.models import (
    AcademicYear,
    ColumnMapping,
    Procedure,
    Pupil,
    PupilLink,
    Result,
    School,
    SchoolClass,
    Setting,
    Subject,
    Teacher,
    Upload,
)
from dashboard.store.tables import PERIOD, STORED, named_results, result_conditions

__all__ = [
    "data_version", "get_setting", "has_results", "list_uploads", "load_dataset",
    "load_mapping", "load_pupil_links", "mark_counts",
]


def load_dataset(*, session: Session, scope: Scope = Scope()) -> Dataset:
    """Every canonical table inside ``scope``, filtered in SQL. Results carry their teacher,
    filled from the teacher load where the file named none, as :func:`core.dataset.build_dataset`
    does; ``row_id`` is the result's database id."""
    tables = {t.name: normalise_table(t.name, t.read(session, scope)) for t in STORED}
    tables["results"] = fill_teachers(tables["results"], tables["teacher_load"])
    return Dataset(**{name: tables[name] for name in TABLES})


def _work_date() -> Any:
    """A control work is counted per date; other procedures per period (summary_period)."""
    return case((Procedure.kind == ProcedureKind.WORK.value, Result.held_on), else_=None)


def mark_counts(*, session: Session, scope: Scope = Scope()) -> pd.DataFrame:
    """Counts per (SUMMARY_KEY + teacher) by SQL ``GROUP BY``, the twin of
    :func:`core.summary.count_summary`: one result per pupil and summary row (the latest by
    date, then the later saved), «Период» of a control work is its date, and empty teachers are
    filled from the teacher load."""
    rank = func.row_number().over(
        partition_by=(Result.school_id, Result.year_id, Result.procedure_id, Result.period_id,
                      _work_date(), Result.class_id, Result.subject_id, Result.pupil_id),
        order_by=(Result.held_on.desc().nulls_last(), Result.id.desc()))
    ranked = named_results(select(Result.id.label("id"), rank.label("rank"),
                                  _work_date().label("work_date"))).where(
        *result_conditions(scope)).subquery()
    count_cols = [func.count().label("pupils")] + [
        func.sum(case((Result.mark == token, 1), else_=0)).label(column)
        for token, column in TOKEN_COLUMNS.items()
    ]
    stmt = (
        named_results(select(School.name, AcademicYear.name, func.coalesce(PERIOD.name, ""),
                             Procedure.name, ranked.c.work_date, SchoolClass.label, Subject.name,
                             func.coalesce(Teacher.name, ""), *count_cols))
        .join(ranked, ranked.c.id == Result.id)
        .where(ranked.c.rank == 1)
        .group_by(School.name, AcademicYear.name, PERIOD.name, Procedure.name,
                  ranked.c.work_date, SchoolClass.label, Subject.name, Teacher.name)
    )
    columns = ["school", "year", "period", "procedure", "date", "class_label", "subject",
               "teacher", *COUNT_COLUMNS]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["period"] = [summary_period(str(p), str(q), format_date(d)) for p, q, d in zip(
        frame["procedure"], frame["period"], frame["date"], strict=True)]
    for col in COUNT_COLUMNS:
        frame[col] = frame[col].fillna(0).astype("int64")
    frame = frame.drop(columns="date")
    load = next(t for t in STORED if t.name == "teacher_load").read(session, scope)
    frame = fill_teachers(frame, normalise_table("teacher_load", load))
    return frame[[*SUMMARY_KEY, "teacher", *COUNT_COLUMNS]]


def load_pupil_links(*, session: Session, school: str | None = None) -> pd.DataFrame:
    """Links of one child across years: id, school, status, from_year, from_class, from_pupil,
    to_year, to_class, to_pupil."""
    src, dst = Pupil.__table__.alias("src"), Pupil.__table__.alias("dst")  # type: ignore[attr-defined]
    y_src = AcademicYear.__table__.alias("y_src")  # type: ignore[attr-defined]
    y_dst = AcademicYear.__table__.alias("y_dst")  # type: ignore[attr-defined]
    stmt = (select(PupilLink.id, School.name, PupilLink.status, y_src.c.name, src.c.class_label,
                   src.c.key, y_dst.c.name, dst.c.class_label, dst.c.key)
            .join(School, School.id == PupilLink.school_id)
            .join(src, src.c.id == PupilLink.from_pupil_id)
            .join(dst, dst.c.id == PupilLink.to_pupil_id)
            .join(y_src, y_src.c.id == src.c.year_id)
            .join(y_dst, y_dst.c.id == dst.c.year_id)
            .order_by(PupilLink.id))
    if school is not None:
        stmt = stmt.where(School.name == school)
    return pd.DataFrame(session.execute(stmt).all(), columns=[
        "id", "school", "status", "from_year", "from_class", "from_pupil", "to_year",
        "to_class", "to_pupil"])


def has_results(*, session: Session) -> bool:
    return session.execute(select(Result.id).limit(1)).first() is not None


def data_version(*, session: Session) -> tuple[int, int, int]:
    """Changes whenever an upload is saved, replaced or deleted: keys the caches."""
    uploads, last = session.execute(select(func.count(), func.coalesce(func.max(Upload.id), 0))
                                    .select_from(Upload)).one()
    results = session.execute(select(func.count()).select_from(Result)).scalar_one()
    return int(uploads), int(last), int(results)


def list_uploads(*, session: Session) -> pd.DataFrame:
    """Upload history, newest first: id, file_name, uploaded_at, uploaded_by, layout_title,
    status, results, tasks, lessons, teacher_load, destinations, scope (dict)."""
    rows = session.execute(select(Upload).order_by(Upload.uploaded_at.desc(), Upload.id.desc()))
    counters = [t.counter for t in STORED]
    records = [{
        "id": u.id, "file_name": u.file_name, "uploaded_at": u.uploaded_at,
        "uploaded_by": u.uploaded_by, "layout_title": u.layout_title, "status": u.status,
        **{c: getattr(u, c) for c in counters},
        "scope": json.loads(u.scope) if u.scope else {},
    } for (u,) in rows.all()]
    return pd.DataFrame(records, columns=[
        "id", "file_name", "uploaded_at", "uploaded_by", "layout_title", "status", *counters,
        "scope"])


def get_setting(*, session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else json.loads(row.value)


def load_mapping(*, session: Session, signature: str) -> dict[str, Any] | None:
    row = session.execute(select(ColumnMapping.mapping).where(
        ColumnMapping.signature == signature)).scalar_one_or_none()
    return None if row is None else dict(json.loads(row))
