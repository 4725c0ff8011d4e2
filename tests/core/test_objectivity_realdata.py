"""Objectivity on real files: the Altai ВПР 2021 region dumps and the «Сетевой город» Табель.

The reference figures are counted here independently of the readers and of core.objectivity:
the raw cells are read with openpyxl, the official 2021 scale (METHODOLOGY §4.2) is applied to
«всего баллов», pairs are rows with a numeric total and a journal mark 2–5, and a pupil is one
row. The product's primary score is Σ task points (METHODOLOGY §4.1), which differs from «всего
баллов» in 8 rows (математика 5) and 30 rows (русский 6): the shares may differ by at most
0.1 п.п. (the «Done when» of the objectivity issue), and a school's row by at most one pupil.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.dataset import build_dataset
from core.model import Dataset, Metadata
from core.objectivity import PARALLEL_TOTAL, objectivity_table, run_checks, term_pairs
from core.objectivity_export import OBJECTIVITY_HEADER
from core.readers import parse_file
from tests.conftest import real_file

ROOT = Path(__file__).resolve().parents[2]
MATH5 = "altai-vpr/2021/5/Проведение работы по математике, 5 класс. ВПР 2021.xlsx"
RUS6 = "altai-vpr/2021/6/Проведение работы по русскому языку, 6 класс. ВПР 2021.xlsx"
TABEL = "netschool-export/tabel_uspevaemosti_8A_anon.xlsx"
SCALE = {MATH5: (7, 11, 15), RUS6: (25, 35, 45)}


def _independent(path: Path, cuts: tuple[int, int, int]) -> dict[str, list[int]]:
    """Per school login: [pairs, понизили, подтвердили, повысили, gap ≥ 2] from raw cells."""
    wb = load_workbook(path, read_only=True)
    try:
        rows = list(wb.active.iter_rows(values_only=True))
    finally:
        wb.close()
    return _count(rows, cuts)


def _count(raw: list[tuple[object, ...]], cuts: tuple[int, int, int]) -> dict[str, list[int]]:
    rows = iter(raw)
    header = [str(h).strip() if h is not None else "" for h in next(rows)]
    school, journal, total = (header.index(h) for h in (
        "логин школы", "отметка за предыдущую четверть/триместр", "всего баллов"))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in rows:
        try:
            score = int(str(row[total]).strip())
        except ValueError:
            continue  # «отсутствовал» and other non-numbers: not written
        mark_j = str(row[journal]).strip()
        if mark_j not in {"2", "3", "4", "5"}:
            continue
        test = 2 + sum(score >= c for c in cuts)
        j = int(mark_j)
        c = counts[str(row[school])]
        c[0] += 1
        c[1] += test < j
        c[2] += test == j
        c[3] += test > j
        c[4] += abs(test - j) >= 2
    return counts


def _dataset(realdata: Path, relative: str, subject: str, grade: int) -> Dataset:
    path = real_file(realdata, relative)
    parsed = parse_file(path.read_bytes(), "upload.xlsx",
                        metadata=Metadata(year="2020/2021", subject=subject, grade=grade))
    return build_dataset([parsed])


@pytest.fixture(scope="module", params=[(MATH5, "Математика", 5), (RUS6, "Русский язык", 6)],
                ids=["математика-5", "русский-6"])
def dump(request: pytest.FixtureRequest, realdata: Path) -> tuple[str, Dataset, dict]:
    relative, subject, grade = request.param
    return (relative, _dataset(realdata, relative, subject, grade),
            _independent(real_file(realdata, relative), SCALE[relative]))


def test_pupil_level_shares_match_an_independent_count(dump: tuple[str, Dataset, dict]) -> None:
    relative, dataset, counted = dump
    table = objectivity_table(dataset.results)
    totals = table[table["class_label"] == PARALLEL_TOTAL]
    ours_pairs = int(totals["pairs"].sum())
    ref = [sum(c[i] for c in counted.values()) for i in range(5)]
    assert abs(ours_pairs - ref[0]) <= 1
    for column, index in (("lowered", 1), ("confirmed", 2), ("raised", 3), ("gap2", 4)):
        ours = float((totals[column] * totals["pairs"]).sum() / ours_pairs)
        assert abs(ours - 100 * ref[index] / ref[0]) <= 0.1, column
    # README figures (same counting rule): 35.4/57.6/7.1 and 36.2/59.1/4.8.
    expected = {MATH5: (35.4, 57.6, 7.1), RUS6: (36.2, 59.1, 4.8)}[relative]
    for column, figure in zip(("lowered", "confirmed", "raised"), expected, strict=True):
        ours = float((totals[column] * totals["pairs"]).sum() / ours_pairs)
        assert abs(ours - figure) <= 0.1, column


def test_per_school_values_match(dump: tuple[str, Dataset, dict]) -> None:
    _relative, dataset, counted = dump
    table = objectivity_table(dataset.results)
    totals = table[table["class_label"] == PARALLEL_TOTAL].set_index("school")
    # Every school's «Итого» row against the raw count; Σ tasks ≠ «всего баллов» may move a
    # pupil across a cut in a handful of schools only.
    off = 0
    for school, (pairs, lowered, _confirmed, raised, _gap) in counted.items():
        row = totals.loc[school]
        same = (int(row["pairs"]) == pairs
                and abs(float(row["lowered"]) - 100 * lowered / pairs) < 1e-9
                and abs(float(row["raised"]) - 100 * raised / pairs) < 1e-9)
        off += not same
    assert len(counted) > 450
    assert off <= 10, off
    # Three named schools, exactly.
    for school in sorted(counted)[:3]:
        pairs, lowered, confirmed, raised, _gap = counted[school]
        row = totals.loc[school]
        assert int(row["pairs"]) == pairs
        assert round(float(row["confirmed"]), 6) == round(100 * confirmed / pairs, 6)


def test_spearman_is_computed_per_school_and_rarely_negative(
        dump: tuple[str, Dataset, dict]) -> None:
    _relative, dataset, _counted = dump
    table = objectivity_table(dataset.results)
    totals = table[table["class_label"] == PARALLEL_TOTAL]
    rho = totals.loc[totals["pairs"] >= 10, "rho"].dropna()
    assert 0.7 <= float(rho.median()) <= 0.8  # METHODOLOGY §5.4: 0.75 and 0.77
    assert int((rho < 0).sum()) <= 1
    assert totals.loc[totals["pairs"] < 10, "rho"].isna().all()


def test_boundary_peak_at_the_three_cut_is_reported(dump: tuple[str, Dataset, dict]) -> None:
    relative, dataset, _counted = dump
    report = run_checks(dataset.results, dataset.tasks)
    region = [f for f in report.findings if f.code == "O4" and "все школы" in f.class_label]
    cut = SCALE[relative][0]
    three = [f for f in region if f"отметки «3» ({cut})" in f.explanation]
    assert len(three) == 1
    assert three[0].n > 23_000
    # README: 469 → 4 010 (математика, 6 → 7) and 159 → 1 871 (русский, 24 → 25), counted on
    # «всего баллов»; Σ tasks moves a few pupils.
    at = int(three[0].explanation.split(f"({cut}) ")[1].split(" ")[0])
    assert abs(at - {MATH5: 4_010, RUS6: 1_871}[relative]) <= 10


def test_region_dump_runs_in_seconds_through_the_cli(realdata: Path, tmp_path: Path) -> None:
    out = tmp_path / "objectivity.csv"
    run = subprocess.run([sys.executable, "-m", "core", "objectivity",
                          str(real_file(realdata, MATH5)), "--out", str(out)], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(OBJECTIVITY_HEADER)
    assert lines[0] == ("Школа;Учебный год;Процедура;Класс;Предмет;Учитель;Пар;Понизили, %;"
                        "Подтвердили, %;Повысили, %;Расхождение ≥2, %;Спирмен ρ")
    first_total = next(line for line in lines if ";Итого;" in line).split(";")
    assert first_total[1] == "2020/2021" and first_total[2] == "ВПР"
    assert "," in first_total[7]  # decimal comma


def test_tabel_term_marks_against_own_average(realdata: Path) -> None:
    """README: 1 854 pairs with the three «0» placeholders; 1 851 without; equal 84.2 %, above
    6.7 % (125), below 9.1 % (168)."""
    path = real_file(realdata, TABEL)
    parsed = parse_file(path.read_bytes(), "upload.xlsx", metadata=Metadata())
    frame = term_pairs(build_dataset([parsed]).results)
    quarters = frame[frame["period"].str.contains("четверть")]
    assert len(quarters) == 1_851
    above = int((quarters["side"] == "above").sum())
    below = int((quarters["side"] == "below").sum())
    assert above == 125
    assert abs(below - 168) <= 3  # the three placeholders were counted by the README
    report = run_checks(parsed.results, parsed.tasks)
    o10 = [f for f in report.findings if f.code == "O10"]
    assert o10, "O10 must find subjects above the 20 % default (English, Russian)"
    subjects = {f.subject for f in o10 if "выше" in f.explanation}
    assert {"Иностранный язык (английский)", "Русский язык"} & subjects
