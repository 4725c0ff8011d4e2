"""Upload review of a real ФИС ОКО protocol that lacks year, subject and grade: the page proposes
them from the file name, the user confirms, the file is saved; hostile files save nothing."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard import store
from dashboard.navigation import page_path
from tests.app.conftest import APP, shown
from tests.conftest import real_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


SCHOOL = "Школа № 1"


def _upload_page(school: str = SCHOOL) -> AppTest:
    """The upload page with the «Школа» field filled (files without a school need it)."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page_path("upload")).run()
    return at.text_input(key="upload_school").input(school).run()


def test_protocol_without_metadata_gets_proposals_from_file_name(database: str,
                                                                  realdata: Path) -> None:
    data = real_file(realdata, "altai-vpr/2022/5/Математика.xlsx").read_bytes()
    at = _upload_page()
    at.file_uploader[0].upload("Проведение работы по математике, 5 класс. ВПР 2022.xlsx", data,
                               XLSX).run()
    assert not at.exception
    assert any("предложено по имени файла" in w for w in shown(at.warning))
    inputs = {t.label: t.value for t in at.text_input}
    # the year is the file's own: «Дата загрузки» 17.03.2022 → 2021/2022 (FORMATS §4.1)
    assert "Учебный год" not in inputs and inputs["Предмет"] == "Математика"
    assert at.number_input[0].value == 5
    save = next(b for b in at.button if b.label.startswith("Сохранить файлы"))
    save.click().run()
    assert not at.exception
    with Session(store.make_engine(database)) as s:
        results = store.load_dataset(session=s).results
    # 7 written pupils in the file (counted with openpyxl: «Вариант» not «отсутствовал»),
    # one school, class «нет» → «5»
    assert len(results) == 7
    assert set(results["year"]) == {"2021/2022"} and set(results["subject"]) == {"Математика"}
    assert set(results["class_label"]) == {"5"}


def test_file_still_lacking_subject_and_grade_is_not_saved(database: str,
                                                           realdata: Path) -> None:
    # A name that proposes nothing: the inputs stay empty and the file must not be stored with
    # an empty subject and class «нет» (the CLI refuses such a file as well); the year is the
    # file's «Дата загрузки».
    data = real_file(realdata, "altai-vpr/2022/5/Математика.xlsx").read_bytes()
    at = _upload_page()
    at.file_uploader[0].upload("protocol.xlsx", data, XLSX).run()
    assert not at.exception
    assert any("не будет сохранён, пока не указаны: предмет, параллель (класс)."
               in e for e in shown(at.error))
    save = next(b for b in at.button if b.label.startswith("Сохранить файлы"))
    assert save.label == "Сохранить файлы (0)" and save.disabled
    with Session(store.make_engine(database)) as s:
        assert store.list_uploads(session=s).empty


def test_the_year_of_a_vpr_may_be_typed_as_its_spring(database: str, realdata: Path) -> None:
    # The 2025 school form has no year, subject or class in it (FORMATS §7): «2025» is the
    # school year 2024/2025.
    data = real_file(realdata, "vpr-analizer-form/base_form.xlsx").read_bytes()
    at = _upload_page()
    at.file_uploader[0].upload("form.xlsx", data, XLSX).run()
    year = next(t for t in at.text_input if t.label == "Учебный год")
    year.input("2025").run()
    assert not at.exception
    assert not any("Учебный год вида" in e for e in shown(at.error))
    assert "Принято как 2024/2025 учебный год" in [c.value for c in at.caption]


def test_period_missing_from_a_wide_sheet_is_asked_for_and_then_saved(database: str) -> None:
    from tests.core.readers_builders import xlsx_bytes

    data = xlsx_bytes({"Лист1": [
        ["Класс: 6В"], ["Учебный год 2024/2025"],
        ["ФИО", "Русский язык", "Математика", "Биология"], ["Орлов Олег", 4, 4, 5]]})
    at = _upload_page()
    at.file_uploader[0].upload("ведомость.xlsx", data, XLSX).run()
    assert not at.exception
    assert any("не будет сохранён, пока не указаны: период" in e for e in shown(at.error))
    assert next(b for b in at.button if b.label.startswith("Сохранить файлы")).disabled
    next(t for t in at.text_input if t.label == "Период").input("2 четверть").run()
    assert not at.exception and not at.error
    next(b for b in at.button if b.label.startswith("Сохранить файлы")).click().run()
    assert any("сохранён" in m for m in shown(at.success))
    with Session(store.make_engine(database)) as s:
        results = store.load_dataset(session=s).results
    # one pupil × three subjects, all in the period given on the page
    assert len(results) == 3 and set(results["period"]) == {"2 четверть"}


def test_same_file_twice_is_skipped_with_a_message(database: str, realdata: Path) -> None:
    data = real_file(realdata, "netschool-export/tabel_uspevaemosti_8A_anon.xlsx").read_bytes()
    for expected in ("сохранён", "уже загружен"):
        at = _upload_page()
        at.file_uploader[0].upload("табель.xlsx", data, XLSX).run()
        next(b for b in at.button if b.label.startswith("Сохранить файлы")).click().run()
        assert any(expected in m for m in shown([*at.success, *at.info])), expected


def test_hostile_files_never_show_a_traceback(database: str) -> None:
    at = _upload_page()
    at.file_uploader[0].upload("пусто.xlsx", b"", XLSX).run()
    assert not at.exception
    at = _upload_page()
    at.file_uploader[0].upload("мусор.csv", bytes(range(256)) * 10, "text/csv").run()
    assert not at.exception
    assert any("мусор.csv" in e for e in shown(at.error))
    with Session(store.make_engine(database)) as s:
        assert store.list_uploads(session=s).empty


FOREIGN_CSV = ("Итоги четверти;;;\n"
               "Ф.И.О. ребёнка;Кл.;Дисциплина;Балл\n"
               "Петров Пётр;7б;Алгебра;5\n"
               "Сидоров Сидор;7б;Алгебра;3\n").encode("cp1251")


def test_unknown_layout_goes_to_column_mapping_which_is_remembered(database: str) -> None:
    at = _upload_page()
    at.file_uploader[0].upload("итоги.csv", FOREIGN_CSV, "text/csv").run()
    assert not at.exception
    assert any("не распознан" in w for w in shown(at.warning))
    for label, column in (("ФИО или код *", 0), ("Класс *", 1), ("Предмет *", 2),
                          ("Отметка *", 3)):
        at.selectbox(key=next(s.key for s in at.selectbox if s.label == label)).set_value(column)
    at.run()
    for label, value in (("Учебный год", "2024/2025"), ("Период", "2 четверть"),
                         ("Процедура", "Четвертная")):
        next(t for t in at.text_input if t.label.endswith(label)).input(value)
    at.run()
    next(b for b in at.button if b.label == "Применить и запомнить сопоставление").click().run()
    assert not at.exception
    next(b for b in at.button if b.label.startswith("Сохранить файлы")).click().run()
    assert any("сохранён" in s for s in shown(at.success))

    # Next time the same export is read with the remembered mapping, without the form.
    again = FOREIGN_CSV.replace("Сидоров Сидор;7б;Алгебра;3".encode("cp1251"),
                                "Сидоров Сидор;7б;Алгебра;4".encode("cp1251"))
    at = _upload_page()
    at.file_uploader[0].upload("итоги-2.csv", again, "text/csv").run()
    assert any("сохранённое ранее сопоставление" in i for i in shown(at.info))
    with Session(store.make_engine(database)) as s:
        results = store.load_dataset(session=s).results
    assert sorted(results["mark"]) == ["3", "5"] and set(results["class_label"]) == {"7Б"}


def test_corrected_file_replaces_the_earlier_one_after_confirmation(database: str) -> None:
    from tests.core.builders import class_marks, template_bytes

    first = template_bytes(class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "", ["5", "2"]))
    fixed = template_bytes(class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "", ["5", "3"]))
    at = _upload_page()
    at.text_input(key="uploaded_by").input("Петрова А.А.").run()
    at.file_uploader[0].upload("алгебра.xlsx", first, XLSX).run()
    next(b for b in at.button if b.label.startswith("Сохранить файлы")).click().run()
    at = _upload_page()
    at.file_uploader[0].upload("алгебра-испр.xlsx", fixed, XLSX).run()
    next(b for b in at.button if b.label.startswith("Сохранить файлы")).click().run()
    assert any("алгебра.xlsx" in w for w in shown(at.warning))
    replace = next(b for b in at.button if b.label.startswith("Заменить прежние данные"))
    replace.click().run()
    assert any("Заменены данные из: «алгебра.xlsx»" in s for s in shown(at.success))
    with Session(store.make_engine(database)) as s:
        assert sorted(store.load_dataset(session=s).results["mark"]) == ["3", "5"]
        history = store.list_uploads(session=s)
    assert history["uploaded_by"].tolist() == ["", "Петрова А.А."]
