"""AppTest: a work description uploaded on «Загрузка данных» gives the demonstration school's
ВПР page task levels, mastery statuses and skill deficits. The demo works have made-up tasks, so
the description is built here for ВПР 2024/2025 Математика 4 (12 tasks, maxima as
sample_data/generate.py TASKS[("Математика", 4)])."""

from __future__ import annotations

import io

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from dashboard.navigation import page_path
from sample_data.generate import TASKS
from tests.app.conftest import APP, shown
from tests.core.readers_builders import description_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME = "ВПР 2025 Математика 4 класс.xlsx"  # the page proposes year, subject and grade from it


def _description() -> bytes:
    # tasks 1–10 basic, 11–12 advanced; КТ «1» for 1–6, «2» for 7–12
    maxima = TASKS[("Математика", 4)]
    return description_bytes([(str(i), "Б" if i <= 10 else "П", float(m), "1" if i <= 6 else "2")
                              for i, m in enumerate(maxima, start=1)])


def _vpr_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    return at.switch_page(page_path("vpr")).run()


def _statuses(at: AppTest) -> set[str]:
    """Mastery statuses in the data of the task chart."""
    found: set[str] = set()
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            table = pa.ipc.open_stream(io.BytesIO(dataset.data.data)).read_all()
            if "status" in table.column_names:
                found |= set(table.column("status").to_pylist())
    return found


def test_a_work_description_gives_the_vpr_page_levels_and_skills(demo_database: str) -> None:
    at = _vpr_page()
    assert at.selectbox(key="vpr_work").value.label == "ВПР 2024/2025, Математика, 4 кл."
    assert any("«Описание работы»" in i for i in shown(at.info))
    assert _statuses(at) == {"уровень не указан"}

    upload = AppTest.from_file(APP, default_timeout=60).run()
    upload.switch_page(page_path("upload")).run()
    upload.file_uploader[0].upload(NAME, _description(), XLSX).run()
    assert not upload.exception and not upload.error
    scope = dict(upload.dataframe[0].value.values.tolist())
    assert scope["Описание работы"] == "ВПР 2025, Математика, 4 класс"
    assert scope["Заданий"] == "12" and scope["Сумма максимальных баллов"] == "20"
    next(b for b in upload.button if b.label.startswith("Сохранить файлы")).click().run()
    assert any("сохранён" in s for s in shown(upload.success))

    at = _vpr_page()
    assert not at.exception and not at.error
    assert not any("«Описание работы»" in i for i in shown(at.info))
    statuses = _statuses(at)
    assert "уровень не указан" not in statuses and statuses & {"освоено", "не освоено"}
    assert any("Дефициты умений" in m for m in shown(at.markdown))
    skills = next(d.value for d in at.dataframe if "Код КТ" in d.value.columns)
    assert skills["Код КТ"].tolist() == ["1", "2"] and skills["Заданий"].tolist() == [6, 6]
