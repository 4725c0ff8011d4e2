"""Intake rules (core.intake): what may be saved, over what earlier uploads hold."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from core.intake import (
    EarlierUpload,
    IntakeStatus,
    StoredState,
    decide,
    missing_fields,
    state_of_files,
)
from core.model import Metadata, ParsedFile
from core.problems import Problem, Severity
from core.readers import parse_file
from tests.core.builders import class_marks, template_bytes

SCHOOL = Metadata(school="Школа № 1")


def _file(pupils: list[str], marks: list[str], *, name: str = "f.xlsx",
          meta: Metadata = SCHOOL, subject: str = "Алгебра") -> ParsedFile:
    rows = [["2024/2025", "1 четверть", "Четвертная", "8А", p, subject, "", m, None, None, None]
            for p, m in zip(pupils, marks, strict=True)]
    return parse_file(template_bytes(rows), name, metadata=meta)


def test_a_new_file_over_an_empty_store_is_ready() -> None:
    decision = decide(_file(["А", "Б"], ["5", "4"]), StoredState())
    assert decision.status is IntakeStatus.READY and decision.can_save


def test_errors_block_and_missing_fields_are_named() -> None:
    parsed = _file(["А"], ["5"])
    broken = parsed.with_problems([Problem("f.xlsx", "плохо", Severity.ERROR)])
    assert decide(broken, StoredState()).status is IntakeStatus.BLOCKED
    no_school = _file(["А"], ["5"], meta=Metadata())
    decision = decide(no_school, StoredState())
    assert decision.status is IntakeStatus.INCOMPLETE and decision.missing == ("school",)
    # the CLI does not need a school
    assert decide(no_school, StoredState(), require_school=False).can_save
    assert missing_fields(no_school, require_school=False) == ()


def test_the_same_bytes_are_a_duplicate() -> None:
    earlier = EarlierUpload(7, "первый.xlsx", schools=("Школа № 1",))
    decision = decide(_file(["А"], ["5"]), StoredState(same_bytes=earlier))
    assert decision.status is IntakeStatus.DUPLICATE and decision.duplicate_of == earlier


def test_a_corrected_file_conflicts_and_replaces_only_after_confirmation() -> None:
    first = _file(["А", "Б", "В"], ["5", "4", "2"], name="первый.xlsx")
    corrected = _file(["А", "Б", "В"], ["5", "4", "3"], name="исправленный.xlsx")
    state = state_of_files([first], corrected)
    decision = decide(corrected, state)
    assert decision.status is IntakeStatus.CONFLICT and not decision.can_save
    (conflict,) = decision.conflicts
    assert (conflict.upload.file_name, conflict.scopes, conflict.rows) == ("первый.xlsx", 1, 3)
    assert conflict.example == ("А", "8А", "Алгебра", "Данные", 2)
    confirmed = decide(corrected, state, replace=True)
    assert confirmed.status is IntakeStatus.REPLACES
    assert confirmed.replaced_results[["upload_id", "class_label", "subject"]].values.tolist() \
        == [[1, "8А", "Алгебра"]]


def test_another_subgroup_adds_and_says_so() -> None:
    first = _file(["А", "Б"], ["5", "4"], name="группа-1.xlsx")
    second = _file(["В", "Г"], ["3", "2"], name="группа-2.xlsx")
    decision = decide(second, state_of_files([first], second))
    assert decision.status is IntakeStatus.READY
    assert [s.upload.file_name for s in decision.subgroups] == ["группа-1.xlsx"]
    assert decision.replaced_results.empty


def test_another_subject_or_period_does_not_touch_earlier_rows() -> None:
    first = _file(["А", "Б"], ["5", "4"])
    other = _file(["А", "Б"], ["3", "3"], subject="Геометрия")
    decision = decide(other, state_of_files([first], other))
    assert decision.status is IntakeStatus.READY and not decision.subgroups


def test_a_teacher_load_for_the_same_class_and_subject_conflicts() -> None:
    def load(teacher: str) -> ParsedFile:
        data = template_bytes([["2024/2025", "8А", "Алгебра", teacher]],
                              columns=("Учебный год", "Класс", "Предмет", "Учитель"))
        return parse_file(data, f"{teacher}.xlsx", metadata=SCHOOL)

    first, second = load("Петров П.П."), load("Сидоров С.С.")
    decision = decide(second, state_of_files([first], second))
    assert decision.status is IntakeStatus.CONFLICT
    assert decision.replaced_load.drop(columns="upload_id").values.tolist() == [
        ["Школа № 1", "2024/2025", "8А", "Алгебра"]]


def test_an_empty_file_is_empty() -> None:
    parsed = _file(["А"], ["5"])
    empty = replace(parsed, results=parsed.results.iloc[0:0])
    assert decide(empty, StoredState()).status is IntakeStatus.EMPTY


def test_state_of_files_numbers_earlier_inputs_from_one() -> None:
    first = parse_file(template_bytes(class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "",
                                                  ["5"])), "a.xlsx", metadata=SCHOOL)
    state = state_of_files([first], first)
    assert state.same_bytes == EarlierUpload(1, "a.xlsx", schools=("Школа № 1",))
    assert isinstance(state.result_pupils, pd.DataFrame)
    assert state.result_pupils["upload_id"].tolist() == [1]


CLASS_5B = [f"{s} {n}" for s, n in zip(
    ["Абрамов", "Белова", "Волков", "Гусева", "Дмитриев", "Ершова", "Жуков"],
    ["Артём", "Вера", "Глеб", "Дарья", "Егор", "Жанна", "Захар"], strict=True)]


def _class(pupils: list[str], *, subject: str = "Математика", name: str = "5Б.xlsx"
           ) -> ParsedFile:
    rows = [["2024/2025", "1 четверть", "Четвертная", "5Б", p, subject, "", "4", None, None, None]
            for p in pupils]
    return parse_file(template_bytes(rows), name, metadata=SCHOOL)


@pytest.mark.parametrize("variant", [
    [p.upper() for p in CLASS_5B],
    [p.replace(" ", "  ") for p in CLASS_5B],
    [p.replace("ё", "е") + " Петрович" for p in CLASS_5B],
], ids=["upper case", "double space", "patronymic added"])
def test_the_same_class_in_another_spelling_is_a_conflict(variant: list[str]) -> None:
    first = _class(CLASS_5B, name="первый.xlsx")
    again = _class(variant, name="второй.xlsx")
    decision = decide(again, state_of_files([first], again))
    assert decision.status is IntakeStatus.CONFLICT
    assert decision.conflicts[0].reason == "pupils" and not decision.subgroups


def test_a_list_repeating_most_names_with_initials_is_a_conflict() -> None:
    first = _class(CLASS_5B)
    initials = [f"{p.split()[0]} {p.split()[1][0]}." for p in CLASS_5B]
    again = _class(initials, name="инициалы.xlsx")
    decision = decide(again, state_of_files([first], again))
    assert decision.status is IntakeStatus.CONFLICT and decision.conflicts[0].reason == "names"


def test_a_subgroup_that_would_outgrow_the_class_roster_is_a_conflict() -> None:
    roster = _class(CLASS_5B, subject="Русский язык", name="русский.xlsx")  # 7 pupils in 5Б
    group_1 = _class(CLASS_5B[:4], subject="Английский язык", name="группа-1.xlsx")
    group_2 = _class(CLASS_5B[4:], subject="Английский язык", name="группа-2.xlsx")
    fine = decide(group_2, state_of_files([roster, group_1], group_2))
    assert fine.status is IntakeStatus.READY and fine.subgroups  # 4 + 3 = 7: the roster
    strangers = _class([f"Новиков {n}" for n in ("Олег", "Пётр", "Роман", "Семён")],
                       subject="Английский язык", name="чужие.xlsx")
    decision = decide(strangers, state_of_files([roster, group_1], strangers))
    # 4 + 4 = 8 pupils in a class of 7
    assert decision.status is IntakeStatus.CONFLICT and decision.conflicts[0].reason == "roster"


def test_the_same_bytes_of_another_school_say_nothing_of_that_school() -> None:
    parsed = _file(["А"], ["5"])
    ours = EarlierUpload(3, "наш.xlsx", schools=("Школа № 1",))
    theirs = EarlierUpload(4, "чужой.xlsx", schools=("Школа № 2",))
    assert decide(parsed, StoredState(same_bytes=ours)).duplicate_of == ours
    hidden = decide(parsed, StoredState(same_bytes=theirs))
    assert hidden.status is IntakeStatus.DUPLICATE and hidden.duplicate_of == EarlierUpload(4, "")
