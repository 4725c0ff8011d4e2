"""Dataset, Scope and the links of one child across years (core.model, core.dataset,
core.cohorts)."""

from __future__ import annotations

import pandas as pd
import pytest

from core.cohorts import next_year, propose_links
from core.dataset import build_dataset
from core.model import TABLES, Dataset, Metadata, Scope
from core.readers import parse_file
from tests.core.builders import class_marks, template_bytes

SCHOOL = Metadata(school="Школа № 1")


def _marks(klass: str, subject: str, marks: list[str], teacher: str = "") -> bytes:
    return template_bytes(class_marks("2024/2025", "1 четверть", klass, subject, teacher, marks))


def test_files_make_one_dataset_with_row_ids_renumbered_and_teachers_filled() -> None:
    vpr_columns = ("Учебный год", "Период", "Процедура", "Класс", "ФИО или код", "Предмет",
                   "Учитель", "Отметка", "Первичный балл", "Максимальный балл",
                   "Отметка по журналу", "Задание 1 (1б)", "Задание 2 (2б)")
    first = parse_file(_marks("8А", "Алгебра", ["5", "4"]), "a.xlsx", metadata=SCHOOL)
    vpr = parse_file(template_bytes(
        [["2024/2025", "15.04.2025", "ВПР", "8А", "40001", "Математика", "", "4", 3, 3, "", 1, 2]],
        columns=vpr_columns), "vpr.xlsx", metadata=SCHOOL)
    load = parse_file(template_bytes([["2024/2025", "8А", "Алгебра", "Иванова Ирина Ивановна"]],
                                     columns=("Учебный год", "Класс", "Предмет", "Учитель")),
                      "load.xlsx", metadata=SCHOOL)
    data = build_dataset([first, vpr, load])
    assert data.results["row_id"].tolist() == [0, 1, 2]
    assert data.tasks["row_id"].tolist() == [2, 2]  # the ВПР row is the third
    assert data.tasks["position"].tolist() == [1, 2]
    assert data.results["teacher"].tolist() == ["Иванова И.И.", "Иванова И.И.", ""]
    for name in TABLES:
        assert list(data.table(name).columns) == list(TABLES[name].columns)


def test_scope_of_takes_singular_and_plural_names() -> None:
    scope = Scope.of(year="2024/2025", subjects=["Алгебра"], class_label="8А", teacher=None)
    assert scope == Scope(years=("2024/2025",), subjects=("Алгебра",), classes=("8А",))
    assert Scope().is_all and not scope.is_all
    with pytest.raises(TypeError):
        Scope.of(colour="red")


def test_filter_by_scope() -> None:
    a = parse_file(_marks("8А", "Алгебра", ["5", "4"], "Иванова И.И."), "a.xlsx", metadata=SCHOOL)
    b = parse_file(_marks("8Б", "Геометрия", ["3"]), "b.xlsx", metadata=SCHOOL)
    data = build_dataset([a, b])
    assert len(data.filter(Scope.of(class_label="8А")).results) == 2
    assert data.filter(Scope.of(teacher="Иванова И.И.")).results["class_label"].tolist() == \
        ["8А", "8А"]
    assert data.filter(Scope.of(period="1 четверть", subject="Геометрия")).results[
        "pupil"].tolist() == ["Ученик 01"]
    assert data.filter(Scope.of(year="2023/2024")).results.empty
    assert Dataset().results.empty


@pytest.mark.parametrize(("year", "expected"), [("2023/2024", "2024/2025"), ("2024-25", "2025/2026"),
                                                ("нет", "")])
def test_next_year(year: str, expected: str) -> None:
    assert next_year(year) == expected


def test_links_follow_a_name_to_the_next_grade_of_the_next_year_only_when_unique() -> None:
    pupils = pd.DataFrame([
        (1, "2023/2024", "6А", "Иванов Иван"), (2, "2024/2025", "7А", "Иванов Иван"),
        (3, "2023/2024", "6А", "Петров Пётр"), (4, "2024/2025", "7Б", "Петров Пётр"),  # re-formed
        (5, "2023/2024", "6Б", "Смирнов Олег"), (6, "2023/2024", "6В", "Смирнов Олег"),
        (7, "2024/2025", "7А", "Смирнов Олег"),  # two candidates in 2023/24: not linked
        (8, "2023/2024", "8А", "Козлов Илья"), (9, "2024/2025", "8А", "Козлов Илья"),  # same grade
        (10, "2022/2023", "5А", "Орлов Лев"), (11, "2024/2025", "7А", "Орлов Лев"),  # a year gap
    ], columns=["id", "year", "class_label", "pupil"])
    links = propose_links(pupils)
    assert sorted(zip(links["from_id"], links["to_id"], strict=True)) == [(1, 2), (3, 4)]
