"""Indicators of METHODOLOGY §2.1; expected values are hand-computed in the comments."""

from __future__ import annotations

import pandas as pd
import pytest

from core.indicators import MarkCounts, add_indicators, compute_indicators, count_marks


def make_marks(**counts: int) -> pd.DataFrame:
    """A class's results with ``counts`` of each token: make_marks(m5=2, na=1, exempt=1)."""
    token = {"m5": "5", "m4": "4", "m3": "3", "m2": "2", "m1": "1", "na": "н/а", "exempt": "осв",
             "empty": "", "passed": "зач", "failed": "незач"}
    marks = [token[k] for k, n in counts.items() for _ in range(n)]
    return pd.DataFrame({"class_label": "8А", "subject": "Алгебра", "mark": marks})


def test_worked_example_of_the_methodology() -> None:
    # METHODOLOGY §2.1: 26 pupils, 1 «осв»; 5×5, 10×4, 7×3, 2×2, 1×н/а → N = 25
    # успеваемость 22/25 = 88.0; качество 15/25 = 60.0; СОУ (500+640+252+32+7)/25 = 57.24;
    # средний балл (25+40+21+4)/24 = 3.75
    result = compute_indicators(MarkCounts(pupils=26, n5=5, n4=10, n3=7, n2=2, n_na=1, n_exempt=1))
    assert result.n == 25
    assert result.pass_rate == pytest.approx(88.0)
    assert result.quality == pytest.approx(60.0)
    assert result.sou == pytest.approx(57.24)
    assert result.mean == pytest.approx(3.75)


def test_pandas_counts_feed_the_same_function() -> None:
    frame = make_marks(m5=5, m4=10, m3=7, m2=2, na=1, exempt=1)
    counts = count_marks(frame, ["class_label", "subject"])
    row = counts.iloc[0]
    assert (row["pupils"], row["n5"], row["n4"], row["n3"], row["n2"], row["n_na"],
            row["n_exempt"]) == (26, 5, 10, 7, 2, 1, 1)
    out = add_indicators(counts).iloc[0]
    assert out["sou"] == pytest.approx(57.24)


def test_quality_excludes_pupils_exempt_from_subject() -> None:
    # 2×«5», 2×«3», 6×«осв»: N = 4 → качество 2/4 = 50 %, not 2/10
    out = add_indicators(count_marks(make_marks(m5=2, m3=2, exempt=6), ["subject"])).iloc[0]
    assert out["n"] == 4
    assert out["quality"] == pytest.approx(50.0)


def test_pupils_without_mark_are_outside_n() -> None:
    # 3×«4», 2 pupils with no mark and no н/а → N = 3, успеваемость 100 %
    out = compute_indicators(MarkCounts(pupils=5, n4=3))
    assert (out.n, out.pass_rate, out.mean) == (3, 100.0, 4.0)


def test_only_na_gives_zero_rates_and_no_mean() -> None:
    # 2×н/а: N = 2, успеваемость 0, СОУ (7+7)/2 = 7, средний балл undefined
    out = compute_indicators(MarkCounts(pupils=2, n_na=2))
    assert (out.n, out.pass_rate, out.quality, out.sou, out.mean) == (2, 0.0, 0.0, 7.0, None)


def test_no_marks_gives_no_indicators() -> None:
    out = compute_indicators(MarkCounts(pupils=4, n_exempt=2, n_pass=2))
    assert out.n == 0 and out.pass_rate is None and out.mean is None


def test_mark_one_fails_and_weighs_like_na() -> None:
    # «5», «1»: N = 2; успеваемость 1/2 = 50; СОУ (100+7)/2 = 53.5; средний балл (5+1)/2 = 3
    out = compute_indicators(MarkCounts(pupils=2, n5=1, n1=1))
    assert (out.pass_rate, out.sou, out.mean) == (50.0, 53.5, 3.0)


def test_counts_of_a_group_without_any_mark_token() -> None:
    # ВПР primary scores with no scale: marks are empty → one group, 3 pupils, nothing counted
    frame = make_marks(empty=3)
    counts = count_marks(frame, ["class_label", "subject"])
    assert counts[["pupils", "n5", "n_na"]].values.tolist() == [[3, 0, 0]]
    assert add_indicators(counts)["n"].tolist() == [0]


def test_exact_half_percentages_round_half_up_in_the_export() -> None:
    from core.exports import format_decimal

    # A parallel of N = 80 with 10 «5», 13 «4», 18 «3», 39 «2»:
    # качество (10+13)/80 = 23/80 = 28.75 % → 28,8 (half up); успеваемость 41/80 = 51.25 % → 51,3
    result = compute_indicators(MarkCounts(pupils=80, n5=10, n4=13, n3=18, n2=39))
    assert format_decimal(result.quality, 1) == "28,8"
    assert format_decimal(result.pass_rate, 1) == "51,3"
