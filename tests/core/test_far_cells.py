"""A stray cell far from the table (a space at XFD1048576 in a 5 KB file) is refused before
anything is loaded: the process neither dies nor grows past 1 GB; nearer stray cells are
trimmed away."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.problems import FileTooLargeError
from core.readers import parse_file
from core.workbook import read_workbook
from tests.core.builders import class_marks, template_bytes

ROOT = Path(__file__).resolve().parents[2]


def _with_far_cell(row: int, column: int, value: object = " ") -> bytes:
    from openpyxl import load_workbook

    data = template_bytes(class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "", ["5", "4"]))
    wb = load_workbook(io.BytesIO(data))
    wb["Данные"].cell(row=row, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_space_at_the_last_cell_is_refused_naming_the_sheet_and_area() -> None:
    data = _with_far_cell(1048576, 16384)
    assert len(data) < 10_000
    with pytest.raises(FileTooLargeError) as err:
        parse_file(data, "подарок.xlsx")
    message = str(err.value)
    assert "«подарок.xlsx»" in message and "лист «Данные»" in message
    assert "A1:XFD1048576" in message and "17 179 869 184 ячеек" in message


def test_reading_the_far_cell_file_stays_small(tmp_path: Path) -> None:
    """Peak memory of a fresh process that reads the file (the limit of the issue: 1 GB)."""
    path = tmp_path / "подарок.xlsx"
    path.write_bytes(_with_far_cell(1048576, 100))  # CV1048576: 5.1 GB and 50 s before
    code = ("import resource, sys\n"
            "from core.readers import parse_file\n"
            "from core.problems import ParseError\n"
            "try:\n"
            "    parse_file(open(sys.argv[1], 'rb').read(), 'подарок.xlsx')\n"
            "except ParseError as exc:\n"
            "    print('refused', exc)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    run = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    refused, peak_kb = run.stdout.strip().splitlines()
    assert refused.startswith("refused") and "A1:CV1048576" in refused
    assert int(peak_kb) < 1024 * 1024  # KB: under 1 GB


def test_a_stray_space_within_the_limit_is_trimmed() -> None:
    data = _with_far_cell(3000, 200)
    (sheet,) = read_workbook(data, "x.xlsx")
    assert sheet.height == 3 and sheet.width == 11  # header + 2 pupils, the template's columns
    assert parse_file(data, "x.xlsx").results["mark"].tolist() == ["5", "4"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=st.integers(4, 1048576), column=st.integers(1, 16384),  # below the table
       value=st.sampled_from([" ", "x", 0, 5]))
def test_a_cell_anywhere_is_read_or_refused_in_russian(row: int, column: int,
                                                       value: object) -> None:
    data = _with_far_cell(row, column, value)
    too_large = max(row, 3) * max(column, 11) > 5_000_000  # the template fills A1:K3
    if too_large:
        with pytest.raises(FileTooLargeError) as err:
            parse_file(data, "x.xlsx")
        assert "«x.xlsx»" in str(err.value) and "лист «Данные»" in str(err.value)
    else:
        assert parse_file(data, "x.xlsx").layout == "template"


def test_a_cell_written_with_its_reference_last_is_measured_too() -> None:
    import zipfile

    data = _with_far_cell(5, 1)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                far = b'<row r="200000"><c t="inlineStr" r="CV200000"><is><t>x</t></is></c></row>'
                body = body.replace(b"</sheetData>", far + b"</sheetData>")
            dst.writestr(item, body)
    with pytest.raises(FileTooLargeError) as err:
        parse_file(out.getvalue(), "x.xlsx")
    assert "A1:CV200000" in str(err.value)


def test_an_ods_repeating_a_cell_over_a_huge_area_is_refused() -> None:
    import zipfile

    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Лист1">'
        '<table:table-row table:number-rows-repeated="200000">'
        '<table:table-cell table:number-columns-repeated="100" office:value-type="string">'
        '<text:p>x</text:p></table:table-cell></table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    assert len(out.getvalue()) < 2000
    with pytest.raises(FileTooLargeError) as err:
        parse_file(out.getvalue(), "подарок.ods")
    assert "лист «Лист1»" in str(err.value) and "A1:CV200000" in str(err.value)
