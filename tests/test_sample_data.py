"""The committed demonstration school (sample_data/): it parses cleanly, has the stated size,
regenerates identically, and the planted patterns listed in sample_data/README.md hold.

Every pattern is recomputed here with pandas from the parsed files (core.readers.parse_file),
never from the generator's internals; the rules and thresholds are those of METHODOLOGY §5.5
(O1, O2, O3, O4, O11, O13) and §6.1 (risk / reserve / high-result groups).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from core.model import ParsedFile
from core.problems import Severity
from core.readers import parse_file
from core.summary import count_summary, summary_table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
FILES = (
    "school_2023_2024.xlsx", "school_2024_2025.xlsx", "vpr_2024.xlsx", "vpr_2025.xlsx",
    "exams_2024.xlsx", "exams_2025.xlsx", "teacher_load.xlsx", "template_example_8A.xlsx",
)
Y0, Y1 = "2023/2024", "2024/2025"
MARKS = ("2", "3", "4", "5")


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


def _parse(path: Path) -> ParsedFile:
    return parse_file(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedFile]:
    return {name: _parse(SAMPLE / name) for name in FILES}


@pytest.fixture(scope="module")
def terms(parsed: dict[str, ParsedFile]) -> pd.DataFrame:
    return pd.concat([parsed["school_2023_2024.xlsx"].results,
                      parsed["school_2024_2025.xlsx"].results], ignore_index=True)


@pytest.fixture(scope="module")
def vpr25(parsed: dict[str, ParsedFile]) -> pd.DataFrame:
    return parsed["vpr_2025.xlsx"].results


@pytest.fixture(scope="module")
def tasks25(parsed: dict[str, ParsedFile]) -> pd.DataFrame:
    """Per-pupil task vectors of ВПР 2025: one row per written work, column ``vector``."""
    p = parsed["vpr_2025.xlsx"]
    tasks = p.tasks.copy()
    tasks["order"] = tasks["task"].astype(int)
    vectors = (tasks.sort_values(["row_id", "order"]).groupby("row_id")["score"]
               .agg(lambda s: tuple(int(v) for v in s)).rename("vector"))
    return p.results.join(vectors, on="row_id")


def pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with both a ВПР mark and a journal mark 2–5, as ints (O1–O3 input)."""
    ok = frame["mark"].isin(MARKS) & frame["journal_mark"].isin(MARKS)
    return pd.DataFrame({"vpr": frame.loc[ok, "mark"].astype(int),
                         "journal": frame.loc[ok, "journal_mark"].astype(int),
                         "score": frame.loc[ok, "primary_score"]})


def shares(frame: pd.DataFrame) -> tuple[int, float, float, float]:
    """(pairs, % понизили, % повысили, % |ВПР − журнал| ≥ 2) — METHODOLOGY §5.5 O1, O2."""
    p = pairs(frame)
    n = len(p)
    return (n, 100 * (p["vpr"] < p["journal"]).mean(), 100 * (p["vpr"] > p["journal"]).mean(),
            100 * ((p["vpr"] - p["journal"]).abs() >= 2).mean())


def largest_identical_group(vectors: pd.Series) -> int:
    return int(vectors.value_counts().max()) if len(vectors) else 0


def year_marks(terms: pd.DataFrame, year: str) -> pd.DataFrame:
    return terms[(terms["year"] == year) & (terms["period"] == "Год")]


def quality(marks: pd.Series) -> float:
    """% качества = (n5 + n4) / N, N = marks 2–5 and н/а (METHODOLOGY §2.1)."""
    counted = marks[marks.isin((*MARKS, "н/а"))]
    return 100 * counted.isin(("4", "5")).mean()


# --- files, size, determinism --------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_every_sample_file_parses_without_problems(parsed: dict[str, ParsedFile],
                                                   name: str) -> None:
    problems = parsed[name].problems
    assert not [p for p in problems if p.severity is Severity.ERROR]
    assert not [p for p in problems if "справочник" in p.message]  # no unknown subjects
    assert parsed[name].row_count > 0


def test_total_size_of_generated_files_is_small() -> None:
    total = sum((SAMPLE / name).stat().st_size for name in FILES)
    assert total < 8 * 1024 * 1024


@pytest.mark.parametrize("year", [Y0, Y1])
def test_school_has_about_25_classes_and_600_pupils(terms: pd.DataFrame, year: str) -> None:
    rows = terms[terms["year"] == year]
    assert 24 <= rows["class_label"].nunique() <= 28
    assert 550 <= rows["pupil"].nunique() <= 650
    assert set(rows["grade"].dropna().astype(int)) == set(range(1, 12))


def test_first_grade_is_unmarked_and_gives_no_indicator_rows(terms: pd.DataFrame) -> None:
    first = terms[terms["grade"] == 1]
    assert len(first) > 0 and (first["mark"] == "").all() and (first["period"] == "Год").all()
    table = summary_table(count_summary(terms))
    assert not (table["grade"] == 1).any()
    assert (table["grade"] == 2).any()


def test_pupils_link_between_term_marks_vpr_and_exams(parsed: dict[str, ParsedFile],
                                                      terms: pd.DataFrame) -> None:
    enrolled = set(zip(terms["year"], terms["class_label"], terms["pupil"], strict=True))
    for name in ("vpr_2024.xlsx", "vpr_2025.xlsx", "exams_2024.xlsx", "exams_2025.xlsx"):
        r = parsed[name].results
        written = set(zip(r["year"], r["class_label"], r["pupil"], strict=True))
        assert written <= enrolled, name


def test_vpr_journal_mark_is_the_third_quarter_mark(vpr25: pd.DataFrame,
                                                    terms: pd.DataFrame) -> None:
    q3 = terms[(terms["year"] == Y1) & (terms["period"] == "3 четверть")]
    q3 = q3.assign(subject=q3["subject"].replace({"Алгебра": "Математика"}))
    merged = vpr25.merge(q3[["pupil", "subject", "mark"]], on=["pupil", "subject"],
                         suffixes=("", "_q3"))
    assert len(merged) == len(vpr25)
    numeric = merged["mark_q3"].isin(MARKS)
    assert (merged.loc[numeric, "journal_mark"] == merged.loc[numeric, "mark_q3"]).all()


def test_vpr_task_maxima_sum_to_the_work_maximum(parsed: dict[str, ParsedFile]) -> None:
    for name in ("vpr_2024.xlsx", "vpr_2025.xlsx"):
        p = parsed[name]
        sums = p.tasks.groupby("row_id")[["score", "max_score"]].sum()
        res = p.results.set_index("row_id")
        assert (sums["max_score"] == res.loc[sums.index, "max_score"]).all()
        assert (sums["score"] == res.loc[sums.index, "primary_score"]).all()


def test_regeneration_gives_the_same_content(tmp_path_factory: pytest.TempPathFactory,
                                             parsed: dict[str, ParsedFile]) -> None:
    out = tmp_path_factory.mktemp("sample")
    _load_generator().generate(out)
    for name in FILES:
        again = _parse(out / name)
        for table in ("results", "tasks", "teacher_load"):
            pd.testing.assert_frame_equal(getattr(again, table), getattr(parsed[name], table),
                                          obj=f"{name}: {table}")


# --- planted patterns (sample_data/README.md) ----------------------------------------------


@pytest.mark.parametrize("label", ["6Б", "6В"])
def test_inflating_teacher_classes_show_understated_vpr(vpr25: pd.DataFrame, label: str) -> None:
    # O1 strong: «понизили» ≥ 60 % with ≥ 10 pairs.
    maths = vpr25[(vpr25["class_label"] == label) & (vpr25["subject"] == "Математика")]
    assert set(maths["teacher"]) == {"Соколова Н.П."}
    n, lower, higher, _ = shares(maths)
    assert n >= 10
    assert lower >= 60
    assert higher < 15


def test_inflating_teacher_is_above_school_median_by_20_points(vpr25: pd.DataFrame) -> None:
    # O11: % понизили per teacher × class ≥ school median + 20 п.п. (groups with ≥ 10 pairs).
    rows = []
    for (label, subject, teacher), group in vpr25.groupby(["class_label", "subject", "teacher"]):
        n, lower, _, _ = shares(group)
        if n >= 10:
            rows.append((label, subject, teacher, lower))
    table = pd.DataFrame(rows, columns=["class_label", "subject", "teacher", "lower"])
    median = table["lower"].median()
    flagged = table[table["lower"] >= median + 20]
    sokolova = flagged[flagged["teacher"] == "Соколова Н.П."]
    assert set(sokolova["class_label"]) == {"6Б", "6В"}


def test_clean_class_has_no_high_severity_objectivity_findings(tasks25: pd.DataFrame) -> None:
    clean = tasks25[tasks25["class_label"] == "6А"]
    assert clean["subject"].nunique() == 3
    for subject, group in clean.groupby("subject"):
        n, lower, higher, gross = shares(group)
        assert n >= 10, subject
        assert lower < 45 and higher < 15 and gross < 10, subject  # O1, O2
        p = pairs(group)
        rho = p["journal"].rank().corr(p["score"].rank())  # Spearman with average ranks (O3)
        assert rho >= 0.3, subject
        assert largest_identical_group(group["vector"]) <= 2, subject  # O13


def test_falling_class_loses_20_points_of_quality(terms: pd.DataFrame) -> None:
    now = terms[(terms["year"] == Y1) & (terms["class_label"] == "7А")]
    by_quarter = now.groupby(["subject", "period"])["mark"].agg(quality).unstack("period")
    falling = by_quarter["1 четверть"] - by_quarter["4 четверть"] >= 20
    assert falling.sum() > len(falling) / 2
    before = terms[(terms["year"] == Y0) & (terms["class_label"] == "6А")
                   & (terms["period"] == "4 четверть")]
    last = now[now["period"] == "4 четверть"]
    assert quality(before["mark"]) - quality(last["mark"]) >= 20
    # The same pupils: 6А of 2023/2024 moved up to 7А.
    assert set(last["pupil"]) <= set(before["pupil"]) | set(now["pupil"])


def test_boundary_peak_at_the_three_minimum_in_5v_maths(vpr25: pd.DataFrame) -> None:
    # O4: count(b) / mean(count(b−1), count(b−2)) ≥ 3 and count(b) ≥ 3, b = 7 (Математика 5,
    # scale 2021: «3» from 7 points), n ≥ 20.
    maths = vpr25[(vpr25["class_label"] == "5В") & (vpr25["subject"] == "Математика")]
    counts = maths["primary_score"].astype(int).value_counts()
    at7, at6, at5 = (int(counts.get(b, 0)) for b in (7, 6, 5))
    assert len(maths) >= 20
    assert at7 >= 3
    assert at7 >= 3 * (at5 + at6) / 2


def test_no_boundary_peak_in_the_clean_class(vpr25: pd.DataFrame) -> None:
    from core.scales import find_scale

    clean = vpr25[vpr25["class_label"] == "6А"]
    for subject, group in clean.groupby("subject"):
        scale = find_scale(year=2021, subject=str(subject), grade=6)
        assert scale is not None
        counts = group["primary_score"].astype(int).value_counts()
        for mark in (3, 4):
            b = int(scale.minimum(mark) or 0)
            at_b = int(counts.get(b, 0))
            before = (counts.get(b - 1, 0) + counts.get(b - 2, 0)) / 2
            assert not (at_b >= 3 and at_b >= 3 * before), (subject, mark)


def test_coinciding_task_profiles_in_8b_maths(tasks25: pd.DataFrame) -> None:
    maths = tasks25[tasks25["subject"] == "Математика"]
    copied = maths[maths["class_label"] == "8Б"]
    vector, size = copied["vector"].value_counts().index[0], copied["vector"].value_counts().iloc[0]
    assert 5 <= size <= 6
    # The shared answer string has wrong answers on easy tasks (school-wide completion ≥ 60 %).
    grade8 = maths[maths["grade"] == 8]
    completion = pd.DataFrame(grade8["vector"].tolist()).mean() / pd.Series(vector).clip(lower=1)
    easy_missed = [k for k, points in enumerate(vector) if points == 0 and completion[k] >= 0.6]
    assert easy_missed
    # Elsewhere no class has more than three identical vectors.
    others = tasks25[~((tasks25["class_label"] == "8Б") & (tasks25["subject"] == "Математика"))]
    worst = others.groupby(["class_label", "subject"])["vector"].agg(largest_identical_group)
    assert worst.max() <= 3


def _pupil_year_profile(terms: pd.DataFrame) -> pd.DataFrame:
    year = year_marks(terms, Y1)
    year = year[year["mark"].isin((*MARKS, "н/а"))]
    numeric = year[year["mark"].isin(MARKS)].assign(value=lambda f: f["mark"].astype(int))
    profile = pd.DataFrame({
        "class_label": year.groupby("pupil")["class_label"].first(),
        "bad": year.groupby("pupil")["mark"].agg(lambda s: int(s.isin(("2", "н/а")).sum())),
        "mean": numeric.groupby("pupil")["value"].mean(),
        "threes": numeric.groupby("pupil")["value"].agg(lambda s: int((s == 3).sum())),
        "fours": numeric.groupby("pupil")["value"].agg(lambda s: int((s == 4).sum())),
        "fives_only": numeric.groupby("pupil")["value"].agg(lambda s: bool((s == 5).all())),
    })
    profile["risk"] = (profile["bad"] > 0) | (profile["mean"] < 3.0)
    return profile


def test_reserve_groups_with_one_three_and_one_four(terms: pd.DataFrame) -> None:
    profile = _pupil_year_profile(terms)
    clean = profile[~profile["risk"]]
    one3 = clean[clean["threes"] == 1]
    one4 = clean[(clean["threes"] == 0) & (clean["fours"] == 1)]
    assert len(one3) >= 8 and one3["class_label"].nunique() >= 5
    assert len(one4) >= 5


def test_risk_group(terms: pd.DataFrame, vpr25: pd.DataFrame) -> None:
    profile = _pupil_year_profile(terms)
    risk = profile[profile["risk"]]
    assert 12 <= len(risk) <= 25
    assert risk["class_label"].nunique() >= 10
    vpr_two = set(vpr25.loc[vpr25["mark"] == "2", "pupil"])
    assert len(set(risk.index) & vpr_two) >= 3


def test_high_achievers(terms: pd.DataFrame, vpr25: pd.DataFrame) -> None:
    profile = _pupil_year_profile(terms)
    excellent = set(profile[profile["fives_only"] & ~profile["risk"]].index)
    vpr = vpr25[vpr25["mark"] != ""].groupby("pupil")["mark"].agg(lambda s: bool((s == "5").all()))
    high = excellent & set(vpr[vpr].index)
    assert 8 <= len(high) <= 30


def test_teacher_load_covers_every_class_subject(parsed: dict[str, ParsedFile],
                                                 terms: pd.DataFrame) -> None:
    load = parsed["teacher_load.xlsx"].teacher_load
    assert set(load["year"]) == {Y0, Y1}
    assert 30 <= load["teacher"].nunique() <= 40
    keys = set(zip(load["year"], load["class_label"], load["subject"], strict=True))
    taught = set(zip(terms["year"], terms["class_label"], terms["subject"], strict=True))
    assert taught == keys
    # Each subject teacher of grades 5–11 covers several classes.
    upper = load[load["class_label"].str.extract(r"^(\d+)")[0].astype(int) >= 5]
    per_teacher = upper.groupby(["year", "teacher"])["class_label"].nunique()
    assert (per_teacher >= 2).all()


def test_exams(parsed: dict[str, ParsedFile]) -> None:
    r = parsed["exams_2025.xlsx"].results
    oge, ege = r[r["procedure"] == "ОГЭ"], r[r["procedure"] == "ЕГЭ"]
    assert set(oge["grade"].astype(int)) == {9} and set(ege["grade"].astype(int)) == {11}
    assert oge["mark"].isin(MARKS).all()
    assert (oge.groupby("pupil").size() == 4).all() and (ege.groupby("pupil").size() == 4).all()
    assert (ege["mark"] == "").all() and (ege["max_score"] == 100).all()
    assert ege["primary_score"].between(0, 100).all()
    assert all(d.endswith(".06.2025") for d in r["date"])


def test_template_example_numbers(parsed: dict[str, ParsedFile]) -> None:
    table = summary_table(count_summary(parsed["template_example_8A.xlsx"].results))
    got = {row.subject: (row.n, row.n5, row.n4, row.n3, row.n2, row.n_exempt,
                         round(row.pass_rate, 1), round(row.quality, 1), round(row.sou, 2),
                         round(row.mean, 2))
           for row in table.itertuples()}
    # Hand calculation from the counts (METHODOLOGY §2.1), as in sample_data/README.md:
    # Русский язык 3×5, 12×4, 9×3, 1×2 → N 25; успеваемость 24/25 = 96.0; качество 15/25 = 60.0;
    #   СОУ (300 + 768 + 324 + 16)/25 = 56.32; средний (15 + 48 + 27 + 2)/25 = 3.68
    # Алгебра 4×5, 9×4, 11×3, 1×2 → N 25; 24/25 = 96.0; 13/25 = 52.0;
    #   (400 + 576 + 396 + 16)/25 = 55.52; (20 + 36 + 33 + 2)/25 = 3.64
    # Физическая культура 16×5, 8×4, 1 осв → N 24; 100.0; 100.0; (1600 + 512)/24 = 88.0;
    #   (80 + 32)/24 = 4.67
    assert got == {
        "Русский язык": (25, 3, 12, 9, 1, 0, 96.0, 60.0, 56.32, 3.68),
        "Алгебра": (25, 4, 9, 11, 1, 0, 96.0, 52.0, 55.52, 3.64),
        "Физическая культура": (24, 16, 8, 0, 0, 1, 100.0, 100.0, 88.0, 4.67),
    }
