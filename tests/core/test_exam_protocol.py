"""РЦОИ ОГЭ/ЕГЭ protocol (FORMATS §11): synthetic protocols built from the described header."""

from __future__ import annotations

import math

import pytest

from core.model import Metadata
from core.problems import Severity
from core.readers import missing_metadata, parse_file
from core.readers.exam_protocol import academic_year_of, exam_of_title, subject_of_title
from tests.core.readers_builders import xlsx_bytes

HEADER = ["Код МСУ", "Код ОО", "Класс", "Код ППЭ", "Аудитория", "Фамилия", "Имя", "Отчество",
          "Серия документа", "Номер документа", "Задания с кратким ответом",
          "Задания с развёрнутым ответом", "Первичный балл", "Балл"]
PASSPORTS = ("4510", "123456", "4511", "654321")


def protocol(title: str, *rows: list[object], header: list[str] = HEADER) -> bytes:
    return xlsx_bytes({"Протокол": [[title], header, *rows]})


def test_oge_mark_is_read_never_recomputed_and_passports_are_dropped() -> None:
    data = protocol(
        "02 - ОГЭ Математика 03.06.2025",
        # short: 5 tasks «++-1+» = 1+1+0+1+1 = 4; long «2(2)0(2)» = 2 → primary 6
        [1, 101, "9А", 5, 12, "Иванов", "Иван", "Иванович", "4510", "123456", "++-1+",
         "2(2)0(2)", 6, 3],
        # 14 primary points with mark «2» (e.g. the geometry condition not met): kept as «2»
        [1, 101, "9Б", 5, 12, "Петрова", "Анна", "", "4511", "654321", "+++++",
         "2(2)2(2)", 9, 2],
    )
    parsed = parse_file(data, "огэ.xlsx")
    assert parsed.layout == "exam_protocol"
    frame = parsed.results
    assert list(frame["pupil"]) == ["Иванов Иван Иванович", "Петрова Анна"]
    assert list(frame["mark"]) == ["3", "2"]
    assert list(frame["primary_score"]) == [6.0, 9.0]
    assert frame["max_score"].isna().all()
    assert set(frame["procedure"]) == {"ОГЭ"}
    assert set(frame["subject"]) == {"Математика"}
    assert set(frame["date"]) == {"03.06.2025"}
    assert set(frame["year"]) == {"2024/2025"}  # June 2025 → academic year 2024/2025
    assert list(frame["class_label"]) == ["9А", "9Б"]
    # nothing from the document columns is kept anywhere
    dump = (frame.to_csv() + parsed.tasks.to_csv()
            + " ".join(f"{p.value} {p.message}" for p in parsed.problems))
    for secret in PASSPORTS:
        assert secret not in dump


def test_tasks_from_short_and_long_answer_strings() -> None:
    data = protocol("ОГЭ Русский язык 27.05.2025",
                    [1, 101, "9А", 5, 12, "Иванов", "Иван", "", "", "", "+-2",
                     "2(2)X(3)", 5, 4])
    parsed = parse_file(data, "p.xlsx")
    tasks = parsed.tasks.sort_values("task", key=lambda s: s.astype(int))
    got = [(t.task, t.score, t.max_score, t.attempted) for t in tasks.itertuples()]
    # «+» 1 of 1, «-» 0 of 1, «2» 2 points of unknown maximum; long «2(2)» then «X(3)»
    # numbered after the 3 short tasks → tasks 4 and 5
    expected = [("1", 1.0, 1.0, True), ("2", 0.0, 1.0, True), ("3", 2.0, None, True),
                ("4", 2.0, 2.0, True), ("5", None, 3.0, False)]
    for (task, score, maximum, attempted), (etask, escore, emax, eatt) in zip(
            got, expected, strict=True):
        assert task == etask and attempted == eatt
        assert (math.isnan(score) if escore is None else score == escore)
        assert (math.isnan(maximum) if emax is None else maximum == emax)
    # 1 + 0 + 2 + 2 = 5 = primary: no warning about the sum
    assert not [p for p in parsed.problems if "сумме" in p.message]


def test_ege_score_is_a_test_score_out_of_100_without_mark() -> None:
    data = protocol("ЕГЭ. Обществознание. 10.06.2025",
                    [1, 101, "11А", 5, 12, "Сидоров", "Сидор", "С.", "", "", "+-+",
                     "1(2)", 3, 48])
    parsed = parse_file(data, "егэ.xlsx")
    row = parsed.results.iloc[0]
    assert (row["procedure"], row["mark"], row["primary_score"], row["max_score"]) == (
        "ЕГЭ", "", 48.0, 100.0)
    assert row["subject"] == "Обществознание"


def test_exam_decided_by_grade_when_title_is_silent() -> None:
    data = protocol("Физика 20.06.2025",
                    [1, 101, "11Б", 5, 12, "Ким", "Ким", "", "", "", "++", "", 2, 61],
                    [1, 101, "9В", 5, 12, "Ли", "Ли", "", "", "", "+-", "", 1, 2])
    frame = parse_file(data, "fiz.xlsx").results
    assert list(frame["procedure"]) == ["ЕГЭ", "ОГЭ"]
    assert list(frame["mark"]) == ["", "2"]
    assert list(frame["primary_score"]) == [61.0, 1.0]


def test_missing_subject_is_an_error_unless_given_at_upload() -> None:
    data = protocol("ОГЭ 03.06.2025",
                    [1, 101, "9А", 5, 12, "Иванов", "Иван", "", "", "", "+", "", 1, 2])
    parsed = parse_file(data, "x.xlsx")
    assert parsed.results.empty
    errs = [p for p in parsed.problems if p.severity is Severity.ERROR]
    assert [(p.file, p.sheet, p.row, p.column) for p in errs] == [("x.xlsx", "Протокол", 1, "A")]
    assert errs[0].message.startswith("не указан предмет")
    assert missing_metadata(parsed) == ["subject"]  # the upload page asks for it
    parsed = parse_file(data, "x.xlsx", metadata=Metadata(subject="Химия"))
    assert list(parsed.results["subject"]) == ["Химия"]


def test_bad_mark_and_bad_long_string_are_reported_with_place() -> None:
    data = protocol("ОГЭ Химия 03.06.2025",
                    [1, 101, "9А", 5, 12, "Иванов", "Иван", "", "", "", "+", "2(2", 1, 7],
                    [1, 101, "9А", 5, 12, "Петров", "Пётр", "", "", "", "+", "zz", 1, 3])
    parsed = parse_file(data, "x.xlsx")
    bad_mark = [p for p in parsed.problems if p.severity is Severity.ERROR]
    assert [(p.row, p.column, p.value) for p in bad_mark] == [(3, "Балл", "7")]
    garbled = [p for p in parsed.problems if "не разобрана" in p.message]
    assert [(p.row, p.column) for p in garbled] == [(4, "Задания с развёрнутым ответом")]
    assert list(parsed.results["pupil"]) == ["Петров Пётр"]


def test_protocol_without_long_answer_column() -> None:
    header = [h for h in HEADER if h != "Задания с развёрнутым ответом"]
    data = protocol("ОГЭ Английский язык 22.05.2025",
                    [1, 101, "9А", 5, 12, "Иванов", "Иван", "", "", "", "+++", 3, 2],
                    header=header)
    frame = parse_file(data, "x.xlsx").results
    assert list(frame["subject"]) == ["Иностранный язык (английский)"]
    assert list(frame["mark"]) == ["2"]


@pytest.mark.parametrize(("title", "exam", "subject"), [
    ("02 - ОГЭ Математика 03.06.2025", "ОГЭ", "Математика"),
    ("ЕГЭ-2025 Русский язык 30.05.2025", "ЕГЭ", "Русский язык"),
    ("ЕГЭ Математика профильного уровня 04.06.2025", "ЕГЭ", "Математика"),
    ("ГВЭ-9. История России. Всеобщая история", "ГВЭ-9", "История"),
    ("ГВЭ-11 Русский язык", "ГВЭ-11", "Русский язык"),
    ("Экзамен: Иностранный язык (немецкий)", "", "Иностранный язык (немецкий)"),
])
def test_title_grammar(title: str, exam: str, subject: str) -> None:
    assert exam_of_title(title) == exam
    assert subject_of_title(title) == subject


@pytest.mark.parametrize(("date", "year"), [
    ("03.06.2025", "2024/2025"), ("10.09.2024", "2024/2025"), ("", "")])
def test_academic_year_of_exam_date(date: str, year: str) -> None:
    assert academic_year_of(date) == year


def test_class_letter_without_grade_asks_for_the_grade() -> None:
    # Neither the title (no ОГЭ/ЕГЭ) nor the class «Б» tells the grade: the page asks for it.
    data = protocol("Физика 20.06.2025",
                    [1, 101, "Б", 5, 12, "Ким", "Ким", "", "", "", "++", "", 2, 61])
    parsed = parse_file(data, "fiz.xlsx")
    assert parsed.results.empty and missing_metadata(parsed) == ["grade"]
    parsed = parse_file(data, "fiz.xlsx", metadata=Metadata(grade=11))
    assert list(parsed.results["class_label"]) == ["11Б"] and missing_metadata(parsed) == []
