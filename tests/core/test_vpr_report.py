"""«Ф1 Индивидуальные результаты» (FORMATS §8, described: no real sample) on synthetic sheets
built from the documented layout, and the ВПР work descriptions (FORMATS §10) on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.intake import missing_fields
from core.model import Metadata
from core.problems import Severity
from core.readers import detect_layout, parse_file, parse_sheets, vpr_description, vpr_report
from core.workbook import Sheet, read_workbook
from tests.conftest import real_file
from tests.core.vpr_helpers import count

HEADER = ["ОО", "Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант",
          "1 (1б)", "2 (2б)", "3 (1б)", "Первичный балл", "Отметка", "Отметка по журналу"]
LEVELS = ["", "", "", "", "", "", "Б", "Б", "П", "", "", ""]


def _report(*rows: list[object], title: str = "ВПР 2021 Математика 5 класс") -> list[Sheet]:
    top: list[list[object]] = [
        [title] + [""] * 11,
        ["Предмет", "Математика"] + [""] * 10,
        ["Максимальный первичный балл", 4] + [""] * 10,
        ["Дата", "20.04.2021"] + [""] * 10,
        ["МБОУ СОШ № 1 (edu220001) | Кол-во участников: 2"] + [""] * 11,
        LEVELS, HEADER,
    ]
    return [Sheet(name="Ф1 Индивидуальные результаты", rows=[*top, *[list(r) for r in rows]])]


def test_report_takes_marks_as_given_and_meta_from_title() -> None:
    parsed = parse_sheets(_report(
        ["edu220001", "г. Барнаул", "МБОУ СОШ № 1", "50001", "5А", 1, 1, 2, 1, 4, 5, 4],
        ["edu220001", "г. Барнаул", "МБОУ СОШ № 1", "50002", "б", 2, "X", 1, 0, 1, 2,
         "нет отметки"],
    ), file_name="f1.xlsx")
    assert parsed.layout == vpr_report.LAYOUT
    r = parsed.results
    assert r["mark"].tolist() == ["5", "2"]  # as given, no scale involved
    assert r["journal_mark"].tolist() == ["4", ""]
    assert (r["year"].iloc[0], r["subject"].iloc[0]) == ("2020/2021", "Математика")
    assert r["class_label"].tolist() == ["5А", "5Б"]  # «б» + grade 5 from the title
    assert r["school"].tolist() == ["МБОУ СОШ № 1", "МБОУ СОШ № 1"]
    assert r["primary_score"].tolist() == [4.0, 1.0]
    assert set(r["max_score"]) == {4.0}
    assert not [p for p in parsed.problems if p.severity is Severity.ERROR]


def test_report_difficulty_row_gives_task_levels() -> None:
    parsed = parse_sheets(_report(
        ["edu220001", "г", "МБОУ", "50001", "5А", 1, 1, 2, 1, 4, 5, 4]), file_name="f1.xlsx")
    levels = parsed.tasks.set_index("task")["level"].to_dict()
    assert levels == {"1": "Б", "2": "Б", "3": "П"}


def test_report_primary_score_mismatch_and_bad_mark_are_warnings() -> None:
    parsed = parse_sheets(_report(
        ["edu220001", "г", "МБОУ", "50001", "5А", 1, 1, 2, 1, 3, 7, 4]), file_name="f1.xlsx")
    assert parsed.results["primary_score"].tolist() == [4.0]
    # «7» is dropped; the mark is then derived from the official 2021 scale (METHODOLOGY §4.2,
    # Математика 5: 0–6 points → «2»), so 4 points give «2».
    assert parsed.results["mark"].tolist() == ["2"]
    assert count(parsed.problems, "не совпадает с суммой") == 1
    assert count(parsed.problems, "отметка ВПР вне 2–5") == 1


def test_report_metadata_does_not_override_the_file() -> None:
    parsed = parse_sheets(_report(
        ["edu220001", "г", "МБОУ", "50001", "5А", 1, 1, 2, 1, 4, 5, 4]), file_name="f1.xlsx",
        metadata=Metadata(year="2021/2022", subject="История"))
    assert (parsed.results["year"].iloc[0], parsed.results["subject"].iloc[0]) == (
        "2020/2021", "Математика")


@pytest.mark.parametrize(("relative", "part"), [
    ("altai-vpr/Описание_работ/5/Математика/ALL.xlsx", "tasks"),
    ("altai-vpr/Описание_работ/6/Обществознание/ALL.xlsx", "tasks"),
    ("altai-vpr/Описание_работ/10/География/KS.xlsx", "ks"),
    ("altai-vpr/Описание_работ/11/Английский язык/KT.xlsx", "kt"),
])
def test_work_descriptions_are_imported_as_the_task_catalog(realdata: Path, relative: str,
                                                            part: str) -> None:
    parsed = parse_file(real_file(realdata, relative).read_bytes(), "upload.xlsx")
    assert parsed.layout == vpr_description.LAYOUT and parsed.results.empty
    assert set(parsed.task_catalog["part"]) == {part}
    # no year, subject or grade in the file: the upload page asks for them
    assert missing_fields(parsed) == ("year", "subject", "grade")


def test_all_work_descriptions_are_recognised(realdata: Path) -> None:
    # README: 115 files; one (7/Английский язык/KS.xlsx) is an empty sheet → nothing to read.
    paths = sorted((realdata / "altai-vpr" / "Описание_работ").glob("*/*/*.xlsx"))
    assert len(paths) == 115
    layouts = [detect_layout(read_workbook(p.read_bytes(), p.name)) for p in paths]
    missed = [p for p, layout in zip(paths, layouts, strict=True) if layout is not vpr_description]
    assert [f"{p.parent.parent.name}/{p.parent.name}/{p.name}" for p in missed] == [
        "7/Английский язык/KS.xlsx"]
