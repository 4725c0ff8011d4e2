"""Helpers shared by the readers: header search, task-header grammar, column letters."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.names import normalize_header
from core.workbook import Sheet

__all__ = [
    "HeaderMatch",
    "TaskHeader",
    "column_letter",
    "find_header_row",
    "parse_task_header",
]


def column_letter(index: int) -> str:
    """0 → «A», 27 → «AB»."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # 0-based index of the header row
    columns: dict[str, int]  # canonical field → 0-based column


def find_header_row(
    sheet: Sheet,
    fields: dict[str, Callable[[str], bool]],
    *,
    required: Iterable[str],
    max_rows: int = 30,
) -> HeaderMatch | None:
    """The first row within ``max_rows`` where every required field's predicate matches a cell.

    ``fields`` maps a canonical field to a predicate on the normalised header text; the first
    matching cell (left to right) wins.
    """
    need = set(required)
    for r in range(min(max_rows, sheet.height)):
        texts = [normalize_header(v) for v in sheet.rows[r]]
        found: dict[str, int] = {}
        for c, text in enumerate(texts):
            if not text:
                continue
            for name, pred in fields.items():
                if name not in found and pred(text):
                    found[name] = c
                    break
        if need <= set(found):
            return HeaderMatch(r, found)
    return None


_TASK = re.compile(
    r"^\s*(?:задание\s*№?\s*)?(\d+)(?:\.(\d+))?(?:\s*\((\d+)\))?(?:\s*[КкKk]\s*(\d+))?"
    r"\s*(?:\(\s*(\d+(?:[.,]\d+)?)\s*б(?:алл\w*)?\s*\))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TaskHeader:
    task: str  # «1», «11.3», «16(1)», «10К1»
    max_score: float | None


def parse_task_header(text: str, *, require_max: bool = True) -> TaskHeader | None:
    """FORMATS §4.2 grammar: ``<task>[.<sub>][(<part>)][К|k<criterion>] (<max>б)``.

    Also «Задание 3», «Задание 3 (2б)» (our template). Without ``require_max`` a bare number is
    accepted only when the text starts with «задание».
    """
    m = _TASK.match(text.replace("\xa0", " "))
    if not m:
        return None
    task, sub, part, crit, maximum = m.groups()
    if maximum is None and (require_max or not text.strip().lower().startswith("задание")):
        return None
    name = task + (f".{sub}" if sub else "") + (f"({part})" if part else "") + (
        f"К{crit}" if crit else "")
    return TaskHeader(name, float(maximum.replace(",", ".")) if maximum else None)
