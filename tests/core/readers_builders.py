"""Small builders of synthetic workbooks for the reader tests (no real sample exists)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl

Rows = Sequence[Sequence[object]]


def xlsx_bytes(sheets: dict[str, Rows], merges: dict[str, list[str]] | None = None) -> bytes:
    """An .xlsx with one sheet per item; ``merges`` maps a sheet name to ranges like «C4:G4»."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: Rows, *, sep: str = ";", encoding: str = "cp1251") -> bytes:
    text = "\r\n".join(sep.join("" if v is None else str(v) for v in row) for row in rows)
    return text.encode(encoding)


DESCRIPTION_HEADER = ("№ КИМ", "№", "Умения, виды деятельности (в соответствии с ФГОС)",
                      "Блоки ПООП НОО: выпускник научится / получит возможность научиться",
                      "Уровень сложности", "Код КЭС", "Код КТ",
                      "Максимальный балл за выполнение задания")


def description_bytes(tasks: Sequence[tuple[str, str, float, str]]) -> bytes:
    """A work description (ALL.xlsx, FORMATS §10) with one row per (task, level, max, КТ)."""
    rows = [DESCRIPTION_HEADER, *((task, i, f"Умение {task}", "", level, "1.1", kt, maximum)
                                  for i, (task, level, maximum, kt) in enumerate(tasks, start=1))]
    return xlsx_bytes({"Лист1": rows})
