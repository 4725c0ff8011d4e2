"""A database of the first release (tests/fixtures/release1.db, made by that release; see
make_release1_db.py) upgrades in place, on SQLite and on PostgreSQL, and the upgraded schema is
exactly the models'."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData, create_engine, func, select, text
from sqlmodel import Session, SQLModel

from core.model import Metadata
from core.readers import parse_file
from core.summary import summary_table
from dashboard import store
from dashboard.models import Pupil, Result, TaskScore
from tests.core.builders import template_bytes

pytestmark = pytest.mark.postgres

RELEASE1 = Path(__file__).resolve().parents[1] / "fixtures" / "release1.db"


def _copy_release1_into(url: str) -> None:
    """The release-1 rows, table by table, into a database migrated to revision 0001."""
    target = create_engine(url)
    store.migrate(target, "0001")
    source = create_engine(f"sqlite:///{RELEASE1}")
    meta = MetaData()
    meta.reflect(source)
    with source.connect() as src, target.begin() as dst:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            if rows:
                dst.execute(table.insert(), rows)
                if "id" in table.c:
                    dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                     f"(SELECT max(id) FROM {table.name}))"))
    source.dispose()
    target.dispose()


@pytest.fixture
def upgraded(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    if db_url.startswith("sqlite"):
        path = tmp_path / "release1.db"
        shutil.copy(RELEASE1, path)
        url = f"sqlite:///{path}"
    else:
        _copy_release1_into(db_url)
        url = db_url
    engine = store.make_engine(url)  # upgrades to the newest revision
    yield engine
    engine.dispose()


def test_the_upgraded_schema_is_the_models(upgraded: Engine) -> None:
    with upgraded.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0005"
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_merged_pupils_are_split_and_linked(upgraded: Engine) -> None:
    with Session(upgraded) as s:
        data = store.load_dataset(session=s)
        links = store.load_pupil_links(session=s)
    results = data.results
    # release 1 merged the ВПР codes 50001/50002 of 2023/24 and 2024/25, and «Иванов Иван» of 6А,
    # 8Б and 7А, into one pupil each; every result keeps its own child now
    assert len(results) == 15
    school = results[results["school"] == "Школа № 1 (тест)"]
    children = school.assign(child=school["class_label"] + "|" + school["pupil"])
    assert children.groupby("year")["child"].nunique().to_dict() == {"2023/2024": 7,
                                                                      "2024/2025": 4}
    with Session(upgraded) as s:
        per_year = dict(s.execute(select(Pupil.year_id, func.count()).where(Pupil.school_id == 1)
                                  .group_by(Pupil.year_id)).all())
    assert per_year == {1: 7, 2: 4}  # 50001, 50002 and two «Иванов Иван» among 2023/24's 7
    assert links[["from_class", "from_pupil", "to_class"]].values.tolist() == [
        ["6А", "Иванов Иван", "7А"], ["6А", "Петров Пётр", "7А"]]


def test_dates_become_dates_and_works_are_rows_by_date(upgraded: Engine) -> None:
    with Session(upgraded) as s:
        held = sorted({d for d in s.execute(select(Result.held_on)).scalars() if d})
        positions = s.execute(select(TaskScore.task, TaskScore.position)
                              .order_by(TaskScore.id)).all()
        table = summary_table(store.mark_counts(session=s))
        lessons = store.load_dataset(session=s).lessons
    assert held == [dt.date(2023, 9, 16), dt.date(2024, 4, 15), dt.date(2024, 5, 15),
                    dt.date(2025, 4, 17)]
    assert [tuple(p) for p in positions] == [("1", 1), ("2", 2)] * 4
    works = table[table["procedure"] == "Контрольная работа"]
    # release 1 saved «Входная КР» and «Итоговая КР» both as «Контрольная работа»: their dates
    # keep them apart now, 2 pupils each
    assert works["period"].tolist() == ["16.09.2023", "15.05.2024"]
    assert works["pupils"].tolist() == [2, 2]
    assert lessons["date"].tolist() == ["04.09.2023", "11.09.2023"]


def test_the_upgraded_database_takes_new_uploads(upgraded: Engine) -> None:
    rows = [["2024/2025", "2 четверть", "Четвертная", "7А", "Иванов Иван", "Алгебра", "", "4",
             None, None, None]]
    parsed = parse_file(template_bytes(rows), "7А.xlsx", metadata=Metadata(school="Школа № 1 (тест)"))
    with Session(upgraded) as s:
        assert store.save_upload(session=s, parsed=parsed).saved
        s.commit()
        ivanov = store.load_dataset(session=s).results.query(
            "class_label == '7А' and pupil == 'Иванов Иван'")
    assert sorted(ivanov["period"]) == ["1 четверть", "2 четверть"]
