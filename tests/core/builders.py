"""Small builders for tests: template workbooks from rows."""

from __future__ import annotations

import io
from collections.abc import Sequence

from core.template import TEMPLATE_COLUMNS


def template_bytes(rows: Sequence[Sequence[object]], *, columns: Sequence[str] = TEMPLATE_COLUMNS,
                   sheet: str = "Данные") -> bytes:
    """An xlsx with the template header (or ``columns``) and ``rows``."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(columns))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def class_marks(year: str, period: str, klass: str, subject: str, teacher: str,
                marks: Sequence[str]) -> list[list[object]]:
    """Template rows: one pupil per mark («Ученик 01»…)."""
    procedure = "Годовая" if period == "год" else "Четвертная"
    return [[year, period, procedure, klass, f"Ученик {i:02d}", subject, teacher, m, None, None,
             None] for i, m in enumerate(marks, start=1)]
