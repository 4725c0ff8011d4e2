"""The ВПР work descriptions (FORMATS §10, «Описание работы»): ALL.xlsx becomes the task catalog
(one row per task, however many rows the file gives it), KS/KT.xlsx become code dictionaries,
and what is not understood is said in Russian with file, sheet, row and column.

Expected numbers were counted in the real files of
../shared/realdata/altai-vpr/Описание_работ/<grade>/<Subject>/ (distinct «№ КИМ» values, the
level and maximum of each one's first row) unless another source is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.intake import IntakeStatus, decide, state_of_files
from core.model import Metadata
from core.problems import Severity
from core.readers import parse_file
from core.readers.filename import propose_metadata
from core.readers.vpr_description import catalog_year, task_number
from tests.conftest import real_file
from tests.core.readers_builders import description_bytes, xlsx_bytes

pytestmark = pytest.mark.realdata

ROOT = "altai-vpr/Описание_работ"


def _read(realdata: Path, work: str, name: str = "ALL.xlsx", year: str = "2021"):  # type: ignore[no-untyped-def]
    rel = f"{ROOT}/{work}/{name}"
    meta = propose_metadata(rel)  # «6/Обществознание/ALL.xlsx» → grade 6, Обществознание
    return parse_file(real_file(realdata, rel).read_bytes(), rel,
                      metadata=Metadata(year=year, subject=meta.subject, grade=meta.grade))


def test_one_task_over_many_rows_is_one_row(realdata: Path) -> None:
    parsed = _read(realdata, "6/Обществознание")
    catalog = parsed.task_catalog
    # FORMATS §10: 1 031 rows for 17 tasks; the max and level of the first row, never a sum
    assert len(catalog) == 17 and parsed.layout == "vpr_description"
    assert catalog["level"].value_counts().to_dict() == {"Б": 14, "П": 3}
    assert catalog["max_score"].sum() == 23
    assert catalog["task"].tolist()[:4] == ["1.1", "1.2", "2", "3.1"]
    assert catalog["position"].tolist() == list(range(1, 18))
    first = catalog.iloc[0]
    # task 1.1 spans 5 rows: КЭС 1.6 on each, КТ 1.2, 1.5, 1.7, 2.3, 2.6
    assert (first["kes"], first["kt"]) == ("1.6", "1.2;1.5;1.7;2.3;2.6")
    assert set(catalog[["year", "subject", "grade"]].astype(str).agg("|".join, axis=1)) == {
        "2021|Обществознание|6"}
    assert not parsed.problems and parsed.results.empty


@pytest.mark.parametrize(("work", "tasks", "points"), [
    # METHODOLOGY §4.3 (ФИОКО 2021 descriptions): Математика 4 — Б 16 points, П 2 tasks / 4
    # points, max 20; the file writes tasks 5, 6 and 9 as two parts each (12 tasks, 15 rows)
    ("4/Математика", {"Б": 13, "П": 2}, {"Б": 16, "П": 4}),
    # Русский язык 4 — Б 32 points, П 6 points, max 38 (15 tasks, 20 parts)
    ("4/Русский язык", {"Б": 16, "П": 4}, {"Б": 32, "П": 6}),
    # header «№ по КИМу» (6 of 40 files), «1.0» written for task 1
    ("5/Математика", {"Б": 14, "П": 2}, {"Б": 17, "П": 3}),
])
def test_levels_and_maxima_per_task(realdata: Path, work: str, tasks: dict[str, int],
                                    points: dict[str, int]) -> None:
    catalog = _read(realdata, work).task_catalog
    assert catalog["level"].value_counts().to_dict() == tasks
    assert catalog.groupby("level")["max_score"].sum().to_dict() == points
    assert catalog["task"].iloc[0] in {"1", "1К1"}


def test_task_numbers_are_spelled_as_result_files_spell_them() -> None:
    assert [task_number(t) for t in ("1.0", "5K1", "10.2 К2", "8к3", "11.2", "17")] == [
        "1", "5К1", "10.2К2", "8К3", "11.2", "17"]
    assert [catalog_year(y) for y in ("2020/2021", "2021", "")] == ["2021", "2021", ""]


def test_the_sum_of_task_maxima_against_the_scale_is_a_warning(realdata: Path) -> None:
    parsed = _read(realdata, "8/Математика")
    # FORMATS §10: Σ 28 in the description, 25 in the 2021 scale (core/data scales)
    assert parsed.task_catalog["max_score"].sum() == 28
    (warning,) = parsed.problems
    assert warning.severity is Severity.WARNING
    assert "(28)" in warning.message and "(25)" in warning.message
    assert warning.column == "Максимальный балл за выполнение задания"
    # no КЭС/КТ codes in this file: the tasks are kept, with empty codes
    assert (parsed.task_catalog["kt"] == "").all() and len(parsed.task_catalog) == 20


def test_kt_and_ks_files_are_dictionaries(realdata: Path) -> None:
    kt = _read(realdata, "6/Обществознание", "KT.xlsx").task_catalog
    assert set(kt["part"]) == {"kt"} and (kt["task"] == "").all()
    # 16 rows below the header «Код | Проверяемые требования к уровню подготовки»: 15 codes
    assert len(kt) == 15
    assert kt.set_index("kt").loc["1.1", "skill"].startswith("Умение определять понятия")
    ks = _read(realdata, "6/Обществознание", "KS.xlsx").task_catalog
    assert set(ks["part"]) == {"ks"} and (ks["kes"] != "").all() and len(ks) == 29
    # 8/Физика's KT file is headed «Проверяемые элементы содержания»: its name says KT
    physics = _read(realdata, "8/Физика", "KT.xlsx").task_catalog
    assert set(physics["part"]) == {"kt"}


def test_what_is_not_understood_is_said_with_its_place() -> None:
    data = description_bytes([("1", "Б", 1, "1.1"), ("2", "Z", 2, "1.2"), ("3", "П", "", "")])
    parsed = parse_file(data, "ALL.xlsx", metadata=Metadata(year="2025", subject="Математика",
                                                            grade=4))
    messages = {(p.sheet, p.row, p.column): p.message for p in parsed.problems}
    assert "не распознан" in messages[("Лист1", 3, "Уровень сложности")]
    assert "максимальный балл задания 3" in messages[
        ("Лист1", 4, "Максимальный балл за выполнение задания")]
    assert parsed.task_catalog["level"].tolist() == ["Б", "", "П"]
    assert all(p.severity is Severity.WARNING for p in parsed.problems)


def test_a_description_needs_its_year_subject_and_grade() -> None:
    parsed = parse_file(description_bytes([("1", "Б", 1, "1.1")]), "ALL.xlsx")
    assert decide(parsed, state_of_files([], parsed)).missing == ("year", "subject", "grade")


def test_a_second_description_of_the_same_work_asks_to_replace() -> None:
    meta = Metadata(year="2024/2025", subject="Математика", grade=4)
    first = parse_file(description_bytes([("1", "Б", 1, "1.1")]), "a.xlsx", metadata=meta)
    second = parse_file(description_bytes([("1", "П", 2, "1.1")]), "b.xlsx", metadata=meta)
    kt = parse_file(xlsx_bytes({"Лист1": [("Код", "Проверяемые требования к уровню подготовки"),
                                          ("1.1", "Умение")]}), "KT.xlsx", metadata=meta)
    decision = decide(second, state_of_files([first], second), require_school=False)
    assert decision.status is IntakeStatus.CONFLICT
    assert decision.conflicts[0].reason == "catalog"
    assert decision.replaced_catalog[["year", "subject", "part"]].values.tolist() == [
        ["2025", "Математика", "tasks"]]
    assert decide(second, state_of_files([first], second), replace=True,
                  require_school=False).status is IntakeStatus.REPLACES
    # a КТ dictionary of the same work is another part: added, not a replacement
    assert decide(kt, state_of_files([first], kt), require_school=False).status is (
        IntakeStatus.READY)
