"""The canonical long template reader (FORMATS.md §12): checks that keep counts honest."""

from __future__ import annotations

import io

from core.problems import Severity
from core.readers import parse_file
from core.template import TEMPLATE_COLUMNS
from tests.core.builders import class_marks


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(TEMPLATE_COLUMNS))
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_pupil_repeated_on_a_copied_sheet_is_an_error_not_a_second_pupil() -> None:
    rows = class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "", ["5", "4"])
    parsed = parse_file(_workbook({"Данные": rows, "Копия": rows}), "копия.xlsx")
    # 2 pupils, not 4: both rows of «Копия» repeat rows 2 and 3 of «Данные»
    assert len(parsed.results) == 2
    errors = [p for p in parsed.problems if p.severity is Severity.ERROR]
    assert [(p.sheet, p.row, p.column) for p in errors] == [("Копия", 2, "ФИО или код"),
                                                            ("Копия", 3, "ФИО или код")]
    assert "лист «Данные», строку 2" in errors[0].message


def test_two_sheets_with_different_classes_are_both_read() -> None:
    first = class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "", ["5", "4"])
    second = class_marks("2024/2025", "1 четверть", "8Б", "Алгебра", "", ["3"])
    parsed = parse_file(_workbook({"8А": first, "8Б": second}), "два листа.xlsx")
    assert parsed.problems == ()
    assert parsed.results["class_label"].tolist() == ["8А", "8А", "8Б"]


def test_excel_true_in_the_mark_column_is_an_error_not_the_mark_one() -> None:
    rows = class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "", ["5"])
    rows[0][7] = True  # an Excel boolean cell, which as text reads «1»
    parsed = parse_file(_workbook({"Данные": rows}), "истина.xlsx")
    assert parsed.results.empty
    assert [(p.row, p.column, p.value, p.severity) for p in parsed.problems] == [
        (2, "Отметка", "ИСТИНА", Severity.ERROR)]
