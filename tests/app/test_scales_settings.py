"""Settings, «Шкалы перевода баллов ВПР»: a saved ВПР protocol without a scale is listed and asks
for one; the user fills the form, saves, and the page says how many saved results got marks;
a scale that breaks a rule is refused with the reason; a user scale is deleted on
confirmation."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.model import Metadata
from core.readers import parse_file
from dashboard import services
from dashboard.navigation import page_path
from tests.app.conftest import APP, shown
from tests.core.builders import template_bytes

# A year no scale is shipped for (the shipped file grows as official scales are transcribed).
YEAR, SCHOOL_YEAR = 2031, "2030/2031"


def _save_unmarked_vpr() -> None:
    # Three pupils, primary scores 12, 33, 7 of ВПР География 7 with no mark.
    rows = [[SCHOOL_YEAR, "20.04.2031", "ВПР", "7А", f"Ученик {i}", "География", "", "", s, 35, ""]
            for i, s in enumerate((12, 33, 7), start=1)]
    parsed = parse_file(template_bytes(rows), "впр.xlsx", metadata=Metadata(school="Школа"))
    assert services.save_file(parsed).saved


def _settings() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page(page_path("settings")).run()


def _fill(at: AppTest, bands: tuple[str, str, str, str], *, source: str = "ФИОКО") -> AppTest:
    for mark, text in zip((2, 3, 4, 5), bands, strict=True):
        at.text_input(key=f"scale_b{mark}").input(text)
    at.number_input(key="scale_max").set_value(35)
    at.text_input(key="scale_source").input(source)
    return next(b for b in at.button if b.label == "Сохранить шкалу").click().run()


@pytest.fixture
def with_protocol(database: str) -> AppTest:
    _save_unmarked_vpr()
    at = _settings()
    assert not at.exception
    assert (f"Нет шкалы: ВПР {YEAR}, География, 7 класс — 3 результата; отметки не выведены, "
            f"показаны первичные баллы.") in shown(at.warning)
    return at.button(key=f"scale_fill_{YEAR}_География_7").click().run()


def test_adding_a_scale_derives_the_marks_of_the_saved_protocol(with_protocol: AppTest) -> None:
    at = with_protocol
    # the button filled the form with the protocol's year, subject and grade
    assert at.number_input(key="scale_year").value == YEAR
    assert at.selectbox(key="scale_subject").value == "География"
    assert at.number_input(key="scale_grade").value == 7
    at = _fill(at, ("0–10", "11–20", "21–29", "30–35"))
    assert not at.exception
    assert (f"Шкала «ВПР {YEAR}, География, 7 класс, традиционная» сохранена. Отметки по этой "
            f"шкале получили 3 результата ВПР, уже сохранённые в базе.") in shown(at.success)
    assert not any("Нет шкалы" in w for w in shown(at.warning))
    table = at.dataframe[0].value
    own = table[table["Шкала"] == "своя"]
    assert own[["Год ВПР", "Учебный год", "Баллы → отметка", "Отметок по шкале"]] \
        .values.tolist() == [[YEAR, SCHOOL_YEAR, "2: 0–10, 3: 11–20, 4: 21–29, 5: 30–35", 3]]
    # 12 → «3», 33 → «5», 7 → «2»
    assert services.dataset().results["mark"].tolist() == ["3", "5", "2"]

    at.checkbox[0].check()
    at = next(b for b in at.button if b.label == "Удалить шкалу").click().run()
    assert any("удалена" in s and "Без отметки остались 3 результата" in s
               for s in shown(at.success))
    assert services.user_scales() == ()


def test_a_scale_with_a_gap_is_refused_with_the_reason(with_protocol: AppTest) -> None:
    at = _fill(with_protocol, ("0–10", "12–20", "21–29", "30–35"), source="")
    assert not at.exception
    errors = shown(at.error)
    assert any("отметка «3» начинается с 11" in e and "Укажите источник шкалы" in e
               for e in errors), errors
    assert services.user_scales() == ()


@pytest.mark.parametrize(("n", "text"), [
    (1, "1 результат"), (3, "3 результата"), (5, "5 результатов"), (11, "11 результатов"),
    (21, "21 результат"), (112, "112 результатов"), (1234, "1 234 результата"),
])
def test_counts_of_results_read_as_russian(n: int, text: str) -> None:
    from dashboard.scales_view import count_results

    assert count_results(n) == text
