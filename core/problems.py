"""Problems found while reading a file, and the small hierarchy of parse errors.

A reader never raises for a bad cell: it records a :class:`Problem` and goes on.
It raises a :class:`ParseError` subclass only when the file as a whole cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ArchiveBombError",
    "EncryptedFileError",
    "FileTooLargeError",
    "ParseError",
    "Problem",
    "Severity",
    "UnknownLayoutError",
    "UnreadableFileError",
    "first_error",
    "format_problem",
    "has_errors",
]


class Severity(StrEnum):
    ERROR = "ошибка"
    WARNING = "предупреждение"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the layout allows.

    ``row`` is the 1-based spreadsheet row, ``column`` the header text or column letter.
    ``needs`` names what the user can supply to cure it («year», «subject», «grade», «period»;
    the fields of :class:`~core.model.Metadata`), or is empty.
    """

    file: str
    message: str
    severity: Severity = Severity.WARNING
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    needs: str = ""


def format_problem(p: Problem) -> str:
    """A one-line Russian description naming the place: «файл, лист, строка, столбец»."""
    where = [f"файл «{p.file}»"]
    if p.sheet:
        where.append(f"лист «{p.sheet}»")
    if p.row is not None:
        where.append(f"строка {p.row}")
    if p.column:
        where.append(f"столбец «{p.column}»")
    text = ", ".join(where) + f": {p.message}"
    if p.value:
        text += f" (значение «{p.value}»)"
    return text


def has_errors(problems: tuple[Problem, ...] | list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def first_error(problems: tuple[Problem, ...] | list[Problem]) -> tuple[Problem, str] | None:
    """The first error and « (и ещё ошибок: N)» for the rest («» when it is the only one): what
    a command line says of a file it refuses. ``None`` without errors."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if not errors:
        return None
    return errors[0], f" (и ещё ошибок: {len(errors) - 1})" if len(errors) > 1 else ""


class ParseError(Exception):
    """The file as a whole cannot be read. ``str(err)`` is a Russian message for the user."""

    def __init__(self, file: str, message: str, *, sheet: str = "", row: int | None = None,
                 column: str = "") -> None:
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(
            format_problem(Problem(file=file, message=message, severity=Severity.ERROR,
                                   sheet=sheet, row=row, column=column))
        )


class UnreadableFileError(ParseError):
    """Not a spreadsheet, truncated, or damaged."""


class EncryptedFileError(ParseError):
    """Password-protected or encrypted workbook."""


class FileTooLargeError(ParseError):
    """Above the configured upload limit."""


class ArchiveBombError(ParseError):
    """An xlsx/ods archive whose declared uncompressed size or ratio is excessive."""


class UnknownLayoutError(ParseError):
    """A readable spreadsheet whose layout no reader recognises."""
