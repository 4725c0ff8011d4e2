"""Objectivity checks O1–O13 and J1 (core/objectivity.py, METHODOLOGY §5.5–§5.6) on small
hand-made canonical frames: each test builds one class and asserts the finding it must give
(code, level, n, value, pupils) or that it gives none."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from core.model import TABLES, normalise_table
from core.names import TERM_PROCEDURE
from core.objectivity import (
    CheckStatus,
    Finding,
    Level,
    Report,
    boundaries,
    pairs_frame,
    run_checks,
    term_pairs,
)
from core.objectivity_export import checks_csv
from core.thresholds import Thresholds

SCHOOL = "Школа № 1"
YEAR = "2024/2025"
VPR = "ВПР"
SUBJECT = "Математика"
HEDGE = "Возможный признак, требует дополнительного анализа"

Row = dict[str, object]


# --------------------------------------------------------------------------------------------
# Builders


def row(pupil: str, *, mark: str = "", journal: str = "", score: float | None = None,
        klass: str = "5А", year: str = YEAR, procedure: str = VPR, period: str = "",
        teacher: str = "", average: float | None = None,
        weighted: float | None = None) -> Row:
    """One canonical result (grade 5, Математика); row ids are given by :func:`results_of`."""
    return {"school": SCHOOL, "year": year, "procedure": procedure, "period": period,
            "date": "", "class_label": klass, "grade": 5, "pupil": pupil, "subject": SUBJECT,
            "teacher": teacher, "mark": mark, "primary_score": score,
            "max_score": 20.0 if score is not None else None, "journal_mark": journal,
            "variant": "", "gender": "", "average": average, "weighted_average": weighted,
            "source_sheet": "Лист1"}


def results_of(rows: Sequence[Row]) -> pd.DataFrame:
    """The canonical results table of ``rows``: row_id and source_row 1, 2, 3 … in order."""
    numbered = [{**r, "row_id": i, "source_row": i} for i, r in enumerate(rows, start=1)]
    frame = normalise_table("results", pd.DataFrame(numbered))
    assert list(frame.columns) == list(TABLES["results"].columns)
    return frame


def tasks_of(rows: Sequence[tuple[int, str, float, float, str]]) -> pd.DataFrame:
    """Canonical tasks from (row_id, task, score, max_score, level); position = task order."""
    order: dict[str, int] = {}
    for _, task, _, _, _ in rows:
        order.setdefault(task, len(order) + 1)
    frame = pd.DataFrame([{"row_id": rid, "task": task, "score": score, "max_score": top,
                           "attempted": True, "level": level, "position": order[task]}
                          for rid, task, score, top, level in rows])
    return normalise_table("tasks", frame)


def no_tasks() -> pd.DataFrame:
    return normalise_table("tasks", pd.DataFrame())


def pairs_class(spec: Sequence[tuple[str, str]], *, klass: str = "5А",
                teacher: str = "") -> list[Row]:
    """A class of ВПР results from (mark for the work, journal mark); pupils «5А-01» …"""
    return [row(f"{klass}-{i:02d}", mark=test, journal=journal, klass=klass, teacher=teacher)
            for i, (test, journal) in enumerate(spec, start=1)]


def names(klass: str, numbers: Sequence[int] | range) -> tuple[str, ...]:
    return tuple(f"{klass}-{i:02d}" for i in numbers)


def run(rows: Sequence[Row], tasks: pd.DataFrame | None = None, *,
        thresholds: Thresholds | None = None) -> Report:
    """``run_checks`` on ``rows``; every finding must be hedged and name its source."""
    report = run_checks(results_of(rows), no_tasks() if tasks is None else tasks,
                        thresholds=thresholds)
    for finding in report.findings:
        assert finding.explanation.startswith(HEDGE), finding
        assert "Источник:" in finding.explanation, finding
    return report


def found(report: Report, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def one(report: Report, code: str) -> Finding:
    hits = found(report, code)
    assert len(hits) == 1, hits
    return hits[0]


def status(report: Report, code: str) -> CheckStatus:
    hits = [s for s in report.statuses if s.code == code]
    assert len(hits) == 1, report.statuses
    return hits[0]


def lowered(k: int, n: int) -> list[tuple[str, str]]:
    """``n`` pairs, the first ``k`` «понизили» (work «3», journal «4»), the rest «4» = «4»."""
    return [("3", "4")] * k + [("4", "4")] * (n - k)


# --------------------------------------------------------------------------------------------
# O1: понизили / подтвердили / повысили


def test_o1_thirteen_of_twenty_lowered_is_high() -> None:
    report = run(pairs_class(lowered(13, 20)))
    f = one(report, "O1")
    assert (f.level, f.n, f.value, f.threshold) == (Level.HIGH, 20, "65,0 %", "≥ 60 %")
    assert (f.school, f.year, f.procedure, f.class_label, f.subject) == (
        SCHOOL, YEAR, VPR, "5А", SUBJECT)
    assert f.pupils == names("5А", range(1, 14))
    assert "у 65,0 % учеников отметка за работу ниже отметки по журналу (пар «работа — журнал»: 20)" \
        in f.explanation
    assert "мало данных" not in f.explanation
    assert status(report, "O1") == CheckStatus(
        "O1", True, "по парам «отметка за работу — отметка по журналу»")


def test_o1_half_lowered_is_medium() -> None:
    f = one(run(pairs_class(lowered(10, 20))), "O1")
    assert (f.level, f.n, f.value, f.threshold) == (Level.MEDIUM, 20, "50,0 %", "≥ 45 %")
    assert len(f.pupils) == 10


def test_o1_below_ten_pairs_is_only_information() -> None:
    f = one(run(pairs_class(lowered(7, 8))), "O1")
    assert (f.level, f.n, f.value) == (Level.INFO, 8, "87,5 %")
    assert "мало данных: n = 8 < 10" in f.explanation
    assert "Для сведения." in f.explanation


def test_o1_raised_four_of_twenty_is_medium() -> None:
    f = one(run(pairs_class([("5", "4")] * 4 + [("4", "4")] * 16)), "O1")
    assert (f.level, f.n, f.value) == (Level.MEDIUM, 20, "20,0 %")
    assert f.threshold == "«повысили» ≥ 15 %"
    assert f.pupils == names("5А", range(1, 5))
    assert "отметка за работу выше" in f.explanation


def test_o1_clean_class_has_no_finding() -> None:
    report = run(pairs_class([("3", "3")] * 7 + [("4", "4")] * 8 + [("5", "5")] * 5))
    assert report.findings == ()
    assert status(report, "O1").computed


def test_o1_pairs_exclude_no_journal_mark_and_absent_pupils() -> None:
    rows = pairs_class(lowered(13, 20))
    rows += [row("без журнала", mark="5", journal=""),
             row("нет отметки", mark="5", journal="нет отметки"),
             row("отсутствовал", mark="", journal="5"),
             row("не явился", mark="н/а", journal="4")]
    results = results_of(rows)
    assert len(pairs_frame(results)) == 20
    f = one(run(rows), "O1")
    assert (f.n, f.value) == (20, "65,0 %")


def test_o1_threshold_setting_is_respected() -> None:
    strict = Thresholds().with_values({"lowered_high": 70})
    f = one(run(pairs_class(lowered(13, 20)), thresholds=strict), "O1")
    assert (f.level, f.threshold) == (Level.MEDIUM, "≥ 45 %")


def test_o1_parallel_of_two_classes_is_reported_once_more() -> None:
    rows = pairs_class(lowered(13, 20), klass="5А") + pairs_class(lowered(13, 20), klass="5Б")
    hits = found(run(rows), "O1")
    assert sorted(f.class_label for f in hits) == ["5А", "5Б", "Параллель 5"]
    parallel = next(f for f in hits if f.class_label == "Параллель 5")
    assert (parallel.n, parallel.value, parallel.level) == (40, "65,0 %", Level.HIGH)


def test_o1_without_pairs_is_not_computed() -> None:
    report = run([row(f"у{i}", mark="4") for i in range(12)])
    assert report.findings == ()
    for code in ("O1", "O2", "O3", "J1", "O11"):
        assert not status(report, code).computed
        assert "нет пар" in status(report, code).reason


# --------------------------------------------------------------------------------------------
# O2: gap ≥ 2


def test_o2_gap_of_two_lists_the_pupils_and_ten_percent_is_medium() -> None:
    spec = [("3", "5"), ("5", "3")] + [("4", "4")] * 18
    f = one(run(pairs_class(spec)), "O2")
    assert (f.level, f.n, f.value, f.threshold) == (Level.MEDIUM, 20, "10,0 %", "≥ 10 % пар")
    assert f.pupils == ("5А-01", "5А-02")
    assert "у 2 из 20 учеников" in f.explanation


def test_o2_small_share_is_information_but_still_lists_the_pupil() -> None:
    spec = [("2", "4")] + [("4", "4")] * 19
    f = one(run(pairs_class(spec)), "O2")
    assert (f.level, f.n, f.value) == (Level.INFO, 20, "5,0 %")
    assert f.pupils == ("5А-01",)


def test_o2_few_pairs_is_information_whatever_the_share() -> None:
    spec = [("2", "4"), ("5", "3")] + [("4", "4")] * 6
    f = one(run(pairs_class(spec)), "O2")
    assert (f.level, f.n, f.value) == (Level.INFO, 8, "25,0 %")
    assert f.pupils == ("5А-01", "5А-02")
    assert "мало данных: n = 8 < 10" in f.explanation


def test_o2_gap_of_one_is_not_reported() -> None:
    assert found(run(pairs_class([("3", "4"), ("5", "4")] + [("4", "4")] * 18)), "O2") == []


# --------------------------------------------------------------------------------------------
# O3: Spearman ρ


def _scored_class(journal: Sequence[int], scores: Sequence[float]) -> list[Row]:
    # the work's mark equals the journal's so that only ρ differs between the tests
    return [row(f"5А-{i:02d}", mark=str(j), journal=str(j), score=s)
            for i, (j, s) in enumerate(zip(journal, scores, strict=True), start=1)]


def _rho(journal: Sequence[int], scores: Sequence[float]) -> float:
    # Spearman = Pearson of average ranks (an oracle independent of the module's sums)
    x = pd.Series(journal, dtype=float).rank(method="average")
    y = pd.Series(scores, dtype=float).rank(method="average")
    return float(np.corrcoef(x, y)[0, 1])


def test_o3_inverse_relation_is_high() -> None:
    journal = [5] * 4 + [4] * 4 + [3] * 4
    scores = [2, 3, 4, 5, 8, 9, 10, 11, 14, 15, 16, 17]
    rho = _rho(journal, scores)
    assert rho < -0.9
    f = one(run(_scored_class(journal, scores)), "O3")
    assert (f.level, f.n, f.threshold) == (Level.HIGH, 12, "ρ < 0")
    assert f.value.startswith("ρ = −")
    assert f.value == "ρ = " + f"{rho:.2f}".replace(".", ",").replace("-", "−")
    assert f.pupils == names("5А", range(1, 13))


def test_o3_weak_relation_is_medium() -> None:
    journal = [3] * 4 + [4] * 4 + [5] * 4
    scores = [10, 2, 15, 7, 3, 16, 9, 11, 4, 17, 8, 12]
    rho = _rho(journal, scores)
    assert 0 <= rho < 0.3
    f = one(run(_scored_class(journal, scores)), "O3")
    assert (f.level, f.n, f.threshold) == (Level.MEDIUM, 12, "ρ < 0,3")
    assert f.value == "ρ = " + f"{rho:.2f}".replace(".", ",")


def test_o3_strong_agreement_has_no_finding() -> None:
    journal = [3] * 4 + [4] * 4 + [5] * 4
    scores = [2, 3, 4, 5, 8, 9, 10, 11, 14, 15, 16, 17]
    report = run(_scored_class(journal, scores))
    assert found(report, "O3") == []
    assert status(report, "O3") == CheckStatus("O3", True, "по парам с первичным баллом")


def test_o3_needs_ten_pairs() -> None:
    journal = [5] * 3 + [4] * 3 + [3] * 3
    scores = [2, 3, 4, 8, 9, 10, 14, 15, 16]
    assert found(run(_scored_class(journal, scores)), "O3") == []


def test_o3_without_scores_is_not_computed() -> None:
    report = run(pairs_class([("4", "4")] * 12))
    assert found(report, "O3") == []
    assert status(report, "O3") == CheckStatus("O3", False, "нет первичных баллов")


# --------------------------------------------------------------------------------------------
# O4: peaks at the mark boundaries


def _mark_2021(score: int) -> str:
    """ВПР 2021 Математика 5 (shipped scale): 0–6 / 7–10 / 11–14 / 15–20."""
    return "2" if score < 7 else "3" if score < 11 else "4" if score < 15 else "5"


def _histogram_class(scores: Sequence[int], *, year: str = "2020/2021") -> list[Row]:
    return [row(f"5А-{i:02d}", mark=_mark_2021(s), score=float(s), year=year)
            for i, s in enumerate(scores, start=1)]


# 6 pupils at exactly 7 (the «3» minimum), none at 5–6; spread elsewhere (≤ 1 at 11)
PEAK = [7] * 6
REST_19 = [0, 1, 2, 3, 4, 4, 8, 8, 9, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
REST_9 = [1, 3, 4, 8, 9, 12, 13, 16, 18]


def test_o4_peak_at_the_three_boundary_is_medium_with_its_pupils() -> None:
    report = run(_histogram_class(PEAK + REST_19))
    f = one(report, "O4")
    assert (f.level, f.n, f.value) == (Level.MEDIUM, 25, "×∞")
    assert f.threshold == "≥ ×3 и ≥ 3 чел."
    assert f.pupils == names("5А", range(1, 7))
    assert f.year == "2020/2021" and f.class_label == "5А"
    assert "у минимального балла отметки «3» (7) 6 уч." in f.explanation
    assert "распределение по 25 участникам приблизительное" in f.explanation
    assert "шкала 2021 г., Математика, 5 кл." in f.explanation
    assert status(report, "O4") == CheckStatus("O4", True, "по шкалам перевода баллов или отметкам из файла")


def test_o4_ratio_is_counted_against_the_two_bins_below() -> None:
    # 6 at 7 against 1 at 6 and 1 at 5: ratio 6 / 1 = ×6
    f = one(run(_histogram_class(PEAK + [5, 6] + REST_19[:-2])), "O4")
    assert (f.n, f.value, f.level) == (25, "×6,0", Level.MEDIUM)


def test_o4_peak_in_a_small_class_is_information() -> None:
    f = one(run(_histogram_class(PEAK + REST_9)), "O4")
    assert (f.level, f.n) == (Level.INFO, 15)
    assert f.pupils == names("5А", range(1, 7))
    assert "мало данных: n = 15 < 20" in f.explanation


def test_o4_smooth_distribution_has_no_peak() -> None:
    smooth = [s for s in range(3, 15) for _ in range(2)] + [15]
    assert len(smooth) == 25
    report = run(_histogram_class(smooth))
    assert found(report, "O4") == []
    assert status(report, "O4").computed


def test_o4_boundaries_from_the_file_marks_without_a_stored_scale() -> None:
    rows = _histogram_class(PEAK + REST_19, year=YEAR)  # no scale is shipped for 2025
    written = results_of(rows)
    found_bounds = boundaries(written)
    assert found_bounds is not None
    assert found_bounds.minimum == {3: 7, 4: 11, 5: 15}
    assert found_bounds.source.startswith("границы по отметкам из файла")
    f = one(run(rows), "O4")
    assert (f.level, f.n, f.year) == (Level.MEDIUM, 25, YEAR)
    assert f.pupils == names("5А", range(1, 7))
    assert "границы по отметкам из файла" in f.explanation


def test_o4_without_scale_or_consistent_marks_is_reported_as_missing() -> None:
    rows = [row(f"5А-{i:02d}", score=float(s)) for i, s in enumerate(PEAK + REST_19, start=1)]
    report = run(rows)
    assert found(report, "O4") == []
    assert status(report, "O4") == CheckStatus(
        "O4", True, "нет шкалы: Математика, 5 кл., 2024/2025")


# --------------------------------------------------------------------------------------------
# O5: hard tasks done better than easy ones


def _task_class(n: int, *, marks: Sequence[str] | None = None) -> list[Row]:
    marks = marks or ["4"] * n
    return [row(f"5А-{i:02d}", mark=marks[i - 1], score=10.0) for i in range(1, n + 1)]


def test_o5_advanced_better_than_basic_in_a_class_of_ten() -> None:
    rows = _task_class(10)
    tasks = tasks_of([(rid, "1", 1.0 if rid <= 3 else 0.0, 1.0, "Б") for rid in range(1, 11)]
                     + [(rid, "2", 2.0 if rid <= 8 else 0.0, 2.0, "П") for rid in range(1, 11)])
    report = run(rows, tasks)
    f = one(report, "O5")
    assert (f.level, f.n, f.value) == (Level.MEDIUM, 10, "П 80,0 % > Б 30,0 %")
    assert f.threshold == "выполнение П > Б"
    assert status(report, "O5") == CheckStatus("O5", True, "по уровням заданий Б/П/В")


def test_o5_in_a_small_class_is_information() -> None:
    rows = _task_class(6)
    tasks = tasks_of([(rid, "1", 0.0, 1.0, "Б") for rid in range(1, 7)]
                     + [(rid, "2", 1.0, 1.0, "П") for rid in range(1, 7)])
    f = one(run(rows, tasks), "O5")
    assert (f.level, f.n) == (Level.INFO, 6)
    assert "мало данных: n = 6 < 10" in f.explanation


def test_o5_basic_better_than_advanced_has_no_finding() -> None:
    rows = _task_class(10)
    tasks = tasks_of([(rid, "1", 1.0, 1.0, "Б") for rid in range(1, 11)]
                     + [(rid, "2", 1.0 if rid <= 4 else 0.0, 2.0, "П") for rid in range(1, 11)])
    assert found(run(rows, tasks), "O5") == []


def test_o5_without_levels_is_not_computed() -> None:
    rows = _task_class(10)
    tasks = tasks_of([(rid, "1", 0.0, 1.0, "") for rid in range(1, 11)]
                     + [(rid, "2", 2.0, 2.0, "") for rid in range(1, 11)])
    report = run(rows, tasks)
    assert found(report, "O5") == []
    st = status(report, "O5")
    assert not st.computed
    assert "нет уровней заданий" in st.reason


# --------------------------------------------------------------------------------------------
# O6: mark-group crossings


def _crossing(three_solved: int, four_solved: int, *,
              three_size: int = 10) -> tuple[list[Row], pd.DataFrame]:
    """``three_size`` pupils «3» and 10 pupils «4»; on task 2 the first ``three_solved`` /
    ``four_solved`` of each group solved it; on tasks 1 and 3 the «4» group does better."""
    rows = _task_class(three_size + 10, marks=["3"] * three_size + ["4"] * 10)
    task_rows = []
    for rid in range(1, three_size + 11):
        in_three = rid <= three_size
        k = rid if in_three else rid - three_size
        solved2 = k <= (three_solved if in_three else four_solved)
        task_rows += [(rid, "1", 1.0 if (k <= 3 or not in_three) else 0.0, 1.0, ""),
                      (rid, "2", 1.0 if solved2 else 0.0, 1.0, ""),
                      (rid, "3", 1.0 if (k <= 8 and not in_three) else 0.0, 1.0, "")]
    return rows, tasks_of(task_rows)


def test_o6_three_group_beats_four_group_on_one_task() -> None:
    rows, tasks = _crossing(8, 5)
    report = run(rows, tasks)
    f = one(report, "O6")
    assert (f.level, f.n, f.value) == (Level.MEDIUM, 20, "1 пересеч.")
    assert f.class_label == "Параллель 5"
    assert f.threshold == "> 5 п.п., группы от 10 чел."
    assert "задание 2: «3» выше «4» на 30,0 п.п." in f.explanation
    assert status(report, "O6").computed


def test_o6_equal_groups_do_not_cross() -> None:
    rows, tasks = _crossing(5, 5)
    assert found(run(rows, tasks), "O6") == []


def test_o6_needs_ten_pupils_per_group() -> None:
    rows, tasks = _crossing(8, 5, three_size=9)  # 8 of 9 = 88,9 % against 50 %, but n = 9
    assert found(run(rows, tasks), "O6") == []


def test_o6_and_o13_without_task_scores_are_not_computed() -> None:
    report = run(_task_class(10))
    assert status(report, "O6") == CheckStatus("O6", False, "нет баллов по заданиям")
    assert status(report, "O13") == CheckStatus("O13", False, "нет баллов по заданиям")


# --------------------------------------------------------------------------------------------
# O10: term mark vs the pupil's own average


def _term(pupil: str, mark: str, weighted: float, *, average: float | None = None,
          klass: str = "5А") -> Row:
    return row(pupil, mark=mark, procedure=TERM_PROCEDURE, period="1 четверть", klass=klass,
               weighted=weighted, average=average)


def test_o10_a_fifth_of_term_marks_above_the_rounded_average_is_medium() -> None:
    rows = [_term(f"5А-{i:02d}", "4", 3.2) for i in range(1, 6)]  # above: 4 > round(3,2) = 3
    rows += [_term(f"5А-{i:02d}", "4", 4.1) for i in range(6, 26)]
    report = run(rows)
    f = one(report, "O10")
    assert (f.level, f.n, f.value, f.threshold) == (Level.MEDIUM, 25, "20,0 %", "≥ 20 %")
    assert (f.procedure, f.class_label) == (TERM_PROCEDURE, "5А")
    assert f.pupils == tuple(f"5А-{i:02d} (1 четверть)" for i in range(1, 6))
    assert "выше округлённого собственного среднего" in f.explanation
    assert "«3» при среднем ниже 2,5: 0" in f.explanation
    assert status(report, "O10").computed


def test_o10_below_twenty_pairs_is_information() -> None:
    rows = [_term(f"5А-{i:02d}", "3", 4.0) for i in range(1, 5)]  # below
    rows += [_term(f"5А-{i:02d}", "4", 4.0) for i in range(5, 11)]
    f = one(run(rows), "O10")
    assert (f.level, f.n, f.value) == (Level.INFO, 10, "40,0 %")
    assert "ниже округлённого" in f.explanation
    assert "мало данных: n = 10 < 20" in f.explanation


def test_o10_nineteen_of_twenty_five_equal_is_no_finding() -> None:
    rows = [_term(f"5А-{i:02d}", "4", 3.2) for i in range(1, 5)]  # 4 of 25 = 16 %
    rows += [_term(f"5А-{i:02d}", "4", 4.1) for i in range(5, 26)]
    assert found(run(rows), "O10") == []


def test_o10_rounds_half_up() -> None:
    rows = [_term("а", "4", 3.5), _term("б", "3", 2.5), _term("в", "2", 2.5),
            _term("г", "4", 0.0, average=3.5), _term("д", "5", 4.49)]
    pairs = term_pairs(results_of(rows)).set_index("pupil")
    assert pairs["expected"].to_dict() == {"а": 4, "б": 3, "в": 3, "г": 4, "д": 4}
    assert pairs["side"].to_dict() == {"а": "equal", "б": "equal", "в": "below",
                                       "г": "equal", "д": "above"}


def test_o10_without_averages_is_not_computed() -> None:
    report = run([row(f"5А-{i:02d}", mark="4", procedure=TERM_PROCEDURE, period="1 четверть")
                  for i in range(25)])
    st = status(report, "O10")
    assert not st.computed
    assert "нет отметок за период со средним баллом" in st.reason


# --------------------------------------------------------------------------------------------
# O11: teacher × class against the school median


def test_o11_teacher_far_above_the_school_median() -> None:
    rows = (pairs_class(lowered(10, 20), klass="5А", teacher="Иванова И.И.")
            + pairs_class(lowered(2, 20), klass="5Б", teacher="Петров П.П.")
            + pairs_class(lowered(2, 20), klass="5В", teacher="Сидорова С.С."))
    report = run(rows)
    f = one(report, "O11")
    assert (f.level, f.n, f.value) == (Level.MEDIUM, 20, "50,0 %")
    assert (f.class_label, f.teacher) == ("5А", "Иванова И.И.")
    assert f.threshold == "≥ медиана школы 10,0 % + 20 п.п."
    assert "методическ" in f.explanation
    assert status(report, "O11") == CheckStatus("O11", True, "по нагрузке учителей")


def test_o11_close_to_the_median_has_no_finding() -> None:
    rows = (pairs_class(lowered(5, 20), klass="5А", teacher="Иванова И.И.")
            + pairs_class(lowered(2, 20), klass="5Б", teacher="Петров П.П.")
            + pairs_class(lowered(2, 20), klass="5В", teacher="Сидорова С.С."))
    assert found(run(rows), "O11") == []


def test_o11_without_teachers_is_not_computed() -> None:
    rows = pairs_class(lowered(10, 20), klass="5А") + pairs_class(lowered(2, 20), klass="5Б")
    report = run(rows)
    assert found(report, "O11") == []
    st = status(report, "O11")
    assert not st.computed
    assert "нагрузк" in st.reason


# --------------------------------------------------------------------------------------------
# O13: coinciding task profiles


TASKS_19 = [str(k) for k in range(1, 20)]
TOPS = [1.0 if k % 3 else 2.0 for k in range(1, 20)]  # maxima 1, 1, 2, 1, 1, 2 …
COPY = [1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 2.0, 0.0, 1.0, 0.0, 1.0, 1.0,
        0.0, 1.0]


def _profiles(vectors: Sequence[Sequence[float]]) -> tuple[list[Row], pd.DataFrame]:
    rows = [row(f"5А-{i:02d}", mark="3", score=float(sum(v))) for i, v in
            enumerate(vectors, start=1)]
    tasks = tasks_of([(rid, task, float(v[k]), TOPS[k], "")
                      for rid, v in enumerate(vectors, start=1)
                      for k, task in enumerate(TASKS_19)])
    return rows, tasks


def _random_vectors(n: int) -> list[list[float]]:
    rng = np.random.default_rng(20250415)
    return [[float(rng.integers(0, int(top) + 1)) for top in TOPS] for _ in range(n)]


def test_o13_planted_copies_are_found_with_exactly_those_pupils() -> None:
    vectors = _random_vectors(20)
    copies = (3, 7, 8, 12, 15, 19)  # pupil numbers
    for p in copies:
        vectors[p - 1] = list(COPY)
    report = run(*_profiles(vectors))
    f = one(report, "O13")
    assert (f.level, f.n, f.class_label) == (Level.MEDIUM, 20, "5А")
    assert f.value.startswith("пар: 15 (ожидалось ")
    assert sorted(f.pupils) == list(names("5А", copies))
    assert "по всем 19 заданиям: 15 при ожидаемых" in f.explanation
    assert "крупнейшая группа одинаковых ответов — 6 уч." in f.explanation
    assert status(report, "O13") == CheckStatus("O13", True, "по баллам за задания")


def test_o13_random_class_without_copies_has_no_finding() -> None:
    vectors = _random_vectors(20)
    assert len({tuple(v) for v in vectors}) == 20
    report = run(*_profiles(vectors))
    assert found(report, "O13") == []
    assert status(report, "O13").computed


@pytest.mark.parametrize("vector", [[0.0] * 19, TOPS], ids=["all-zero", "all-full"])
def test_o13_trivial_identical_vectors_do_not_count(vector: list[float]) -> None:
    vectors = _random_vectors(20)
    for p in (3, 7, 8, 12, 15, 19):
        vectors[p - 1] = list(vector)
    assert found(run(*_profiles(vectors)), "O13") == []


def test_o13_two_identical_pupils_are_not_enough() -> None:
    vectors = _random_vectors(20)
    vectors[4] = list(COPY)
    vectors[9] = list(COPY)
    assert found(run(*_profiles(vectors)), "O13") == []


# --------------------------------------------------------------------------------------------
# J1: grade-inflation index


def test_j1_journal_quality_far_above_the_test() -> None:
    # journal «4» for 16 of 20 (80 %); the work «4» for 8 (40 %); «понизили» 8 (40 %: no O1)
    spec = [("4", "4")] * 8 + [("3", "4")] * 8 + [("3", "3")] * 4
    report = run(pairs_class(spec))
    f = one(report, "J1")
    assert (f.level, f.n, f.value, f.threshold) == (Level.MEDIUM, 20, "40,0 п.п.", "≥ 30 п.п.")
    assert f.pupils == names("5А", range(9, 17))
    assert "качество по журналу 80,0 %, по работе 40,0 % у тех же 20 учеников" in f.explanation
    assert found(report, "O1") == []


def test_j1_small_gap_has_no_finding() -> None:
    spec = [("4", "4")] * 12 + [("3", "4")] * 4 + [("3", "3")] * 4
    assert found(run(pairs_class(spec)), "J1") == []


# --------------------------------------------------------------------------------------------
# Wording and the checks.csv export


def test_every_finding_is_hedged_and_sourced_and_exported() -> None:
    rows = (pairs_class(lowered(13, 20) + [("2", "5")], klass="5А", teacher="Иванова И.И.")
            + pairs_class(lowered(2, 20), klass="5Б", teacher="Петров П.П.")
            + pairs_class(lowered(2, 20), klass="5В", teacher="Сидорова С.С."))
    report = run(rows)
    codes = {f.code for f in report.findings}
    assert {"O1", "O2", "J1", "O11"} <= codes
    for f in report.findings:
        assert f.explanation.startswith(HEDGE + ": ")
        assert f"Источник: {f.source}." in f.explanation
    data = checks_csv(report.findings)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("Код;Проверка;Уровень;Школа;Учебный год;Процедура;Класс;Предмет;Учитель;"
                        "n;Значение;Порог;Пояснение")
    body = [line for line in lines[1:] if line]
    assert len(body) == len(report.findings)
    first = report.findings[0]
    assert body[0].startswith(f"{first.code};{first.name};{first.level};{SCHOOL};{YEAR};{VPR};")


def test_findings_are_ordered_high_first() -> None:
    rows = pairs_class(lowered(13, 20), klass="5А") + pairs_class(lowered(10, 20), klass="5Б")
    levels = [f.level for f in run(rows).findings]
    order = {Level.HIGH: 0, Level.MEDIUM: 1, Level.INFO: 2}
    assert levels == sorted(levels, key=order.__getitem__)
    assert levels[0] is Level.HIGH


# --------------------------------------------------------------------------------------------
# Regressions found by review


def test_o3_needs_ten_scored_pairs_not_ten_pairs() -> None:
    # 12 pairs, only 2 of them with a primary score: ρ = −1 over 2 pupils is no evidence
    rows = [row("5А-01", mark="4", journal="5", score=2.0),
            row("5А-02", mark="4", journal="3", score=16.0)]
    rows += [row(f"5А-{i:02d}", mark="4", journal="4") for i in range(3, 13)]
    assert found(run(rows), "O3") == []


def test_finding_value_is_rounded_like_objectivity_csv() -> None:
    # 5 of 16 pairs differ by 2: 31,25 % — objectivity.csv says «31,3»
    f = one(run(pairs_class([("2", "4")] * 5 + [("4", "4")] * 11)), "O2")
    assert f.value == "31,3 %"


# --------------------------------------------------------------------------------------------
# O8, J3, J5


def _regrade(rows: list[Row], grade: int) -> list[Row]:
    return [{**r, "grade": grade} for r in rows]


def test_o8_sharp_fall_of_the_same_cohort() -> None:
    before = [row(f"a{i}", mark="4", journal="4", score=15.0, klass="5А", year="2023/2024")
              for i in range(12)]
    after = _regrade([row(f"b{i}", mark="3", journal="4", score=8.0, klass="6А")
                      for i in range(12)], 6)
    report = run(before + after)
    hits = found(report, "O8")
    assert sorted(f.class_label for f in hits) == ["5А → 6А", "Параллель 5 → 6"]
    f = next(f for f in hits if f.class_label == "5А → 6А")
    # S: 15/20 = 75 % → 8/20 = 40 %: Δ −35 п.п., K = 75/40 = 1,88; 2 units < 20: fallback rule
    assert (f.level, f.year, f.n, f.value) == (Level.MEDIUM, YEAR, 12, "−35,0 п.п. (K = 1,88)")
    assert f.threshold == "|Δ| > 15 п.п. (единиц меньше 20)"
    assert "падение" in f.explanation
    steady = _regrade([row(f"b{i}", mark="4", journal="4", score=14.0, klass="6А")
                       for i in range(12)], 6)
    assert found(run(before + steady), "O8") == []
    assert status(run(after), "O8").computed is False


def _year_marks(klass: str, marks: Sequence[str]) -> list[Row]:
    return [row(f"{klass}-{i:02d}", mark=m, klass=klass, procedure=TERM_PROCEDURE, period="Год")
            for i, m in enumerate(marks, start=1)]


def test_j3_share_of_fives_against_the_parallel_median() -> None:
    rows = (_year_marks("5А", ["5"] + ["4"] * 9) + _year_marks("5Б", ["5"] + ["4"] * 9)
            + _year_marks("5В", ["5"] * 5 + ["4"] * 5))
    f = one(run(rows), "J3")
    # shares 10, 10, 50 %: median 10 %, 50 > 2 × 10 and +40 п.п. → «средний»
    assert (f.class_label, f.level, f.n, f.value) == ("5В", Level.MEDIUM, 10, "50,0 %")
    assert f.threshold == "> 2 × медиана параллели (10,0 %)"
    # 15 % against a median of 5 %: more than twice, but only +10 п.п. → «информация»
    mild = (_year_marks("5А", ["5"] + ["4"] * 19) + _year_marks("5Б", ["5"] + ["4"] * 19)
            + _year_marks("5В", ["5"] * 3 + ["4"] * 17))
    assert one(run(mild), "J3").level is Level.INFO
    even = (_year_marks("5А", ["5"] * 3 + ["4"] * 7) + _year_marks("5Б", ["5"] * 3 + ["4"] * 7))
    assert found(run(even), "J3") == []


def test_j5_absent_share_from_the_class_size() -> None:
    term = _year_marks("5А", ["4"] * 20)
    wrote = [row(f"код{i}", mark="4", journal="4", score=12.0) for i in range(16)]
    f = one(run(term + wrote), "J5")
    assert (f.class_label, f.n, f.value, f.threshold) == ("5А", 20, "20,0 %", "> 10 % не писали")
    assert "писали 16 из 20" in f.explanation
    nearly_all = [row(f"код{i}", mark="4", journal="4", score=12.0) for i in range(19)]
    assert found(run(term + nearly_all), "J5") == []
    assert status(run(wrote), "J5").computed is False


# --------------------------------------------------------------------------------------------
# Review regressions: control works by date, J3 per subject, ВПР scales only for ВПР, O9


def test_two_control_works_of_one_class_stay_two() -> None:
    autumn = [{**row(f"5А-{i:02d}", mark="3", journal="5", score=8.0,
                     procedure="Контрольная работа"), "date": "10.10.2024"} for i in range(12)]
    spring = [{**row(f"5А-{i:02d}", mark="4", journal="4", score=12.0,
                     procedure="Контрольная работа"), "date": "15.04.2025"} for i in range(12)]
    report = run(autumn + spring)
    o1 = one(report, "O1")
    assert (o1.procedure, o1.n, o1.value) == ("Контрольная работа (10.10.2024)", 12, "100,0 %")
    from core.objectivity import objectivity_table

    table = objectivity_table(results_of(autumn + spring))
    assert sorted(set(table["procedure"])) == ["Контрольная работа (10.10.2024)",
                                               "Контрольная работа (15.04.2025)"]


def test_j3_keeps_quarter_only_subjects_when_another_has_year_marks() -> None:
    def quarter(klass: str, marks: Sequence[str]) -> list[Row]:
        return [{**r, "subject": "Физика", "period": "4 четверть"}
                for r in _year_marks(klass, marks)]

    physics = (quarter("5А", ["5"] * 6 + ["4"] * 4) + quarter("5Б", ["5"] + ["4"] * 9)
               + quarter("5В", ["5"] + ["4"] * 9))
    maths_year = _year_marks("5А", ["4"] * 10) + _year_marks("5Б", ["4"] * 10)
    f = one(run(physics + maths_year), "J3")
    assert (f.subject, f.class_label) == ("Физика", "5А")


def test_control_work_histogram_does_not_borrow_the_vpr_scale() -> None:
    rows = [row(f"5А-{i:02d}", mark="3", score=8.0, year="2020/2021",
                procedure="Контрольная работа") for i in range(12)]
    written = pairs_frame(results_of(rows))  # no pairs: journal empty
    assert written.empty
    from core.objectivity import independent_results

    found_bounds = boundaries(independent_results(results_of(rows)))
    assert found_bounds is None or "шкала" not in found_bounds.source


def test_o9_compares_the_exam_with_the_annual_mark() -> None:
    exam = [{**row(f"9А-{i:02d}", mark="3", score=10.0, klass="9А", procedure="ОГЭ"),
             "grade": 9} for i in range(12)]
    annual = [{**r, "grade": 9} for r in (
        row(f"9А-{i:02d}", mark="5" if i < 8 else "3", klass="9А", procedure=TERM_PROCEDURE,
            period="Год") for i in range(12))]
    f = one(run(exam + annual), "O9")
    assert (f.level, f.n, f.value) == (Level.HIGH, 12, "66,7 %")
    assert "годовой отметки" in f.explanation
    assert status(run(exam), "O9").computed is False
