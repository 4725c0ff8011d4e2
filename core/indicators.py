"""Indicators of METHODOLOGY.md §2.1, computed from mark counts.

The counts may come from pandas (:func:`count_marks`) or from an SQL ``GROUP BY`` in the store;
both go through :func:`compute_indicators`, so the two paths cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "COUNT_COLUMNS",
    "INDICATOR_COLUMNS",
    "NUMERIC_TOKENS",
    "N_TOKENS",
    "PASS_TOKENS",
    "QUALITY_TOKENS",
    "SOU_WEIGHTS",
    "TOKEN_COLUMNS",
    "Indicators",
    "MarkCounts",
    "add_indicators",
    "compute_indicators",
    "count_marks",
]

# СОУ weights (В.П. Симонов) — METHODOLOGY §2.3, source: «Сетевой город» help page
# «Формулы показателей успеваемости» (official, vendor). «1» weighs like н/а.
SOU_WEIGHTS = {"5": 100, "4": 64, "3": 36, "2": 16, "1": 7, "н/а": 7}

# Columns of a counts table; ``pupils`` counts every pupil row in the group (осв and empty too).
COUNT_COLUMNS = ("pupils", "n5", "n4", "n3", "n2", "n1", "n_na", "n_exempt", "n_pass", "n_fail")
TOKEN_COLUMNS = {"5": "n5", "4": "n4", "3": "n3", "2": "n2", "1": "n1", "н/а": "n_na",
                 "осв": "n_exempt", "зач": "n_pass", "незач": "n_fail"}
INDICATOR_COLUMNS = ("n", "pass_rate", "quality", "sou", "mean")

# The one definition of which marks each indicator counts (variant A of METHODOLOGY §2.1);
# compute_indicators sums over these and core.formulas writes the formula texts from them.
N_TOKENS = ("5", "4", "3", "2", "1", "н/а")  # N: «1» and н/а in, осв / зач / незач / empty out
PASS_TOKENS = ("5", "4", "3")  # numerator of успеваемость
QUALITY_TOKENS = ("5", "4")  # numerator of качество
NUMERIC_TOKENS = ("5", "4", "3", "2", "1")  # the mean: each counts its own value, int(token)


@dataclass(frozen=True)
class MarkCounts:
    """Pupil counts by term mark in one group (class × subject × period, or any other)."""

    pupils: int = 0
    n5: int = 0
    n4: int = 0
    n3: int = 0
    n2: int = 0
    n1: int = 0
    n_na: int = 0
    n_exempt: int = 0
    n_pass: int = 0
    n_fail: int = 0


@dataclass(frozen=True)
class Indicators:
    """N and the indicators; percentages are unrounded (round at display/export)."""

    n: int
    pass_rate: float | None  # % успеваемости = (n5+n4+n3)/N·100
    quality: float | None  # % качества = (n5+n4)/N·100
    sou: float | None  # СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·(n1 + n_na))/N
    mean: float | None  # средний балл = Σ numeric marks / count of numeric marks


def compute_indicators(c: MarkCounts) -> Indicators:
    """METHODOLOGY §2.1, default variant A: н/а in N, осв and "no mark" out of N.

    «1» is a failing mark: in N, not in успеваемость, weight 7 in СОУ (§2.3), in the mean.
    """
    count: dict[str, int] = {t: getattr(c, TOKEN_COLUMNS[t]) for t in N_TOKENS}
    n = sum(count[t] for t in N_TOKENS)
    numeric = sum(count[t] for t in NUMERIC_TOKENS)
    if n == 0:
        return Indicators(0, None, None, None, None)
    # Multiply before dividing: one rounding, so an exact half such as 23/80 = 28.75 % stays
    # 28.75 and rounds half up to 28.8 (23 / 80 * 100 gives 28.749999… and would print 28.7).
    # Every numerator is an exact integer sum, so each indicator has that one division only.
    pass_rate = sum(count[t] for t in PASS_TOKENS) * 100 / n
    quality = sum(count[t] for t in QUALITY_TOKENS) * 100 / n
    sou = sum(SOU_WEIGHTS[t] * count[t] for t in N_TOKENS) / n
    mean = (sum(int(t) * count[t] for t in NUMERIC_TOKENS) / numeric) if numeric else None
    return Indicators(n, pass_rate, quality, sou, mean)


def count_marks(results: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counts per group of a results table (columns ``by`` + :data:`COUNT_COLUMNS`).

    Tokens other than those of :data:`COUNT_COLUMNS` («», «долг») count only in ``pupils``.
    """
    frame = results[[*by, "mark"]].copy()
    frame["_col"] = frame["mark"].map(TOKEN_COLUMNS)
    pupils = frame.groupby(by, dropna=False, sort=True).size().rename("pupils")
    counted = frame.dropna(subset=["_col"])
    if counted.empty:  # no countable token at all (e.g. ВПР scores without a known scale)
        out = pupils.to_frame()
    else:
        marks = counted.groupby([*by, "_col"], dropna=False).size().unstack("_col", fill_value=0)
        out = pd.concat([pupils, marks], axis=1).fillna(0)
    for col in COUNT_COLUMNS:
        if col not in out.columns:
            out[col] = 0
    out = out[list(COUNT_COLUMNS)].astype("int64").reset_index()
    return out


def add_indicators(counts: pd.DataFrame) -> pd.DataFrame:
    """A counts table with :data:`INDICATOR_COLUMNS` appended (NaN where N = 0)."""
    values = [
        compute_indicators(MarkCounts(**{c: int(row[c]) for c in COUNT_COLUMNS}))
        for row in counts[list(COUNT_COLUMNS)].to_dict("records")
    ]
    out = counts.copy()
    out["n"] = [v.n for v in values]
    for col in ("pass_rate", "quality", "sou", "mean"):
        out[col] = pd.Series([getattr(v, col) for v in values], index=out.index, dtype="float64")
    return out
