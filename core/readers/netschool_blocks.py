"""What the two «Сетевой город» class reports share: a school line and a title at the top, then
one block per pupil that starts with «Учебный год:» and carries «Класс:», «Ученик:» (and in the
Отчёт «Период:») label lines above its own header (FORMATS §1, §2).

Labels are found by text in the first non-empty cell of a row, never by position; the value may
follow the colon in the same cell or sit in the next non-empty cell (HTML exports).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core.names import normalize_header
from core.tokens import cell_text
from core.workbook import Sheet

__all__ = [
    "DETECT_ROWS",
    "PupilBlock",
    "find_row",
    "first_cell",
    "has_pupil_blocks",
    "is_subject_header",
    "pupil_blocks",
    "school_name",
    "title_row",
]

_LABEL = re.compile(r"^\s*(учебный год|класс|ученик|период)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)
_LABEL_SCAN = 8  # label lines sit in the first cells of a row
DETECT_ROWS = 120  # the title, the labels and the header of the first block lie within these


def is_subject_header(t: str) -> bool:
    """The subject column's header (normalised): «Предмет», also «Предметы», «Учебный предмет»."""
    return t in {"предмет", "предметы", "учебный предмет", "наименование предмета"}


@dataclass(frozen=True)
class PupilBlock:
    """Rows ``start`` (0-based, inclusive) … ``end`` (exclusive) of one pupil.

    ``labels`` maps «учебный год», «класс», «ученик», «период» to the raw value text and
    ``label_rows`` to the 0-based row where it was read.
    """

    start: int
    end: int
    labels: dict[str, str] = field(default_factory=dict)
    label_rows: dict[str, int] = field(default_factory=dict)


def first_cell(sheet: Sheet, row: int, limit: int = _LABEL_SCAN) -> tuple[int, str]:
    """(column, text) of the first non-empty cell among the first ``limit``; (-1, «») if none."""
    values = sheet.rows[row]
    for c in range(min(limit, len(values))):
        v = values[c]
        if v == "" or v is None:
            continue
        text = cell_text(v)
        if text:
            return c, text
    return -1, ""


def _label(sheet: Sheet, row: int) -> tuple[str, str] | None:
    col, text = first_cell(sheet, row)
    if col < 0 or ":" not in text:
        return None
    m = _LABEL.match(text)
    if m is None:
        return None
    key = m.group(1).lower()
    value = " ".join(m.group(2).split())
    if not value:
        values = sheet.rows[row]
        for c in range(col + 1, min(col + 1 + _LABEL_SCAN, len(values))):
            value = " ".join(cell_text(values[c]).split())
            if value:
                break
    return key, value


def title_row(sheet: Sheet, title: str, *, max_rows: int = 15) -> int | None:
    """0-based row whose first cell (normalised) starts with ``title`` (normalised)."""
    want = normalize_header(title)
    for r in range(min(max_rows, sheet.height)):
        _, text = first_cell(sheet, r)
        if text and normalize_header(text).startswith(want):
            return r
    return None


def school_name(sheet: Sheet, title: int | None) -> str:
    """The school line above the title (row 1 of both exports); «» when absent."""
    if title is None:
        return ""
    for r in range(title):
        _, text = first_cell(sheet, r)
        if text:
            return " ".join(text.split())
    return ""


def find_row(sheet: Sheet, start: int, end: int,
             predicate: Callable[[str], bool]) -> tuple[int, int] | None:
    """(row, column) of the first cell in rows ``start``…``end - 1`` whose normalised text
    satisfies ``predicate``."""
    for r in range(start, min(end, sheet.height)):
        for c, v in enumerate(sheet.rows[r]):
            if v == "" or v is None:
                continue
            if predicate(normalize_header(v)):
                return r, c
    return None


def pupil_blocks(sheet: Sheet, *, limit: int | None = None) -> list[PupilBlock]:
    """Blocks starting at each «Учебный год:» line (or at «Ученик:» when the year is given once
    at the top). Labels missing inside a block are inherited from the lines above the first
    block. ``limit`` reads only the first rows (layout detection needs the first block only)."""
    height = sheet.height if limit is None else min(limit, sheet.height)
    labelled: list[tuple[int, str, str]] = []
    for r in range(height):
        found = _label(sheet, r)
        if found is not None:
            labelled.append((r, found[0], found[1]))
    starts = [r for r, key, _ in labelled if key == "учебный год"]
    pupils = [r for r, key, _ in labelled if key == "ученик"]
    if len(starts) < len(pupils):
        starts = pupils
    if not starts:
        return []
    top: dict[str, str] = {}
    top_rows: dict[str, int] = {}
    for r, key, value in labelled:
        if r >= starts[0]:
            break
        top[key], top_rows[key] = value, r
    blocks: list[PupilBlock] = []
    bounds = [*starts, height]
    i = 0
    for b, start in enumerate(starts):
        end = bounds[b + 1]
        labels, rows = dict(top), dict(top_rows)
        while i < len(labelled) and labelled[i][0] < start:
            i += 1
        j = i
        seen: set[str] = set()
        while j < len(labelled) and labelled[j][0] < end:
            r, key, value = labelled[j]
            if key not in seen:  # the first line of a kind in the block wins
                labels[key], rows[key] = value, r
                seen.add(key)
            j += 1
        blocks.append(PupilBlock(start, end, labels, rows))
    return blocks


def has_pupil_blocks(sheet: Sheet) -> bool:
    """Whether the sheet is laid out in per-pupil blocks («Ученик:» label lines), i.e. a
    «Сетевой город» report even when its table header is not understood."""
    blocks = pupil_blocks(sheet, limit=DETECT_ROWS)
    return bool(blocks) and "ученик" in blocks[0].labels
