"""AppTest of «Объективность оценивания» and «Анализ ВПР» on the demonstration school: the
planted findings are counted on screen, thresholds edited in settings take effect, and the ВПР
page shows the task analysis."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.thresholds import Thresholds
from dashboard import services
from dashboard.navigation import page_path
from tests.app.conftest import APP, shown


def _open(module: str) -> AppTest:
    return AppTest.from_file(APP, default_timeout=120).run().switch_page(page_path(module)).run()


def _metrics(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.metric]


def test_objectivity_page_counts_the_planted_findings(demo_database: str) -> None:
    at = _open("objectivity")
    assert not at.exception and not at.error
    assert at.selectbox(key="obj_year").value == "2024/2025"  # the newest year by default
    # Высокий: O1 for 6Б, 6В, parallel 6 (Математика) and 7А (Русский язык); O9 for 9Б
    # Обществознание (ОГЭ against the annual mark: 8 of 12 lower).
    assert _metrics(at)[0] == "5"
    findings = at.dataframe[0].value
    high = findings[findings["Уровень"] == "высокий"]
    assert sorted(high["Класс"]) == ["6Б", "6В", "7А", "9Б", "Параллель 6"]
    assert sorted(high["Проверка"])[-1] == "O9 · ОГЭ ↔ годовая"
    assert {t.label for t in at.tabs} == {"Находки", "ВПР и журнал", "Баллы", "Средний балл",
                                          "Поддержка", "Проверки"}
    support = next(d.value for d in at.dataframe if "Зона внимания" in d.value.columns)
    flagged = support[support["Зона внимания"] == "да"]
    assert set(zip(flagged["Класс"], flagged["Учитель"], strict=True)) >= {
        ("6Б", "Соколова Н.П."), ("6В", "Соколова Н.П.")}
    assert [b for b in at.get("download_button")], "downloads are offered"

    # The year before: 5Б and 5В of the same teacher.
    at.selectbox(key="obj_year").set_value("2023/2024").run()
    high = at.dataframe[0].value
    high = high[high["Уровень"] == "высокий"]
    assert {"5Б", "5В"} <= set(high["Класс"])


def test_thresholds_from_settings_change_the_findings(demo_database: str) -> None:
    services.save_thresholds({"lowered_high": 99.0})
    assert services.thresholds() == Thresholds().with_values({"lowered_high": 99})
    at = _open("objectivity")
    assert _metrics(at)[0] == "0"  # no class has 99 % «понизили»
    table = next(t.value for t in at.table if "Источник" in t.value.columns)
    assert table.loc["O1: «понизили» — высокий уровень, от", "Значение"] == "99 %"
    services.save_thresholds({})
    assert _metrics(_open("objectivity"))[0] == "5"


def test_settings_page_edits_thresholds(database: str) -> None:
    at = _open("settings")
    assert not at.exception
    at.number_input(key="threshold_lowered_high").set_value(70.0)
    next(b for b in at.button if b.label == "Сохранить пороги").click().run()
    assert any("Пороги сохранены: изменено 1" in s for s in shown(at.success))
    assert services.thresholds().lowered_high == 70.0


def test_vpr_page_shows_the_task_analysis(demo_database: str) -> None:
    at = _open("vpr")
    assert not at.exception and not at.error
    assert at.selectbox(key="vpr_work").value.label == "ВПР 2024/2025, Математика, 4 кл."
    stats = at.dataframe[0].value
    assert stats.iloc[0]["Класс"] == "Все выбранные" and stats.iloc[0]["Участников"] == 66
    at.radio(key="vpr_by").set_value("Класс").run()
    at.selectbox(key="vpr_class").set_value("4Б").run()
    assert any("класс 4Б (n = 23)" in s.replace("\u00a0", " ") for s in shown(at.subheader))


def test_contradicting_thresholds_are_refused(database: str) -> None:
    at = _open("settings")
    at.number_input(key="threshold_lowered_medium").set_value(80.0)
    next(b for b in at.button if b.label == "Сохранить пороги").click().run()
    assert any("Пороги не сохранены" in e and "понизили" in e for e in shown(at.error))
    assert services.thresholds() == Thresholds()
    # ρ and the O13 probability are edited in hundredths, not in halves
    assert at.number_input(key="threshold_copy_probability").step == 0.01


def test_page_findings_equal_the_cli_for_every_year(demo_database: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The page reads one year (and the year before, for O8); the CLI reads every file: the
    findings of each year are the same bytes."""
    import csv
    import io
    import subprocess
    import sys

    from core.objectivity_export import checks_csv
    from dashboard.ingest import DEMO_SCHOOL, demo_files
    from tests.app.conftest import ROOT

    out = tmp_path / "checks.csv"
    subprocess.run([sys.executable, "-m", "core", "checks", *map(str, demo_files()), "--school",
                    DEMO_SCHOOL, "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    cli = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert len(cli) > 50
    for year in ("2023/2024", "2024/2025"):
        page = checks_csv(services.objectivity(year).report.findings).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(page), delimiter=";"))
        assert rows[0] == cli[0]
        assert rows[1:] == [r for r in cli[1:] if r[4] == year]
