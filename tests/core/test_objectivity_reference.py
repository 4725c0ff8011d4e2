"""Objectivity checks with reference rows (core/objectivity.py ``run_checks(reference=…)``,
METHODOLOGY §5.2, §5.5 O1/O5/O7) on small hand-made frames; the builders are those of
test_objectivity_checks.py (grade 5, Математика, ВПР 2024/2025)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.model import normalise_table
from core.objectivity import Level, Report, run_checks
from core.thresholds import Thresholds
from tests.core.test_objectivity_checks import (
    HEDGE,
    SCHOOL,
    SUBJECT,
    VPR,
    YEAR,
    Row,
    found,
    lowered,
    no_tasks,
    one,
    pairs_class,
    results_of,
    row,
    status,
    tasks_of,
)


def reference(*levels: dict[str, object]) -> pd.DataFrame:
    """Reference rows of the builders' work (ВПР 2024/2025, Математика, grade 5)."""
    return normalise_table("reference", pd.DataFrame([
        {"year": YEAR, "procedure": VPR, "subject": SUBJECT, "grade": 5, **lv} for lv in levels]))


def run(rows: Sequence[Row], tasks: pd.DataFrame | None = None, *,
        ref: pd.DataFrame | None = None, thresholds: Thresholds | None = None) -> Report:
    report = run_checks(results_of(rows), no_tasks() if tasks is None else tasks,
                        thresholds=thresholds, reference=ref)
    for finding in report.findings:
        assert finding.explanation.startswith(HEDGE), finding
    return report


# --------------------------------------------------------------------------------------------
# O1: «понизили» ≥ reference + 15 п.п.


def test_o1_with_a_region_row_flags_from_the_region_plus_fifteen() -> None:
    # 10 of 20 lowered = 50 % ≥ 45 % would be medium without reference; the region has 32,3 %,
    # so the rule is ≥ 47,3 %: still medium, with the region named in the threshold.
    report = run(pairs_class(lowered(10, 20)), ref=reference({"level": "регион",
                                                                "lowered": 32.3}))
    f = one(report, "O1")
    assert (f.level, f.value) == (Level.MEDIUM, "50,0 %")
    assert f.threshold == "≥ регион 32,3 % + 15 п.п."
    assert "регион: 32,3 %" in f.explanation


def test_o1_below_the_reference_plus_margin_has_no_finding() -> None:
    # 50 % < RF 40 % + 15 п.п. = 55 %
    report = run(pairs_class(lowered(10, 20)), ref=reference({"level": "РФ", "lowered": 40.0}))
    assert found(report, "O1") == []


def test_o1_a_low_reference_flags_below_the_absolute_threshold() -> None:
    # 8 of 20 = 40 % < 45 % (no finding without reference) but ≥ municipality 20 % + 15 = 35 %
    rows = pairs_class(lowered(8, 20))
    assert found(run(rows), "O1") == []
    f = one(run(rows, ref=reference({"level": "муниципалитет", "lowered": 20.0})), "O1")
    assert f.level is Level.MEDIUM and f.threshold == "≥ муниципалитет 20,0 % + 15 п.п."


def test_o1_prefers_the_region_to_the_municipality_and_the_rf() -> None:
    ref = reference({"level": "РФ", "lowered": 10.0}, {"level": "муниципалитет", "lowered": 15.0},
                    {"level": "регион", "lowered": 20.0})
    f = one(run(pairs_class(lowered(8, 20)), ref=ref), "O1")
    assert f.threshold == "≥ регион 20,0 % + 15 п.п."


def test_o1_high_stays_at_the_absolute_sixty_percent() -> None:
    f = one(run(pairs_class(lowered(13, 20)), ref=reference({"level": "регион",
                                                              "lowered": 50.0})), "O1")
    assert (f.level, f.threshold) == (Level.HIGH, "≥ 60 %")


def test_o1_margin_is_a_setting() -> None:
    ref = reference({"level": "регион", "lowered": 32.3})
    assert found(run(pairs_class(lowered(10, 20)), ref=ref,
                     thresholds=Thresholds(reference_margin=20.0)), "O1") == []


def test_o1_reference_of_another_grade_is_not_used() -> None:
    ref = reference({"level": "регион", "lowered": 5.0}).assign(grade=6).astype({"grade": "Int64"})
    assert found(run(pairs_class(lowered(8, 20)), ref=ref), "O1") == []


# --------------------------------------------------------------------------------------------
# O5: (unit − reference) > 0 on П/В tasks and < 0 on Б tasks


def _task_class(n: int) -> list[Row]:
    return [row(f"5А-{i:02d}", mark="4", score=10.0) for i in range(1, n + 1)]


def test_o5_above_the_reference_on_hard_and_below_on_easy_tasks() -> None:
    # task 1 (Б): 7 of 10 = 70 % vs region 80 % → −10 п.п.; task 2 (П): 4 of 10 = 40 % vs 30 %
    # → +10 п.п. Without reference П 40 % < Б 70 %: no finding.
    rows = _task_class(10)
    tasks = tasks_of([(rid, "1", 1.0 if rid <= 7 else 0.0, 1.0, "Б") for rid in range(1, 11)]
                     + [(rid, "2", 1.0 if rid <= 4 else 0.0, 1.0, "П") for rid in range(1, 11)])
    assert found(run(rows, tasks), "O5") == []
    f = one(run(rows, tasks, ref=reference({"level": "регион", "tasks": "1=80;2=30"})), "O5")
    assert (f.level, f.n) == (Level.MEDIUM, 10)
    assert f.value == "П +10,0 п.п., Б −10,0 п.п."
    assert f.threshold == "к регион: П выше, Б ниже"


def test_o5_above_the_reference_everywhere_has_no_finding() -> None:
    rows = _task_class(10)
    tasks = tasks_of([(rid, "1", 1.0 if rid <= 9 else 0.0, 1.0, "Б") for rid in range(1, 11)]
                     + [(rid, "2", 1.0 if rid <= 4 else 0.0, 1.0, "П") for rid in range(1, 11)])
    assert found(run(rows, tasks, ref=reference({"level": "РФ", "tasks": "1=80;2=30"})),
                 "O5") == []


def test_o5_a_reference_without_tasks_keeps_the_hard_versus_easy_rule() -> None:
    rows = _task_class(10)
    tasks = tasks_of([(rid, "1", 1.0 if rid <= 3 else 0.0, 1.0, "Б") for rid in range(1, 11)]
                     + [(rid, "2", 2.0 if rid <= 8 else 0.0, 2.0, "П") for rid in range(1, 11)])
    f = one(run(rows, tasks, ref=reference({"level": "регион", "lowered": 30.0})), "O5")
    assert f.value == "П 80,0 % > Б 30,0 %"


# --------------------------------------------------------------------------------------------
# O7: the school's 95 % CI entirely above the reference CI (t = 1,96)


def _scored_school(scores: Sequence[float]) -> list[Row]:
    return [row(f"5А-{i:02d}", mark="4", score=s) for i, s in enumerate(scores, start=1)]


# 10 pupils: scores 15, 16 alternating → mean 15,5, SD (ddof 1) = √(10·0,25/9) = 0,527,
# CI low = 15,5 − 1,96·0,527/√10 = 15,173.
SCORES = [15.0, 16.0] * 5


def test_o7_runs_for_one_school_with_a_region_row() -> None:
    # region: mean 12, SD 4, n 1600 → upper bound 12 + 1,96·4/40 = 12,196 < 15,173
    report = run(_scored_school(SCORES), ref=reference(
        {"level": "регион", "mean_score": 12.0, "sd": 4.0, "participants": 1600}))
    f = one(report, "O7")
    assert (f.level, f.school, f.n) == (Level.HIGH, SCHOOL, 10)
    assert f.value == "нижняя граница 15,17"
    assert f.threshold == "> верхней границы региона 12,20"
    st = status(report, "O7")
    assert st.computed and st.reason == "по справочным данным (регион)"


def test_o7_school_interval_overlapping_the_reference_has_no_finding() -> None:
    # RF: mean 15, SD 4, n 100 → upper bound 15 + 1,96·0,4 = 15,784 > 15,173
    report = run(_scored_school(SCORES), ref=reference(
        {"level": "РФ", "mean_score": 15.0, "sd": 4.0, "participants": 100}))
    assert found(report, "O7") == []
    assert status(report, "O7").computed


def test_o7_one_school_without_reference_is_not_computed() -> None:
    report = run(_scored_school(SCORES))
    st = status(report, "O7")
    assert not st.computed and "справочные данные" in st.reason
    # a reference row without SD cannot give an interval
    report = run(_scored_school(SCORES), ref=reference({"level": "регион", "mean_score": 12.0,
                                                         "participants": 1600}))
    assert not status(report, "O7").computed


def test_no_reference_keeps_todays_report() -> None:
    rows = pairs_class(lowered(10, 20))
    empty = normalise_table("reference", pd.DataFrame())
    assert run(rows) == run(rows, ref=empty)
