"""Small helpers shared by the ВПР reader tests."""

from __future__ import annotations

import re

import pandas as pd

from core.problems import Problem


def cells_in(problem: Problem) -> int:
    """How many rows/cells a possibly aggregated problem stands for."""
    m = re.search(r"строк: (\d+)", problem.message) or re.search(r" в (\d+) строк",
                                                                   problem.message)
    return int(m.group(1)) if m else 1


def count(problems: tuple[Problem, ...] | list[Problem], text: str) -> int:
    return sum(cells_in(p) for p in problems if text in p.message)


def shares(values: pd.Series, keys: tuple[str, ...]) -> tuple[float, ...]:
    total = int(values.isin(keys).sum())
    return tuple(round(100 * int((values == k).sum()) / total, 1) for k in keys)


def objectivity(results: pd.DataFrame) -> tuple[int, tuple[float, float, float]]:
    """(pairs, % понизили / подтвердили / повысили): ВПР mark vs journal mark 2–5."""
    pairs = results[results["mark"].isin(["2", "3", "4", "5"])
                    & results["journal_mark"].isin(["2", "3", "4", "5"])]
    vpr = pairs["mark"].astype(int)
    journal = pairs["journal_mark"].astype(int)
    n = len(pairs)
    return n, (round(100 * int((vpr < journal).sum()) / n, 1),
               round(100 * int((vpr == journal).sum()) / n, 1),
               round(100 * int((vpr > journal).sum()) / n, 1))
