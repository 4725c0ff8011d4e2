"""Reference rows (FORMATS §9, core/readers/reference.py): the downloadable template reads back
to its own example rows; spelling variants of levels, percents and years are understood; a bad
percent is a Russian problem naming the row and the column."""

from __future__ import annotations

import pandas as pd
import pytest

from core.model import REFERENCE_COLUMNS, reference_tasks
from core.problems import Severity
from core.readers import parse_file
from core.readers.reference import canonical_level
from core.template import REFERENCE_EXAMPLE_ROWS, reference_template_xlsx
from tests.core.readers_builders import csv_bytes, xlsx_bytes

HEADER = ("Учебный год", "Процедура", "Предмет", "Параллель", "Уровень", "Участников",
          "Средний первичный балл", "SD", "%«2»", "%«3»", "%«4»", "%«5»", "% понизили",
          "% подтвердили", "% повысили", "Задание 1, %", "Задание 2, %")


def test_the_template_reads_back_to_its_example_rows() -> None:
    parsed = parse_file(reference_template_xlsx(), "Шаблон_справочные_данные.xlsx")
    assert parsed.layout == "reference" and parsed.problems == ()
    ref = parsed.reference
    assert list(ref.columns) == list(REFERENCE_COLUMNS)
    # one row per level, in the template's order (core/template.py REFERENCE_EXAMPLE_ROWS)
    assert ref["level"].tolist() == ["РФ", "регион", "муниципалитет"]
    for (_, rec), example in zip(ref.iterrows(), REFERENCE_EXAMPLE_ROWS, strict=True):
        assert (rec["year"], rec["procedure"], rec["subject"], rec["grade"]) == example[:4]
        assert rec["participants"] == example[5]
        assert [rec[c] for c in ("mean_score", "sd", "p2", "p3", "p4", "p5", "lowered",
                                 "confirmed", "raised")] == pytest.approx(list(example[6:15]))
    tasks = reference_tasks(ref)
    assert tasks[tasks["level"] == "регион"]["completion"].tolist() == pytest.approx(
        [86.9, 69.8, 37.5])
    assert tasks["task"].tolist()[:3] == ["1", "2", "3"]


@pytest.mark.parametrize(("text", "level"), [
    ("РФ", "РФ"), ("Россия", "РФ"), ("Вся выборка", "РФ"), ("Регион", "регион"),
    ("субъект РФ", "регион"), ("Муниципалитет", "муниципалитет"), ("МО", "муниципалитет"),
    ("Школа", ""),
])
def test_level_spellings(text: str, level: str) -> None:
    assert canonical_level(text) == level


def test_variants_percent_signs_decimal_commas_and_a_spring_year() -> None:
    rows = [HEADER,
            ("2025", "впр", "математика", "4 класс", "Вся выборка", "1 350 000", "12,1", "4,3",
             "4,2 %", "27,5%", "44,1", "24,2", "14,8 %", "78,3", "6,9", "88,5%", ""),
            ("2024-2025", "ВПР", "Математика", 4, "Регион", 15200, 11.8, 4.4, 5.1, 29.3, 43.0,
             22.6, 32.3, 62.1, 5.6, 86.9, 69.8)]
    parsed = parse_file(csv_bytes(rows), "справочные.csv")
    assert parsed.layout == "reference" and parsed.problems == ()
    ref = parsed.reference
    assert ref["year"].tolist() == ["2024/2025", "2024/2025"]
    assert ref["procedure"].tolist() == ["ВПР", "ВПР"]
    assert ref["subject"].tolist() == ["Математика", "Математика"]
    assert ref["grade"].tolist() == [4, 4]
    assert ref["level"].tolist() == ["РФ", "регион"]
    assert ref["participants"].tolist() == [1350000, 15200]
    assert ref["p2"].tolist() == pytest.approx([4.2, 5.1])
    assert ref["lowered"].tolist() == pytest.approx([14.8, 32.3])
    assert ref["tasks"].tolist() == ["1=88.5", "1=86.9;2=69.8"]  # an empty task cell is left out


def test_a_bad_percent_is_a_russian_problem_with_row_and_column() -> None:
    rows = [HEADER,
            ("2024/2025", "ВПР", "Математика", 4, "регион", 15200, 11.8, 4.4, 5.1, 29.3, 43.0,
             22.6, "сто", 62.1, 5.6, 86.9, 140)]
    parsed = parse_file(xlsx_bytes({"Справка": rows}), "справочные.xlsx")
    problems = {(p.sheet, p.row, p.column, p.value): p for p in parsed.problems}
    lowered = problems[("Справка", 2, "% понизили", "сто")]
    assert lowered.severity is Severity.ERROR and "процент от 0 до 100" in lowered.message
    assert ("Справка", 2, "Задание 2, %", "140") in problems
    assert pd.isna(parsed.reference["lowered"].iloc[0])
    assert parsed.reference["tasks"].iloc[0] == "1=86.9"


def test_a_results_template_is_not_taken_for_reference_rows() -> None:
    from core.template import template_xlsx

    assert parse_file(template_xlsx(), "Шаблон_ВСОКО.xlsx").layout == "template"


def test_a_second_row_of_the_same_level_is_refused() -> None:
    line = ("2024/2025", "ВПР", "Математика", 4, "регион", 15200, 11.8, 4.4)
    parsed = parse_file(xlsx_bytes({"Л": [HEADER[:8], line, line]}), "справочные.xlsx")
    assert len(parsed.reference) == 1
    assert any("повторяется" in p.message for p in parsed.problems)
