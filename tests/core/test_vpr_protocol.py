"""ФИС ОКО upload protocol 2022 and the 2025 two-part form (FORMATS §4, §7).

Real-file figures are quoted from ../shared/realdata/README.md and FORMATS §4.3 (counted
independently over the raw cells of all 21 files); synthetic sheets test one rule each.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.model import Metadata, ParsedFile
from core.problems import Severity
from core.readers import parse_file, parse_sheets, vpr_protocol
from core.scales import Scale
from core.workbook import Sheet
from tests.conftest import real_file
from tests.core.vpr_helpers import count, objectivity

HEADER = ["Код", "Вариант", "1 (1б)", "2 (2б)", "3К1 (1б)", "Наименование класса", "Пол",
          "Отметка за предыдущий триместр/ четверть/полугодие", "Итого баллов"]


@pytest.fixture(scope="module")
def protocols(realdata: Path) -> list[ParsedFile]:
    paths = sorted((realdata / "altai-vpr" / "2022").glob("*/*.xlsx"))
    assert len(paths) == 21
    return [parse_file(p.read_bytes(), p.name) for p in paths]


def test_all_2022_protocols_are_recognised(protocols: list[ParsedFile]) -> None:
    assert {p.layout for p in protocols} == {vpr_protocol.LAYOUT}
    assert not [e for p in protocols for e in p.problems if e.severity is Severity.ERROR]


def test_2022_rows_and_absentees(protocols: list[ParsedFile]) -> None:
    # README: 13 652 rows in all, «отсутствовал» 1 317 → 12 335 written rows.
    assert sum(len(p.results) for p in protocols) == 12_335
    absent = [int(re.match(r"отсутствовали: (\d+)", e.message).group(1))  # type: ignore[union-attr]
              for p in protocols for e in p.problems if e.message.startswith("отсутствовали:")]
    assert sum(absent) == 1_317


def test_2022_total_mismatches_and_scores_above_max(protocols: list[ParsedFile]) -> None:
    # FORMATS §4.3: «Итого баллов» ≠ Σ tasks in 3 311 of 12 335 rows; 45 cells above the max.
    assert sum(count(p.problems, "не совпадает с суммой") for p in protocols) == 3_311
    above = [e for p in protocols for e in p.problems if "выше максимума" in e.message]
    assert sum(count([e], "выше максимума") for e in above) == 45
    assert {e.severity for e in above} == {Severity.WARNING}


def test_2022_tasks_attempted_and_x(protocols: list[ParsedFile]) -> None:
    # FORMATS §4.3: X 10 182 and «не пройд.» 11 cells → 0 points, not attempted.
    tasks = [p.tasks for p in protocols]
    not_attempted_zero = sum(int(((t["score"] == 0) & ~t["attempted"]).sum()) for t in tasks)
    assert not_attempted_zero == 10_182 + 11


def test_history_11_objectivity_with_2022_scale(realdata: Path) -> None:
    # README: История 11 with the 2022 thresholds 7/13/18 (shekeldini/Flask transcription) and
    # primary = Σ tasks: 2 956 pairs, понизили/подтвердили/повысили 32.3/59.3/8.4 %;
    # «3» boundary 6 → 7: 24 → 147.
    path = real_file(realdata, "altai-vpr/2022/11/История.xlsx")
    scale = Scale(2022, "История", 11, "традиционная",
                  ((2, 0, 6), (3, 7, 12), (4, 13, 17), (5, 18, 99)), 99.0, "test", False)
    parsed = parse_file(path.read_bytes(), "История.xlsx", scales=(scale,),
                        metadata=Metadata(year="2021/2022", subject="История", grade=11))
    assert objectivity(parsed.results) == (2_956, (32.3, 59.3, 8.4))
    hist = parsed.results["primary_score"].value_counts()
    assert (hist[6.0], hist[7.0]) == (24, 147)
    assert set(parsed.results["grade"].astype(int)) == {11}


def test_2025_two_part_form(realdata: Path) -> None:
    # FORMATS §7 / README: sheets «Протокол» and «Протокол_2», 20 pupils each, 2 absent rows each;
    # header maxima 1+1+2+1+1+1+1+1 + 1+2+1+1+2+2+2 = 20.
    path = real_file(realdata, "vpr-analizer-form/base_form.xlsx")
    parsed = parse_file(path.read_bytes(), "form.xlsx", metadata=Metadata(grade=5))
    r = parsed.results
    assert parsed.layout == vpr_protocol.LAYOUT
    assert r.groupby("source_sheet").size().to_dict() == {"Протокол": 18, "Протокол_2": 18}
    first = r.iloc[0]
    assert (first["pupil"], first["variant"], first["primary_score"]) == ("40001", "1/1", 20.0)
    assert set(r.loc[r["source_sheet"] == "Протокол_2", "variant"]) <= {"1", "2"}
    assert set(r["max_score"]) == {20.0}
    assert set(r["class_label"]) == {"5"}  # class unknown: the parallel from the metadata
    assert count(parsed.problems, "листа «Классы»") == 2
    assert count(parsed.problems, "не совпадает с суммой") == 0  # cached formula = Σ
    assert "11.3К1" in set(parsed.tasks["task"])


def _sheet(*rows: list[object]) -> list[Sheet]:
    return [Sheet(name="Протокол", rows=[HEADER, *[list(r) for r in rows]])]


def test_codes_keep_leading_zeros_and_x_counts_zero() -> None:
    parsed = parse_sheets(_sheet(["00123", 1, "X", 2, "не пройд.", "7А", "ж", "нет отметки", 2]),
                          file_name="f.xlsx")
    r = parsed.results
    assert (r["pupil"].tolist(), r["class_label"].tolist(), r["grade"].tolist()) == (
        ["00123"], ["7А"], [7])
    assert (r["primary_score"].tolist(), r["max_score"].tolist()) == ([2.0], [4.0])
    assert r["journal_mark"].tolist() == [""]
    t = parsed.tasks.set_index("task")
    assert t.loc["1", "score"] == 0 and not t.loc["1", "attempted"]
    assert t.loc["3К1", "score"] == 0 and not t.loc["3К1", "attempted"]


def test_absent_pupils_are_not_results() -> None:
    parsed = parse_sheets(_sheet([1, 1, 1, 2, 1, "7А", "м", 5, 4],
                                 [2, "отсутствовал", "", "", "", "", "", "", ""]),
                          file_name="f.xlsx")
    assert parsed.results["pupil"].tolist() == ["1"]
    assert count(parsed.problems, "отсутствовали: 1") == 1


def test_duplicate_code_in_one_class_is_an_error() -> None:
    parsed = parse_sheets(_sheet([5, 1, 1, 2, 1, "7А", "м", 5, 4],
                                 [5, 2, 0, 1, 0, "7а", "ж", 3, 1],
                                 [5, 2, 0, 1, 0, "7Б", "ж", 3, 1]), file_name="f.xlsx")
    dups = [p for p in parsed.problems if "повторяется" in p.message]
    assert [(p.row, p.severity) for p in dups] == [(3, Severity.ERROR)]


def test_score_above_max_is_a_warning_and_kept() -> None:
    parsed = parse_sheets(_sheet([1, 1, 3, 2, 1, "7А", "м", 5, 6]), file_name="f.xlsx")
    above = [p for p in parsed.problems if "выше максимума" in p.message]
    assert [(p.column, p.value, p.severity) for p in above] == [
        ("1 (1б)", "3", Severity.WARNING)]
    assert parsed.results["primary_score"].tolist() == [6.0]


def test_journal_mark_outside_2_to_5_is_dropped_with_warning() -> None:
    parsed = parse_sheets(_sheet([1, 1, 1, 2, 1, "7А", "м", 8, 4]), file_name="f.xlsx")
    assert parsed.results["journal_mark"].tolist() == [""]
    bad = [p for p in parsed.problems if "вне 2–5" in p.message]
    assert [(p.row, p.value) for p in bad] == [(2, "8")]


def test_total_differing_from_task_sum_keeps_the_sum() -> None:
    parsed = parse_sheets(_sheet([1, 1, 1, 2, 1, "7А", "м", 5, 0],
                                 [2, 2, 1, 1, 1, "7А", "ж", 4, 3]), file_name="f.xlsx")
    assert parsed.results["primary_score"].tolist() == [4.0, 3.0]
    mismatch = [p for p in parsed.problems if "не совпадает с суммой" in p.message]
    assert len(mismatch) == 1 and mismatch[0].row == 2 and " в 1 строк" in mismatch[0].message


def test_unknown_class_label_is_kept_with_warning() -> None:
    parsed = parse_sheets(_sheet([1, 1, 1, 2, 1, "ИСИП-01", "м", 5, 4]), file_name="f.xlsx")
    assert parsed.results["class_label"].tolist() == ["ИСИП-01"]
    assert count(parsed.problems, "название класса не распознано") == 1
