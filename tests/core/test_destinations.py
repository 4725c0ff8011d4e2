"""Graduates' destinations (FORMATS §14): synthetic tables."""

from __future__ import annotations

import pandas as pd
import pytest

from core.model import DESTINATION_COLUMNS, Metadata
from core.problems import Severity
from core.readers import parse_file
from core.readers.destinations import canonical_direction
from tests.core.readers_builders import csv_bytes, xlsx_bytes

HEADER = ["Год выпуска", "Класс", "ФИО или код", "Направление", "Учреждение",
          "Специальность / направление подготовки", "Основа", "Соответствует профилю",
          "Источник"]


def test_destinations_table_columns_and_values() -> None:
    data = xlsx_bytes({"Выпускники": [
        ["Дальнейшее обучение выпускников 2025 года"],
        HEADER,
        [2025, "9А", "Иванов Иван", "колледж", "ГБПОУ «Политехнический колледж»",
         "Сварочное производство", "бюджет", "да", "справка"],
        ["2024/2025", "11 Б", "Петрова Анна", "ВУЗ", "УрФУ", "Прикладная математика",
         "платная", "нет", "опрос"],
        [2025, "9а", "00123", "10 класс своей школы", "", "", "", "", ""],
        [2025, "11Б", "Сидоров Сидор", "служба в армии", "", "", "", "", ""],
    ]})
    parsed = parse_file(data, "выпускники.xlsx")
    assert parsed.layout == "destinations"
    frame = parsed.destinations
    assert list(frame.columns) == list(DESTINATION_COLUMNS)
    assert list(frame["graduation_year"]) == [2025, 2025, 2025, 2025]
    assert list(frame["class_label"]) == ["9А", "11Б", "9А", "11Б"]
    assert list(frame["direction"]) == ["СПО", "вуз", "10 класс", "армия"]
    assert list(frame["funding"]) == ["бюджет", "платно", "", ""]
    assert frame["matches_profile"].tolist()[:2] == [True, False]
    assert frame["matches_profile"].isna().tolist()[2:] == [True, True]
    assert frame.loc[2, "pupil"] == "00123"  # text code keeps its leading zeros
    assert parsed.results.empty
    assert [p for p in parsed.problems if p.severity is Severity.ERROR] == []


def test_unknown_direction_becomes_other_with_a_warning_and_year_from_metadata() -> None:
    rows = [["Год выпуска", "ФИО или код", "Направление"],
            ["", "Орлов Олег", "уехал за границу"],
            ["", "", "вуз"]]
    parsed = parse_file(csv_bytes(rows, sep=",", encoding="utf-8-sig"), "d.csv",
                        metadata=Metadata(year="2024/2025"))
    frame = parsed.destinations
    assert list(frame["direction"]) == ["другое"]
    assert list(frame["graduation_year"]) == [2025]  # «2024/2025» → graduation in 2025
    warn = [p for p in parsed.problems if p.severity is Severity.WARNING]
    assert [(p.row, p.column, p.value) for p in warn] == [(2, "Направление", "уехал за границу")]
    err = [p for p in parsed.problems if p.severity is Severity.ERROR]
    assert [(p.file, p.sheet, p.row, p.column) for p in err] == [("d.csv", "CSV", 3, "ФИО или код")]


def test_missing_year_everywhere_is_an_error() -> None:
    rows = [["Год выпуска", "ФИО или код", "Направление"], ["", "Орлов Олег", "вуз"]]
    parsed = parse_file(csv_bytes(rows), "d.csv")
    assert parsed.destinations.empty
    assert isinstance(parsed.destinations, pd.DataFrame)
    assert [p.message.split(" (")[0] for p in parsed.problems] == [
        "не указан или не распознан год выпуска"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("СПО", "СПО"), ("техникум", "СПО"), ("Колледж (бюджет)", "СПО"), ("вуз", "вуз"),
    ("Университет", "вуз"), ("10 класс", "10 класс"), ("10 класс другой школы", "10 класс"),
    ("работает", "работа"), ("трудоустроен", "работа"), ("армия", "армия"),
    ("не учится и не работает", "не учится и не работает"),
    ("не работает", "не учится и не работает"),
    ("другое", "другое"), ("", None), ("космонавт", None),
])
def test_canonical_direction(raw: str, expected: str | None) -> None:
    assert canonical_direction(raw) == expected
