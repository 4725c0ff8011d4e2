"""Parse → save → ``load_dataset`` gives back the parsed tables, on SQLite and on PostgreSQL, for
every real file with results in ../shared/realdata and for the demonstration school; and the
store's SQL filter and counts by scope agree with the pandas twins in the core."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from core.dataset import build_dataset
from core.intake import IntakeStatus
from core.model import PUPIL_KEY, TABLES, Dataset, Metadata, ParsedFile, Scope
from core.readers import parse_file
from core.readers.filename import propose_metadata
from core.summary import count_summary, summary_table
from dashboard import ingest, store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SCHOOL = "Школа (проверка)"
# What a file still lacks is given as the upload page would ask for it.
GIVEN = {"vpr-analizer-form/base_form.xlsx": Metadata(year="2024/2025", subject="Математика",
                                                      grade=5)}


def _real_files(realdata: Path) -> list[ParsedFile]:
    paths = sorted(p for p in realdata.rglob("*") if p.suffix.lower() in {".xlsx", ".xls", ".csv"}
                   and "Описание_работ" not in p.parts)
    files = []
    for path in paths:
        rel = str(path.relative_to(realdata))
        given = GIVEN.get(rel, Metadata())
        meta = replace(propose_metadata(rel), school=SCHOOL, **{
            k: v for k, v in vars(given).items() if v})
        files.append(parse_file(path.read_bytes(), path.name, metadata=meta))
    # 2 NetSchool exports, 1 ВПР form, 21 protocols of 2022, 3 dumps of 2021 and 1 of 2020
    assert len(files) == 28
    return files


def _demo_files() -> list[ParsedFile]:
    return [parse_file(p.read_bytes(), p.name, metadata=Metadata(school=ingest.DEMO_SCHOOL))
            for p in ingest.demo_files()]


def _save_all(engine: Engine, files: list[ParsedFile]) -> None:
    for parsed in files:
        with Session(engine) as session:
            result = store.save_upload(session=session, parsed=parsed)
            assert result.saved, (parsed.file_name, result.decision.status)
            session.commit()


def _keyed(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """Each table sorted on its content, with the result row ids (which differ: file order vs
    database ids) replaced by the result's key and source row."""
    results = dataset.results
    ident = [*PUPIL_KEY, "source_sheet", "source_row"]
    keys = results[["row_id", *ident]].astype(str)
    key_of = dict(zip(keys["row_id"], keys[ident].agg("|".join, axis=1), strict=True)
                  ) if not keys.empty else {}
    out = {"results": results.drop(columns="row_id")}
    tasks = dataset.tasks.copy()
    tasks["row_id"] = tasks["row_id"].astype(str).map(key_of)
    out["tasks"] = tasks
    for name in ("lessons", "teacher_load", "destinations", "task_catalog", "reference"):
        out[name] = dataset.table(name)
    return {name: frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)
            for name, frame in out.items()}


def _assert_same(loaded: Dataset, parsed: Dataset) -> None:
    back, expected = _keyed(loaded), _keyed(parsed)
    for name in TABLES:
        pd.testing.assert_frame_equal(back[name], expected[name], check_dtype=True, obj=name)


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    eng = store.make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.mark.realdata
def test_every_real_results_file_comes_back_as_parsed(engine: Engine, realdata: Path) -> None:
    files = _real_files(realdata)
    _save_all(engine, files)
    with Session(engine) as s:
        loaded = store.load_dataset(session=s)
    parsed = build_dataset(files)
    # levels and order of tasks come back: every task has its place in its file
    assert (loaded.tasks["position"] > 0).all()
    _assert_same(loaded, parsed)


def test_the_demonstration_school_comes_back_and_scopes_agree(engine: Engine) -> None:
    files = _demo_files()
    _save_all(engine, files)
    parsed = build_dataset(files)
    with Session(engine) as s:
        _assert_same(store.load_dataset(session=s), parsed)
        teacher = sorted({t for t in parsed.results["teacher"] if t and "," not in t})[0]
        scopes = [
            Scope.of(year="2024/2025"),
            Scope.of(year="2023/2024", procedure="ВПР", subjects=["Математика", "Русский язык"]),
            Scope.of(classes=["5А", "8Б"], period="1 четверть"),
            Scope.of(teacher=teacher),
            Scope.of(procedure="ОГЭ"),
        ]
        for scope in scopes:
            expected = parsed.filter(scope)
            assert not expected.results.empty, scope
            _assert_same(store.load_dataset(session=s, scope=scope), expected)
            from_sql = summary_table(store.mark_counts(session=s, scope=scope))
            from_pandas = summary_table(count_summary(parsed.results, scope))
            pd.testing.assert_frame_equal(from_sql, from_pandas, obj=str(scope))


def test_task_levels_and_order_come_back(engine: Engine) -> None:
    """The Ф1 report gives each task's level (Б/П/В); no real file of that kind is at hand, so
    the levels are set on a parsed protocol (as the Ф1 reader sets them) and read back."""
    columns = ("Учебный год", "Период", "Процедура", "Класс", "ФИО или код", "Предмет", "Учитель",
               "Отметка", "Первичный балл", "Максимальный балл", "Отметка по журналу",
               "Задание 2 (1б)", "Задание 1 (2б)", "Задание 3 (1б)")
    from tests.core.builders import template_bytes

    rows = [["2024/2025", "15.04.2025", "ВПР", "5А", code, "Математика", "", "4", 3, 4, "", 1, 1, 1]
            for code in ("50001", "50002")]
    parsed = parse_file(template_bytes(rows, columns=columns), "ф1.xlsx",
                        metadata=Metadata(school=SCHOOL))
    levels = {"2": "Б", "1": "П", "3": "В"}
    parsed = replace(parsed, tasks=parsed.tasks.assign(level=parsed.tasks["task"].map(levels)))
    assert parsed.tasks["position"].tolist() == [1, 2, 3, 1, 2, 3]  # the file's column order
    _save_all(engine, [parsed])
    with Session(engine) as s:
        loaded = store.load_dataset(session=s)
    _assert_same(loaded, build_dataset([parsed]))
    assert loaded.tasks[["task", "level", "position"]].values.tolist()[:3] == [
        ["2", "Б", 1], ["1", "П", 2], ["3", "В", 3]]


def _descriptions(realdata: Path) -> list[ParsedFile]:
    """Four real work descriptions as the upload page saves them (the year given by the user):
    6/Обществознание (1 031 rows → 17 tasks) with its КТ and КЭС dictionaries, and 8/Математика
    (no codes)."""
    files = []
    for rel in ("6/Обществознание/ALL.xlsx", "6/Обществознание/KT.xlsx",
                "6/Обществознание/KS.xlsx", "8/Математика/ALL.xlsx"):
        path = realdata / "altai-vpr" / "Описание_работ" / rel
        meta = replace(propose_metadata(rel), year="2020/2021")
        files.append(parse_file(path.read_bytes(), path.name, metadata=meta))
    return files


@pytest.mark.realdata
def test_work_descriptions_come_back_and_are_replaced_and_deleted(engine: Engine,
                                                                   realdata: Path) -> None:
    files = _descriptions(realdata)
    _save_all(engine, files)
    with Session(engine) as s:
        _assert_same(store.load_dataset(session=s), build_dataset(files))
        # the scope's academic year names the ВПР year: «2020/2021» keeps the 2021 descriptions
        scoped = store.load_dataset(session=s, scope=Scope.of(year="2020/2021",
                                                              subject="Обществознание"))
        _assert_same(scoped, build_dataset(files).filter(Scope.of(year="2020/2021",
                                                                   subject="Обществознание")))
        assert len(scoped.task_catalog) == 17 + 15 + 29
        assert store.load_dataset(session=s, scope=Scope.of(year="2021/2022")).task_catalog.empty
        uploads = store.list_uploads(session=s)
    assert sorted(uploads["task_catalog"]) == [15, 17, 20, 29]
    # the same work's tasks again (another file): a conflict, then a replacement of its tasks only
    again = replace(files[0], file_name="ALL (исправленный).xlsx", sha256="другой")
    with Session(engine) as s:
        assert store.save_upload(session=s, parsed=again).decision.status is IntakeStatus.CONFLICT
        s.rollback()
    with Session(engine) as s:
        assert store.save_upload(session=s, parsed=again, replace=True).saved
        s.commit()
        catalog = store.load_dataset(session=s).task_catalog
        statuses = store.list_uploads(session=s).set_index("file_name")["status"]
    assert (catalog["part"] == "tasks").sum() == 17 + 20 and len(catalog) == 17 + 15 + 29 + 20
    assert statuses["ALL.xlsx"].tolist().count("заменено полностью") == 1
    with Session(engine) as s:
        upload_id = int(store.list_uploads(session=s).iloc[0]["id"])
        assert store.delete_upload(session=s, upload_id=upload_id)
        s.commit()
        assert len(store.load_dataset(session=s).task_catalog) == 15 + 29 + 20


def _reference_files() -> list[ParsedFile]:
    """The reference template (РФ, регион, муниципалитет of ВПР 2024/2025 Математика 4) and a
    region row of Русский язык 5 with two tasks."""
    from core.template import reference_template_xlsx
    from tests.core.readers_builders import xlsx_bytes

    header = ("Учебный год", "Процедура", "Предмет", "Параллель", "Уровень", "Участников",
              "Средний первичный балл", "SD", "% понизили", "Задание 1, %", "Задание 2, %")
    other = xlsx_bytes({"Данные": [header, ("2024/2025", "ВПР", "Русский язык", 5, "Регион",
                                            900, 20.5, None, 25.0, 71.5, None)]})
    return [parse_file(reference_template_xlsx(), "Справочные.xlsx"),
            parse_file(other, "Регион русский.xlsx")]


def test_reference_rows_come_back_and_are_replaced_and_deleted(engine: Engine) -> None:
    files = _reference_files()
    _save_all(engine, files)
    with Session(engine) as s:
        _assert_same(store.load_dataset(session=s), build_dataset(files))
        scoped = store.load_dataset(session=s, scope=Scope.of(year="2024/2025",
                                                              subject="Русский язык"))
        _assert_same(scoped, build_dataset(files).filter(Scope.of(year="2024/2025",
                                                                   subject="Русский язык")))
        assert scoped.reference["tasks"].tolist() == ["1=71.5"]
        assert store.load_dataset(session=s, scope=Scope.of(year="2023/2024")).reference.empty
        uploads = store.list_uploads(session=s)
    assert sorted(uploads["reference"]) == [1, 3]
    # the same region row again (another file): a conflict, then a replacement of that row only
    region = files[0].reference[files[0].reference["level"] == "регион"].assign(lowered=40.0)
    again = replace(files[0], file_name="Регион (исправленный).xlsx", sha256="другой",
                    reference=region.reset_index(drop=True))
    with Session(engine) as s:
        decision = store.save_upload(session=s, parsed=again).decision
        assert decision.status is IntakeStatus.CONFLICT
        assert {c.reason for c in decision.conflicts} == {"reference"}
        s.rollback()
    with Session(engine) as s:
        assert store.save_upload(session=s, parsed=again, replace=True).saved
        s.commit()
        reference = store.load_dataset(session=s).reference
        statuses = store.list_uploads(session=s).set_index("file_name")["status"]
    assert len(reference) == 4
    assert reference.set_index(["subject", "level"])["lowered"][("Математика", "регион")] == 40.0
    assert statuses["Справочные.xlsx"] == "заменено частично"
    with Session(engine) as s:
        upload_id = int(store.list_uploads(session=s).set_index("file_name")["id"][
            "Регион русский.xlsx"])
        assert store.delete_upload(session=s, upload_id=upload_id)
        s.commit()
        assert store.load_dataset(session=s).reference["subject"].tolist() == ["Математика"] * 3
