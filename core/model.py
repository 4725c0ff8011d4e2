"""The canonical tables every reader produces and everything downstream trusts.

``results`` — one row per pupil × subject × (period of term marks | independent procedure):

=================  ===========================================================================
school             school name (may be empty until the user fills it)
year               academic year «2024/2025»
procedure          «Отметки за период», «ВПР», «ОГЭ», «ЕГЭ», «Контрольная работа», free text
period             «1 четверть» … «Год», «Итоговая» for term marks; «» for independent procedures
date               «дд.мм.гггг» of an independent procedure, or «»
class_label        canonical «8А»
grade              int or <NA>
pupil              name or participant code (codes keep leading zeros)
subject            canonical subject name
teacher            «Фамилия И.О.» or «»
mark               canonical token (core.tokens): «5»…«1», «н/а», «осв», «зач», «незач», «долг», «»
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

``tasks`` — per-task scores: row_id, task («1», «11.3», «10К1»), score (float or NaN when not
attempted), max_score (float or NaN), attempted (bool).

``lessons`` — daily journal: school, year, class_label, pupil, subject, date, lesson_index, marks
(«3 4»), attendance («Н», «Б», «У», «О» or «»).

``teacher_load`` — school, year, class_label, subject, teacher, group, hours.

``destinations`` — graduation_year, class_label, pupil, direction, institution, speciality,
funding, matches_profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from core.problems import Problem

__all__ = [
    "DESTINATION_COLUMNS",
    "LESSON_COLUMNS",
    "LOAD_COLUMNS",
    "RESULT_COLUMNS",
    "TASK_COLUMNS",
    "Metadata",
    "ParsedFile",
    "empty_frame",
    "results_frame",
]

RESULT_COLUMNS = (
    "school", "year", "procedure", "period", "date", "class_label", "grade", "pupil", "subject",
    "teacher", "mark", "primary_score", "max_score", "journal_mark", "variant", "gender",
    "average", "weighted_average", "row_id", "source_sheet", "source_row",
)
_TEXT_RESULT = ("school", "year", "procedure", "period", "date", "class_label", "pupil", "subject",
                "teacher", "mark", "journal_mark", "variant", "gender", "source_sheet")
_FLOAT_RESULT = ("primary_score", "max_score", "average", "weighted_average")
TASK_COLUMNS = ("row_id", "task", "score", "max_score", "attempted")
LESSON_COLUMNS = ("school", "year", "class_label", "pupil", "subject", "date", "lesson_index",
                  "marks", "attendance")
LOAD_COLUMNS = ("school", "year", "class_label", "subject", "teacher", "group", "hours")
DESTINATION_COLUMNS = ("graduation_year", "class_label", "pupil", "direction", "institution",
                       "speciality", "funding", "matches_profile")


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def results_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Build a results table from dicts, filling absent columns and fixing dtypes."""
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    for col in _TEXT_RESULT:
        # A column absent from every dict comes back float64 (all NaN): cast before filling.
        frame[col] = frame[col].astype(object).fillna("").astype(str)
    for col in _FLOAT_RESULT:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["grade"] = pd.to_numeric(frame["grade"], errors="coerce").astype("Int64")
    frame["source_row"] = pd.to_numeric(frame["source_row"], errors="coerce").astype("Int64")
    if frame["row_id"].isna().all():
        frame["row_id"] = range(len(frame))
    frame["row_id"] = frame["row_id"].astype("int64")
    return frame


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
    problems: tuple[Problem, ...] = ()
    metadata: Metadata = Metadata()

    def with_problems(self, extra: list[Problem] | tuple[Problem, ...]) -> ParsedFile:
        return replace(self, problems=self.problems + tuple(extra))

    @property
    def row_count(self) -> int:
        return (len(self.results) + len(self.lessons) + len(self.teacher_load)
                + len(self.destinations))
