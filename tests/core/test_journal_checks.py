"""J2 (term-to-term jumps the independent work does not confirm) and J4 (journal filling) on
small hand-made frames."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.journal_checks import check_journal_filling, check_term_jumps
from core.model import normalise_table
from core.names import TERM_PROCEDURE

SCHOOL, YEAR = "Школа № 1", "2024/2025"


class Calls:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def __call__(self, code: str, level: str, unit: dict[str, str], **kw: Any) -> None:
        self.items.append({"code": code, "level": level, **unit, **kw})


def _term(period: str, marks: list[str], *, subject: str = "Алгебра") -> list[dict[str, Any]]:
    return [{"school": SCHOOL, "year": YEAR, "procedure": TERM_PROCEDURE, "period": period,
             "class_label": "7А", "grade": 7, "pupil": f"Ученик {i:02d}", "subject": subject,
             "mark": m} for i, m in enumerate(marks, start=1)]


def _results(rows: list[dict[str, Any]]) -> pd.DataFrame:
    numbered = [{**r, "row_id": i} for i, r in enumerate(rows, start=1)]
    return normalise_table("results", pd.DataFrame(numbered))


def _work(marks: list[str]) -> pd.DataFrame:
    return _results([{"school": SCHOOL, "year": YEAR, "procedure": "ВПР", "class_label": "7А",
                      "grade": 7, "pupil": f"К{i}", "subject": "Алгебра", "mark": m}
                     for i, m in enumerate(marks)])


def test_j2_jump_without_an_independent_work_informs() -> None:
    # 1 четверть: 8 of 20 «4/5» (40 %); 2 четверть: 16 of 20 (80 %): +40 п.п.
    rows = _term("1 четверть", ["4"] * 8 + ["3"] * 12) + _term("2 четверть",
                                                               ["4"] * 16 + ["3"] * 4)
    calls = Calls()
    assert check_term_jumps(calls, _results(rows), _work([]), min_n=10)[0]
    [hit] = calls.items
    assert (hit["code"], hit["level"], hit["value"], hit["n"]) == (
        "J2", "информация", "40,0 % → 80,0 %", 20)
    assert "вырос" in hit["text"] and "независимой работы" in hit["text"]


def test_j2_independent_work_decides() -> None:
    rows = _term("1 четверть", ["4"] * 8 + ["3"] * 12) + _term("2 четверть",
                                                               ["4"] * 16 + ["3"] * 4)
    confirms, denies = Calls(), Calls()
    check_term_jumps(confirms, _results(rows), _work(["4"] * 15 + ["3"] * 5), min_n=10)
    assert confirms.items == []  # the work's 75 % confirms the new 80 %
    check_term_jumps(denies, _results(rows), _work(["4"] * 6 + ["3"] * 14), min_n=10)
    assert [(c["level"], c["value"]) for c in denies.items] == [("средний", "40,0 % → 80,0 %")]


def test_j2_ignores_small_changes_and_non_adjacent_terms() -> None:
    calls = Calls()
    rows = _term("1 четверть", ["4"] * 8 + ["3"] * 12) + _term("2 четверть",
                                                               ["4"] * 10 + ["3"] * 10)
    check_term_jumps(calls, _results(rows), _work([]), min_n=10)
    assert calls.items == []  # +10 п.п.
    far = _term("1 четверть", ["4"] * 8 + ["3"] * 12) + _term("3 четверть", ["4"] * 20)
    check_term_jumps(calls, _results(far), _work([]), min_n=10)
    assert calls.items == []
    assert not check_term_jumps(calls, _results(_term("1 четверть", ["4"] * 20)), _work([]),
                                min_n=10)[0]


def _lessons(marks_by_pupil: dict[str, list[str]], dates: list[str]) -> pd.DataFrame:
    rows = [{"school": SCHOOL, "year": YEAR, "class_label": "8А", "pupil": pupil,
             "subject": "Алгебра", "date": date, "lesson_index": 1, "marks": mark,
             "attendance": ""}
            for pupil, marks in marks_by_pupil.items() for date, mark in zip(dates, marks,
                                                                             strict=True)]
    return normalise_table("lessons", pd.DataFrame(rows))


DATES = ["01.04.2025", "08.04.2025", "15.04.2025", "22.04.2025", "29.04.2025", "20.05.2025"]


def test_j4_pupils_with_fewer_than_three_marks() -> None:
    good = ["5", "", "4 4", "", "3", ""]  # 4 marks («4 4» is two)
    thin = ["", "", "4", "", "", "Н"]  # 1 mark
    pupils = {f"Ученик {i:02d}": good for i in range(1, 9)}
    pupils |= {"Ученик 09": thin, "Ученик 10": thin}
    calls = Calls()
    assert check_journal_filling(calls, _lessons(pupils, DATES), _results([]))[0]
    [hit] = calls.items
    assert (hit["code"], hit["level"], hit["value"], hit["n"]) == ("J4", "средний", "20,0 %", 10)
    assert hit["pupils"] == ["Ученик 09", "Ученик 10"]


def test_j4_needs_six_weeks_of_lessons() -> None:
    calls = Calls()
    short = _lessons({"Ученик 01": ["", "4", "", "", "", ""]},
                     ["01.04.2025", "02.04.2025", "03.04.2025", "04.04.2025", "07.04.2025",
                      "08.04.2025"])
    computed, reason = check_journal_filling(calls, short, _results([]))
    assert not computed and "шести недель" in reason and calls.items == []


def test_j4_on_the_real_netschool_report(realdata) -> None:  # type: ignore[no-untyped-def]
    """The «Отчёт об успеваемости» 8А (24.03–24.05.2025, 28 pupils): pupils with fewer than
    three current marks appear in six subjects, at most 4 of 28 each (Геометрия)."""
    from core.model import Metadata
    from core.readers import parse_file
    from tests.conftest import real_file

    path = real_file(realdata, "netschool-export/otchet_uspevaemost_poseshaemost_8A_anon.xlsx")
    parsed = parse_file(path.read_bytes(), "upload.xlsx", metadata=Metadata())
    calls = Calls()
    assert check_journal_filling(calls, parsed.lessons, parsed.results)[0]
    found = {c["subject"]: len(c["pupils"]) for c in calls.items}
    assert len(found) == 6 and found["Геометрия"] == 4
    assert {c["n"] for c in calls.items} == {28}
    assert {c["level"] for c in calls.items} == {"информация"}
