"""The store on SQLite and on a real PostgreSQL server (the `db_url` fixture runs each test on both)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, inspect, select
from sqlmodel import Session

from core.exports import summary_csv
from core.intake import IntakeStatus
from core.model import Metadata, ParsedFile
from core.readers import parse_file
from core.summary import count_summary, fill_teachers, summary_table
from dashboard import services, store
from dashboard.messages import save_message
from dashboard.models import Result, TaskScore, Upload
from tests.core.builders import class_marks, template_bytes

pytestmark = pytest.mark.postgres

VPR_COLUMNS = ("Учебный год", "Период", "Процедура", "Класс", "ФИО или код", "Предмет", "Учитель",
               "Отметка", "Первичный балл", "Максимальный балл", "Отметка по журналу",
               "Задание 1 (1б)", "Задание 2 (2б)")


def _terms(marks: list[str], *, subject: str = "Алгебра", teacher: str = "Иванова И.И.") -> bytes:
    return template_bytes(class_marks("2024/2025", "1 четверть", "8А", subject, teacher, marks))


def _count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


SCHOOL = Metadata(school="Школа № 1")


def _parse(data: bytes, name: str, metadata: Metadata = SCHOOL) -> ParsedFile:
    return parse_file(data, name, metadata=metadata)


@pytest.fixture
def engine(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", db_url)  # the services save into this database
    eng = services.engine()
    yield eng
    eng.dispose()


def test_migrations_create_every_table(engine) -> None:  # type: ignore[no-untyped-def]
    tables = set(inspect(engine).get_table_names())
    assert {"school", "academic_year", "period", "procedure", "school_class", "pupil", "subject",
            "teacher", "teacher_load", "upload", "result", "task_score", "lesson", "destination",
            "column_mapping", "setting", "alembic_version"} <= tables


def test_sql_counts_give_the_same_csv_as_pandas(engine) -> None:  # type: ignore[no-untyped-def]
    parsed = _parse(_terms(["5", "4", "4", "3", "2", "н/а", "осв", ""]), "8А.xlsx")
    assert services.save_file(parsed).saved
    with Session(engine) as s:
        from_sql = summary_csv(summary_table(store.mark_counts(session=s)))
    from_pandas = summary_csv(summary_table(count_summary(parsed.results)))
    assert from_sql == from_pandas
    # 8 pupils; N = 6 (осв and empty out); успеваемость 4/6 = 66.7; качество 3/6 = 50.0;
    # СОУ (100+64+64+36+16+7)/6 = 47.83 → 47,8; средний балл (5+4+4+3+2)/5 = 3.60
    assert ";8;1;2;1;1;1;1;66,7;50,0;47,8;3,60" in from_sql.decode("utf-8-sig")


def test_same_file_twice_adds_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    data = _terms(["5", "4"])  # the same bytes (openpyxl stamps the time into each new file)
    assert services.save_file(_parse(data, "a.xlsx")).saved
    again = services.save_file(_parse(data, "копия.xlsx"))
    assert again.status is IntakeStatus.DUPLICATE and "уже загружен" in save_message(again)[1]
    with Session(engine) as s:
        assert (_count(s, Result), _count(s, Upload)) == (2, 1)


def test_corrected_file_replaces_earlier_scope_after_confirmation(engine) -> None:  # type: ignore[no-untyped-def]
    services.save_file(_parse(_terms(["5", "4", "2"]), "первый.xlsx"))
    corrected = _parse(_terms(["5", "4", "3"]), "исправленный.xlsx")
    refused = services.save_file(corrected)
    assert refused.status is IntakeStatus.CONFLICT and "первый.xlsx" in save_message(refused)[1]
    with Session(engine) as s:
        assert _count(s, Upload) == 1
    done = services.save_file(corrected, replace=True)
    assert done.saved and done.decision is not None
    assert [c.upload.file_name for c in done.decision.conflicts] == ["первый.xlsx"]
    with Session(engine) as s:
        marks = sorted(s.execute(select(Result.mark)).scalars())
        history = store.list_uploads(session=s)
    assert marks == ["3", "4", "5"]
    assert dict(zip(history["file_name"], history["status"], strict=True)) == {
        "исправленный.xlsx": "сохранено", "первый.xlsx": "заменено полностью"}


def test_failed_upload_leaves_earlier_data_untouched(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    services.save_file(_parse(_terms(["5", "4"]), "good.xlsx"))
    with Session(engine) as s:
        before = summary_csv(summary_table(store.mark_counts(session=s)))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    from dataclasses import replace

    from dashboard.store import write

    # the lessons' writer fails after the results were inserted
    monkeypatch.setattr(write, "STORED", tuple(
        replace(t, write=broken) if t.name == "lessons" else t for t in write.STORED))
    other = _parse(_terms(["3", "3", "2"], subject="Геометрия"), "bad.xlsx")
    outcome = services.save_file(other)
    assert outcome.failed and "не изменены" in save_message(outcome)[1]
    with Session(engine) as s:
        assert summary_csv(summary_table(store.mark_counts(session=s))) == before
        assert _count(s, Upload) == 1


def test_task_scores_are_kept_and_deleted_with_their_upload(engine) -> None:  # type: ignore[no-untyped-def]
    rows = [["2024/2025", "15.04.2025", "ВПР", "8А", "40001", "Математика", "", "4", 3, 3, "5", 1, 2],
            ["2024/2025", "15.04.2025", "ВПР", "8А", "40002", "Математика", "", "2", 1, 3, "3", "X",
             1]]
    parsed = _parse(template_bytes(rows, columns=VPR_COLUMNS), "vpr.xlsx")
    assert [p.message for p in parsed.problems] == []
    outcome = services.save_file(parsed)
    with Session(engine) as s:
        scores = s.execute(select(TaskScore.task, TaskScore.score, TaskScore.max_score,
                                  TaskScore.attempted).order_by(TaskScore.id)).all()
        assert [tuple(r) for r in scores] == [("1", 1.0, 1.0, True), ("2", 2.0, 2.0, True),
                                              ("1", 0.0, 1.0, False), ("2", 1.0, 2.0, True)]
        journal = store.load_dataset(session=s).results["journal_mark"].tolist()
        assert journal == ["5", "3"]
        assert store.delete_upload(session=s, upload_id=outcome.upload_id) is True
        s.commit()
        assert (_count(s, Result), _count(s, TaskScore), _count(s, Upload)) == (0, 0, 0)
        assert store.delete_upload(session=s, upload_id=12345) is False


def test_teacher_comes_from_the_load_when_the_file_has_none(engine) -> None:  # type: ignore[no-untyped-def]
    load = template_bytes([["2024/2025", "8А", "Алгебра", "Сидорова Анна Петровна"]],
                          columns=("Учебный год", "Класс", "Предмет", "Учитель"), sheet="Нагрузка")
    parsed_load = _parse(load, "нагрузка.xlsx")
    assert parsed_load.layout == "teacher_load"
    services.save_file(parsed_load)
    marks = _parse(_terms(["5", "3"], teacher=""), "marks.xlsx")
    services.save_file(marks)
    with Session(engine) as s:
        counts = store.mark_counts(session=s)
    assert counts["teacher"].tolist() == ["Сидорова А.П."]
    pandas_side = fill_teachers(marks.results, parsed_load.teacher_load)
    assert summary_csv(summary_table(counts)) == summary_csv(
        summary_table(count_summary(pandas_side)))


def test_settings_and_mappings_round_trip(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        store.set_setting(session=s, key="school", value="Лицей № 2")
        store.save_mapping(session=s, signature="abc", mapping={"ФИО": "pupil"})
        s.commit()
        store.set_setting(session=s, key="school", value="Лицей № 3")
        store.save_mapping(session=s, signature="abc", mapping={"Ф.И.О.": "pupil"})
        s.commit()
    with Session(engine) as s:
        assert store.get_setting(session=s, key="school") == "Лицей № 3"
        assert store.get_setting(session=s, key="нет", default=7) == 7
        assert store.load_mapping(session=s, signature="abc") == {"Ф.И.О.": "pupil"}
        assert store.load_mapping(session=s, signature="zzz") is None


def test_results_read_back_as_core_columns(engine) -> None:  # type: ignore[no-untyped-def]
    parsed = _parse(_terms(["5", "н/а"]), "x.xlsx")
    services.save_file(parsed)
    with Session(engine) as s:
        back = store.load_dataset(session=s).results
    cols = ["year", "procedure", "period", "class_label", "pupil", "subject", "teacher", "mark"]
    pd.testing.assert_frame_equal(back[cols].reset_index(drop=True),
                                  parsed.results[cols].reset_index(drop=True))


def test_corrected_teacher_load_replaces_the_earlier_assignment(engine) -> None:  # type: ignore[no-untyped-def]


    def load(teacher: str) -> bytes:
        return template_bytes([["2024/2025", "8А", "Алгебра", teacher],
                               ["2024/2025", "8Б", "Алгебра", "Орлова О.О."]],
                              columns=("Учебный год", "Класс", "Предмет", "Учитель"))

    meta = Metadata(school="Школа № 1")
    services.save_file(_parse(load("Петров П.П."), "нагрузка.xlsx", metadata=meta))
    fixed = _parse(load("Сидоров С.С."), "нагрузка-испр.xlsx", metadata=meta)
    refused = services.save_file(fixed)
    assert refused.status is IntakeStatus.CONFLICT and "нагрузка.xlsx" in save_message(refused)[1]
    assert services.save_file(fixed, replace=True).saved
    with Session(engine) as s:
        teachers = store.load_dataset(session=s).teacher_load.sort_values("class_label")["teacher"]
        history = store.list_uploads(session=s)
    # both rows of the first load had the same scope as the corrected one → replaced entirely
    assert teachers.tolist() == ["Сидоров С.С.", "Орлова О.О."]
    assert dict(zip(history["file_name"], history["status"], strict=True)) == {
        "нагрузка-испр.xlsx": "сохранено", "нагрузка.xlsx": "заменено полностью"}


def test_another_subgroup_of_the_same_class_adds_without_conflict(engine) -> None:  # type: ignore[no-untyped-def]
    def group(pupils: list[str], marks: list[str]) -> bytes:
        return template_bytes([["2024/2025", "1 четверть", "Четвертная", "8А", p, "Информатика",
                                "", m, None, None, None] for p, m in zip(pupils, marks, strict=True)])

    first = group(["Ученик 01", "Ученик 02"], ["5", "4"])
    second = group(["Ученик 03", "Ученик 04"], ["3", "2"])  # other pupils: another subgroup
    assert services.save_file(_parse(first, "группа-1.xlsx")).saved
    assert services.save_file(_parse(second, "группа-2.xlsx")).saved
    corrected = group(["Ученик 03", "Ученик 04"], ["3", "3"])  # the second group corrected
    assert services.save_file(_parse(corrected, "группа-2-испр.xlsx")).status is IntakeStatus.CONFLICT
    with Session(engine) as s:
        counts = store.mark_counts(session=s)
    # both groups in one class × subject × period: 4 pupils, «5», «4», «3», «2»
    assert counts[["pupils", "n5", "n4", "n3", "n2"]].sum().tolist() == [4, 1, 1, 1, 1]


def test_a_retake_supersedes_the_first_try_in_every_scope(engine) -> None:  # type: ignore[no-untyped-def]
    rows = [["2024/2025", "20.05.2025", "ОГЭ", "9А", "Петров Пётр", "Математика", "Кузнецова К.К.",
             "2", None, None, None],
            ["2024/2025", "25.6.2025", "ОГЭ", "9А", "Петров Пётр", "Математика", "Смирнова С.С.",
             "3", None, None, None],
            ["2024/2025", "16.9.2024", "Входная КР", "9А", "Петров Пётр", "Математика", "", "4",
             None, None, None]]
    parsed = _parse(template_bytes(rows), "огэ.xlsx")
    assert services.save_file(parsed).saved
    from core.model import Scope

    for scope, expected in [
        (Scope(), {"ОГЭ": (0, 1), "Входная КР": (0, 0)}),
        # the first try's teacher: the pupil's result that counts is the retake (Смирнова)
        (Scope.of(teacher="Кузнецова К.К."), {}),
        (Scope.of(teacher="Смирнова С.С."), {"ОГЭ": (0, 1)}),
        (Scope.of(period="20.05.2025"), {}),
        (Scope.of(period="25.06.2025"), {"ОГЭ": (0, 1)}),
        (Scope.of(period="16.9.2024"), {"Входная КР": (0, 0)}),  # a date however written
    ]:
        with Session(engine) as s:
            from_sql = summary_table(store.mark_counts(session=s, scope=scope))
        from_pandas = summary_table(count_summary(parsed.results, scope))
        pd.testing.assert_frame_equal(from_sql, from_pandas, obj=str(scope))
        got = {r["procedure"]: (r["n2"], r["n3"]) for r in from_sql.to_dict("records")}
        assert got == expected, scope


def test_the_data_version_changes_even_when_an_upload_id_is_reused(engine) -> None:  # type: ignore[no-untyped-def]
    first = services.save_file(_parse(_terms(["5", "5", "5", "5"]), "пятёрки.xlsx"))
    assert first.saved
    before = services.data_version()
    assert services.summary()["n5"].tolist() == [4]
    assert services.delete_upload(first.upload_id)
    assert services.save_file(_parse(_terms(["2", "2", "2", "2"]), "двойки.xlsx")).saved
    after = services.data_version()
    # the same number of uploads and results, and SQLite may give the new upload the same id
    assert (after[0], after[2]) == (before[0], before[2]) and after != before
    assert services.summary()["n2"].tolist() == [4]


def test_a_replaced_file_leaves_no_pupils_and_can_be_saved_again(engine) -> None:  # type: ignore[no-untyped-def]
    def names(spelling: list[str], marks: list[str]) -> bytes:
        return template_bytes([["2024/2025", "1 четверть", "Четвертная", "8А", p, "Алгебра", "",
                                m, None, None, None] for p, m in zip(spelling, marks, strict=True)])

    v1 = names(["Иванов Иван", "Петров Пётр"], ["5", "4"])
    v2 = names(["ИВАНОВ  ИВАН", "ПЕТРОВ ПЁТР"], ["4", "4"])
    assert services.save_file(_parse(v1, "v1.xlsx")).saved
    assert services.save_file(_parse(v2, "v2.xlsx")).status is IntakeStatus.CONFLICT
    assert services.save_file(_parse(v2, "v2.xlsx"), replace=True).saved
    from dashboard.models import Pupil

    with Session(engine) as s:
        assert sorted(s.execute(select(Pupil.key)).scalars()) == ["ИВАНОВ  ИВАН", "ПЕТРОВ ПЁТР"]
    # v1 holds nothing now: saving it again is a correction back, not «уже загружен»
    back = services.save_file(_parse(v1, "v1.xlsx"), replace=True)
    assert back.saved, back.status
    assert services.summary()["n5"].tolist() == [1]
