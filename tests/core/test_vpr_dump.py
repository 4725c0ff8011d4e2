"""ФИС ОКО region dumps 2021 and 2020 (FORMATS §5, §6) on the real Altai files.

Expected figures are quoted from ../shared/realdata/README.md and FORMATS.md §5–§6, which were
counted independently of this code (raw cells, official 2021 scale applied to «всего баллов»).
The reader's primary score is Σ task points (METHODOLOGY §4.1), which differs from «всего
баллов» in 8 rows (математика 5) and 30 rows (русский 6) per FORMATS §5: counts may move by at
most that many pupils and shares by at most 0.1 percentage point.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.model import Metadata, ParsedFile
from core.problems import Severity
from core.readers import parse_file, parse_sheets, vpr_dump
from core.workbook import Sheet
from tests.conftest import real_file
from tests.core.vpr_helpers import count, objectivity, shares

MATH5 = "altai-vpr/2021/5/Проведение работы по математике, 5 класс. ВПР 2021.xlsx"
RUS6 = "altai-vpr/2021/6/Проведение работы по русскому языку, 6 класс. ВПР 2021.xlsx"
PHYS11 = "altai-vpr/2021/11/Проведение работы по физике, 11 класс. ВПР 2021.xlsx"
MATH4_2020 = "altai-vpr/2020/4/Математика.xlsx"


def _parse(realdata: Path, relative: str, metadata: Metadata) -> ParsedFile:
    path = real_file(realdata, relative)
    # A neutral name: the layout must be found from the headers, never from the file name.
    return parse_file(path.read_bytes(), "upload.xlsx", metadata=metadata)


@pytest.fixture(scope="module")
def math5(realdata: Path) -> ParsedFile:
    return _parse(realdata, MATH5, Metadata(year="2020/2021", subject="Математика", grade=5))


@pytest.fixture(scope="module")
def rus6(realdata: Path) -> ParsedFile:
    return _parse(realdata, RUS6, Metadata(year="2020/2021", subject="Русский язык", grade=6))


@pytest.fixture(scope="module")
def phys11(realdata: Path) -> ParsedFile:
    return _parse(realdata, PHYS11, Metadata(year="2020/2021", subject="Физика", grade=11))


@pytest.fixture(scope="module")
def math4_2020(realdata: Path) -> ParsedFile:
    return _parse(realdata, MATH4_2020, Metadata(year="2019/2020", subject="Математика", grade=4))


def test_math5_is_a_dump_with_one_row_per_present_pupil(math5: ParsedFile) -> None:
    # README: 26 139 rows, 2 433 «отсутствовал» → 23 706 present pupils.
    assert math5.layout == vpr_dump.LAYOUT
    assert len(math5.results) == 26_139 - 2_433
    assert count(math5.problems, "отсутствовали: 2433") == 1
    assert not [p for p in math5.problems if p.severity is Severity.ERROR]


def test_math5_written_pupils_and_row_with_variant_zero(math5: ParsedFile) -> None:
    # README: 23 705 written (numeric total); FORMATS §5: one row has «вариант» 0, no total.
    r = math5.results
    assert int(r["primary_score"].notna().sum()) == 23_705
    assert r.loc[r["primary_score"].isna(), "variant"].tolist() == ["0"]


def test_math5_fills_metadata_and_keeps_codes_as_text(math5: ParsedFile) -> None:
    r = math5.results
    assert set(r["procedure"]) == {"ВПР"}
    assert set(r["year"]) == {"2020/2021"}
    assert set(r["subject"]) == {"Математика"}
    assert set(r["grade"].dropna().astype(int)) == {5}
    assert r["grade"].notna().all()
    assert r["school"].str.startswith("sch").all()
    assert r["pupil"].map(type).eq(str).all()
    assert set(r["max_score"]) == {20.0}  # official 2021 scale max (METHODOLOGY §4.2)
    assert {"5А", "5Б", "5"} <= set(r["class_label"])  # «а»/«А» and «нет» with grade 5


def test_math5_marks_from_official_2021_scale(math5: ParsedFile) -> None:
    # README: ВПР marks 2/3/4/5 = 14.8/41.1/32.2/11.9 % with the scale 7/11/15.
    r = math5.results
    assert shares(r["mark"], ("2", "3", "4", "5")) == (14.8, 41.1, 32.2, 11.9)


MATH5_TOTAL_DIFFERS = 8  # FORMATS §5: «всего баллов» ≠ Σ tasks in 8 rows
RUS6_TOTAL_DIFFERS = 30


def _close(actual: tuple[float, ...], expected: tuple[float, ...]) -> bool:
    return all(abs(a - e) <= 0.1 + 1e-9 for a, e in zip(actual, expected, strict=True))


def test_math5_boundary_histogram(math5: ParsedFile) -> None:
    # README: histogram 6 → 7: 469 → 4 010; 10 → 11: 1 392 → 2 860 (on «всего баллов»).
    hist = math5.results["primary_score"].value_counts()
    for score, expected in ((6.0, 469), (7.0, 4_010), (10.0, 1_392), (11.0, 2_860)):
        assert abs(int(hist[score]) - expected) <= MATH5_TOTAL_DIFFERS, score
    assert hist[7.0] > 8 * hist[6.0]  # the peak at the «3» boundary stays obvious


def test_math5_objectivity_against_journal(math5: ParsedFile) -> None:
    # README: 23 697 pairs with journal 2–5 → понизили 35.4 %, подтвердили 57.6 %, повысили 7.1 %.
    pairs, split = objectivity(math5.results)
    assert pairs == 23_697
    assert _close(split, (35.4, 57.6, 7.1))


def test_math5_defects_are_reported_not_fatal(math5: ParsedFile) -> None:
    # FORMATS §5: «всего баллов» ≠ Σ in 8 rows; total 21 > 20 in one row.
    assert count(math5.problems, "не совпадает с суммой") == 8
    # The row with «всего баллов» 21 > 20 has Σ tasks ≤ 20: the file's total was wrong.
    assert (math5.results["primary_score"].dropna() <= 20).all()
    assert count(math5.problems, "неясная отметка задания «H»") >= 34


def test_math5_tasks_table(math5: ParsedFile) -> None:
    tasks = math5.tasks
    assert set(tasks["task"]) == {str(i) for i in range(1, 17)}
    assert tasks["max_score"].isna().all()  # the dump's headers carry no task maxima
    x_cells = tasks[(tasks["score"] == 0) & ~tasks["attempted"]]
    assert len(x_cells) > 0  # X and «не пройд.» are 0 points, not attempted
    assert tasks["row_id"].isin(math5.results["row_id"]).all()


def test_rus6_written_and_bad_journal_mark(rus6: ParsedFile) -> None:
    # README: 23 323 written, 23 316 pairs → 36.2/59.1/4.8 %; journal mark «8» in one row.
    r = rus6.results
    assert int(r["primary_score"].notna().sum()) == 23_323
    pairs, split = objectivity(r)
    assert pairs == 23_316
    assert _close(split, (36.2, 59.1, 4.8))
    assert count(rus6.problems, "не совпадает с суммой") == RUS6_TOTAL_DIFFERS
    bad = [p for p in rus6.problems if "отметка по журналу вне 2–5" in p.message]
    assert [(p.value, p.severity) for p in bad] == [("8", Severity.WARNING)]
    assert r.loc[r["source_row"] == bad[0].row, "journal_mark"].tolist() == [""]


def test_phys11_has_no_scale_so_no_marks(phys11: ParsedFile) -> None:
    # README: 8 394 written; no official 2021 grade-11 scale → no derived marks, a warning.
    r = phys11.results
    assert int(r["primary_score"].notna().sum()) == 8_394
    assert (r["mark"] == "").all()
    assert r["max_score"].isna().all()
    assert count(phys11.problems, "нет шкалы перевода баллов ВПР") == 1
    # The advice names what the user can do: there is no scale setting in the app.
    assert count(phys11.problems, "в настройках") == 0


def test_legacy_2020_dump(math4_2020: ParsedFile) -> None:
    # FORMATS §6: 26 626 rows, «отсутствовал» 3 286; var-1 «0» in 6 rows; Σ ≠ sum in 10 rows
    # (4 scored rows here + the 6 rows with variant 0 whose empty «sum» is not compared).
    r = math4_2020.results
    assert math4_2020.layout == vpr_dump.LAYOUT
    assert len(r) + 3_286 == 26_626
    assert count(math4_2020.problems, "отсутствовали: 3286") == 1
    assert count(math4_2020.problems, "вариант «0» и пустой итог") == 6
    assert count(math4_2020.problems, "не совпадает с суммой") == 4
    assert r["school"].str.startswith("sch").all()
    # «Учебник» stands where «a-16-grade» would be: it is not a task; unused a-21…a-40 dropped.
    assert "16" not in set(math4_2020.tasks["task"])
    assert "21" not in set(math4_2020.tasks["task"])
    # Shifted rows put «ж»/«м» into task cells: reported as warnings.
    assert count(math4_2020.problems, "не число в баллах задания") == 19


def _dump_sheet(rows: list[list[object]]) -> list[Sheet]:
    header = ["логин школы", "регион", "номер обучающегося", "код обучающегося",
              "отметка за предыдущую четверть/триместр", "пол", "класс", "вариант",
              "всего баллов", "балл за 1", "балл за 2"]
    return [Sheet(name="Sheet", rows=[header, *rows])]


def test_dump_without_metadata_leaves_year_subject_grade_empty() -> None:
    parsed = parse_sheets(_dump_sheet([
        ["sch1", "г", "1", "007", "4", "Ж", "а", "1", "2", "1", "X"],
        ["sch1", "г", "2", "008", "нет отметки", "м", "нет", "отсутствовал", "", "", ""],
    ]), file_name="f.xlsx")
    r = parsed.results
    assert r["pupil"].tolist() == ["007"]
    assert (r["year"].tolist(), r["subject"].tolist(), r["grade"].isna().all()) == (
        [""], [""], True)
    assert r["class_label"].tolist() == ["а"]  # kept until the grade is known
    assert (r["gender"].tolist(), r["primary_score"].tolist()) == (["ж"], [1.0])
    assert count(parsed.problems, "класс указан без параллели") == 1
