"""Writing: an upload as the core's intake rules allow, deletion, settings, column mappings and
links between pupils. Every function works in the caller's transaction (the service commits)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Integer, Text, cast, delete, func, insert, select, text, update
from sqlmodel import Session, col

from core.cohorts import propose_links
from core.dates import format_date, parse_date
from core.intake import (
    CATALOG_SCOPE,
    LOAD_SCOPE,
    REFERENCE_SCOPE,
    EarlierUpload,
    IntakeDecision,
    IntakeStatus,
    StoredState,
    decide,
    schools_of,
)
from core.model import RESULT_KEY, ParsedFile
from core.names import PERIODS, grade_of, is_participant_code
from core.scales import Scale, academic_year, find_scale
from dashboard.models import (
    AcademicYear,
    ColumnMapping,
    Lesson,
    Procedure,
    Pupil,
    PupilLink,
    Reference,
    Result,
    School,
    SchoolClass,
    Setting,
    Subject,
    TaskCatalog,
    TaskScore,
    TeacherLoad,
    Upload,
)
from dashboard.store.tables import (
    PERIOD,
    STORED,
    Ids,
    insert_ignoring_duplicates,
    named_results,
)

__all__ = [
    "Rederived", "SaveResult", "confirm_pupil_link", "delete_upload", "find_pupil",
    "intake_state", "link_pupils", "rederive_vpr_marks", "reject_pupil_link", "save_mapping",
    "save_upload", "set_pupil_link", "set_setting",
]


@dataclass(frozen=True)
class SaveResult:
    """What happened to one file: the intake decision and, when saved, the new upload's id and
    the rows saved per table."""

    decision: IntakeDecision
    upload_id: int | None = None
    counts: dict[str, int] | None = None

    @property
    def saved(self) -> bool:
        return self.upload_id is not None


def _earlier(session: Session, ids: set[int]) -> dict[int, EarlierUpload]:
    if not ids:
        return {}
    rows = session.execute(select(col(Upload.id), col(Upload.file_name), col(Upload.uploaded_at))
                           .where(col(Upload.id).in_(sorted(ids)))).all()
    return {int(i): EarlierUpload(int(i), str(n), at) for i, n, at in rows}


def intake_state(*, session: Session, parsed: ParsedFile) -> StoredState:
    """What earlier uploads hold, as much as :func:`core.intake.decide` needs for ``parsed``."""
    same = session.execute(select(col(Upload.id), col(Upload.file_name), col(Upload.uploaded_at),
                                  col(Upload.scope))
                           .where(col(Upload.sha256) == parsed.sha256)).first()
    results = parsed.results
    pupils = pd.DataFrame(columns=["upload_id", *RESULT_KEY, "pupil"])
    if not results.empty:
        stmt = named_results(select(
            col(Result.upload_id), col(School.name), col(AcademicYear.name), col(Procedure.name),
            func.coalesce(PERIOD.name, ""), col(Result.held_on), col(SchoolClass.label),
            col(Subject.name), col(Pupil.key),
        )).where(col(AcademicYear.name).in_(sorted(set(results["year"]))),
                 col(School.name).in_(sorted(set(results["school"]))))
        pupils = pd.DataFrame(session.execute(stmt).all(),
                              columns=["upload_id", *RESULT_KEY, "pupil"])
        pupils["date"] = pupils["date"].map(format_date)
    loads = pd.DataFrame(columns=["upload_id", *LOAD_SCOPE, "rows"])
    if not parsed.teacher_load.empty:
        stmt2 = (select(col(TeacherLoad.upload_id), col(School.name),
                        func.coalesce(AcademicYear.name, ""), col(TeacherLoad.class_label),
                        col(Subject.name), func.count())
                 .join(School, col(School.id) == TeacherLoad.school_id)
                 .outerjoin(AcademicYear, col(AcademicYear.id) == TeacherLoad.year_id)
                 .join(Subject, col(Subject.id) == TeacherLoad.subject_id)
                 .group_by(col(TeacherLoad.upload_id), col(School.name), col(AcademicYear.name),
                           col(TeacherLoad.class_label), col(Subject.name)))
        loads = pd.DataFrame(session.execute(stmt2).all(),
                             columns=["upload_id", *LOAD_SCOPE, "rows"])
    catalogs = _scope_rows(session, TaskCatalog, CATALOG_SCOPE, parsed.task_catalog)
    references = _scope_rows(session, Reference, REFERENCE_SCOPE, parsed.reference)
    uploads = _earlier(session, {int(u) for frame in (pupils, loads, catalogs, references)
                                 for u in frame["upload_id"]})
    return StoredState(
        uploads=uploads,
        same_bytes=None if same is None else EarlierUpload(
            int(same[0]), str(same[1]), same[2],
            tuple(json.loads(same[3]).get("Школа", []) if same[3] else ())),
        result_pupils=pupils, load_scopes=loads, catalog_scopes=catalogs,
        reference_scopes=references)


def _scope_rows(session: Session, model: type[TaskCatalog] | type[Reference],
                scope: tuple[str, ...], new: pd.DataFrame) -> pd.DataFrame:
    """upload_id, scope…, rows: earlier rows of a table kept per scope and no school (a work
    description, reference rows) in the subjects of ``new``."""
    if new.empty:
        return pd.DataFrame(columns=["upload_id", *scope, "rows"])
    columns = [getattr(model, c) for c in scope]
    stmt = (select(col(model.upload_id), *columns, func.count())
            .where(col(model.subject).in_(sorted(set(new["subject"]))))
            .group_by(col(model.upload_id), *columns))
    return pd.DataFrame(session.execute(stmt).all(), columns=["upload_id", *scope, "rows"])


def save_upload(*, session: Session, parsed: ParsedFile, uploaded_by: str = "",
                replace: bool = False, now: datetime | None = None,
                require_school: bool = True) -> SaveResult:
    """Decide with the core's intake rules, then write what they allow, in the caller's
    transaction (the caller commits when :attr:`SaveResult.saved`, or rolls back).

    Concurrent saves must be serialised before the decision: on PostgreSQL this takes advisory
    locks (per school, and per file content) here; on SQLite the caller begins the transaction
    with the write lock (``WRITE_LOCK_OPTION``, as :mod:`dashboard.services` does)."""
    _lock_intake(session, parsed)
    # A copy whose rows were all replaced holds nothing: the same bytes may be saved again.
    session.execute(delete(Upload).where(col(Upload.sha256) == parsed.sha256,
                                         col(Upload.status) == REPLACED_FULLY))
    decision = decide(parsed, intake_state(session=session, parsed=parsed), replace=replace,
                      require_school=require_school)
    if not decision.can_save:
        return SaveResult(decision)
    ids = Ids(session)
    # The counter columns are named by the table registry, so mypy cannot match them to fields.
    counters: dict[str, Any] = {t.name: len(getattr(parsed, t.name)) for t in STORED}
    upload = Upload(
        file_name=parsed.file_name, sha256=parsed.sha256, uploaded_at=now or datetime.now(UTC),
        uploaded_by=uploaded_by, layout=parsed.layout, layout_title=parsed.layout_title,
        scope=json.dumps(_describe_scope(parsed), ensure_ascii=False), **counters,
    )
    session.add(upload)
    session.flush()
    assert upload.id is not None
    if decision.status is IntakeStatus.REPLACES:
        _delete_results(session, ids, decision.replaced_results)
        _delete_load(session, ids, decision.replaced_load)
        _delete_catalog(session, decision.replaced_catalog)
        _delete_reference(session, decision.replaced_reference)
        _mark_replaced(session, {c.upload.upload_id for c in decision.conflicts})
    context: dict[str, Any] = {}
    for table in STORED:
        table.write(session, ids, upload.id, getattr(parsed, table.name), context)
    schools = sorted({s for s, _y in context.get("pupil_years", set())})
    if schools:
        link_pupils(session=session, school_ids=schools)
    if decision.status is IntakeStatus.REPLACES:
        _purge_pupils(session)  # the replaced rows' pupils that no row names any more
    bump_revision(session)
    return SaveResult(decision, upload.id, {t.name: len(getattr(parsed, t.name)) for t in STORED})


REVISION_KEY = "data_revision"
REPLACED_FULLY = "заменено полностью"  # an upload status


def bump_revision(session: Session) -> None:
    """One more change of the data, in the caller's transaction (under its write lock)."""
    session.execute(insert_ignoring_duplicates(session, Setting).values(
        key=REVISION_KEY, value="0"))
    session.execute(update(Setting).where(col(Setting.key) == REVISION_KEY).values(
        value=cast(cast(col(Setting.value), Integer) + 1, Text)))


def _lock_intake(session: Session, parsed: ParsedFile) -> None:
    """Transaction-level advisory locks on PostgreSQL: one per school the file names and one
    for its content, taken in a fixed order (no deadlock). Released at commit or rollback."""
    if session.connection().dialect.name != "postgresql":
        return
    keys = sorted({f"school:{n}" for n in schools_of(parsed)} | {f"file:{parsed.sha256}"})
    for key in keys:
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


def _describe_scope(parsed: ParsedFile) -> dict[str, list[str]]:
    r = parsed.results
    catalog = parsed.task_catalog
    if r.empty and not catalog.empty:
        return {"Год ВПР": sorted(set(catalog["year"])), "Предметы": sorted(set(catalog["subject"])),
                "Параллель": sorted({str(g) for g in catalog["grade"].dropna()})}
    reference = parsed.reference
    if r.empty and not reference.empty:
        return {"Учебный год": sorted(set(reference["year"])),
                "Процедура": sorted(set(reference["procedure"])),
                "Предметы": sorted(set(reference["subject"])),
                "Параллель": sorted({str(g) for g in reference["grade"].dropna()}),
                "Уровень": sorted(set(reference["level"]))}
    if r.empty:
        schools = sorted(schools_of(parsed))
        return {"Школа": schools} if schools else {}
    return {
        "Школа": sorted(schools_of(parsed)),
        "Учебный год": sorted(set(r["year"])),
        "Процедура": sorted(set(r["procedure"])),
        "Период": sorted({p for p in r["period"] if p}, key=lambda p: PERIODS.index(p)
                         if p in PERIODS else 99),
        "Классы": sorted(set(r["class_label"]), key=lambda c: (grade_of(c) or 0, c)),
        "Предметы": sorted(set(r["subject"])),
    }


def _delete_results(session: Session, ids: Ids, scopes: pd.DataFrame) -> None:
    for rec in scopes.to_dict("records"):
        school_id = ids.school(str(rec["school"]))
        year_id = ids.year(str(rec["year"]))
        period_id = ids.period(str(rec["period"]))
        held_on = parse_date(str(rec["date"]))
        cond = [col(Result.upload_id) == int(rec["upload_id"]),
                col(Result.school_id) == school_id, col(Result.year_id) == year_id,
                col(Result.procedure_id) == ids.procedure(str(rec["procedure"])),
                col(Result.class_id) == ids.school_class(school_id, year_id,
                                                         str(rec["class_label"])),
                col(Result.subject_id) == ids.subject(str(rec["subject"])),
                col(Result.held_on).is_(None) if held_on is None
                else col(Result.held_on) == held_on,
                col(Result.period_id).is_(None) if period_id is None
                else col(Result.period_id) == period_id]
        session.execute(delete(TaskScore).where(col(TaskScore.result_id).in_(
            select(col(Result.id)).where(*cond))))
        session.execute(delete(Result).where(*cond))


def _delete_load(session: Session, ids: Ids, scopes: pd.DataFrame) -> None:
    for rec in scopes.to_dict("records"):
        year = str(rec["year"])
        session.execute(delete(TeacherLoad).where(
            col(TeacherLoad.upload_id) == int(rec["upload_id"]),
            col(TeacherLoad.school_id) == ids.school(str(rec["school"])),
            col(TeacherLoad.class_label) == str(rec["class_label"]),
            col(TeacherLoad.subject_id) == ids.subject(str(rec["subject"])),
            col(TeacherLoad.year_id).is_(None) if not year
            else col(TeacherLoad.year_id) == ids.year(year)))


def _delete_catalog(session: Session, scopes: pd.DataFrame) -> None:
    for rec in scopes.to_dict("records"):
        grade = rec["grade"]
        session.execute(delete(TaskCatalog).where(
            col(TaskCatalog.upload_id) == int(rec["upload_id"]),
            col(TaskCatalog.year) == str(rec["year"]),
            col(TaskCatalog.subject) == str(rec["subject"]),
            col(TaskCatalog.part) == str(rec["part"]),
            col(TaskCatalog.grade).is_(None) if grade is None or pd.isna(grade)
            else col(TaskCatalog.grade) == int(grade)))


def _delete_reference(session: Session, scopes: pd.DataFrame) -> None:
    for rec in scopes.to_dict("records"):
        grade = rec["grade"]
        session.execute(delete(Reference).where(
            col(Reference.upload_id) == int(rec["upload_id"]),
            *(col(getattr(Reference, name)) == str(rec[name])
              for name in ("year", "procedure", "subject", "level")),
            col(Reference.grade).is_(None) if grade is None or pd.isna(grade)
            else col(Reference.grade) == int(grade)))


def _mark_replaced(session: Session, upload_ids: set[int]) -> None:
    """Status and counts of earlier uploads after some of their rows were replaced."""
    for upload_id in upload_ids:
        left = {t.name: session.execute(select(func.count()).select_from(t.model).where(
                    t.upload_id() == upload_id)).scalar_one()
                for t in STORED if t.per_upload}
        status = REPLACED_FULLY if not any(left.values()) else "заменено частично"
        session.execute(update(Upload).where(col(Upload.id) == upload_id)
                        .values(status=status, **left))


def delete_upload(*, session: Session, upload_id: int) -> bool:
    """Delete one upload with all its rows, and the pupils left without any. ``False`` when
    there is no such upload."""
    if session.get(Upload, upload_id) is None:
        return False
    own = select(col(Result.id)).where(col(Result.upload_id) == upload_id)
    session.execute(delete(TaskScore).where(col(TaskScore.result_id).in_(own)))
    for table in STORED:
        if table.per_upload:
            session.execute(delete(table.model).where(table.upload_id() == upload_id))
    session.execute(delete(Upload).where(col(Upload.id) == upload_id))
    _purge_pupils(session)
    bump_revision(session)
    return True


def _purge_pupils(session: Session) -> None:
    used = select(col(Result.pupil_id)).union(select(col(Lesson.pupil_id)))
    session.execute(delete(PupilLink).where(col(PupilLink.from_pupil_id).not_in(used)
                                            | col(PupilLink.to_pupil_id).not_in(used)))
    session.execute(delete(Pupil).where(col(Pupil.id).not_in(used)))


# ---------------------------------------------------------------------------------------------
# Links of one child across school years


def link_pupils(*, session: Session, school_ids: list[int]) -> int:
    """Make the links the data allows (core.cohorts.propose_links) in these schools that are
    not there yet and that the user has not rejected. Returns how many were made."""
    rows = session.execute(
        select(col(Pupil.school_id), col(Pupil.id), col(AcademicYear.name),
               col(Pupil.class_label), col(Pupil.key))
        .join(AcademicYear, col(AcademicYear.id) == Pupil.year_id)
        .where(col(Pupil.school_id).in_(school_ids), col(Pupil.class_label) != "")).all()
    pupils = pd.DataFrame(rows, columns=["school_id", "id", "year", "class_label", "pupil"])
    if pupils.empty:
        return 0
    known = {(int(a), int(b)) for a, b in session.execute(
        select(col(PupilLink.from_pupil_id), col(PupilLink.to_pupil_id))
        .where(col(PupilLink.school_id).in_(school_ids))).all()}
    linked_from = {a for a, _b in known}
    linked_to = {b for _a, b in known}
    new = []
    for school_id, group in pupils.groupby("school_id"):
        proposed = propose_links(group.drop(columns="school_id"))
        new += [{"school_id": int(str(school_id)), "from_pupil_id": int(a), "to_pupil_id": int(b),
                 "status": "auto"}
                for a, b in zip(proposed["from_id"], proposed["to_id"], strict=True)
                if (int(a), int(b)) not in known and int(a) not in linked_from
                and int(b) not in linked_to]
    if new:
        session.execute(insert(PupilLink), new)
    return len(new)


def set_pupil_link(*, session: Session, from_pupil_id: int, to_pupil_id: int) -> None:
    """The user says these two pupils are one child: other links of either in that direction
    are rejected, and this one is kept as the user's."""
    school_id = session.execute(select(col(Pupil.school_id)).where(
        col(Pupil.id) == from_pupil_id)).scalar_one()
    session.execute(update(PupilLink).where(
        (col(PupilLink.from_pupil_id) == from_pupil_id)
        | (col(PupilLink.to_pupil_id) == to_pupil_id),
        col(PupilLink.status) != "rejected").values(status="rejected"))
    existing = session.execute(select(PupilLink).where(
        col(PupilLink.from_pupil_id) == from_pupil_id,
        col(PupilLink.to_pupil_id) == to_pupil_id)).scalar_one_or_none()
    if existing is None:
        session.add(PupilLink(school_id=school_id, from_pupil_id=from_pupil_id,
                              to_pupil_id=to_pupil_id, status="user"))
    else:
        existing.status = "user"
        session.add(existing)
    bump_revision(session)


def find_pupil(*, session: Session, school: str, year: str, class_label: str,
               pupil: str) -> int | None:
    """The id of one child of a school year: a name in its class, or a participant code."""
    label = "" if is_participant_code(pupil) else class_label
    return session.execute(
        select(col(Pupil.id)).join(School, col(School.id) == Pupil.school_id)
        .join(AcademicYear, col(AcademicYear.id) == Pupil.year_id)
        .where(col(School.name) == school, col(AcademicYear.name) == year,
               col(Pupil.class_label) == label, col(Pupil.key) == pupil)).scalar_one_or_none()


def _mark_link(session: Session, link_id: int, status: str) -> bool:
    link = session.get(PupilLink, link_id)
    if link is None:
        return False
    link.status = status
    session.add(link)
    bump_revision(session)
    return True


def confirm_pupil_link(*, session: Session, link_id: int) -> bool:
    """The user confirms an automatic link (it is kept as the user's)."""
    return _mark_link(session, link_id, "user")


def reject_pupil_link(*, session: Session, link_id: int) -> bool:
    """The user says a link is wrong; it stays rejected (never made again automatically)."""
    return _mark_link(session, link_id, "rejected")


# ---------------------------------------------------------------------------------------------
# ВПР marks derived again when a scale changes

VPR = "ВПР"  # the procedure whose marks are derived (core.readers.vpr_table.PROCEDURE)


@dataclass(frozen=True)
class Rederived:
    """What re-deriving the marks of one (year, subject, grade) did: ``marked`` results have a
    mark by ``scale`` now, ``unmarked`` have none (no scale, or a score outside every band)."""

    year: int
    subject: str
    grade: int
    scale: Scale | None
    marked: int
    unmarked: int


def rederive_vpr_marks(*, session: Session, keys: set[tuple[int, str, int]],
                       scales: tuple[Scale, ...]) -> list[Rederived]:
    """Derive again the marks of the saved ВПР results of each (ВПР year, subject, grade) in
    ``keys`` by the scale :func:`core.scales.find_scale` finds with the user's ``scales``:
    results whose mark was derived (``mark_scale`` not «») and results with a primary score but
    no mark. A mark given by the file (``mark_scale`` «», ``mark`` not «») is never touched. In
    the caller's transaction; the data revision grows, so that cached pages refresh."""
    done = []
    for year, subject, grade in sorted(keys):
        scale = find_scale(year=year, subject=subject, grade=grade, extra=scales)
        rows = session.execute(
            select(col(Result.id), col(Result.primary_score))
            .join(Procedure, col(Procedure.id) == Result.procedure_id)
            .join(AcademicYear, col(AcademicYear.id) == Result.year_id)
            .join(Subject, col(Subject.id) == Result.subject_id)
            .join(SchoolClass, col(SchoolClass.id) == Result.class_id)
            .where(col(Procedure.name) == VPR, col(AcademicYear.name) == academic_year(year),
                   col(Subject.name) == subject, col(SchoolClass.grade) == grade,
                   (col(Result.mark_scale) != "")
                   | ((col(Result.mark) == "") & col(Result.primary_score).is_not(None)))
        ).all()
        groups: dict[tuple[str, str], list[int]] = {}
        for result_id, score in rows:
            mark = None if scale is None or score is None else scale.mark_for(float(score))
            new = ("", "") if mark is None or scale is None else (str(mark), scale.label)
            groups.setdefault(new, []).append(int(result_id))
        for (mark_text, label), ids in groups.items():
            for start in range(0, len(ids), 500):
                session.execute(update(Result).where(col(Result.id).in_(ids[start:start + 500]))
                                .values(mark=mark_text, mark_scale=label))
        marked = sum(len(ids) for (m, _l), ids in groups.items() if m)
        done.append(Rederived(year, subject, grade, scale, marked, len(rows) - marked))
    bump_revision(session)
    return done


# ---------------------------------------------------------------------------------------------
# Settings and remembered column mappings


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
        col(ColumnMapping.signature) == signature)).scalar_one_or_none()
    text = json.dumps(mapping, ensure_ascii=False)
    stamp = now or datetime.now(UTC)
    if row is None:
        session.add(ColumnMapping(signature=signature, mapping=text, updated_at=stamp))
    else:
        row.mapping, row.updated_at = text, stamp
        session.add(row)
