"""Column mapping of an unknown layout into the canonical template."""

from __future__ import annotations

from core.readers import parse_sheets
from core.readers.mapping import (
    ColumnMap,
    apply_mapping,
    guess_header_row,
    header_signature,
    missing_fields,
)
from core.summary import count_summary, summary_table
from core.workbook import Sheet

# An export nobody has seen: a title line, odd header names, extra columns.
FOREIGN = Sheet("Лист1", [
    ["Итоги 2 четверти", "", "", "", ""],
    ["Ф.И.О. ребёнка", "Кл.", "Дисциплина", "Балл четверти", "Пропуски"],
    ["Петров Пётр", "7б", "Алгебра", 5, 2],
    ["Сидоров Сидор", "7б", "Алгебра", "2", 0],
    ["", "", "", "", ""],
    ["Иванов Иван", "7б", "Алгебра", "отл", 1],
])
MAPPING = ColumnMap(header_row=1, columns={"pupil": 0, "class_label": 1, "subject": 2, "mark": 3},
                    constants={"year": "2024/2025", "period": "2 четверть",
                               "procedure": "Четвертная"})


def test_header_row_is_the_most_textual_row() -> None:
    assert guess_header_row(FOREIGN) == 1


def test_signature_ignores_case_and_spacing() -> None:
    other = Sheet("x", [["", ""], ["ф.и.о.  ребёнка", "КЛ.", "дисциплина", "балл четверти",
                                   "пропуски "]])
    assert header_signature(other, 1) == header_signature(FOREIGN, 1)


def test_missing_fields_lists_what_is_required() -> None:
    assert missing_fields(ColumnMap(header_row=0, columns={"pupil": 0})) == [
        "class_label", "subject", "year", "period", "procedure", "mark"]
    assert missing_fields(MAPPING) == []


def test_mapped_sheet_is_read_with_template_checks_and_original_row_numbers() -> None:
    parsed = parse_sheets([apply_mapping(FOREIGN, MAPPING)], file_name="итоги.xlsx")
    # «отл» is not a mark: an error naming the original spreadsheet row 6 and the column
    errors = [(p.row, p.column, p.value) for p in parsed.problems]
    assert errors == [(6, "Отметка", "отл")]
    table = summary_table(count_summary(parsed.results))
    # 7Б алгебра, 2 четверть: «5» and «2» → N 2, успеваемость 50, качество 50
    row = table.iloc[0]
    assert (row["class_label"], row["period"], row["n"], row["pass_rate"]) == ("7Б", "2 четверть", 2,
                                                                              50.0)


def test_mapping_survives_json_round_trip() -> None:
    assert ColumnMap.from_json(MAPPING.to_json()) == MAPPING
