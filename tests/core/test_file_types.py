"""The same sheet as .xlsx, legacy .xls (BIFF8 written by LibreOffice) and .ods gives the same
summary: the file type is taken from the bytes, not from the extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.exports import summary_csv
from core.readers import parse_file
from core.summary import count_summary, summary_table

ROOT = Path(__file__).resolve().parents[2]
XLSX = ROOT / "sample_data" / "template_example_8A.xlsx"
FIXTURES = ROOT / "tests" / "fixtures"


def _summary(data: bytes, name: str) -> bytes:
    parsed = parse_file(data, name)
    assert list(parsed.problems) == []
    return summary_csv(summary_table(count_summary(parsed.results)))


@pytest.mark.parametrize("fixture", ["template_example_8A.xls", "template_example_8A.ods"])
def test_legacy_and_open_document_files_read_like_xlsx(fixture: str) -> None:
    expected = _summary(XLSX.read_bytes(), XLSX.name)
    assert _summary((FIXTURES / fixture).read_bytes(), fixture) == expected
    # sample_data/README.md: 8А, 1 четверть, алгебра 4/9/11/1 → 96,0 / 52,0 / 55,5 / 3,64
    assert ";Алгебра;Соловьёв Н.О.;25;4;9;11;1;0;0;96,0;52,0;55,5;3,64" in expected.decode(
        "utf-8-sig")


@pytest.mark.parametrize("fixture", ["template_example_8A.xls", "template_example_8A.ods"])
def test_extension_does_not_matter(fixture: str) -> None:
    data = (FIXTURES / fixture).read_bytes()
    assert _summary(data, "ведомость.xlsx") == _summary(data, "ведомость.csv")
