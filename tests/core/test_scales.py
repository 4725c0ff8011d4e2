"""ВПР scales (core/scales.py): which scale derived a mark (``mark_scale``), the user's scale and
its validation, the school year of a ВПР (METHODOLOGY §4.1–4.2, FORMATS §4.1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.dates import academic_year_of
from core.model import Metadata
from core.readers import derive_vpr_marks, parse_file, parse_sheets
from core.scales import (
    Scale,
    find_scale,
    scale_from_form,
    scale_rows,
    scales_from_rows,
    vpr_academic_year,
)
from core.workbook import Sheet
from tests.conftest import real_file
from tests.core.builders import template_bytes

SCHOOL = Metadata(school="Школа № 1")
# A scale made up for the tests (not an official one): География 7 of a year no scale is shipped
# for (the shipped file grows as official scales are transcribed), max 35.
GEO = {2: "0–10", 3: "11–20", 4: "21–29", 5: "30–35"}
YEAR = 2031


def _vpr(year: str, subject: str, klass: str, rows: list[tuple[str, float]]) -> bytes:
    """Template rows of one ВПР: (mark as the file gives it, primary score)."""
    spring = year.split("/")[1]
    return template_bytes([[year, f"20.04.{spring}", "ВПР", klass, f"Ученик {i}", subject, "", mark,
                            score, None, None] for i, (mark, score) in enumerate(rows, 1)])


def _geo_scale() -> Scale:
    scale, errors = scale_from_form(year=YEAR, subject="География", grade=7, bands=GEO,
                                    max_total=35, source="проверочная шкала")
    assert scale is not None, errors
    return scale


def test_a_derived_mark_records_its_scale_and_a_file_mark_none() -> None:
    # ВПР 2021 Математика 5 (METHODOLOGY §4.2): 0–6 / 7–10 / 11–14 / 15–20 → 12 is «4».
    data = _vpr("2020/2021", "Математика", "5А", [("", 12), ("3", 12)])
    results = parse_file(data, "в.xlsx", metadata=SCHOOL).results
    shipped = find_scale(year=2021, subject="Математика", grade=5)
    assert shipped is not None and not shipped.user
    assert results["mark"].tolist() == ["4", "3"]  # the file's «3» is kept as given
    assert results["mark_scale"].tolist() == [shipped.label, ""]
    assert shipped.label.startswith("ВПР 2021, Математика, 5 класс, традиционная "
                                    "(официальная шкала, источник: ФИОКО")


def test_without_a_scale_there_is_neither_mark_nor_scale() -> None:
    parsed = parse_file(_vpr("2030/2031", "География", "7А", [("", 30)]), "г.xlsx",
                        metadata=SCHOOL)
    assert find_scale(year=YEAR, subject="География", grade=7) is None  # none shipped
    assert parsed.results[["mark", "mark_scale"]].values.tolist() == [["", ""]]
    assert any("нет шкалы" in p.message for p in parsed.problems)


def test_a_user_scale_derives_marks_of_a_file_read_before_it() -> None:
    data = _vpr("2030/2031", "География", "7А", [("", 30), ("", 21), ("", 36), ("2", 34)])
    parsed = parse_file(data, "г.xlsx", metadata=SCHOOL)
    scale = _geo_scale()
    marked = derive_vpr_marks(parsed, (scale,)).results
    # 30 → «5», 21 → «4», 36 is above every band (no mark), the file's «2» stays
    assert marked["mark"].tolist() == ["5", "4", "", "2"]
    assert marked["mark_scale"].tolist() == [scale.label, scale.label, "", ""]
    assert "своя шкала, источник: проверочная шкала" in scale.label
    again = parse_file(data, "г.xlsx", metadata=SCHOOL, scales=(scale,)).results
    assert again["mark"].tolist() == marked["mark"].tolist()


def test_a_user_scale_replaces_the_shipped_one_of_its_key() -> None:
    own = Scale(2021, "Математика", 5, "традиционная", ((2, 0, 4), (3, 5, 9), (4, 10, 13),
                                                          (5, 14, 20)), 20, "своя", True,
                user=True)
    assert find_scale(year=2021, subject="Математика", grade=5, extra=(own,)) is own


def test_scale_rows_are_the_csv_schema_and_read_back() -> None:
    scale = _geo_scale()
    rows = scale_rows(scale)
    assert [r["mark"] for r in rows] == ["2", "3", "4", "5"]
    assert rows[1] | {"source_document": ""} == {
        "year": "2031", "subject": "География", "grade": "7", "work_form": "традиционная",
        "variant_set": "", "mark": "3", "min_score": "11", "max_score": "20", "max_total": "35",
        "source_document": "", "source_url": "", "verified": "yes"}
    assert scales_from_rows(rows, user=True) == (scale,)
    assert scale.bands_text == "2: 0–10, 3: 11–20, 4: 21–29, 5: 30–35"


@pytest.mark.parametrize(("change", "message"), [
    ({"year": 2015}, "Год ВПР — год проведения работы"),
    ({"subject": "Марсоведение"}, "Предмет не найден в справочнике"),
    ({"grade": 1}, "Класс (параллель) — от 2 до 11"),
    ({"grade": 12}, "Класс (параллель) — от 2 до 11"),
    ({"bands": {**GEO, 2: "1–10"}}, "Диапазон отметки «2» должен начинаться с 0, а не с 1"),
    ({"bands": {**GEO, 4: "22–29"}},
     "отметка «4» начинается с 21 — сразу после конца «3» (20), а указано 22"),
    ({"bands": {**GEO, 3: "11–21"}}, "отметка «4» начинается с 22"),
    ({"bands": {**GEO, 5: ""}}, "Не указан диапазон баллов для отметки «5»"),
    ({"bands": {**GEO, 3: "одиннадцать"}}, "Диапазон для отметки «3» не понят"),
    ({"bands": {**GEO, 4: "29–21"}}, "начало диапазона (29) больше конца (21)"),
    ({"max_total": 36}, "Верхняя граница отметки «5» (35) должна быть равна максимальному "
                        "баллу работы (36)"),
    ({"source": "  "}, "Укажите источник шкалы"),
])
def test_a_scale_that_breaks_a_rule_is_refused_with_the_reason(change: dict[str, object],
                                                               message: str) -> None:
    fields: dict[str, object] = {"year": YEAR, "subject": "География", "grade": 7, "bands": GEO,
                                 "max_total": 35, "source": "проверочная шкала", **change}
    scale, errors = scale_from_form(**fields)  # type: ignore[arg-type]
    assert scale is None
    assert any(message in e for e in errors), errors


def test_subject_is_taken_from_the_dictionary_and_dashes_may_vary() -> None:
    scale, errors = scale_from_form(year=2022, subject="география", grade=7,
                                    bands={2: "0-10", 3: "11 — 20", 4: "21..29", 5: "30–35"},
                                    max_total=35, source="ФИОКО")
    assert errors == [] and scale is not None
    assert scale.subject == "География" and scale.bands == (
        (2, 0, 10), (3, 11, 20), (4, 21, 29), (5, 30, 35))


@pytest.mark.parametrize(("typed", "year"), [
    ("2022", "2021/2022"), (" 2022 г.", "2021/2022"), ("2021/2022", "2021/2022"),
    ("2021-22", "2021/2022"), ("2021/2023", None), ("22", None), ("", None),
])
def test_a_vpr_year_typed_as_the_spring_is_the_school_year(typed: str, year: str | None) -> None:
    assert vpr_academic_year(typed) == year


@pytest.mark.parametrize(("day", "year"), [
    (dt.date(2022, 3, 17), "2021/2022"), (dt.date(2022, 8, 31), "2021/2022"),
    (dt.date(2021, 9, 1), "2021/2022"), (dt.date(2021, 12, 20), "2021/2022"),
])
def test_school_year_of_a_date(day: dt.date, year: str) -> None:
    assert academic_year_of(day) == year


def test_protocol_year_comes_from_the_upload_date(realdata: Path) -> None:
    # FORMATS §4.1: «Дата загрузки» 17.03.2022 05:09:18 in every row of the Altai 2022 files.
    path = real_file(realdata, "altai-vpr/2022/7/География.xlsx")
    results = parse_file(path.read_bytes(), path.name).results
    assert set(results["year"]) == {"2021/2022"}


def test_an_autumn_upload_date_and_a_date_cell_give_their_school_year() -> None:
    header = ["Дата загрузки", "Код", "Вариант", "1 (1б)", "Наименование класса"]
    sheet = Sheet(name="Протокол", rows=[header, ["20.10.2021 10:00:00", "50001", 1, 1, "5А"],
                                         [dt.datetime(2022, 4, 5, 9), "50002", 1, 0, "5А"]])
    results = parse_sheets([sheet], file_name="f.xlsx").results
    assert results["year"].tolist() == ["2021/2022", "2021/2022"]
    given = parse_sheets([sheet], file_name="f.xlsx", metadata=Metadata(year="2020/2021"))
    assert given.results["year"].tolist() == ["2021/2022", "2021/2022"]  # the file's own wins
