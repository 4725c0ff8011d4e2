"""AppTest: reference rows (the downloadable template: РФ, регион, муниципалитет of ВПР 2024/2025
Математика 4 — the demonstration school's first work) saved through the services show up on the
ВПР page next to the school's statistics and task completion and give O7 its reference; the upload
page reviews them, and the same work and level again asks to replace them."""

from __future__ import annotations

from dataclasses import replace

from streamlit.testing.v1 import AppTest

from core.intake import IntakeStatus
from core.readers import parse_file
from core.template import reference_template_xlsx
from dashboard import services
from dashboard.messages import save_message
from dashboard.navigation import page_path
from tests.app.conftest import APP


def test_reference_rows_appear_on_the_vpr_page(demo_database: str) -> None:
    outcome = services.save_file(parse_file(reference_template_xlsx(),
                                            "Шаблон_справочные_данные.xlsx"))
    assert outcome.upload_id is not None and outcome.counts == {**outcome.counts, "reference": 3}

    at = AppTest.from_file(APP, default_timeout=120).run()
    at = at.switch_page(page_path("vpr")).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="vpr_work").value.label == "ВПР 2024/2025, Математика, 4 кл."
    stats = at.dataframe[0].value
    rows = stats.set_index("Класс")
    assert {"Регион", "Муниципалитет", "РФ"} <= set(rows.index)
    # the region row of the template: 15 200 participants, «2» 5,1 %, mean score 11,8
    assert rows.loc["Регион", "Участников"] == "15200"
    assert rows.loc["Регион", "«2», %"] == "5,1" and rows.loc["Регион", "Средний балл"] == "11,8"
    compared = next(d.value for d in at.dataframe if "Регион, %" in d.value.columns)
    assert compared.set_index("Задание").loc["1", "Регион, %"] == "86,9"

    report = services.objectivity("2024/2025").report
    o7 = next(s for s in report.statuses if s.code == "O7")
    assert o7.computed and "регион" in o7.reason


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_upload_page_reviews_reference_rows_and_asks_to_replace_them(database: str) -> None:
    upload = AppTest.from_file(APP, default_timeout=60).run()
    upload.switch_page(page_path("upload")).run()
    upload.file_uploader[0].upload("Справочные.xlsx", reference_template_xlsx(), XLSX).run()
    assert not upload.exception and not upload.error
    scope = dict(upload.dataframe[0].value.values.tolist())
    assert scope["Справочные данные"] == "ВПР 2024/2025, Математика, 4 класс"
    assert scope["Уровни"] == "РФ, регион, муниципалитет"
    assert scope["Справочных строк"] == "3"
    # the same work and levels from another file: the store asks to replace them
    parsed = parse_file(reference_template_xlsx(), "Справочные.xlsx")
    services.save_file(parsed)
    other = services.save_file(replace(parsed, file_name="Другие.xlsx", sha256="другой"))
    assert other.upload_id is None and other.decision is not None
    assert other.decision.status is IntakeStatus.CONFLICT
    kind, text = save_message(other)
    assert kind == "warning" and text.startswith("Справочные строки той же работы")
    assert services.save_file(replace(parsed, file_name="Другие.xlsx", sha256="другой"),
                              replace=True).upload_id is not None
