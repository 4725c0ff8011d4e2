"""Generic wide «сводная ведомость» (FORMATS §3): synthetic workbooks, every variation listed."""

from __future__ import annotations

import pandas as pd
import pytest

from core.model import Metadata
from core.problems import Severity, format_problem
from core.readers import missing_metadata, parse_file
from tests.core.readers_builders import csv_bytes, xlsx_bytes

HEADER = ["№", "ФИО", "Русский язык", "Литература", "Математика", "Англ. яз."]


def marks_of(parsed: object) -> dict[tuple[str, str, str], str]:
    frame: pd.DataFrame = parsed.results  # type: ignore[attr-defined]
    return {(r.pupil, r.subject, r.period): r.mark for r in frame.itertuples()}


def errors(parsed: object) -> list[str]:
    return [format_problem(p) for p in parsed.problems  # type: ignore[attr-defined]
            if p.severity is Severity.ERROR]


def test_title_lines_footer_and_trailing_columns() -> None:
    data = xlsx_bytes({"Лист1": [
        ["Сводная ведомость итоговых отметок"],
        ["Класс: 5А"],
        ["Учебный год 2024-2025"],
        ["Период: 1 четверть"],
        [*HEADER, "Пропущено уроков", "Поведение", "Средний балл", "Кол-во «3»"],
        [1, "Иванов Иван", 5, 4, "4", "н/а", 12, "хор", 4.5, 0],
        [2, "Петров Пётр", 3, "5", 2.0, "осв", 3, "уд", 3.5, 1],
        ["Всего", None, 2, 2, 2, 2],
        ["Успеваемость, %", None, 100, 100, 50, 0],
        ["Качество, %", None, 50, 100, 50, 0],
        ["СОУ", None, 68, 82, 40, 7],
    ]})
    parsed = parse_file(data, "ведомость.xlsx")
    assert parsed.layout == "wide_sheet"
    # 2 pupils × 4 subjects = 8 rows; footers and trailing columns add nothing
    assert len(parsed.results) == 8
    assert set(parsed.results["class_label"]) == {"5А"}
    assert set(parsed.results["year"]) == {"2024/2025"}
    assert set(parsed.results["period"]) == {"1 четверть"}
    assert set(parsed.results["procedure"]) == {"Отметки за период"}
    assert set(parsed.results["subject"]) == {"Русский язык", "Литература", "Математика",
                                              "Иностранный язык (английский)"}
    marks = marks_of(parsed)
    assert marks[("Иванов Иван", "Иностранный язык (английский)", "1 четверть")] == "н/а"
    assert marks[("Петров Пётр", "Математика", "1 четверть")] == "2"  # float 2.0 → «2»
    assert marks[("Петров Пётр", "Иностранный язык (английский)", "1 четверть")] == "осв"
    assert list(parsed.results["source_row"].unique()) == [6, 7]
    assert errors(parsed) == []


def test_two_row_header_with_merged_subjects_quarters_and_teachers() -> None:
    rows = [
        ['5 "Б" класс, 2024/2025 учебный год'],
        ["№", "Фамилия, имя", "Русский язык", None, None, None, None, "Математика", None, None,
         None, None, "История", None, None, None, None],
        [None, None, "Иванова Ирина Ивановна", None, None, None, None, "Петров П.П.", None,
         None, None, None, "Сидорова С.С.", None, None, None, None],
        [None, None, *(["1ч", "2ч", "3ч", "4ч", "год"] * 3)],
        [1, "Андреев Антон", 5, 5, 4, 5, 5, 4, 4, 4, 4, 4, 3, 3, 4, 4, 4],
        [2, "Борисова Вера", 3, 4, 4, 4, 4, "", "", "", "", "", 5, 5, 5, 5, 5],
    ]
    merges = {"ведомость": ["C2:G2", "H2:L2", "M2:Q2", "C3:G3", "H3:L3", "M3:Q3",
                            "A2:A4", "B2:B4"]}
    parsed = parse_file(xlsx_bytes({"ведомость": rows}, merges), "5Б.xlsx")
    # pupil 1: 3 subjects × 5 periods = 15; pupil 2: 2 subjects × 5 = 10 → 25
    assert len(parsed.results) == 25
    assert set(parsed.results["class_label"]) == {"5Б"}
    assert set(parsed.results["period"]) == {"1 четверть", "2 четверть", "3 четверть",
                                             "4 четверть", "Год"}
    marks = marks_of(parsed)
    assert marks[("Андреев Антон", "Русский язык", "3 четверть")] == "4"
    assert marks[("Андреев Антон", "История", "Год")] == "4"
    assert ("Борисова Вера", "Математика", "1 четверть") not in marks
    teachers = dict(zip(parsed.results["subject"], parsed.results["teacher"], strict=False))
    assert teachers == {"Русский язык": "Иванова И.И.", "Математика": "Петров П.П.",
                        "История": "Сидорова С.С."}
    assert errors(parsed) == []


def test_bare_roman_sub_columns_are_half_years_without_merges() -> None:
    # CSV has no merge information: empty header cells continue the subject to their left.
    rows = [
        ["Итоговые отметки", "", "", "", "", "", "", "", "", ""],
        ["Класс: 10А", "", "", "", "", "", "", "", "", ""],
        ["Учебный год: 2024/2025", "", "", "", "", "", "", "", "", ""],
        ["Ученик", "Физика", "", "", "Химия", "", "", "Биология", "", ""],
        ["", "I", "II", "год", "I", "II", "год", "I", "II", "год"],
        ["Гусев Глеб", "4", "5", "5", "3", "3", "3", "4", "4", "4"],
    ]
    parsed = parse_file(csv_bytes(rows), "10А.csv")
    marks = marks_of(parsed)
    # two bare numerals under a subject → «1 полугодие», «2 полугодие»
    assert marks[("Гусев Глеб", "Физика", "2 полугодие")] == "5"
    assert marks[("Гусев Глеб", "Химия", "1 полугодие")] == "3"
    assert marks[("Гусев Глеб", "Биология", "Год")] == "4"
    assert len(marks) == 9
    assert set(parsed.results["class_label"]) == {"10А"}


def test_class_and_period_columns_with_many_classes_and_merged_class_cells() -> None:
    rows = [
        ["Учебный год 2023-2024"],
        ["Класс", "Период", "Обучающийся", "Алгебра", "Геометрия", "Физика", "Информатика"],
        ["7А", "2 четверть", "Ким Кирилл", 4, 4, 5, 5],
        [None, None, "Лаптева Лада", 3, 3, 4, "зач"],
        ["7 б", "2 ч", "Мухин Марк", "4/5", 4, 4, 4],
    ]
    merges = {"Лист1": ["A3:A4", "B3:B4"]}
    parsed = parse_file(xlsx_bytes({"Лист1": rows}, merges), "седьмые.xlsx")
    frame = parsed.results
    assert sorted(frame["class_label"].unique()) == ["7А", "7Б"]
    assert set(frame.loc[frame["pupil"] == "Лаптева Лада", "class_label"]) == {"7А"}
    assert set(frame["period"]) == {"2 четверть"}
    assert set(frame["year"]) == {"2023/2024"}
    marks = marks_of(parsed)
    assert marks[("Лаптева Лада", "Информатика", "2 четверть")] == "зач"
    assert marks[("Мухин Марк", "Алгебра", "2 четверть")] == "4"  # dual «4/5» → first
    warnings = [p for p in parsed.problems if p.severity is Severity.WARNING]
    assert any("двойная отметка" in p.message and p.row == 5 and p.column == "D"
               for p in warnings)


def test_sheet_name_gives_class_and_period_one_class_per_sheet() -> None:
    header = ["ФИО", "Русский язык", "Математика", "Окружающий мир", "Музыка"]
    data = xlsx_bytes({
        "3А 1 четв": [["Учебный год 2024/2025"], header, ["Яковлев Яков", 5, 5, 5, 5]],
        "3Б 1 четв": [["Учебный год 2024/2025"], header, ["Жукова Жанна", 4, 3, 4, 5]],
    })
    parsed = parse_file(data, "третьи.xlsx")
    by_pupil = parsed.results.groupby("pupil")["class_label"].unique().to_dict()
    assert {k: list(v) for k, v in by_pupil.items()} == {"Жукова Жанна": ["3Б"],
                                                        "Яковлев Яков": ["3А"]}
    assert set(parsed.results["period"]) == {"1 четверть"}
    assert len(parsed.results) == 8


def test_missing_period_is_an_error_unless_given_at_upload() -> None:
    rows = [["Класс: 6В"], ["Учебный год 2024/2025"],
            ["ФИО", "Русский язык", "Математика", "Биология"], ["Орлов Олег", 4, 4, 5]]
    data = xlsx_bytes({"Лист1": rows})
    parsed = parse_file(data, "без_периода.xlsx")
    assert parsed.results.empty
    problems = [p for p in parsed.problems if p.severity is Severity.ERROR]
    assert len(problems) == 1
    assert problems[0].message.startswith("не указан период: укажите его при загрузке")
    assert (problems[0].file, problems[0].sheet) == ("без_периода.xlsx", "Лист1")
    # what the upload page asks for and the CLI names as --period
    assert missing_metadata(parsed) == ["period"]

    parsed = parse_file(data, "без_периода.xlsx", metadata=Metadata(period="Год"))
    assert set(parsed.results["period"]) == {"Год"}
    assert len(parsed.results) == 3


def test_missing_class_and_year_are_errors_metadata_fills_them() -> None:
    rows = [["Период: год"], ["ФИО", "Русский язык", "Математика", "Биология"],
            ["Орлов Олег", 4, 4, 5]]
    data = xlsx_bytes({"Лист1": rows})
    parsed = parse_file(data, "x.xlsx")
    messages = sorted(p.message.split(":")[0] for p in parsed.problems
                      if p.severity is Severity.ERROR)
    assert messages == ["не указан класс", "не указан учебный год"]
    assert parsed.results.empty
    assert missing_metadata(parsed) == ["year", "grade"]

    parsed = parse_file(data, "x.xlsx", metadata=Metadata(year="2024/2025", grade=9))
    # grade 9 without a letter → class «9» (a single class in the parallel)
    assert set(parsed.results["class_label"]) == {"9"}
    assert set(parsed.results["year"]) == {"2024/2025"}
    assert set(parsed.results["period"]) == {"Год"}


def test_cp1251_semicolon_csv() -> None:
    rows = [["Сводная ведомость"], ["Класс: 8А"], ["Учебный год 2024/2025"],
            ["Период: II полугодие"], ["№", "Фамилия Имя", "Рус. яз.", "Алг.", "Геом.", "Физ."],
            ["1", "Ёлкин Ёж", "3", "4", "4", "5"]]
    parsed = parse_file(csv_bytes(rows, encoding="cp1251"), "8а.csv")
    assert parsed.layout == "wide_sheet"
    assert set(parsed.results["period"]) == {"2 полугодие"}
    assert set(parsed.results["subject"]) == {"Русский язык", "Алгебра", "Геометрия", "Физика"}
    assert marks_of(parsed)[("Ёлкин Ёж", "Алгебра", "2 полугодие")] == "4"


def test_transposed_sheet_subjects_down_pupils_across() -> None:
    rows = [["Класс: 4Г"], ["Учебный год 2024/2025"], ["Период: 3 четверть"],
            ["Предмет", "Аверин Артём", "Белова Белла"],
            ["Русский язык", 4, 5], ["Математика", 3, 5], ["Окружающий мир", 4, 4]]
    parsed = parse_file(xlsx_bytes({"Лист1": rows}), "t.xlsx")
    marks = marks_of(parsed)
    assert marks == {("Аверин Артём", "Русский язык", "3 четверть"): "4",
                     ("Аверин Артём", "Математика", "3 четверть"): "3",
                     ("Аверин Артём", "Окружающий мир", "3 четверть"): "4",
                     ("Белова Белла", "Русский язык", "3 четверть"): "5",
                     ("Белова Белла", "Математика", "3 четверть"): "5",
                     ("Белова Белла", "Окружающий мир", "3 четверть"): "4"}
    # «Математика» for Аверин is at spreadsheet row 6, column B
    row = parsed.results[(parsed.results["pupil"] == "Аверин Артём")
                         & (parsed.results["subject"] == "Математика")].iloc[0]
    assert row["source_row"] == 6


def test_bad_mark_is_an_error_naming_file_sheet_row_column() -> None:
    rows = [["Класс: 5А"], ["2024/2025 учебный год, 1 полугодие"],
            ["ФИО", "Русский язык", "Математика", "Черчение", "Биология"],
            ["Иванов Иван", "отл", 4, 5, 4],
            ["Петров Пётр", 3, 0, 4, 5]]
    parsed = parse_file(xlsx_bytes({"5А": rows}), "плохо.xlsx")
    bad = [p for p in parsed.problems if p.severity is Severity.ERROR]
    assert len(bad) == 1
    assert (bad[0].file, bad[0].sheet, bad[0].row, bad[0].column, bad[0].value) == (
        "плохо.xlsx", "5А", 4, "B", "отл")
    # «0» is a placeholder: a warning and no row
    assert any(p.row == 5 and p.column == "C" and "заполнитель" in p.message
               for p in parsed.problems)
    # «Черчение» is not in the dictionary but sits between subjects and holds marks: kept
    assert marks_of(parsed)[("Петров Пётр", "Черчение", "1 полугодие")] == "4"
    # 2 pupils × 4 subjects − «отл» − «0» = 6 rows
    assert len(parsed.results) == 6


def test_exam_sub_column_is_skipped_with_a_warning() -> None:
    rows = [["Класс: 9А"], ["Учебный год 2024/2025"],
            ["ФИО", "Русский язык", None, "Математика", None, "Химия", None],
            [None, "год", "экз", "год", "экз", "год", "экз"],
            ["Фомин Фёдор", 4, 5, 3, 3, 5, None]]
    parsed = parse_file(xlsx_bytes({"Лист1": rows}), "9.xlsx")
    assert set(parsed.results["period"]) == {"Год"}
    assert len(parsed.results) == 3
    assert sum("экзаменационные" in p.message for p in parsed.problems) == 3


@pytest.mark.parametrize(("title", "expected"), [
    ("Период: 1 четверть", "1 четверть"),
    ("за I полугодие", "1 полугодие"),
    ("Итоги 2-го полугодия", "2 полугодие"),
    ("3 триместр", "3 триместр"),
    ("Годовые отметки", "Год"),
    ("Период: Год", "Год"),
])
def test_period_title_variants(title: str, expected: str) -> None:
    rows = [["Класс: 5А"], ["Учебный год 2024/2025"], [title],
            ["ФИО", "Русский язык", "Математика", "Биология"], ["Орлов Олег", 4, 4, 5]]
    parsed = parse_file(xlsx_bytes({"Лист1": rows}), "p.xlsx")
    assert set(parsed.results["period"]) == {expected}


@pytest.mark.parametrize(("title", "expected"), [
    ("Класс: 5А", "5А"), ('5 "А" класс', "5А"), ("Класс 11 «Б»", "11Б"),
    ("ведомость обучающихся 7-в класса", "7В"),
])
def test_class_title_variants(title: str, expected: str) -> None:
    rows = [[title], ["Учебный год 2024/2025, период: 1 четверть"],
            ["ФИО", "Русский язык", "Математика", "Биология"], ["Орлов Олег", 4, 4, 5]]
    parsed = parse_file(xlsx_bytes({"Лист1": rows}), "c.xlsx")
    assert set(parsed.results["class_label"]) == {expected}


def test_one_class_per_file_with_a_sheet_per_period() -> None:
    header = ["ФИО", "Русский язык", "Математика", "Окружающий мир"]
    data = xlsx_bytes({
        "1 четверть": [["Класс: 2В, учебный год 2024/2025"], header, ["Лебедев Лев", 5, 4, 5]],
        "2 четверть": [header, ["Лебедев Лев", 4, 4, 5]],
    })
    parsed = parse_file(data, "2в.xlsx")
    # the class and year stated once in the file apply to the second sheet too: 2 × 3 rows
    assert len(parsed.results) == 6
    assert set(parsed.results["class_label"]) == {"2В"}
    assert set(parsed.results["year"]) == {"2024/2025"}
    marks = marks_of(parsed)
    assert marks[("Лебедев Лев", "Русский язык", "2 четверть")] == "4"
    assert marks[("Лебедев Лев", "Русский язык", "1 четверть")] == "5"


def test_column_numbering_row_and_blank_rows_are_skipped() -> None:
    rows = [["Класс: 5А"], ["Учебный год 2024/2025, 4 четверть"],
            ["№", "ФИО", "Русский язык", "Математика", "Биология"],
            [1, 2, 3, 4, 5],
            [1, "Орлов Олег", 4, 4, 5],
            [],
            [2, "Юдин Юрий", 3, 3, 3],
            ["Классный руководитель: ____"]]
    parsed = parse_file(xlsx_bytes({"Лист1": rows}), "n.xlsx")
    assert sorted(parsed.results["pupil"].unique()) == ["Орлов Олег", "Юдин Юрий"]
    assert len(parsed.results) == 6
