"""SQLModel tables of the store (one module, as in the SQLModel docs).

Shaped for what comes later: per-task scores beside results, journal marks beside independent
ones, daily lessons, teacher load, many schools. Schema changes go through Alembic
(``dashboard/migrations``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = [
    "AcademicYear",
    "ColumnMapping",
    "Destination",
    "Lesson",
    "Period",
    "Procedure",
    "Pupil",
    "Result",
    "School",
    "SchoolClass",
    "Setting",
    "Subject",
    "TaskScore",
    "Teacher",
    "TeacherLoad",
    "Upload",
]


def _fk(target: str, *, nullable: bool = False, cascade: bool = False) -> Column:  # type: ignore[type-arg]
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
    __tablename__ = "pupil"
    __table_args__ = (UniqueConstraint("school_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(sa_column=_fk("school.id"))
    key: str = Field(sa_column=Column(Text, nullable=False))  # name or participant code


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
    event_date: str = ""  # «дд.мм.гггг» of an independent procedure
    class_id: int = Field(sa_column=Column(Integer, ForeignKey("school_class.id"), nullable=False))
    pupil_id: int = Field(sa_column=_fk("pupil.id"))
    subject_id: int = Field(sa_column=Column(Integer, ForeignKey("subject.id"), nullable=False))
    teacher_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("teacher.id")))
    mark: str = ""  # canonical token (core.tokens)
    primary_score: float | None = None
    max_score: float | None = None
    journal_mark: str = ""
    variant: str = ""
    gender: str = ""
    average: float | None = None
    weighted_average: float | None = None


class TaskScore(SQLModel, table=True):
    __tablename__ = "task_score"
    id: int | None = Field(default=None, primary_key=True)
    result_id: int = Field(sa_column=_fk("result.id", cascade=True))
    task: str
    score: float | None = None
    max_score: float | None = None
    attempted: bool = False


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
    lesson_date: str = ""
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
