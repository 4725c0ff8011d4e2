"""Column mapping for files whose layout no reader recognises.

The user maps the file's columns to canonical fields (or gives a constant, e.g. the year);
:func:`apply_mapping` rewrites the sheet into the canonical long template, which the template
reader then reads with all its checks. Mappings are remembered per :func:`header_signature`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from core.names import normalize_header
from core.workbook import Sheet

__all__ = [
    "MAPPABLE_FIELDS",
    "REQUIRED_FIELDS",
    "ColumnMap",
    "apply_mapping",
    "guess_header_row",
    "header_signature",
    "missing_fields",
]

# canonical field → template header (core.template.TEMPLATE_COLUMNS); order = form order.
MAPPABLE_FIELDS: dict[str, str] = {
    "pupil": "ФИО или код",
    "class_label": "Класс",
    "subject": "Предмет",
    "mark": "Отметка",
    "year": "Учебный год",
    "period": "Период",
    "procedure": "Процедура",
    "teacher": "Учитель",
    "primary_score": "Первичный балл",
    "max_score": "Максимальный балл",
    "journal_mark": "Отметка по журналу",
}
REQUIRED_FIELDS = ("pupil", "class_label", "subject", "year", "period", "procedure")


@dataclass(frozen=True)
class ColumnMap:
    """Which column (0-based) feeds a field, or which constant value fills it."""

    header_row: int
    columns: dict[str, int] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"header_row": self.header_row, "columns": self.columns,
                "constants": self.constants}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ColumnMap:
        columns = data.get("columns", {})
        constants = data.get("constants", {})
        return cls(
            header_row=int(str(data.get("header_row", 0))),
            columns={str(k): int(v) for k, v in (columns if isinstance(columns, dict) else {}).items()},
            constants={str(k): str(v) for k, v in
                       (constants if isinstance(constants, dict) else {}).items()},
        )


def guess_header_row(sheet: Sheet, *, max_rows: int = 30) -> int:
    """The row (0-based) within the first ``max_rows`` with the most non-numeric text cells."""
    best, best_score = 0, -1
    for r in range(min(max_rows, sheet.height)):
        texts = [t for t in sheet.row_texts(r) if t]
        score = sum(1 for t in texts if not t.replace(",", ".").replace(".", "", 1).isdigit())
        if score > best_score:
            best, best_score = r, score
    return best


def header_signature(sheet: Sheet, header_row: int) -> str:
    """A stable key of a header row: the normalised non-empty header texts, hashed."""
    texts = [normalize_header(t) for t in sheet.row_texts(header_row)]
    return hashlib.sha256("|".join(texts).strip("|").encode("utf-8")).hexdigest()[:32]


def missing_fields(mapping: ColumnMap) -> list[str]:
    """Required fields with neither a column nor a constant; «mark» or «primary_score» needed."""
    given = set(mapping.columns) | {k for k, v in mapping.constants.items() if v.strip()}
    missing = [f for f in REQUIRED_FIELDS if f not in given]
    if not ({"mark", "primary_score"} & given):
        missing.append("mark")
    return missing


def apply_mapping(sheet: Sheet, mapping: ColumnMap) -> Sheet:
    """The sheet rewritten as the canonical template: mapped columns under template headers,
    constants as extra columns. Row positions are kept, so problems name the original rows."""
    header = [MAPPABLE_FIELDS[f] for f in mapping.columns] + [
        MAPPABLE_FIELDS[f] for f, v in mapping.constants.items()
        if v.strip() and f not in mapping.columns]
    constants = [v for f, v in mapping.constants.items() if v.strip() and f not in mapping.columns]
    rows: list[list[object]] = [[] for _ in range(mapping.header_row)] + [list(header)]
    for r in range(mapping.header_row + 1, sheet.height):
        source = sheet.rows[r]
        values = [source[c] if c < len(source) else "" for c in mapping.columns.values()]
        rows.append(values + constants if any(str(v).strip() for v in values) else [])
    return Sheet(name=sheet.name, rows=rows)
