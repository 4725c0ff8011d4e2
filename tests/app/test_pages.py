"""Every listed page renders without an exception (generated from the page list), empty and
with data; the upload → overview journey inside AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.exports import summary_csv
from core.model import Metadata
from core.readers import parse_file
from core.summary import count_summary, summary_table
from dashboard import services
from dashboard.navigation import PAGES, page_path
from tests.app.conftest import APP, shown
from tests.core.builders import class_marks, template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARKS = ["5", "5", "4", "4", "4", "3", "2", "н/а", "осв"]


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def _open(at: AppTest, module: str) -> AppTest:
    return at.switch_page(page_path(module)).run()


def test_page_list_matches_the_pages_folder() -> None:
    from pathlib import Path

    files = {p.stem for p in Path(page_path("home")).parent.glob("*.py")}
    assert files == {p.module for p in PAGES}
    assert [p.url_path for p in PAGES if p.default] == [""]


@pytest.mark.parametrize("page", PAGES, ids=[p.module for p in PAGES])
def test_page_renders_on_an_empty_database(database: str, page) -> None:  # type: ignore[no-untyped-def]
    at = _open(_app(), page.module)
    assert not at.exception
    assert at.title[0].value == page.title or page.default


@pytest.mark.parametrize("page", PAGES, ids=[p.module for p in PAGES])
def test_page_renders_with_data(database: str, page) -> None:  # type: ignore[no-untyped-def]
    data = template_bytes(class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "", MARKS))
    assert services.save_file(parse_file(data, "8А.xlsx", metadata=Metadata(school="Школа"))).saved
    at = _open(_app(), page.module)
    assert not at.exception
    assert not at.error


def test_empty_overview_offers_demonstration_data(database: str) -> None:
    at = _open(_app(), "overview")
    assert any("нет данных" in i for i in shown(at.info))
    assert [b.label for b in at.button] == ["Загрузить демонстрационные данные"]


def test_upload_then_overview_shows_the_numbers(database: str) -> None:
    data = template_bytes(class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "Иванова И.И.",
                                      MARKS))
    at = _open(_app(), "upload")
    at.file_uploader[0].upload("8А.xlsx", data, XLSX).run()
    # the template has no school: saving waits for the «Школа» field
    assert any("школа" in e for e in shown(at.error))
    assert next(b for b in at.button if b.label.startswith("Сохранить файлы")).disabled
    at.text_input(key="upload_school").input("Школа № 1").run()
    assert not at.exception
    save = next(b for b in at.button if b.label.startswith("Сохранить файлы"))
    save.click().run()
    assert "Файл «8А.xlsx» сохранён." in shown(at.success)
    at = _open(at, "overview")
    # 9 pupils, N = 8 (осв out): успеваемость 6/8 = 75.0; качество 5/8 = 62.5;
    # СОУ (200+192+36+16+7)/8 = 56.375 → 56,4; средний балл (10+12+3+2)/7 = 3.857 → 3,86
    assert [m.value for m in at.metric] == ["8", "75,0 %", "62,5 %", "56,4 %", "3,86"]
    csv = at.get("download_button")[0]
    assert csv.proto.label == "Скачать сводку (CSV)"
    expected = summary_csv(summary_table(count_summary(parse_file(data, "8А.xlsx").results)))
    assert ";75,0;62,5;56,4;3,86" in expected.decode("utf-8-sig")


def test_uploading_a_broken_file_saves_nothing(database: str) -> None:
    at = _open(_app(), "upload")
    at.file_uploader[0].upload("сломан.xlsx", b"PK\x03\x04 not really a zip", XLSX).run()
    assert not at.exception
    assert any("сломан.xlsx" in e for e in shown(at.error))
    save = next(b for b in at.button if b.label.startswith("Сохранить файлы"))
    assert save.disabled


def test_only_a_teacher_load_is_not_called_an_empty_database(database: str) -> None:
    load = template_bytes([["2024/2025", "8А", "Алгебра", "Сидорова А.П."]],
                          columns=("Учебный год", "Класс", "Предмет", "Учитель"))
    from core.model import Metadata

    parsed = parse_file(load, "нагрузка.xlsx", metadata=Metadata(school="Школа № 1"))
    assert services.save_file(parsed).saved
    at = _open(_app(), "overview")
    assert not at.exception
    assert any("только сведения без отметок" in i for i in shown(at.info))


@pytest.mark.postgres
def test_every_page_renders_on_postgresql(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same pages over the PostgreSQL store (`db_url` gives SQLite and PostgreSQL)."""
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", db_url)
    data = template_bytes(class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "", MARKS))
    from core.model import Metadata

    parsed = parse_file(data, "8А.xlsx", metadata=Metadata(school="Школа № 1"))
    assert services.save_file(parsed).saved
    try:
        at = _app()
        for page in PAGES:
            _open(at, page.module)
            assert not at.exception, page.module
        _open(at, "overview")
        # MARKS: 9 pupils, N = 8 → успеваемость 6/8 = 75,0 %
        assert [m.value for m in at.metric][:2] == ["8", "75,0 %"]
    finally:
        services.engine().dispose()  # the app's engine holds pooled connections
        st.cache_data.clear()
        st.cache_resource.clear()


def test_four_control_works_are_four_rows_on_the_overview_and_in_its_download(
        database: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    from pathlib import Path

    from tests.core.test_result_key import _works_file

    data = _works_file()
    assert services.save_file(parse_file(data, "кр.xlsx", metadata=Metadata(school="Школа"))).saved
    at = _open(_app(), "overview")
    at.selectbox(key="overview_procedure").set_value("Все").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Период"].tolist() == ["16.09.2024", "12.12.2024", "20.02.2025", "15.05.2025"]
    assert table["Обучающихся"].tolist() == [25, 25, 25, 25]
    # the download with every filter at «Все» is the CLI's summary.csv of the same file
    source = tmp_path / "кр.xlsx"
    source.write_bytes(data)
    out = tmp_path / "cli.csv"
    subprocess.run([sys.executable, "-m", "core", "summary", str(source), "--out", str(out),
                    "--school", "Школа"], check=True, capture_output=True,
                   cwd=Path(__file__).resolve().parents[2])
    assert summary_csv(services.summary()) == out.read_bytes()


def test_settings_show_links_across_years_and_the_user_rejects_one(database: str) -> None:
    def year(y: str, klass: str) -> bytes:
        return template_bytes(class_marks(y, "1 четверть", klass, "Алгебра", "", ["5", "4"]))

    meta = Metadata(school="Школа")
    assert services.save_file(parse_file(year("2023/2024", "6А"), "6А.xlsx", metadata=meta)).saved
    assert services.save_file(parse_file(year("2024/2025", "7А"), "7А.xlsx", metadata=meta)).saved
    at = _open(_app(), "settings")
    assert not at.exception
    links = at.dataframe[-1].value
    # «Ученик 01», «Ученик 02» of 6А in 2023/24 are the pupils of 7А in 2024/25
    assert links["Было"].tolist() == ["2023/2024, 6А: Ученик 01", "2023/2024, 6А: Ученик 02"]
    assert links["Связь"].tolist() == ["найдена программой"] * 2
    at.radio[0].set_value("Отклонить")  # a form: the choice and the click go in one run
    at.button(key="FormSubmitter:link_fix-Применить").click().run()
    assert not at.exception
    assert services.pupil_links()["status"].tolist() == ["rejected", "auto"]


def test_a_vpr_protocol_without_a_scale_is_never_invisible(database: str) -> None:
    columns = ("Учебный год", "Период", "Процедура", "Класс", "ФИО или код", "Предмет", "Учитель",
               "Отметка", "Первичный балл", "Максимальный балл", "Отметка по журналу")
    # 2023/2024: no scale is shipped for that year (nor for the years after it)
    rows = [["2023/2024", "17.03.2024", "ВПР", "5А", f"5000{i}", "Математика", "", "", s, 20, ""]
            for i, s in enumerate((12, 15, 7), start=1)]
    parsed = parse_file(template_bytes(rows, columns=columns), "впр-2024.xlsx",
                        metadata=Metadata(school="Школа"))
    assert services.save_file(parsed).saved
    home = _open(_app(), "home")
    assert not home.exception
    status = home.dataframe[0].value
    assert status[["Процедура", "Всего", "С отметкой", "С баллом"]] \
        .values.tolist() == [["ВПР", 3, 0, 3]]
    assert any("шкала перевода" in i for i in shown(home.info))
    # The ВПР page shows it with primary scores and says why there are no marks.
    vpr = _open(_app(), "vpr")
    assert not vpr.exception
    assert any("нет шкалы перевода" in w for w in shown(vpr.warning))
    assert [s for s in shown(vpr.subheader) if "(n = 3)" in s.replace("\u00a0", " ")]
    stats = vpr.dataframe[0].value
    assert stats.iloc[0]["Участников"] == 3 and stats.iloc[0]["Средний балл"] == "11,3"
