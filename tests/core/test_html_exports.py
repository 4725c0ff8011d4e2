"""«Сетевой город» saves its «Excel» reports as an HTML table in a .xls file (FORMATS §0.1). The
real Табель and Отчёт are rewritten here, in memory, as such HTML (merged ranges → colspan /
rowspan, decimal commas, UTF-8 or cp1251): each must give exactly what the .xlsx gives."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pandas as pd
import pytest

from core.readers import parse_file
from tests.conftest import real_file

FILES = ["netschool-export/tabel_uspevaemosti_8A_anon.xlsx",
         "netschool-export/otchet_uspevaemost_poseshaemost_8A_anon.xlsx"]


def _as_html(xlsx: bytes, encoding: str) -> bytes:
    import python_calamine as pc

    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(xlsx)).get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    out = [f'<html><head><meta charset="{encoding}"></head><body><table border="1">']
    for r, row in enumerate(rows):
        out.append("<tr>")
        for c, value in enumerate(row):
            if (r, c) in covered:
                continue
            if isinstance(value, float):
                text = (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
            else:
                text = str(value)
            rs, cs = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            out.append(f"<td{attrs}>{html.escape(text)}</td>")
        out.append("</tr>")
    out.append("</table></body></html>")
    return "\n".join(out).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
@pytest.mark.parametrize("relative", FILES)
def test_html_saved_as_xls_reads_like_the_xlsx(realdata: Path, relative: str,
                                               encoding: str) -> None:
    data = real_file(realdata, relative).read_bytes()
    from_xlsx = parse_file(data, "отчёт.xlsx")
    from_html = parse_file(_as_html(data, encoding), "отчёт.xls")
    assert from_html.layout == from_xlsx.layout
    cols = ["school", "year", "procedure", "period", "class_label", "pupil", "subject", "mark",
            "average", "weighted_average"]
    pd.testing.assert_frame_equal(from_html.results[cols].reset_index(drop=True),
                                  from_xlsx.results[cols].reset_index(drop=True))
    pd.testing.assert_frame_equal(from_html.lessons.reset_index(drop=True),
                                  from_xlsx.lessons.reset_index(drop=True), check_dtype=False)
    assert len(from_xlsx.results) + len(from_xlsx.lessons) > 1000  # the real content was read
