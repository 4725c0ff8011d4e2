"""Graduates' destinations (профориентация, FORMATS.md §14) → the ``destinations`` table.

Columns of the output (core.model.DESTINATION_COLUMNS):

================  ==================================================================
graduation_year   int (Int64): the calendar year of graduation, «2024/2025» → 2025
class_label       canonical «9А» / «11Б»
pupil             name or code (codes keep leading zeros when stored as text)
direction         one of :data:`DIRECTIONS`
institution       text
speciality        text
funding           «бюджет», «платно» or «»
matches_profile   boolean (pandas «boolean», <NA> when not stated)
================  ==================================================================

The optional «Источник» column (справка / опрос) has no place in the table and is not read.
"""

from __future__ import annotations

import re

import pandas as pd

from core.model import DESTINATION_COLUMNS, Metadata
from core.names import normalize_header, parse_class_label
from core.problems import Problem, Severity
from core.readers.common import HeaderMatch, column_letter, find_header_row
from core.workbook import Sheet

__all__ = ["DIRECTIONS", "LAYOUT", "TITLE", "canonical_direction", "detect", "parse"]

LAYOUT = "destinations"
TITLE = "Дальнейшее обучение и трудоустройство выпускников"

DIRECTIONS = ("СПО", "вуз", "10 класс", "работа", "армия", "не учится и не работает", "другое")

FIELDS = {
    "graduation_year": lambda t: t in {"год выпуска", "год окончания", "выпуск"},
    "class_label": lambda t: t == "класс",
    "pupil": lambda t: t in {"фио или код", "фио", "код", "выпускник", "фио выпускника",
                             "обучающийся", "ученик"},
    "direction": lambda t: t in {"направление", "куда поступил", "дальнейшее обучение",
                                 "продолжение обучения"},
    "institution": lambda t: t in {"учреждение", "организация", "учебное заведение",
                                   "образовательная организация"},
    "speciality": lambda t: t.startswith("специальность") or t == "направление подготовки",
    "funding": lambda t: t in {"основа", "основа обучения", "форма обучения (основа)"},
    "matches_profile": lambda t: t.startswith("соответствует профил"),
}
REQUIRED = ("graduation_year", "pupil", "direction")

_DIRECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("не учится и не работает", re.compile(r"не (учится|работает)|нигде")),
    ("10 класс", re.compile(r"^10(\s|-|$)|10 кл|десят")),
    ("СПО", re.compile(r"^спо\b|колледж|техникум|училищ|среднее профессиональн|^нпо\b")),
    ("вуз", re.compile(r"^вуз|университет|институт|академи|высше|^впо\b|бакалавр|специалитет")),
    ("армия", re.compile(r"арми|вс рф|служб|призыв")),
    ("работа", re.compile(r"^работ|трудоустро|работает")),
    ("другое", re.compile(r"^друг|^прочее|^иное|переезд|декрет|курсы")),
)
_FUNDING = {"бюджет": "бюджет", "бюджетная": "бюджет", "бюджетная основа": "бюджет",
            "платно": "платно", "платная": "платно", "платная основа": "платно",
            "договор": "платно", "по договору": "платно", "коммерция": "платно",
            "внебюджет": "платно", "целевое": "бюджет", "целевое обучение": "бюджет"}
_YES = {"да", "+", "1", "соответствует", "yes"}
_NO = {"нет", "-", "0", "не соответствует", "no"}


def canonical_direction(value: object) -> str | None:
    """«колледж», «ВУЗ (бюджет)», «10 класс своей школы», «служба в армии» → one of
    :data:`DIRECTIONS`; ``None`` when the text is not understood."""
    key = normalize_header(value)
    if not key:
        return None
    for name in DIRECTIONS:
        if key == name.lower():
            return name
    for name, pattern in _DIRECTION_PATTERNS:
        if pattern.search(key):
            return name
    return None


def _find(sheet: Sheet) -> HeaderMatch | None:
    return find_header_row(sheet, FIELDS, required=REQUIRED)


def detect(sheets: list[Sheet]) -> bool:
    return any(_find(s) is not None for s in sheets)


def _graduation_year(text: str) -> int | None:
    """«2025», «2025.0», «2024/2025», «2024-25» → 2025."""
    m = re.search(r"(20\d\d)\s*[/\-–]\s*(20\d\d|\d\d)(?!\d)", text)
    if m:
        second = m.group(2)
        return int(second) if len(second) == 4 else 2000 + int(second)
    m = re.fullmatch(r"\s*(20\d\d)(?:\.0)?\s*", text)
    return int(m.group(1)) if m else None


def parse(sheets: list[Sheet], *, file_name: str, metadata: Metadata
          ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    fallback_year = _graduation_year(metadata.year) if metadata.year else None
    for sheet in sheets:
        match = _find(sheet)
        if match is not None:
            _parse_sheet(sheet, match, file_name, fallback_year, rows, problems)
    frame = pd.DataFrame(rows, columns=list(DESTINATION_COLUMNS))
    frame["graduation_year"] = pd.to_numeric(frame["graduation_year"]).astype("Int64")
    frame["matches_profile"] = frame["matches_profile"].astype("boolean")
    for col in ("class_label", "pupil", "direction", "institution", "speciality", "funding"):
        frame[col] = frame[col].astype(object).fillna("").astype(str)
    return {"destinations": frame}, problems


def _parse_sheet(sheet: Sheet, match: HeaderMatch, file_name: str, fallback_year: int | None,
                 rows: list[dict[str, object]], problems: list[Problem]) -> None:
    cols = match.columns
    for r in range(match.row + 1, sheet.height):
        cells = {k: sheet.text(r, c) for k, c in cols.items()}
        if not any(cells.values()):
            continue

        def problem(field: str, message: str, severity: Severity = Severity.ERROR,
                    _r: int = r, _cells: dict[str, str] = cells) -> None:
            c = cols.get(field)
            column = (sheet.text(match.row, c) or column_letter(c)) if c is not None else ""
            problems.append(Problem(file=file_name, sheet=sheet.name, row=_r + 1,
                                    column=column, value=_cells.get(field, ""),
                                    message=message, severity=severity))

        if not cells["pupil"]:
            problem("pupil", "не заполнено ФИО или код выпускника")
            continue
        year = _graduation_year(cells["graduation_year"]) if cells["graduation_year"] \
            else fallback_year
        if year is None:
            problem("graduation_year", "не указан или не распознан год выпуска (ожидается "
                    "«2025» или «2024/2025»)")
            continue
        direction = canonical_direction(cells["direction"])
        if direction is None:
            if not cells["direction"]:
                problem("direction", "не указано направление (СПО, вуз, 10 класс, работа, "
                        "армия, не учится и не работает, другое)")
                continue
            problem("direction", "направление не распознано; записано как «другое»",
                    Severity.WARNING)
            direction = "другое"
        label_text = ""
        raw_class = cells.get("class_label", "")
        if raw_class:
            label = parse_class_label(raw_class)
            if not label.understood:
                problem("class_label", "не распознано название класса (ожидается вида "
                        "«9А» или «11Б»)")
                continue
            if label.grade not in (9, 11):
                problem("class_label", "выпускной класс обычно 9 или 11", Severity.WARNING)
            label_text = label.label
        raw_funding = normalize_header(cells.get("funding", ""))
        funding = _FUNDING.get(raw_funding, "")
        if raw_funding and not funding:
            problem("funding", "основа обучения не распознана (ожидается «бюджет» или "
                    "«платно»)", Severity.WARNING)
        raw_match = normalize_header(cells.get("matches_profile", ""))
        matches: bool | None = True if raw_match in _YES else (
            False if raw_match in _NO else None)
        if raw_match and matches is None:
            problem("matches_profile", "ожидается «да» или «нет»", Severity.WARNING)
        rows.append({
            "graduation_year": year, "class_label": label_text, "pupil": cells["pupil"],
            "direction": direction, "institution": cells.get("institution", ""),
            "speciality": cells.get("speciality", ""), "funding": funding,
            "matches_profile": matches,
        })
