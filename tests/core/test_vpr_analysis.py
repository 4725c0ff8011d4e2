"""ВПР task analysis with a work description (core/vpr_analysis.py, core/objectivity.task_scores;
METHODOLOGY §4.3–4.4): the description fills levels and maxima, and a skill (КТ) is a system
deficit when more than half of its tasks are "red" (Б < 57 %, П/В < 28.5 %; ФИОКО 2026 §5
p.19). Every expected number is worked out by hand in the comment beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.model import normalise_table, results_frame
from core.objectivity import Report, run_checks, task_scores
from core.vpr_analysis import Work, skill_deficits, task_completion, work_catalog

YEAR = "2024/2025"


def _catalog(rows: list[tuple[str, str, float, str]], *, dictionary: dict[str, str] | None = None,
             year: str = "2025", subject: str = "Математика", grade: int = 4) -> pd.DataFrame:
    tasks = [{"year": year, "subject": subject, "grade": grade, "part": "tasks", "task": t,
              "position": i, "max_score": m, "level": lv, "kt": kt, "skill": f"Умение {t}"}
             for i, (t, lv, m, kt) in enumerate(rows, start=1)]
    codes = [{"year": year, "subject": subject, "grade": grade, "part": "kt", "kt": code,
              "skill": text} for code, text in (dictionary or {}).items()]
    return normalise_table("task_catalog", pd.DataFrame(tasks + codes))


def _work(procedure: str = "ВПР") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two pupils of 4А; task 1 has its maximum in the file (1), tasks 2 and 3 none."""
    results = results_frame([
        {"school": "Ш", "year": YEAR, "procedure": procedure, "class_label": "4А", "grade": 4,
         "pupil": p, "subject": "Математика", "mark": "4", "primary_score": 3,
         "journal_mark": "4", "row_id": i} for i, p in enumerate(("50001", "50002"))])
    tasks = normalise_table("tasks", pd.DataFrame([
        {"row_id": r, "task": t, "score": s, "max_score": m, "attempted": True, "level": "",
         "position": pos}
        for r in (0, 1)
        for pos, (t, s, m) in enumerate((("1", 1, 1.0), ("2", 1, np.nan), ("3", 1, np.nan)),
                                        start=1)]))
    return results, tasks


def test_the_description_fills_levels_and_maxima_the_file_lacks() -> None:
    results, tasks = _work()
    catalog = _catalog([("1", "Б", 5, "1.1"), ("2", "П", 2, "1.1;2.1"), ("3", "Б", 3, "2.1")])
    plain = task_scores(results, tasks)
    assert "kt" not in plain.columns and (plain["level"] == "").all()
    scores = task_scores(results, tasks, catalog).sort_values(["row_id", "position"])
    # task 1: the file's maximum (1) wins over the description's (5); 2 and 3 take 2 and 3
    assert scores["max_score"].tolist() == [1.0, 2.0, 3.0] * 2
    assert scores["level"].tolist() == ["Б", "П", "Б"] * 2
    assert scores["kt"].tolist() == ["1.1", "1.1;2.1", "2.1"] * 2
    assert scores["share"].round(3).tolist() == [1.0, 0.5, 0.333] * 2  # 1/1, 1/2, 1/3


def test_a_description_is_for_its_own_work_only() -> None:
    catalog = _catalog([("1", "Б", 5, "1.1"), ("2", "П", 2, "1.1"), ("3", "Б", 3, "2.1")])
    for results, tasks in (_work("Контрольная работа"), _work()):
        other_year = _catalog([("2", "П", 2, "1.1")], year="2024")
        scores = task_scores(results, tasks, other_year if results["procedure"][0] == "ВПР"
                             else catalog)
        # a control work, or the description of another ВПР year: nothing is filled
        assert (scores["level"] == "").all() and (scores["kt"] == "").all()
        assert scores["max_score"].tolist()[:3] == [1.0, 1.0, 1.0]  # the highest score seen


def test_run_checks_reads_levels_from_the_description() -> None:
    results, tasks = _work()
    catalog = _catalog([("1", "Б", 1, ""), ("2", "П", 2, ""), ("3", "Б", 3, "")])
    def o5(report: Report) -> bool:
        return next(s.computed for s in report.statuses if s.code == "O5")

    assert not o5(run_checks(results, tasks))
    # Б: (1+1)+(1+1) of (1+3)·2 = 4/8 = 50 %; П: 2 of 4 = 50 % — not above Б, no finding
    report = run_checks(results, tasks, catalog=catalog)
    assert o5(report)
    assert not [f for f in report.findings if f.code == "O5"]


def _table(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["task", "level", "completion"])


def test_a_skill_is_a_deficit_when_more_than_half_of_its_tasks_are_red() -> None:
    table = _table([("1", "Б", 50.0),   # red: Б below 57
                    ("2", "П", 20.0),   # red: П below 28.5
                    ("3", "Б", 58.0),   # uncertainty zone 57–60: not red
                    ("4", "П", 30.0),   # mastered
                    ("5", "", 10.0)])   # no level: not judged
    catalog = _catalog([("1", "Б", 1, "1.1;3"), ("2", "П", 2, "1.1;2.1"), ("3", "Б", 1, "2.1;3"),
                        ("4", "П", 2, "2.1"), ("5", "", 1, "1.1")],
                       dictionary={"1.1": "Умение выполнять действия"})
    skills = skill_deficits(table, catalog)
    assert skills["kt"].tolist() == ["1.1", "2.1", "3"]
    # 1.1: tasks 1, 2 judged (5 has no level), both red → 2 > 2/2 → deficit
    # 2.1: tasks 2, 3, 4 → 1 red of 3 → no; 3: tasks 1, 3 → 1 of 2 is not more than half → no
    assert skills["tasks"].tolist() == [2, 3, 2]
    assert skills["red"].tolist() == [2, 1, 1]
    assert skills["deficit"].tolist() == [True, False, False]
    assert skills["red_list"].tolist() == ["1, 2", "2", "1"]
    assert skills["skill"].tolist() == ["Умение выполнять действия", "", ""]


def test_skill_deficits_from_task_scores_of_a_work() -> None:
    results, tasks = _work()
    catalog = _catalog([("1", "Б", 1, "1.1"), ("2", "П", 2, "1.1"), ("3", "Б", 3, "2.1")])
    scores = task_scores(results, tasks, catalog)
    completion = task_completion(scores, [])
    # task 1: 100 %, task 2 (П): 50 %, task 3 (Б): 2 of 6 = 33.3 % → red
    skills = skill_deficits(completion, scores)
    assert skills[["kt", "tasks", "red", "deficit"]].values.tolist() == [
        ["1.1", 2, 0, False], ["2.1", 1, 1, True]]


def test_a_works_description_is_found_by_its_vpr_year() -> None:
    catalog = pd.concat([_catalog([("1", "Б", 1, "")]), _catalog([("1", "П", 1, "")], grade=5)])
    found = work_catalog(catalog, Work(YEAR, "ВПР", "Математика", 4))
    assert found["level"].tolist() == ["Б"]
    assert work_catalog(catalog, Work(YEAR, "Контрольная работа", "Математика", 4)).empty
