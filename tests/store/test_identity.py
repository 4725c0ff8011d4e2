"""Who is one child: pupils per school year (codes) or per year and class (names), links across
years made by the store and corrected by the user; pupils go with the uploads that named them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from core.model import Metadata
from core.readers import parse_file
from dashboard import store
from dashboard.models import Pupil, PupilLink
from tests.core.builders import template_bytes

pytestmark = pytest.mark.postgres
SCHOOL = Metadata(school="Школа № 1")


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    eng = store.make_engine(db_url)
    yield eng
    eng.dispose()


def _save(engine: Engine, rows: list[list[object]], name: str) -> int:
    with Session(engine) as s:
        result = store.save_upload(session=s, parsed=parse_file(template_bytes(rows), name,
                                                                metadata=SCHOOL))
        assert result.saved and result.upload_id is not None, result.decision
        s.commit()
        return result.upload_id


def _vpr(year: str, date: str, klass: str, codes: list[str]) -> list[list[object]]:
    return [[year, date, "ВПР", klass, c, "Математика", "", "4", None, None, None] for c in codes]


def _terms(year: str, klass: str, names: list[str]) -> list[list[object]]:
    return [[year, "1 четверть", "Четвертная", klass, n, "Алгебра", "", "5", None, None, None]
            for n in names]


def _pupils(engine: Engine) -> list[tuple[str, str, str]]:
    with Session(engine) as s:
        rows = s.execute(select(Pupil.key, Pupil.class_label, Pupil.year_id)
                         .order_by(Pupil.year_id, Pupil.class_label, Pupil.key)).all()
    return [(str(k), str(c), str(y)) for k, c, y in rows]


def test_participant_codes_reissued_next_year_are_other_children(engine: Engine) -> None:
    _save(engine, _vpr("2023/2024", "15.04.2024", "5А", ["50001", "50002"]), "впр-2024.xlsx")
    _save(engine, _vpr("2024/2025", "17.04.2025", "5Б", ["50001", "50002"]), "впр-2025.xlsx")
    # a code belongs to its year (and not to a class): four children, no links between them
    assert [(k, c) for k, c, _y in _pupils(engine)] == [
        ("50001", ""), ("50002", ""), ("50001", ""), ("50002", "")]
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(PupilLink)).scalar_one() == 0
        data = store.load_dataset(session=s)
    assert data.results.groupby("year")["pupil"].nunique().to_dict() == {
        "2023/2024": 2, "2024/2025": 2}


def test_a_code_keeps_one_child_across_the_subjects_of_a_year(engine: Engine) -> None:
    rows = _vpr("2024/2025", "15.04.2025", "5А", ["50001"])
    rows += [["2024/2025", "17.04.2025", "ВПР", "5А", "50001", "Русский язык", "", "3", None, None,
              None]]
    _save(engine, rows, "впр.xlsx")
    assert [k for k, _c, _y in _pupils(engine)] == ["50001"]


def test_namesakes_in_two_classes_are_two_pupils_and_a_cohort_is_linked(engine: Engine) -> None:
    _save(engine, _terms("2023/2024", "6А", ["Иванов Иван", "Петров Пётр"])
          + _terms("2023/2024", "8Б", ["Иванов Иван"]), "2023-2024.xlsx")
    _save(engine, _terms("2024/2025", "7А", ["Иванов Иван", "Петров Пётр"]), "2024-2025.xlsx")
    assert [(k, c) for k, c, _y in _pupils(engine)] == [
        ("Иванов Иван", "6А"), ("Петров Пётр", "6А"), ("Иванов Иван", "8Б"),
        ("Иванов Иван", "7А"), ("Петров Пётр", "7А")]
    with Session(engine) as s:
        links = store.load_pupil_links(session=s)
    assert links[["from_class", "from_pupil", "to_class", "status"]].values.tolist() == [
        ["6А", "Иванов Иван", "7А", "auto"], ["6А", "Петров Пётр", "7А", "auto"]]


def test_the_user_corrects_a_link_and_it_stays_corrected(engine: Engine) -> None:
    _save(engine, _terms("2023/2024", "6А", ["Иванов Иван", "Иванов Илья"]), "6А.xlsx")
    _save(engine, _terms("2024/2025", "7А", ["Иванов Иван"]), "7А.xlsx")
    with Session(engine) as s:
        links = store.load_pupil_links(session=s)
        assert links["from_pupil"].tolist() == ["Иванов Иван"]
        ids = dict(s.execute(select(Pupil.key, Pupil.id).where(Pupil.class_label == "6А")).all())
        to_id = s.execute(select(Pupil.id).where(Pupil.class_label == "7А")).scalar_one()
        # The school knows better: the 7А «Иванов Иван» was «Иванов Илья» (a spelling fixed).
        store.set_pupil_link(session=s, from_pupil_id=ids["Иванов Илья"], to_pupil_id=to_id)
        s.commit()
        assert store.link_pupils(session=s, school_ids=[1]) == 0  # the rejected one is not remade
        s.commit()
        status = dict(zip(store.load_pupil_links(session=s)["from_pupil"],
                          store.load_pupil_links(session=s)["status"], strict=True))
    assert status == {"Иванов Иван": "rejected", "Иванов Илья": "user"}


def test_deleting_an_upload_removes_the_pupils_it_alone_named(engine: Engine) -> None:
    first = _save(engine, _terms("2024/2025", "7А", ["Иванов Иван"]), "7А.xlsx")
    _save(engine, _terms("2024/2025", "7Б", ["Смирнов Олег"]), "7Б.xlsx")
    with Session(engine) as s:
        assert store.delete_upload(session=s, upload_id=first)
        s.commit()
    assert [k for k, _c, _y in _pupils(engine)] == ["Смирнов Олег"]
