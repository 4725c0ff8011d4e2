"""Reading back: a :class:`~core.model.Dataset` for a :class:`~core.model.Scope`, mark counts by
scope (the SQL twin of :func:`core.summary.count_summary`), upload history, settings."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from core.dates import format_date
from core.indicators import COUNT_COLUMNS, N_TOKENS, TOKEN_COLUMNS
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
from dashboard.store.write import REVISION_KEY

__all__ = [
    "data_version", "get_setting", "list_uploads", "load_dataset",
    "load_mapping", "load_pupil_links", "mark_counts", "mark_scale_counts", "result_inventory",
    "vpr_without_marks",
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
    return case((col(Procedure.kind) == ProcedureKind.WORK.value, col(Result.held_on)), else_=None)


def mark_counts(*, session: Session, scope: Scope = Scope()) -> pd.DataFrame:
    """Counts per (SUMMARY_KEY + teacher) by SQL ``GROUP BY``, the twin of
    :func:`core.summary.count_summary`: one result per pupil and summary row (the latest by
    date, then the later saved), «Период» of a control work is its date, and empty teachers are
    filled from the teacher load."""
    rank = func.row_number().over(
        partition_by=(col(Result.school_id), col(Result.year_id), col(Result.procedure_id),
                      col(Result.period_id), _work_date(), col(Result.class_id),
                      col(Result.subject_id), col(Result.pupil_id)),
        order_by=(col(Result.held_on).desc().nulls_last(), col(Result.id).desc()))
    ranked = named_results(select(col(Result.id).label("id"), rank.label("rank"),
                                  _work_date().label("work_date"))).where(
        *result_conditions(scope.identity_part())).subquery()
    count_cols = [func.count().label("pupils")] + [
        func.sum(case((col(Result.mark) == token, 1), else_=0)).label(column)
        for token, column in TOKEN_COLUMNS.items()
    ]
    stmt = (
        named_results(select(col(School.name), col(AcademicYear.name),
                             func.coalesce(PERIOD.name, ""), col(Procedure.name),
                             ranked.c.work_date, col(SchoolClass.label), col(Subject.name),
                             func.coalesce(Teacher.name, ""), *count_cols))
        .join(ranked, ranked.c.id == Result.id)
        # the latest result of each pupil is chosen over the whole key first; a teacher or a
        # date asked for then keeps what counts (core.summary.count_summary does the same)
        .where(ranked.c.rank == 1, *result_conditions(scope))
        .group_by(col(School.name), col(AcademicYear.name), col(PERIOD.name),
                  col(Procedure.name), ranked.c.work_date, col(SchoolClass.label),
                  col(Subject.name), col(Teacher.name))
    )
    columns = ["school", "year", "period", "procedure", "date", "class_label", "subject",
               "teacher", *COUNT_COLUMNS]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["period"] = [summary_period(str(p), str(q), format_date(d)) for p, q, d in zip(
        frame["procedure"], frame["period"], frame["date"], strict=True)]
    for name in COUNT_COLUMNS:
        frame[name] = frame[name].fillna(0).astype("int64")
    frame = frame.drop(columns="date")
    load = next(t for t in STORED if t.name == "teacher_load").read(session, scope)
    frame = fill_teachers(frame, normalise_table("teacher_load", load))
    return frame[[*SUMMARY_KEY, "teacher", *COUNT_COLUMNS]]


def result_inventory(*, session: Session) -> pd.DataFrame:
    """What results are saved, whether or not indicators can be computed from them: school,
    year, procedure, class_label, subject, rows, marked (rows with a mark counted in N), scored
    (rows with a primary score). A ВПР protocol without a score→mark scale has rows but no
    marks: it is listed here although the summary has no row for it."""
    marked = func.sum(case((col(Result.mark).in_(N_TOKENS), 1), else_=0))
    scored = func.sum(case((col(Result.primary_score).is_not(None), 1), else_=0))
    names = (col(School.name), col(AcademicYear.name), col(Procedure.name),
             col(SchoolClass.label), col(Subject.name))
    stmt = named_results(select(*names, func.count(), marked, scored)).group_by(*names)
    frame = pd.DataFrame(session.execute(stmt).all(), columns=[
        "school", "year", "procedure", "class_label", "subject", "rows", "marked", "scored"])
    for column in ("rows", "marked", "scored"):
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def load_pupil_links(*, session: Session, school: str | None = None) -> pd.DataFrame:
    """Links of one child across years: id, school, status, from_year, from_class, from_pupil,
    to_year, to_class, to_pupil."""
    src, dst = aliased(Pupil, name="src"), aliased(Pupil, name="dst")
    y_src, y_dst = aliased(AcademicYear, name="y_src"), aliased(AcademicYear, name="y_dst")
    stmt = (select(col(PupilLink.id), col(School.name), col(PupilLink.status), col(y_src.name),
                   col(src.class_label), col(src.key), col(y_dst.name), col(dst.class_label),
                   col(dst.key))
            .join(School, col(School.id) == PupilLink.school_id)
            .join(src, col(src.id) == PupilLink.from_pupil_id)
            .join(dst, col(dst.id) == PupilLink.to_pupil_id)
            .join(y_src, col(y_src.id) == src.year_id)
            .join(y_dst, col(y_dst.id) == dst.year_id)
            .order_by(col(PupilLink.id)))
    if school is not None:
        stmt = stmt.where(col(School.name) == school)
    return pd.DataFrame(session.execute(stmt).all(), columns=[
        "id", "school", "status", "from_year", "from_class", "from_pupil", "to_year",
        "to_class", "to_pupil"])


def data_version(*, session: Session) -> tuple[int, int, int]:
    """(uploads, revision, results). The revision only ever grows: every save, replacement,
    deletion and link change adds one (store.write.bump_revision), so it keys the caches even
    when a deleted upload's id is reused."""
    uploads = session.execute(select(func.count()).select_from(Upload)).scalar_one()
    revision = session.get(Setting, REVISION_KEY)
    results = session.execute(select(func.count()).select_from(Result)).scalar_one()
    return int(uploads), int(revision.value) if revision else 0, int(results)


def list_uploads(*, session: Session) -> pd.DataFrame:
    """Upload history, newest first: id, file_name, uploaded_at, uploaded_by, layout_title,
    status, results, tasks, lessons, teacher_load, destinations, scope (dict)."""
    rows = session.execute(select(Upload).order_by(col(Upload.uploaded_at).desc(),
                                                   col(Upload.id).desc()))
    counters = [t.name for t in STORED]
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
    row = session.execute(select(col(ColumnMapping.mapping)).where(
        col(ColumnMapping.signature) == signature)).scalar_one_or_none()
    return None if row is None else dict(json.loads(row))


def vpr_without_marks(*, session: Session) -> pd.DataFrame:
    """Saved ВПР results with a primary score and no mark, per (year, subject, grade): year
    (academic, «2021/2022»), subject, grade, results. The service keeps those no scale is
    known for (a scale's band may also miss a score)."""
    grade = col(SchoolClass.grade)
    names = (col(AcademicYear.name), col(Subject.name), grade)
    stmt = (named_results(select(*names, func.count()))
            .where(col(Procedure.name) == "ВПР", col(Result.mark) == "",
                   col(Result.primary_score).is_not(None))
            .group_by(*names).order_by(*names))
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["year", "subject", "grade", "results"])
    frame["results"] = frame["results"].astype("int64")
    return frame


def mark_scale_counts(*, session: Session) -> dict[str, int]:
    """How many saved results have their mark from each scale (``Result.mark_scale``)."""
    stmt = (select(col(Result.mark_scale), func.count()).where(col(Result.mark_scale) != "")
            .group_by(col(Result.mark_scale)))
    return {str(label): int(n) for label, n in session.execute(stmt).all()}
