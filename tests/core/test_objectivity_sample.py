"""The demonstration school's planted objectivity patterns (sample_data/README.md) are found by
core.objectivity with the right code, and the planted-clean class gets no «высокий» finding;
the CLI writes checks.csv with the contract header."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.dataset import build_dataset
from core.model import Metadata
from core.objectivity import Finding, Level, Report, run_checks
from core.objectivity_export import CHECKS_HEADER
from core.readers import parse_file

ROOT = Path(__file__).resolve().parents[2]
FILES = ("school_2023_2024.xlsx", "school_2024_2025.xlsx", "vpr_2024.xlsx", "vpr_2025.xlsx",
         "exams_2024.xlsx", "exams_2025.xlsx", "teacher_load.xlsx")
Y0, Y1 = "2023/2024", "2024/2025"
SOKOLOVA = "Соколова Н.П."
COPIED = {"Андреев Алексей", "Галкин Ярослав", "Ильина Маргарита", "Никифоров Андрей",
          "Савина Валерия", "Степанова Ульяна"}


@pytest.fixture(scope="module")
def report() -> Report:
    files = [parse_file((ROOT / "sample_data" / name).read_bytes(), name, metadata=Metadata())
             for name in FILES]
    dataset = build_dataset(files)
    return run_checks(dataset.results, dataset.tasks)


def _found(report: Report, code: str, year: str, class_label: str, subject: str
           ) -> list[Finding]:
    return [f for f in report.findings if (f.code, f.year, f.class_label, f.subject) == (
        code, year, class_label, subject)]


@pytest.mark.parametrize(("year", "class_label"), [(Y0, "5Б"), (Y0, "5В"), (Y1, "6Б"),
                                                   (Y1, "6В")])
def test_inflating_teacher_is_found_by_o1_o2_o11(report: Report, year: str,
                                                 class_label: str) -> None:
    o1 = _found(report, "O1", year, class_label, "Математика")
    assert [f.level for f in o1] == [Level.HIGH]
    assert o1[0].teacher == SOKOLOVA and o1[0].n >= 20
    assert _found(report, "O2", year, class_label, "Математика")[0].level is Level.MEDIUM
    o11 = _found(report, "O11", year, class_label, "Математика")
    assert len(o11) == 1 and "методическ" in o11[0].explanation


def test_peak_at_the_three_boundary(report: Report) -> None:
    o4 = _found(report, "O4", Y1, "5В", "Математика")
    assert len(o4) == 1 and o4[0].level is Level.MEDIUM
    assert "«3» (7) 5 уч." in o4[0].explanation and o4[0].value == "×∞"
    assert len(o4[0].pupils) == 5


def test_coinciding_profiles(report: Report) -> None:
    o13 = _found(report, "O13", Y1, "8Б", "Математика")
    assert len(o13) == 1
    assert set(o13[0].pupils) == COPIED
    assert o13[0].value.startswith("пар: 15 ")


def test_clean_class_has_no_high_finding(report: Report) -> None:
    clean = [f for f in report.findings if f.year == Y1 and f.class_label == "6А"]
    assert not [f for f in clean if f.level is Level.HIGH]
    assert not [f for f in clean if f.code in {"O2", "O3", "O4", "O13"}
                and f.level is not Level.INFO]


def test_every_finding_states_rule_threshold_n_and_source(report: Report) -> None:
    assert report.findings
    for f in report.findings:
        assert f.explanation.startswith("Возможный признак, требует дополнительного анализа")
        assert "Источник:" in f.explanation and f.source
        assert f.threshold and f.value and f.n > 0


def test_checks_cli_writes_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "checks.csv"
    run = subprocess.run([sys.executable, "-m", "core", "checks",
                          *(str(ROOT / "sample_data" / n) for n in FILES), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[0] == ("Код;Проверка;Уровень;Школа;Учебный год;Процедура;Класс;Предмет;"
                        "Учитель;n;Значение;Порог;Пояснение")
    assert lines[0] == ";".join(CHECKS_HEADER)
    levels = {line.split(";")[2] for line in lines[1:] if line}
    assert {"высокий", "средний", "информация"} <= levels
    assert "не вычисляется: J4" in run.stderr
    # The O4 finding for 5В carries its threshold and n on the line.
    peak = next(line for line in lines if line.startswith("O4;") and ";5В;Математика;" in line
                and Y1 in line)
    assert ";23;×∞;≥ ×3 и ≥ 3 чел.;" in peak


def test_cli_refuses_a_missing_file_in_russian(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "core", "objectivity", str(tmp_path / "нет.xlsx"),
                          "--out", str(tmp_path / "o.csv")], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 2
    assert "нет.xlsx" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "o.csv").exists()


def test_readme_states_the_csv_contracts() -> None:
    from core.objectivity_export import OBJECTIVITY_HEADER

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{';'.join(OBJECTIVITY_HEADER)}`" in readme
    assert f"`{';'.join(CHECKS_HEADER)}`" in readme
