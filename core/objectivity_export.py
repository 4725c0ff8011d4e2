"""The objectivity exports as bytes: ``objectivity.csv`` and ``checks.csv`` (the CLI contracts;
the page downloads the same bytes), plus the display frames the page shows.

CSV conventions as in ``summary.csv``: UTF-8 with BOM, «;», decimal comma, percentages to one
decimal (round half up), ρ to two decimals.
"""

from __future__ import annotations

import pandas as pd

from core.exports import csv_bytes, format_decimal
from core.objectivity import Finding

__all__ = ["CHECKS_HEADER", "OBJECTIVITY_HEADER", "checks_csv", "checks_display",
           "objectivity_csv", "objectivity_display"]

OBJECTIVITY_HEADER = ("Школа", "Учебный год", "Процедура", "Класс", "Предмет", "Учитель", "Пар",
                      "Понизили, %", "Подтвердили, %", "Повысили, %", "Расхождение ≥2, %",
                      "Спирмен ρ")
CHECKS_HEADER = ("Код", "Проверка", "Уровень", "Школа", "Учебный год", "Процедура", "Класс",
                 "Предмет", "Учитель", "n", "Значение", "Порог", "Пояснение")


def _objectivity_rows(table: pd.DataFrame) -> list[list[str]]:
    rows = []
    for rec in table.to_dict("records"):
        rows.append([str(rec["school"]), str(rec["year"]), str(rec["procedure"]),
                     str(rec["class_label"]), str(rec["subject"]), str(rec["teacher"] or ""),
                     str(int(rec["pairs"])),
                     *(format_decimal(rec[c], 1) for c in ("lowered", "confirmed", "raised",
                                                          "gap2")),
                     format_decimal(rec["rho"], 2)])
    return rows


def objectivity_csv(table: pd.DataFrame) -> bytes:
    """objectivity.csv from :func:`core.objectivity.objectivity_table`."""
    return csv_bytes(OBJECTIVITY_HEADER, _objectivity_rows(table))


def objectivity_display(table: pd.DataFrame) -> pd.DataFrame:
    """The same rows for the screen (text with decimal commas, exactly as in the CSV)."""
    return pd.DataFrame(_objectivity_rows(table), columns=list(OBJECTIVITY_HEADER))


def _check_rows(findings: tuple[Finding, ...] | list[Finding]) -> list[list[str]]:
    return [[f.code, f.name, str(f.level), f.school, f.year, f.procedure, f.class_label,
             f.subject, f.teacher, str(f.n), f.value, f.threshold, f.explanation]
            for f in findings]


def checks_csv(findings: tuple[Finding, ...] | list[Finding]) -> bytes:
    """checks.csv: one row per finding, «информация» included."""
    return csv_bytes(CHECKS_HEADER, _check_rows(findings))


def checks_display(findings: tuple[Finding, ...] | list[Finding]) -> pd.DataFrame:
    return pd.DataFrame(_check_rows(findings), columns=list(CHECKS_HEADER))
