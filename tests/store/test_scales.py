"""A ВПР protocol saved without a scale has no marks; a scale the user adds later derives the marks
of the saved rows in place, records which scale did it, and never touches a mark the file gave
(METHODOLOGY §4.1). On SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import scales
from core.model import Metadata
from core.readers import parse_file
from core.scales import scale_from_form
from dashboard import services
from tests.conftest import real_file
from tests.core.builders import template_bytes

pytestmark = pytest.mark.postgres

SCHOOL = "Школа № 1"
# Made up for the tests (not an official scale): ВПР 2022 География 7, max 35 = Σ of the header
# maxima of altai-vpr/2022/7/География.xlsx.
GEO = {2: "0–10", 3: "11–20", 4: "21–29", 5: "30–35"}


@pytest.fixture
def engine(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", db_url)
    # The product as released with the 2021 scales only: core/data/vpr_scales.csv grows as
    # official scales are transcribed, and these tests are about a protocol without one.
    shipped = tuple(s for s in scales.load_scales() if s.year == 2021)
    monkeypatch.setattr(scales, "load_scales", lambda: shipped)
    eng = services.engine()
    yield eng
    eng.dispose()


def _geography(realdata: Path) -> None:
    path = real_file(realdata, "altai-vpr/2022/7/География.xlsx")
    parsed = parse_file(path.read_bytes(), path.name,
                        metadata=Metadata(school=SCHOOL, subject="География", grade=7))
    assert services.save_file(parsed).saved


def _scale(**change: object) -> scales.Scale:
    fields: dict[str, object] = {"year": 2022, "subject": "География", "grade": 7, "bands": GEO,
                                 "max_total": 35, "source": "проверочная шкала", **change}
    scale, errors = scale_from_form(**fields)  # type: ignore[arg-type]
    assert scale is not None, errors
    return scale


def _band(score: float) -> str:
    return "2" if score <= 10 else "3" if score <= 20 else "4" if score <= 29 else "5"


def test_adding_a_scale_derives_the_marks_of_saved_results(engine, realdata: Path) -> None:  # type: ignore[no-untyped-def]
    _geography(realdata)
    before = services.dataset().results
    # 6 written pupils (openpyxl count of rows whose «Вариант» is not «отсутствовал»), primary
    # scores 22–34; the year is the school year of «Дата загрузки» 2022
    assert len(before) == 6 and set(before["year"]) == {"2021/2022"}
    assert set(before["mark"]) == {""} and set(before["mark_scale"]) == {""}
    missing = services.missing_scales()
    assert [(m.year, m.subject, m.grade, m.results) for m in missing] == [
        (2022, "География", 7, 6)]

    scale = _scale()
    change = services.save_user_scale(scale)
    assert (change.marked, change.unmarked) == (6, 0)
    after = services.dataset().results  # the cache follows the data revision
    assert after["mark"].tolist() == [_band(s) for s in after["primary_score"]]
    assert set(after["mark_scale"]) == {scale.label}
    assert services.missing_scales() == []
    assert services.scale_usage() == {scale.label: 6}
    assert services.user_scales() == (scale,)

    # an edited scale derives them again, by its new bands
    edited = _scale(bands={2: "0–22", 3: "23–28", 4: "29–31", 5: "32–35"}, source="исправлено")
    assert services.save_user_scale(edited, replaces=scale.key).marked == 6
    again = services.dataset().results
    assert sorted(zip(again["primary_score"], again["mark"], strict=True)) == [
        (22.0, "2"), (28.0, "3"), (30.0, "4"), (31.0, "4"), (33.0, "5"), (34.0, "5")]
    assert set(again["mark_scale"]) == {edited.label}

    # deleting it leaves no scale: the marks it gave are removed, primary scores stay
    deleted = services.delete_user_scale(edited.key)
    assert deleted is not None and (deleted.marked, deleted.unmarked) == (0, 6)
    gone = services.dataset().results
    assert set(gone["mark"]) == {""} and set(gone["mark_scale"]) == {""}
    assert gone["primary_score"].notna().all()
    assert services.user_scales() == ()
    assert services.delete_user_scale(edited.key) is None


def test_a_mark_given_by_the_file_is_never_derived_again(engine) -> None:  # type: ignore[no-untyped-def]
    # A template with the ВПР mark filled (a report's «Отметка»): 30 would be «5» by the scale.
    data = template_bytes([
        ["2021/2022", "20.04.2022", "ВПР", "7А", "Иванов Иван", "География", "", "3", 30, 35, ""],
        ["2021/2022", "20.04.2022", "ВПР", "7А", "Петров Пётр", "География", "", "", 30, 35, ""],
    ])
    assert services.save_file(parse_file(data, "7А.xlsx",
                                         metadata=Metadata(school=SCHOOL))).saved
    change = services.save_user_scale(_scale())
    assert change.marked == 1
    rows = services.dataset().results.set_index("pupil")
    assert (rows.loc["Иванов Иван", "mark"], rows.loc["Иванов Иван", "mark_scale"]) == ("3", "")
    assert rows.loc["Петров Пётр", "mark"] == "5"
    services.delete_user_scale(_scale().key)
    assert services.dataset().results.set_index("pupil").loc["Иванов Иван", "mark"] == "3"


def test_a_file_saved_after_the_scale_gets_its_marks(engine, realdata: Path) -> None:  # type: ignore[no-untyped-def]
    scale = _scale()
    assert services.save_user_scale(scale).marked == 0  # nothing saved yet
    _geography(realdata)  # read without the user's scales, as a page read before the scale
    results = services.dataset().results
    assert results["mark"].tolist() == [_band(s) for s in results["primary_score"]]
    assert set(results["mark_scale"]) == {scale.label}
