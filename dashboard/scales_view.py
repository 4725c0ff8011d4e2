"""Settings section «Шкалы перевода баллов ВПР»: the shipped and the user's score → mark scales,
a form to add or edit one, deletion of the user's, and the saved ВПР protocols that no scale is
known for (METHODOLOGY §4.1: the product never guesses a scale; it says so and asks)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.names import known_subjects
from core.scales import MARKS, Scale, academic_year, scale_from_form
from dashboard import services
from dashboard.text import plain

__all__ = ["count_results", "scales_section"]

_FLASH = "scale_flash"
_EDITING = "scale_editing"  # the key of the scale loaded into the form
_FIELDS = ("scale_year", "scale_subject", "scale_grade", *(f"scale_b{m}" for m in MARKS),
           "scale_max", "scale_source", "scale_url")


def count_results(n: int) -> str:
    """«1 результат», «3 результата», «1 234 результата», «11 результатов»."""
    tail = n % 100
    word = ("результатов" if 11 <= tail <= 14 else
            {1: "результат", 2: "результата", 3: "результата", 4: "результата"}.get(
                n % 10, "результатов"))
    return f"{n:,}".replace(",", " ") + f" {word}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _fill(scale: Scale | None = None, *, year: int | None = None, subject: str = "",
          grade: int | None = None) -> None:
    """Load a scale (or a protocol's year, subject and grade) into the form (a button's
    callback: it runs before the widgets are drawn)."""
    state = st.session_state
    if scale is not None:
        year, subject, grade = scale.year, scale.subject, scale.grade
        for mark, low, high in scale.bands:
            state[f"scale_b{mark}"] = f"{_number(low)}–{_number(high)}"
        state["scale_max"] = int(scale.max_total)
        state["scale_source"] = scale.source
        state["scale_url"] = scale.source_url
        state[_EDITING] = scale.key
    else:
        for mark in MARKS:
            state[f"scale_b{mark}"] = ""
        state["scale_source"] = state["scale_url"] = ""
        state.pop(_EDITING, None)
    if year is not None:
        state["scale_year"] = year
    if subject:
        state["scale_subject"] = subject
    if grade is not None:
        state["scale_grade"] = grade


def _defaults(scales: list[Scale], missing: list[services.MissingScale]) -> None:
    state = st.session_state
    first = missing[0] if missing else None
    state.setdefault("scale_year", first.year if first else
                     max((s.year for s in scales), default=2021) + 1)
    state.setdefault("scale_subject", first.subject if first else "Математика")
    state.setdefault("scale_grade", first.grade if first else 5)
    state.setdefault("scale_max", 20)
    for key in _FIELDS:
        state.setdefault(key, "")


def _missing(missing: list[services.MissingScale]) -> None:
    for m in missing:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.warning(plain(
            f"Нет шкалы: ВПР {m.year}, {m.subject}, {m.grade} класс — "
            f"{count_results(m.results)}; отметки не выведены, показаны первичные баллы."))
        right.button("Указать шкалу", key=f"scale_fill_{m.year}_{m.subject}_{m.grade}",
                     on_click=_fill, kwargs={"year": m.year, "subject": m.subject,
                                             "grade": m.grade})


def _table(scales: list[Scale]) -> None:
    usage = services.scale_usage()
    view = pd.DataFrame({
        "Год ВПР": [s.year for s in scales],
        "Учебный год": [academic_year(s.year) for s in scales],
        "Предмет": [s.subject for s in scales], "Класс": [s.grade for s in scales],
        "Форма": [s.work_form for s in scales],
        "Баллы → отметка": [s.bands_text for s in scales],
        "Макс. балл": [_number(s.max_total) for s in scales],
        "Источник": [s.source for s in scales],
        "Шкала": ["своя" if s.user else "официальная" for s in scales],
        "Отметок по шкале": [usage.get(s.label, 0) for s in scales],
    })
    st.dataframe(view, hide_index=True, width="stretch", height=min(36 * (len(view) + 1), 320))


def _form(scales: list[Scale], locked: bool) -> None:
    by_key = {s.key: s for s in scales}
    choice = st.selectbox("Изменить шкалу", list(by_key), index=None,
                          placeholder="выберите шкалу, чтобы загрузить её в форму",
                          format_func=lambda k: by_key[k].title + (
                              " (своя)" if by_key[k].user else " (официальная)"),
                          key="scale_pick")
    left, right = st.columns(2)
    left.button("Загрузить в форму", key="scale_load", disabled=choice is None, on_click=_fill,
                args=(by_key.get(choice) if choice else None,))
    right.button("Очистить форму", key="scale_clear", on_click=_fill)
    editing = st.session_state.get(_EDITING)
    with st.form("vpr_scale"):
        st.markdown("**Добавить или изменить шкалу**" + (
            f" (изменяется: {plain(by_key[editing].title)})" if editing in by_key else ""))
        cols = st.columns(3)
        year = cols[0].number_input("Год проведения ВПР", min_value=2016, max_value=2100,
                                    step=1, key="scale_year",
                                    help="Год весны, когда писали работу: 2022 — это 2021/2022 "
                                         "учебный год")
        subjects = sorted(known_subjects())
        subject = cols[1].selectbox("Предмет", subjects, key="scale_subject")
        grade = cols[2].number_input("Класс (параллель)", min_value=2, max_value=11, step=1,
                                     key="scale_grade")
        bands = st.columns(4)
        texts = {m: bands[i].text_input(f"Баллы на «{m}»", key=f"scale_b{m}",
                                        placeholder="например, " + ("0–6", "7–10", "11–14", "15–20")[i])
                 for i, m in enumerate(MARKS)}
        total = st.number_input("Максимальный первичный балл работы", min_value=1,
                                max_value=500, step=1, key="scale_max")
        source = st.text_input("Источник шкалы", key="scale_source",
                               placeholder="например: ФИОКО, Описание проверочной работы ВПР 2022, "
                                           "рекомендации по переводу баллов в отметки")
        url = st.text_input("Ссылка на источник (необязательно)", key="scale_url")
        submitted = st.form_submit_button("Сохранить шкалу", type="primary", disabled=locked)
    if not submitted:
        return
    scale, errors = scale_from_form(year=int(year), subject=str(subject or ""),
                                    grade=int(grade), bands=texts, max_total=float(total),
                                    source=source, source_url=url)
    if scale is None:
        st.error("Шкала не сохранена:\n\n" + "\n".join(f"- {plain(e)}" for e in errors))
        return
    replaces = editing if isinstance(editing, tuple) and editing != scale.key else None
    change = services.save_user_scale(scale, replaces=replaces)
    st.session_state[_FLASH] = _saved_message(change)
    st.session_state.pop(_EDITING, None)
    st.rerun()


def _saved_message(change: services.ScaleChange) -> str:
    assert change.scale is not None
    text = f"Шкала «{change.scale.title}» сохранена. "
    if change.marked:
        text += (f"Отметки по этой шкале получили {count_results(change.marked)} ВПР, уже "
                 f"сохранённые в базе.")
    else:
        text += ("Сохранённых результатов ВПР по ней пока нет: отметки будут выведены при "
                 "загрузке протоколов.")
    if change.unmarked:
        text += (f" Без отметки: {count_results(change.unmarked)} (балл вне диапазонов шкалы "
                 f"или другой шкалы).")
    return text


def _delete(scales: list[Scale], locked: bool) -> None:
    own = {s.key: s for s in scales if s.user}
    if not own:
        return
    with st.form("delete_scale", clear_on_submit=True):
        key: Any = st.selectbox("Удалить свою шкалу", list(own),
                                format_func=lambda k: own[k].title)
        sure = st.checkbox("Да, удалить выбранную шкалу")
        if not st.form_submit_button("Удалить шкалу", disabled=locked):
            return
    if not sure:
        st.warning("Подтвердите удаление галочкой.")
        return
    change = services.delete_user_scale(key)
    if change is None:
        st.warning("Такой шкалы уже нет.")
        return
    text = f"Шкала «{own[key].title}» удалена."
    if change.marked:
        text += f" Отметки по официальной шкале получили {count_results(change.marked)}."
    if change.unmarked:
        text += (f" Без отметки остались {count_results(change.unmarked)}: показаны первичные "
                 f"баллы.")
    st.session_state[_FLASH] = text
    st.rerun()


def scales_section() -> None:
    st.subheader("Шкалы перевода баллов ВПР")
    st.caption("Отметку ВПР по первичному баллу программа выводит только по шкале, указанной "
               "для года, предмета и класса работы; без шкалы отметки не выводятся и не "
               "угадываются. Своя шкала заменяет официальную того же года, предмета и класса. "
               "После сохранения шкалы отметки уже загруженных результатов выводятся заново.")
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(plain(flash))
    scales = services.all_scales()
    missing = services.missing_scales()
    locked = services.read_only_reason() is not None
    _missing(missing)
    _table(scales)
    _defaults(scales, missing)
    _form(scales, locked)
    _delete(scales, locked)
