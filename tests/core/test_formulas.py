"""The formula texts (core.formulas) say what the code computes, and every place that shows them
(tooltips, the XLSX «Формулы» sheet, the README) shows exactly those texts."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from core.exports import summary_xlsx
from core.formulas import FORMULA_TEXTS, FormulaText, formula_for, readme_lines
from core.indicators import COUNT_COLUMNS, MarkCounts, add_indicators, compute_indicators
from core.summary import SUMMARY_HEADER

README = Path(__file__).resolve().parents[2] / "README.md"

# Written out by hand, not read from core.indicators: a wrong token→column map must fail here.
SYMBOLS = {"n(н/а)": "n_na", "n(осв)": "n_exempt", "n5": "n5", "n4": "n4", "n3": "n3",
           "n2": "n2", "n1": "n1"}
# What each arithmetic formula must equal: an Indicators field («n» for N) or a count.
TARGETS = {"N": "n", "Успеваемость, %": "pass_rate", "Качество, %": "quality", "СОУ, %": "sou",
           "Средний балл": "mean", "н/а": "n_na", "осв": "n_exempt"}

CASES = [
    # METHODOLOGY §2.1 worked example: N 25, успеваемость 88.0, качество 60.0, СОУ 57.24, 3.75
    MarkCounts(pupils=26, n5=5, n4=10, n3=7, n2=2, n_na=1, n_exempt=1),
    # «1» in N, in the mean, weight 7: N 5, успеваемость 40, СОУ (100+64+16+7+7)/5 = 38.8
    MarkCounts(pupils=6, n5=1, n4=1, n2=1, n1=2, n_exempt=1),
    # «1», н/а, зач and незач together; an exact half (23/80) that needs multiply-first
    MarkCounts(pupils=90, n5=10, n4=13, n3=18, n2=30, n1=5, n_na=4, n_exempt=3, n_pass=4,
               n_fail=3),
    MarkCounts(pupils=3, n1=3),
]


def evaluate(formula: str, counts: MarkCounts) -> float:
    """A formula text as arithmetic: symbols → the counts, «·»/«×» → «*»."""
    ind = compute_indicators(counts)
    expr = formula.replace("·", "*").replace("×", "*")
    for symbol in sorted(SYMBOLS, key=len, reverse=True):  # n(н/а) before any shorter name
        expr = expr.replace(symbol, str(getattr(counts, SYMBOLS[symbol])))
    expr = re.sub(r"\bN\b", str(ind.n), expr)
    assert re.fullmatch(r"[0-9+*/() .]+", expr), f"not plain arithmetic: {formula!r} → {expr!r}"
    return float(eval(expr, {"__builtins__": {}}, {}))  # only digits and operators, checked above


def test_the_methodology_example_by_hand() -> None:
    ind = compute_indicators(CASES[0])
    assert (ind.n, ind.pass_rate, ind.quality) == (25, 88.0, 60.0)
    assert ind.sou == pytest.approx(57.24) and ind.mean == pytest.approx(3.75)
    texts = {t.indicator: t.formula for t in FORMULA_TEXTS}
    assert evaluate(texts["СОУ, %"], CASES[0]) == pytest.approx(57.24)


def test_mark_one_case_by_hand() -> None:
    ind = compute_indicators(CASES[1])
    assert (ind.n, ind.pass_rate, ind.quality) == (5, 40.0, 40.0)
    assert ind.sou == pytest.approx(38.8) and ind.mean == pytest.approx(2.6)


@pytest.mark.parametrize("counts", CASES)
def test_each_formula_computes_what_the_code_computes(counts: MarkCounts) -> None:
    ind = compute_indicators(counts)
    arithmetic = [t for t in FORMULA_TEXTS if t.indicator in TARGETS]
    assert {t.indicator for t in arithmetic} == set(TARGETS)
    for text in arithmetic:
        field = TARGETS[text.indicator]
        expected = getattr(ind, field) if hasattr(ind, field) else getattr(counts, field)
        assert evaluate(text.formula, counts) == pytest.approx(expected, rel=1e-12), text


def test_the_texts_say_that_mark_one_is_in_n() -> None:
    texts = {t.indicator: t for t in FORMULA_TEXTS}
    assert "n1" in texts["N"].formula.split(" + ")
    assert "«1»" in texts["N"].explanation
    assert "7·n1" in texts["СОУ, %"].formula


def test_names_are_the_summary_headers() -> None:
    names = [t.indicator for t in FORMULA_TEXTS]
    assert names == ["Обучающихся", "N", "Успеваемость, %", "Качество, %", "СОУ, %",
                     "Средний балл", "н/а", "осв"]
    assert set(names) - {"N"} <= set(SUMMARY_HEADER)
    for name in names:
        assert "\n" not in formula_for(name)


def test_the_xlsx_formulas_sheet_is_formula_texts() -> None:
    counts = {c: [getattr(CASES[0], c)] for c in COUNT_COLUMNS}
    table = add_indicators(pd.DataFrame({
        "school": ["Школа №1"], "year": ["2024/2025"], "period": ["1 четверть"],
        "procedure": ["Отметки за период"], "class_label": ["8А"], "subject": ["Алгебра"],
        "teacher": ["Иванова И.И."], **counts}))
    sheet = load_workbook(io.BytesIO(summary_xlsx(table)))["Формулы"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0] == ("Показатель", "Формула", "Пояснение")
    assert [FormulaText(*map(str, r)) for r in rows[1:]] == list(FORMULA_TEXTS)


def test_widget_tooltips_come_from_formula_texts() -> None:
    from dashboard.widgets import FORMULAS

    for key, tooltip in FORMULAS.items():
        assert tooltip == formula_for(key)
    for text in FORMULA_TEXTS:
        assert FORMULAS[text.indicator].startswith(text.formula)
        assert text.explanation in FORMULAS[text.indicator]


def test_readme_shows_the_generated_texts() -> None:
    readme = README.read_text(encoding="utf-8")
    block = "\n".join(readme_lines())
    assert block in readme, f"README «Формулы показателей» must read:\n\n{block}\n"
    for text in FORMULA_TEXTS:  # each formula verbatim, in its own table row
        assert f"| {text.indicator} | {text.formula} | {text.explanation} |" in readme
