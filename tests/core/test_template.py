"""The downloadable template: three sheets, and its example rows import cleanly."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.readers import parse_file
from core.template import TEMPLATE_COLUMNS, template_xlsx


def test_template_has_data_legend_and_instruction_sheets() -> None:
    wb = load_workbook(io.BytesIO(template_xlsx()))
    assert wb.sheetnames == ["Данные", "Справочник", "Инструкция"]
    header = [c.value for c in wb["Данные"][1]]
    assert tuple(header) == TEMPLATE_COLUMNS
    legend = {row[0] for row in wb["Справочник"].iter_rows(min_row=2, values_only=True)}
    assert set(TEMPLATE_COLUMNS) <= legend


def test_example_rows_import_without_problems() -> None:
    parsed = parse_file(template_xlsx(), "Шаблон_ВСОКО.xlsx")
    assert parsed.layout == "template" and list(parsed.problems) == []
    first, work, second = (parsed.results.iloc[i] for i in range(3))
    assert (first["procedure"], first["period"], first["mark"]) == ("Отметки за период",
                                                                    "1 четверть", "3")
    assert (work["procedure"], work["period"], work["date"]) == ("Входная КР", "", "16.09.2024")
    assert (second["procedure"], second["date"], second["pupil"], second["mark"],
            second["primary_score"], second["max_score"], second["journal_mark"]) == (
        "ВПР", "15.04.2025", "40001", "3", 14.0, 25.0, "3")


def test_every_procedure_the_legend_names_is_known_by_its_kind() -> None:
    from core.names import CONTROL_WORKS, TERM_PROCEDURE, canonical_procedure

    wb = load_workbook(io.BytesIO(template_xlsx()))
    text = next(row[2] for row in wb["Справочник"].iter_rows(min_row=2, values_only=True)
                if row[0] == "Процедура")
    named = [n.strip() for part in text.split(";") for n in part.split(":")[-1].split(",")]
    names = [n.split(" или ")[0] for n in named if n]
    kinds = {canonical_procedure(n) for n in names}
    assert kinds == {TERM_PROCEDURE, "ВПР", "ОГЭ", "ЕГЭ", *CONTROL_WORKS}
