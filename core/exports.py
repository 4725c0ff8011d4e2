"""Export files as bytes: summary CSV (the contract), XLSX of the same table.

CSV conventions: UTF-8 with BOM, «;» separator, decimal comma, percentages to 1 decimal and
means to 2 (round half up), text cells neutralised against formula injection (OWASP CSV
Injection: a leading ``= + - @``, tab or CR gets a leading apostrophe).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from core.formulas import FORMULA_TEXTS
from core.summary import SUMMARY_HEADER, SUMMARY_KEY

__all__ = [
    "csv_bytes",
    "format_decimal",
    "neutralise",
    "round_half_up",
    "summary_csv",
    "summary_display",
    "summary_xlsx",
    "xlsx_bytes",
]

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """OWASP: prefix a text cell that a spreadsheet could run as a formula with «'»."""
    if text and text.startswith(_DANGEROUS):
        return "'" + text
    return text


def round_half_up(value: float, digits: int) -> float:
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))


def format_decimal(value: float | None, digits: int) -> str:
    """``57.24`` → ``'57,2'`` (digits=1); ``None``/NaN → ``''``."""
    if value is None or pd.isna(value):
        return ""
    quantum = Decimal(1).scaleb(-digits)
    return str(Decimal(repr(float(value))).quantize(quantum, ROUND_HALF_UP)).replace(".", ",")


def summary_display(table: pd.DataFrame) -> pd.DataFrame:
    """The summary table with the Russian contract headers and rounded numbers (for the screen
    and XLSX)."""
    out = pd.DataFrame({
        "Школа": table["school"], "Учебный год": table["year"], "Период": table["period"],
        "Процедура": table["procedure"], "Класс": table["class_label"],
        "Предмет": table["subject"], "Учитель": table["teacher"],
        "Обучающихся": table["pupils"].astype("int64"),
        "5": table["n5"], "4": table["n4"], "3": table["n3"], "2": table["n2"],
        "н/а": table["n_na"], "осв": table["n_exempt"],
    })
    for header, col, digits in (("Успеваемость, %", "pass_rate", 1), ("Качество, %", "quality", 1),
                                ("СОУ, %", "sou", 1), ("Средний балл", "mean", 2)):
        out[header] = [None if pd.isna(v) else round_half_up(v, digits) for v in table[col]]
        out[header] = out[header].astype("float64")
    assert tuple(out.columns) == SUMMARY_HEADER
    return out.reset_index(drop=True)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV in the house format: UTF-8 with BOM, «;», CRLF; text cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def summary_csv(table: pd.DataFrame) -> bytes:
    """summary.csv bytes from :func:`core.summary.summary_table` output."""
    rows = []
    for rec in table.to_dict("records"):
        rows.append([
            *(str(rec[k]) for k in SUMMARY_KEY[:4]), str(rec["class_label"]), str(rec["subject"]),
            str(rec["teacher"]), str(int(rec["pupils"])),
            *(str(int(rec[c])) for c in ("n5", "n4", "n3", "n2", "n_na", "n_exempt")),
            format_decimal(rec["pass_rate"], 1), format_decimal(rec["quality"], 1),
            format_decimal(rec["sou"], 1), format_decimal(rec["mean"], 2),
        ])
    return csv_bytes(SUMMARY_HEADER, rows)


def xlsx_bytes(sheets: dict[str, pd.DataFrame], *, widths: dict[str, int] | None = None) -> bytes:
    """An XLSX workbook (openpyxl) with one sheet per frame, header bold and frozen, text cells
    neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append([str(c) for c in frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            ws.append([_xlsx_value(v) for v in row])
        ws.freeze_panes = "A2"
        for idx, col in enumerate(frame.columns, start=1):
            letter = ws.cell(row=1, column=idx).column_letter
            width = (widths or {}).get(str(col)) or min(max(len(str(col)) + 2, 8), 40)
            ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_value(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        return neutralise(value)
    if hasattr(value, "item"):
        return value.item()  # numpy scalar
    return value


def summary_xlsx(table: pd.DataFrame) -> bytes:
    display = summary_display(table)
    legend = pd.DataFrame([(t.indicator, t.formula, t.explanation) for t in FORMULA_TEXTS],
                          columns=["Показатель", "Формула", "Пояснение"])
    return xlsx_bytes({"Сводка": display, "Формулы": legend},
                      widths={"Школа": 30, "Предмет": 24, "Учитель": 22, "Формула": 60,
                              "Пояснение": 90})

