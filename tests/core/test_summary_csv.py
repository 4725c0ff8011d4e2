"""summary.csv contract (issue «Foundation», item 7) on the canonical template."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.exports import format_decimal, neutralise, summary_csv
from core.model import LOAD_COLUMNS, results_frame
from core.readers import parse_file
from core.summary import SUMMARY_HEADER, count_summary, fill_teachers, summary_table
from tests.core.builders import class_marks, template_bytes

HEADER = ("Школа;Учебный год;Период;Процедура;Класс;Предмет;Учитель;Обучающихся;5;4;3;2;н/а;осв;"
          "Успеваемость, %;Качество, %;СОУ, %;Средний балл")
ROOT = Path(__file__).resolve().parents[2]

# 8А алгебра, 1 четверть — the METHODOLOGY §2.1 worked example: 26 pupils,
# 5×«5», 10×«4», 7×«3», 2×«2», 1×«н/а», 1×«осв».
WORKED = ["5"] * 5 + ["4"] * 10 + ["3"] * 7 + ["2"] * 2 + ["н/а", "осв"]
# 8Б физика, год: «5», «4», «4», «3» and «осв» → N = 4: успеваемость 100, качество 3/4 = 75,
# СОУ (100+64+64+36)/4 = 66.0, средний балл 16/4 = 4.00
SMALL = ["5", "4", "4", "3", "осв"]
# Музыка, зачётная: no numeric marks and no н/а → no row
PASS_FAIL = ["зач", "зач", "незач"]


def _rows() -> list[list[object]]:
    return (class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "Иванова И.И.", WORKED)
            + class_marks("2024-2025", "год", "8 б", "Физика", "@Петров П.П.", SMALL)
            + class_marks("2024/2025", "год", "8Б", "Музыка", "", PASS_FAIL))


EXPECTED = [
    HEADER,
    # (500+640+252+32+7)/25 = 57.24 → 57,2; mean (25+40+21+4)/24 = 3.75
    ";2024/2025;1 четверть;Отметки за период;8А;Алгебра;Иванова И.И.;26;5;10;7;2;1;1;"
    "88,0;60,0;57,2;3,75",
    # the teacher name starting with «@» is neutralised with a leading apostrophe
    ";2024/2025;Год;Отметки за период;8Б;Физика;'@Петров П.П.;5;1;2;1;0;0;1;100,0;75,0;66,0;4,00",
]


@pytest.fixture(scope="module")
def template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "ведомость.xlsx"
    path.write_bytes(template_bytes(_rows()))
    return path


def test_summary_reproduces_hand_computed_indicators(template_file: Path) -> None:
    parsed = parse_file(template_file.read_bytes(), template_file.name)
    assert [p for p in parsed.problems] == []
    data = summary_csv(summary_table(count_summary(parsed.results)))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").split("\r\n") == [*EXPECTED, ""]


def test_cli_writes_the_same_bytes(template_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    run = subprocess.run([sys.executable, "-m", "core", "summary", str(template_file),
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    parsed = parse_file(template_file.read_bytes(), template_file.name)
    assert out.read_bytes() == summary_csv(summary_table(count_summary(parsed.results)))


def test_cli_school_option_fills_missing_school(template_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    subprocess.run([sys.executable, "-m", "core", "summary", str(template_file), "--out", str(out),
                    "--school", "Школа № 1"], cwd=ROOT, check=True, capture_output=True)
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert {line.split(";")[0] for line in lines[1:]} == {"Школа № 1"}


def test_header_constant_matches_the_contract() -> None:
    assert ";".join(SUMMARY_HEADER) == HEADER


@pytest.mark.parametrize(("value", "digits", "text"), [
    (57.24, 1, "57,2"), (57.25, 1, "57,3"), (0.05, 1, "0,1"), (3.745, 2, "3,75"),
    (100.0, 1, "100,0"), (None, 1, ""),
])
def test_decimal_comma_rounds_half_up(value: float | None, digits: int, text: str) -> None:
    assert format_decimal(value, digits) == text


@pytest.mark.parametrize(("text", "safe"), [
    ("=1+1", "'=1+1"), ("+7", "'+7"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("8А", "8А"), ("", ""),
])
def test_formula_injection_is_neutralised(text: str, safe: str) -> None:
    assert neutralise(text) == safe


def test_filters_narrow_the_summary(template_file: Path) -> None:
    from core.summary import SummaryFilter, filter_options, filter_summary, total_indicators

    table = summary_table(count_summary(parse_file(template_file.read_bytes(),
                                                   template_file.name).results))
    options = filter_options(table)
    assert options["class_label"] == ["8А", "8Б"] and options["period"] == ["1 четверть", "Год"]
    assert options["teacher"] == ["@Петров П.П.", "Иванова И.И."]
    only_8b = filter_summary(table, SummaryFilter(class_label="8Б"))
    assert only_8b["subject"].tolist() == ["Физика"]
    assert filter_summary(table, SummaryFilter(grade=8)).shape[0] == 2
    assert filter_summary(table, SummaryFilter(teacher="Иванова И.И."))["subject"].tolist() == [
        "Алгебра"]
    # over both rows: n5 6, n4 12, n3 8, n2 2, н/а 1 → N 29; успеваемость 26/29 = 89.66 %
    assert total_indicators(table).pass_rate == pytest.approx(100 * 26 / 29)


def _load(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    """Teacher load rows (school, year, class, subject, teacher)."""
    return pd.DataFrame([(*r, "", None) for r in rows], columns=list(LOAD_COLUMNS))


def _results(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Result rows without a teacher: (school, year, class)."""
    return results_frame([{"school": s, "year": y, "class_label": c, "subject": "Алгебра",
                           "teacher": "", "mark": "5"} for s, y, c in rows])


def test_teacher_load_of_another_year_is_not_applied() -> None:
    # The 2024/2025 load says nothing about who taught 8А in 2023/2024.
    filled = fill_teachers(_results(("", "2023/2024", "8А")),
                           _load(("", "2024/2025", "8А", "Алгебра", "Петров П.П.")))
    assert filled["teacher"].tolist() == [""]


def test_teacher_load_without_year_applies_to_every_year() -> None:
    # 8А has a load row without a year (any year); 8Б one for 2024/2025 only.
    filled = fill_teachers(
        _results(("", "2023/2024", "8А"), ("", "2024/2025", "8А"), ("", "2024/2025", "8Б")),
        _load(("", "", "8А", "Алгебра", "Петров П.П."),
              ("", "2024/2025", "8Б", "Алгебра", "Сидоров С.С.")))
    assert filled["teacher"].tolist() == ["Петров П.П.", "Петров П.П.", "Сидоров С.С."]


def test_teacher_load_of_another_school_is_not_applied() -> None:
    filled = fill_teachers(
        _results(("Школа № 1", "2024/2025", "8А"), ("Школа № 2", "2024/2025", "8А")),
        _load(("Школа № 1", "2024/2025", "8А", "Алгебра", "Петров П.П."),
              ("", "2024/2025", "8А", "Алгебра", "Общий О.О.")))
    # Школа № 1: its own row and the row without a school; Школа № 2: only the latter.
    assert filled["teacher"].tolist() == ["Общий О.О., Петров П.П.", "Общий О.О."]
