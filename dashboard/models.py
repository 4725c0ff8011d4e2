"""SQLModel tables of the store (one module, as in the SQLModel docs).

Shaped for what comes later: per-task scores beside results, journal marks beside independent
ones, daily lessons, teacher load, many schools. Schema changes go through Alembic
(``dashboard/migrations``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = [
    "AcademicYear",
    "ColumnMapping",
    "Destination",
    "Lesson",
    "Period",
    "Procedure",
    "Pupil",
    "PupilLink",
    "Reference",
    "Result",
    "School",
    "SchoolClass",
    "Setting",
    "Subject",
    "TaskCatalog",
    "TaskScore",
    "Teacher",
    "TeacherLoad",
    "Upload",
]


def _fk(target: str, *, nullable: bool = False, cascade: bool = False) -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE" if cascade else None),
                  nullable=nullable, index=True)


class School(SQLModel, table=True):
    __tablename__ = "school"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))


class AcademicYear(SQLModel, table=True):
    __tablename__ = "academic_year"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))  # «2024/2025»


class Period(SQLModel, table=True):
    __tablename__ = "period"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))  # «1 четверть», «Год»
    sort_order: int = 0


class Procedure(SQLModel, table=True):
    __tablename__ = "procedure"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))  # «ВПР», «Отметки за период»
    independent: bool = False
    # core.names.ProcedureKind: «term», «vpr», «oge», «ege», «work»
    kind: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class Subject(SQLModel, table=True):
    __tablename__ = "subject"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_id", "year_id", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(sa_column=_fk("school.id"))
    year_id: int = Field(sa_column=_fk("academic_year.id"))
    label: str = Field(sa_column=Column(Text, nullable=False))  # «8А»
    grade: int | None = None


class Pupil(SQLModel, table=True):
    """A child within one school year: a participant code belongs to its year (a school keeps
    one code per child across the ВПР subjects of a year); a name to its year and class, so
    namesakes in two classes are two pupils. The same child in later years is linked by
    :class:`PupilLink`."""

    __tablename__ = "pupil"
    __table_args__ = (UniqueConstraint("school_id", "year_id", "class_label", "key",
                                       name="uq_pupil_identity"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(sa_column=_fk("school.id"))
    year_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("academic_year.id"), nullable=True))
    # «8А» for a name; «» for a participant code (it belongs to the whole year)
    class_label: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    key: str = Field(sa_column=Column(Text, nullable=False))  # name or participant code


class PupilLink(SQLModel, table=True):
    """The same child in two school years (6А in 2023/24 → 7А in 2024/25). Made where the data
    allows («auto»), confirmed or made by the user («user»), or rejected by the user
    («rejected»: an automatic link that must not come back)."""

    __tablename__ = "pupil_link"
    __table_args__ = (UniqueConstraint("from_pupil_id", "to_pupil_id", name="uq_pupil_link"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(sa_column=_fk("school.id"))
    from_pupil_id: int = Field(sa_column=_fk("pupil.id", cascade=True))
    to_pupil_id: int = Field(sa_column=_fk("pupil.id", cascade=True))
    status: str = Field(default="auto", sa_column=Column(Text, nullable=False,
                                                         server_default="auto"))


class Teacher(SQLModel, table=True):
    __tablename__ = "teacher"
    __table_args__ = (UniqueConstraint("school_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(sa_column=_fk("school.id"))
    name: str = Field(sa_column=Column(Text, nullable=False))  # «Иванова И.И.»


class Upload(SQLModel, table=True):
    __tablename__ = "upload"
    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    uploaded_at: datetime
    uploaded_by: str = ""
    layout: str = ""
    layout_title: str = ""
    status: str = "сохранено"  # «сохранено», «заменено частично», «заменено полностью»
    results: int = 0
    tasks: int = 0
    lessons: int = 0
    teacher_load: int = 0
    destinations: int = 0
    task_catalog: int = 0
    reference: int = 0
    scope: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Result(SQLModel, table=True):
    """One pupil × subject × (period of term marks | independent procedure)."""

    __tablename__ = "result"
    __table_args__ = (
        Index("ix_result_scope", "school_id", "year_id", "procedure_id", "class_id", "subject_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(sa_column=_fk("upload.id", cascade=True))
    school_id: int = Field(sa_column=Column(Integer, ForeignKey("school.id"), nullable=False))
    year_id: int = Field(sa_column=Column(Integer, ForeignKey("academic_year.id"), nullable=False))
    procedure_id: int = Field(sa_column=Column(Integer, ForeignKey("procedure.id"), nullable=False))
    period_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("period.id")))
    # the date of an independent procedure (NULL for term marks or when the file gives none)
    held_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    class_id: int = Field(sa_column=Column(Integer, ForeignKey("school_class.id"), nullable=False))
    pupil_id: int = Field(sa_column=_fk("pupil.id"))
    subject_id: int = Field(sa_column=Column(Integer, ForeignKey("subject.id"), nullable=False))
    teacher_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("teacher.id")))
    mark: str = ""  # canonical token (core.tokens)
    # the scale a ВПР mark was derived by (core.scales.Scale.label); «» when the file gave it
    mark_scale: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    primary_score: float | None = None
    max_score: float | None = None
    journal_mark: str = ""
    variant: str = ""
    gender: str = ""
    average: float | None = None
    weighted_average: float | None = None
    source_sheet: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    source_row: int | None = None


class TaskScore(SQLModel, table=True):
    __tablename__ = "task_score"
    id: int | None = Field(default=None, primary_key=True)
    result_id: int = Field(sa_column=_fk("result.id", cascade=True))
    task: str
    score: float | None = None
    max_score: float | None = None
    attempted: bool = False
    level: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))  # «Б», «П», «В»
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class Lesson(SQLModel, table=True):
    """A daily journal cell: marks and attendance of one pupil in one lesson."""

    __tablename__ = "lesson"
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(sa_column=_fk("upload.id", cascade=True))
    school_id: int = Field(sa_column=Column(Integer, ForeignKey("school.id"), nullable=False))
    year_id: int = Field(sa_column=Column(Integer, ForeignKey("academic_year.id"), nullable=False))
    class_id: int = Field(sa_column=Column(Integer, ForeignKey("school_class.id"), nullable=False))
    pupil_id: int = Field(sa_column=Column(Integer, ForeignKey("pupil.id"), nullable=False))
    subject_id: int = Field(sa_column=Column(Integer, ForeignKey("subject.id"), nullable=False))
    lesson_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    lesson_index: int = 1
    marks: str = ""
    attendance: str = ""


class TeacherLoad(SQLModel, table=True):
    __tablename__ = "teacher_load"
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(sa_column=_fk("upload.id", cascade=True))
    school_id: int = Field(sa_column=Column(Integer, ForeignKey("school.id"), nullable=False))
    year_id: int | None = Field(default=None,
                                sa_column=Column(Integer, ForeignKey("academic_year.id")))
    class_label: str
    subject_id: int = Field(sa_column=Column(Integer, ForeignKey("subject.id"), nullable=False))
    teacher_id: int = Field(sa_column=Column(Integer, ForeignKey("teacher.id"), nullable=False))
    group_name: str = ""
    hours: float | None = None


class Destination(SQLModel, table=True):
    __tablename__ = "destination"
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(sa_column=_fk("upload.id", cascade=True))
    school_id: int = Field(sa_column=Column(Integer, ForeignKey("school.id"), nullable=False))
    graduation_year: str = ""
    class_label: str = ""
    pupil: str = ""
    direction: str = ""
    institution: str = ""
    speciality: str = ""
    funding: str = ""
    matches_profile: str = ""


class TaskCatalog(SQLModel, table=True):
    """A ВПР work description (core.model ``task_catalog``): a task, or a КТ/КЭС dictionary
    entry. It belongs to no school: the year, subject and grade are plain text and number."""

    __tablename__ = "task_catalog"
    __table_args__ = (Index("ix_task_catalog_work", "year", "subject", "grade"),)
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(sa_column=_fk("upload.id", cascade=True))
    year: str = Field(sa_column=Column(Text, nullable=False))  # the ВПР year, «2021»
    subject: str = Field(sa_column=Column(Text, nullable=False))
    grade: int | None = None
    part: str = Field(sa_column=Column(Text, nullable=False))  # «tasks», «kt», «ks»
    task: str = Field(default="", sa_column=Column(Text, nullable=False))
    position: int = 0
    max_score: float | None = None
    level: str = Field(default="", sa_column=Column(Text, nullable=False))
    kes: str = Field(default="", sa_column=Column(Text, nullable=False))
    kt: str = Field(default="", sa_column=Column(Text, nullable=False))
    skill: str = Field(default="", sa_column=Column(Text, nullable=False))


class Reference(SQLModel, table=True):
    """A reference row of a work (core.model ``reference``): the municipality's, region's or
    RF's figures. It belongs to no school: year, procedure, subject and grade are plain values."""

    __tablename__ = "reference"
    __table_args__ = (Index("ix_reference_work", "year", "procedure", "subject", "grade"),)
    id: int | None = Field(default=None, primary_key=True)
    upload_id: int = Field(sa_column=_fk("upload.id", cascade=True))
    year: str = Field(sa_column=Column(Text, nullable=False))  # «2024/2025»
    procedure: str = Field(sa_column=Column(Text, nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    grade: int | None = None
    level: str = Field(sa_column=Column(Text, nullable=False))  # «РФ», «регион», «муниципалитет»
    participants: int | None = None
    mean_score: float | None = None
    sd: float | None = None
    p2: float | None = None
    p3: float | None = None
    p4: float | None = None
    p5: float | None = None
    lowered: float | None = None
    confirmed: float | None = None
    raised: float | None = None
    tasks: str = Field(default="", sa_column=Column(Text, nullable=False))  # «1=85.2;2=61»


class ColumnMapping(SQLModel, table=True):
    """A user's column mapping remembered for a header signature (unknown layouts)."""

    __tablename__ = "column_mapping"
    id: int | None = Field(default=None, primary_key=True)
    signature: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    mapping: str = Field(sa_column=Column(Text, nullable=False))  # JSON {header: field}
    updated_at: datetime


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str = Field(sa_column=Column(Text, nullable=False))  # JSON
