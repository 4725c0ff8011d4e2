"""Normalisation of cell tokens: the one table of FORMATS.md §0.4, in one place.

Canonical mark tokens (the ``mark`` column of results): ``"5" "4" "3" "2" "1"``,
``"н/а"`` (не аттестован), ``"осв"`` (освобождён), ``"зач"``, ``"незач"``, ``"долг"`` (NetSchool
«точка») and ``""`` (no mark).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache, wraps
from typing import ParamSpec, TypeVar

__all__ = [
    "ATTENDANCE_CODES",
    "NUMERIC_MARKS",
    "LessonCell",
    "MarkKind",
    "MarkToken",
    "TaskScore",
    "cell_text",
    "memoized",
    "parse_lesson_cell",
    "parse_mark",
    "parse_number",
    "parse_task_score",
]

NUMERIC_MARKS = ("5", "4", "3", "2", "1")


P = ParamSpec("P")
R = TypeVar("R")


def memoized(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache a pure cell-parsing function: a column repeats the same few values thousands of
    times. Unhashable arguments fall through to the plain call; ``typed`` keeps ``True``, ``1``
    and ``1.0`` apart."""
    cached = lru_cache(maxsize=16384, typed=True)(fn)

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return cached(*args, **kwargs)  # type: ignore[arg-type]
        except TypeError:
            return fn(*args, **kwargs)

    return wrapper


class MarkKind(StrEnum):
    MARK = "mark"
    NA = "н/а"
    EXEMPT = "осв"
    PASS = "зач"
    FAIL = "незач"
    DEBT = "долг"
    EMPTY = ""


@dataclass(frozen=True)
class MarkToken:
    """A normalised mark cell. ``token`` is the canonical text stored in results."""

    kind: MarkKind
    value: int | None = None
    note: str = ""  # non-empty when something was dropped or guessed (a problem to report)

    @property
    def token(self) -> str:
        if self.kind is MarkKind.MARK:
            return str(self.value)
        return str(self.kind.value)


_WS = re.compile(r"\s+")
_NA = {"н/а", "на", "н/a", "н\\а", "не аттестован", "неаттестован"}
_EXEMPT = {"осв", "осв.", "освоб", "освоб.", "освобожден", "освобождена"}
_PASS = {"зач", "зач.", "зачт", "зачт.", "зачтено", "зачет"}
_FAIL = {"незач", "незач.", "не зач", "незачт", "не зачтено", "незачет", "не зачет"}
_DEBT = {"·", "•", ".", "∙"}
_DUAL = re.compile(r"^([1-5])(?:\s*[/\\]\s*|\s+)([1-5])$")
_SIGNED = re.compile(r"^([1-5])\s*([+-])$")


def cell_text(value: object) -> str:
    """Any cell value as stripped text: floats that are whole numbers lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):  # as Russian Excel shows it; never the mark «1» or a «0»
        return "ИСТИНА" if value else "ЛОЖЬ"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    # NUL characters (a damaged or hostile file) are dropped: «Ив\0\0анова» is «Иванова», and
    # PostgreSQL refuses NUL in text.
    text = str(value).replace("\xa0", " ").replace("\x00", "").strip()
    if text.lower() in {"nan", "none", "<na>"}:
        return ""
    return text


@memoized
def parse_number(value: object) -> float | None:
    """A number from int, float or text (``' 4'``, ``'4,5'``); ``None`` when not a number."""
    text = cell_text(value).replace(",", ".").replace(" ", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return number


@memoized
def parse_mark(value: object, *, zero_is_placeholder: bool = True) -> MarkToken | None:
    """Normalise a term/independent mark cell. ``None`` means "not a mark token at all".

    A dual term mark «4/5» gives its first (setting) mark; «4+»/«5-» lose the sign; a ``0`` in a
    NetSchool mark column is a placeholder (empty, with a note).
    """
    text = _WS.sub(" ", cell_text(value)).strip()
    low = text.lower().replace("ё", "е")
    if not low:
        return MarkToken(MarkKind.EMPTY)
    if low in {"5", "4", "3", "2", "1"}:
        return MarkToken(MarkKind.MARK, int(low))
    number = parse_number(low)
    if number is not None and number.is_integer() and 1 <= number <= 5:
        return MarkToken(MarkKind.MARK, int(number))
    if number == 0 and zero_is_placeholder:
        return MarkToken(MarkKind.EMPTY, note="«0» в столбце отметок — заполнитель, не отметка")
    if low in _NA:
        return MarkToken(MarkKind.NA)
    if low in _EXEMPT:
        return MarkToken(MarkKind.EXEMPT)
    if low in _PASS:
        return MarkToken(MarkKind.PASS)
    if low in _FAIL:
        return MarkToken(MarkKind.FAIL)
    if low in _DEBT:
        return MarkToken(MarkKind.DEBT)
    m = _DUAL.match(low)
    if m:
        return MarkToken(MarkKind.MARK, int(m.group(1)),
                         note=f"двойная отметка «{text}»: взята первая")
    m = _SIGNED.match(low)
    if m:
        return MarkToken(MarkKind.MARK, int(m.group(1)), note=f"знак в отметке «{text}» отброшен")
    return None


@dataclass(frozen=True)
class TaskScore:
    """A ВПР task cell: points (``None`` if unreadable), whether it was attempted, and a note."""

    points: float | None
    attempted: bool
    note: str = ""


_NOT_ATTEMPTED = {"x", "х", "не пройд.", "не пройд", "не пройдено"}
_UNCLEAR = {"h", "-", "—", "–", "н"}


@memoized
def parse_task_score(value: object) -> TaskScore:
    """Normalise a ВПР task cell: numbers, ``X``/``Х`` and «не пройд.» (0, not attempted),
    unclear tokens (Latin ``H``, dashes: 0 with a note), empty (not attempted)."""
    text = cell_text(value)
    low = text.lower()
    if not low:
        return TaskScore(None, attempted=False)
    if low in _NOT_ATTEMPTED:
        return TaskScore(0.0, attempted=False)
    number = parse_number(low)
    if number is not None:
        if number < 0:
            return TaskScore(None, attempted=False, note=f"отрицательный балл «{text}»")
        return TaskScore(number, attempted=True)
    if low in _UNCLEAR:
        return TaskScore(0.0, attempted=False, note=f"неясная отметка задания «{text}» считается 0")
    return TaskScore(None, attempted=False, note=f"не число в баллах задания: «{text}»")


ATTENDANCE_CODES = {"н": "Н", "нб": "Н", "б": "Б", "у": "У", "о": "О", "п": "П"}


@dataclass(frozen=True)
class LessonCell:
    """A daily journal cell: marks given in the lesson and an attendance code (Н, Б, У, О)."""

    marks: tuple[int, ...]
    attendance: str = ""
    note: str = ""


_LESSON_PART = re.compile(r"[/\s]+")


@memoized
def parse_lesson_cell(value: object) -> LessonCell:
    """Split a NetSchool lesson cell: «2/3», «2  3», «О 2», «Н 2/2», «О 3 3», «·», «0»."""
    text = cell_text(value)
    if not text:
        return LessonCell(())
    marks: list[int] = []
    attendance = ""
    unknown: list[str] = []
    for part in _LESSON_PART.split(text):
        low = part.lower().rstrip("+-")
        if not low:
            continue
        if low in {"1", "2", "3", "4", "5"}:
            marks.append(int(low))
        elif low in ATTENDANCE_CODES:
            attendance = attendance or ATTENDANCE_CODES[low]
        elif low == "0" or low in _DEBT:
            continue
        else:
            unknown.append(part)
    note = f"нераспознанная часть «{' '.join(unknown)}»" if unknown else ""
    if text.strip() == "0":
        note = "«0» в ячейке урока — заполнитель, не отметка"
    return LessonCell(tuple(marks), attendance, note)
