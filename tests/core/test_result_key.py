"""The one result key: control works keep their kind and date, a pupil counts once per summary
row (the latest result counts), and the CLI prints one row per work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.model import Metadata
from core.names import ProcedureKind, canonical_procedure, procedure_kind
from core.problems import Severity
from core.readers import parse_file
from core.summary import count_summary, summary_period, summary_table
from tests.core.builders import template_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "name", "kind"), [
    ("Входная КР", "Входная КР", ProcedureKind.WORK),
    ("входная контрольная работа", "Входная КР", ProcedureKind.WORK),
    ("Стартовая КР", "Входная КР", ProcedureKind.WORK),
    ("Административная к/р", "Административная КР", ProcedureKind.WORK),
    ("Рубежная КР", "Рубежная КР", ProcedureKind.WORK),
    ("Итоговая КР", "Итоговая КР", ProcedureKind.WORK),
    ("итоговая контрольная работа", "Итоговая КР", ProcedureKind.WORK),
    ("КР", "Контрольная работа", ProcedureKind.WORK),
    ("Контрольная работа", "Контрольная работа", ProcedureKind.WORK),
    ("Региональная ДР", "Региональная ДР", ProcedureKind.WORK),
    ("региональная диагностическая работа", "Региональная ДР", ProcedureKind.WORK),
    ("Пробный экзамен", "Пробный экзамен", ProcedureKind.WORK),  # free text as written
    ("ВПР", "ВПР", ProcedureKind.VPR),
    ("ОГЭ", "ОГЭ", ProcedureKind.OGE),
    ("ЕГЭ", "ЕГЭ", ProcedureKind.EGE),
    ("Итоговая", "Отметки за период", ProcedureKind.TERM),  # the final term mark, not a work
    ("Годовая", "Отметки за период", ProcedureKind.TERM),
])
def test_each_procedure_keeps_its_kind(raw: str, name: str, kind: ProcedureKind) -> None:
    assert canonical_procedure(raw) == name
    assert procedure_kind(name) is kind


@pytest.mark.parametrize(("procedure", "period", "date", "expected"), [
    ("Отметки за период", "1 четверть", "", "1 четверть"),
    ("Входная КР", "", "16.09.2024", "16.09.2024"),
    ("Контрольная работа", "", "", ""),
    ("ВПР", "", "15.04.2025", ""),  # ВПР, ОГЭ, ЕГЭ: one row per class and subject in a year
    ("ОГЭ", "", "20.05.2025", ""),
])
def test_summary_period(procedure: str, period: str, date: str, expected: str) -> None:
    assert summary_period(procedure, period, date) == expected


# Four works of 8А Алгебра in one year, 25 pupils each (issue «analysis base»).
WORKS = [("Входная КР", "16.09.2024"), ("Контрольная работа", "12.12.2024"),
         ("Контрольная работа", "20.02.2025"), ("Итоговая КР", "15.05.2025")]
MARKS = {  # per work: 5 «5», then «4», «3», «2» as listed (25 pupils)
    "16.09.2024": (5, 10, 8, 2), "12.12.2024": (6, 10, 7, 2),
    "20.02.2025": (7, 10, 6, 2), "15.05.2025": (8, 10, 6, 1),
}


def _works_file() -> bytes:
    rows = []
    for procedure, date in WORKS:
        counts = MARKS[date]
        marks = ["5"] * counts[0] + ["4"] * counts[1] + ["3"] * counts[2] + ["2"] * counts[3]
        assert len(marks) == 25
        rows += [["2024/2025", date, procedure, "8А", f"Ученик {i:02d}", "Алгебра", "", m, None,
                  None, None] for i, m in enumerate(marks, start=1)]
    return template_bytes(rows)


def test_four_control_works_are_four_rows_each_with_its_own_counts() -> None:
    parsed = parse_file(_works_file(), "кр.xlsx", metadata=Metadata(school="Школа"))
    table = summary_table(count_summary(parsed.results))
    assert table["period"].tolist() == ["16.09.2024", "12.12.2024", "20.02.2025", "15.05.2025"]
    assert table["procedure"].tolist() == ["Входная КР", "Контрольная работа",
                                           "Контрольная работа", "Итоговая КР"]
    assert table["pupils"].tolist() == [25, 25, 25, 25]
    for rec in table.to_dict("records"):
        assert (rec["n5"], rec["n4"], rec["n3"], rec["n2"]) == MARKS[rec["period"]]
    # 16.09: качество (5 + 10) / 25 = 60.0 %; 15.05: (8 + 10) / 25 = 72.0 %
    assert table["quality"].round(1).tolist() == [60.0, 64.0, 68.0, 72.0]


def test_the_cli_prints_four_rows_for_four_works(tmp_path: Path) -> None:
    path = tmp_path / "кр.xlsx"
    path.write_bytes(_works_file())
    out = tmp_path / "summary.csv"
    run = subprocess.run([sys.executable, "-m", "core", "summary", str(path), "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == 5
    assert [line.split(";")[2:4] for line in lines[1:]] == [
        ["16.09.2024", "Входная КР"], ["12.12.2024", "Контрольная работа"],
        ["20.02.2025", "Контрольная работа"], ["15.05.2025", "Итоговая КР"]]
    assert all(line.split(";")[7] == "25" for line in lines[1:])


def test_a_retake_counts_once_the_latest_and_the_review_says_so() -> None:
    rows = [["2024/2025", "20.05.2025", "ОГЭ", "9А", "Ученик 01", "Математика", "", "2", None,
             None, None],
            ["2024/2025", "20.05.2025", "ОГЭ", "9А", "Ученик 02", "Математика", "", "4", None,
             None, None],
            ["2024/2025", "24.06.2025", "ОГЭ", "9А", "Ученик 01", "Математика", "", "3", None,
             None, None]]
    parsed = parse_file(template_bytes(rows), "огэ.xlsx", metadata=Metadata(school="Школа"))
    table = summary_table(count_summary(parsed.results))
    # one row, 2 pupils: Ученик 01 counts with his retake «3» of 24.06, not the «2»
    assert table[["pupils", "n4", "n3", "n2"]].iloc[0].tolist() == [2, 1, 1, 0]
    warnings = [p for p in parsed.problems if "учитывается последний" in p.message]
    assert len(warnings) == 1 and warnings[0].severity is Severity.WARNING
    assert warnings[0].value == "Ученик 01" and warnings[0].row == 4
    assert "20.05.2025, 24.06.2025" in warnings[0].message
