"""Formula texts of the indicators, generated from the constants that :mod:`core.indicators`
computes with, so tooltips, the XLSX «Формулы» sheet and the README cannot drift from the code.

Notation: ``n5`` … ``n1`` count the marks «5» … «1», ``n(н/а)`` the token «н/а» (any
non-digit token ``t`` is ``n(t)``), ``N`` the marks counted in N; ``·`` and ``×`` multiply.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.indicators import (
    N_TOKENS,
    NUMERIC_TOKENS,
    PASS_TOKENS,
    QUALITY_TOKENS,
    SOU_WEIGHTS,
    TOKEN_COLUMNS,
)
from core.tokens import MarkKind

__all__ = [
    "FORMULA_TEXTS",
    "NOTATION",
    "FormulaText",
    "count_symbol",
    "formula_for",
    "readme_lines",
]

# Display names of the tokens that have a column of their own in the summary.
_TOKEN_NAMES = {"н/а": "Не аттестован", "осв": "Освобождён"}
# Canonical non-empty tokens without a count column («долг»): they count only in «Обучающихся».
_UNCOUNTED = tuple(k.value for k in MarkKind
                   if k is not MarkKind.MARK and k.value and k.value not in TOKEN_COLUMNS)


@dataclass(frozen=True)
class FormulaText:
    """One indicator: its name (a summary column header, or «N»), formula and explanation."""

    indicator: str
    formula: str
    explanation: str


def count_symbol(token: str) -> str:
    """The symbol of a token's count: «5» → ``n5``, «н/а» → ``n(н/а)``."""
    return f"n{token}" if token.isdigit() else f"n({token})"


def _listed(tokens: tuple[str, ...] | list[str]) -> str:
    """«5», «4», «3» (to go on with « и …»)."""
    return ", ".join(f"«{t}»" for t in tokens)


def _quoted(tokens: tuple[str, ...] | list[str]) -> str:
    """«5», «4» и «3»."""
    return _listed(tokens) if len(tokens) == 1 else f"{_listed(tokens[:-1])} и «{tokens[-1]}»"


def _sum(tokens: tuple[str, ...]) -> str:
    return " + ".join(count_symbol(t) for t in tokens)


def _term(coefficient: int, token: str) -> str:
    symbol = count_symbol(token)
    return symbol if coefficient == 1 else f"{coefficient}·{symbol}"


def _outside(tokens: tuple[str, ...]) -> list[str]:
    """Non-empty canonical tokens that ``tokens`` leaves out."""
    return [t for t in (*TOKEN_COLUMNS, *_UNCOUNTED) if t not in tokens]


def _role(token: str) -> str:
    """What a token does to N and to each indicator, read off the token tuples."""
    name = _TOKEN_NAMES.get(token, f"Отметка «{token}»")
    if token not in N_TOKENS:
        return f"{name}: не входит в N и в показатели, считается только в «Обучающихся»"
    lowers = [label for label, tokens in (("успеваемость", PASS_TOKENS),
                                          ("качество", QUALITY_TOKENS)) if token not in tokens]
    parts = ["входит в N"]
    if lowers:
        parts.append(f"снижает {' и '.join(lowers)}")
    parts.append(f"вес в СОУ {SOU_WEIGHTS[token]}")
    parts.append("в средний балл входит" if token in NUMERIC_TOKENS
                 else "в средний балл не входит")
    return f"{name}: {', '.join(parts)}"


def _texts() -> tuple[FormulaText, ...]:
    outside_n = _outside(N_TOKENS)
    failing = [t for t in N_TOKENS if t not in PASS_TOKENS]
    weights = ", ".join(f"«{t}» — {SOU_WEIGHTS[t]}" for t in N_TOKENS)
    numeric = " + ".join(_term(int(t), t) for t in NUMERIC_TOKENS)
    return (
        FormulaText("Обучающихся", "Все обучающиеся группы",
                    f"В том числе не входящие в N: {_listed(outside_n)} и без отметки"),
        FormulaText("N", _sum(N_TOKENS),
                    f"Число отметок {_quoted(N_TOKENS)}; {_listed(outside_n)} "
                    "и пустые в N не входят"),
        FormulaText("Успеваемость, %", f"({_sum(PASS_TOKENS)}) / N × 100",
                    f"Доля отметок {_quoted(PASS_TOKENS)} среди N; "
                    f"{_quoted(failing)} её снижают"),
        FormulaText("Качество, %", f"({_sum(QUALITY_TOKENS)}) / N × 100",
                    f"Доля отметок {_quoted(QUALITY_TOKENS)} среди N"),
        FormulaText("СОУ, %",
                    f"({' + '.join(_term(SOU_WEIGHTS[t], t) for t in N_TOKENS)}) / N",
                    f"Степень обученности учащихся (В.П. Симонов), веса: {weights}"),
        FormulaText("Средний балл", f"({numeric}) / ({_sum(NUMERIC_TOKENS)})",
                    f"Сумма отметок {_quoted(NUMERIC_TOKENS)} / их число; "
                    f"{_quoted(_outside(NUMERIC_TOKENS))} не входят"),
        FormulaText("н/а", count_symbol("н/а"), _role("н/а")),
        FormulaText("осв", count_symbol("осв"), _role("осв")),
    )


FORMULA_TEXTS: tuple[FormulaText, ...] = _texts()

NOTATION = (f"{', '.join(count_symbol(t) for t in TOKEN_COLUMNS)} — число отметок "
            f"{_quoted(list(TOKEN_COLUMNS))} в группе; N — число отметок, по которым "
            "считаются показатели; · и × — умножение")

_BY_NAME = {t.indicator: t for t in FORMULA_TEXTS}


def formula_for(name: str) -> str:
    """One-line tooltip text of an indicator: «formula. Explanation»."""
    text = _BY_NAME[name]
    return f"{text.formula}. {text.explanation}"


def readme_lines() -> tuple[str, ...]:
    """The README «Формулы показателей» block: the notation line and a Markdown table."""
    return (
        NOTATION,
        "",
        "| Показатель | Формула | Пояснение |",
        "|---|---|---|",
        *(f"| {t.indicator} | {t.formula} | {t.explanation} |" for t in FORMULA_TEXTS),
    )
