"""The same child across school years: the links the program made, and the user's corrections
(when classes were re-formed, or a name was spelled differently)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import services

__all__ = ["links_editor"]

_STATUS = {"auto": "найдена программой", "user": "подтверждена", "rejected": "отклонена"}


def _who(year: object, klass: object, pupil: object) -> str:
    return f"{year}, {klass}: {pupil}"


def links_editor() -> None:
    st.subheader("Один ученик в разные годы")
    st.caption("Связи позволяют следить за одними и теми же детьми (когорта: 6А → 7А). Программа "
               "связывает ученика с тем же ФИО в следующей параллели следующего года, когда "
               "кандидат один. Коды участников ВПР не связываются: их выдают заново каждый год.")
    links = services.pupil_links()
    locked = services.read_only_reason() is not None
    if links.empty:
        st.info("Связей пока нет: они появятся, когда будут загружены данные двух учебных лет "
                "подряд. Связь можно добавить вручную ниже.")
    else:
        view = pd.DataFrame({
            "№": links["id"], "Школа": links["school"],
            "Было": [_who(*r) for r in links[["from_year", "from_class", "from_pupil"]]
                     .itertuples(index=False)],
            "Стало": [_who(*r) for r in links[["to_year", "to_class", "to_pupil"]]
                      .itertuples(index=False)],
            "Связь": links["status"].map(_STATUS),
        })
        if view["Школа"].nunique() <= 1:
            view = view.drop(columns="Школа")
        st.dataframe(view, hide_index=True, width="stretch")
        labels = dict(zip(view["№"], view["Было"] + " → " + view["Стало"], strict=True))
        with st.form("link_fix", clear_on_submit=True):
            choice = st.selectbox("Связь", list(labels), format_func=lambda i: labels[i])
            action = st.radio("Что сделать", ["Подтвердить", "Отклонить"], horizontal=True)
            if st.form_submit_button("Применить", disabled=locked):
                services.correct_pupil_link(int(choice), right=action == "Подтвердить")
                st.success("Связь подтверждена." if action == "Подтвердить" else
                           "Связь отклонена: программа не будет создавать её снова.")
    with st.expander("Связать вручную"), st.form("link_add", clear_on_submit=True):
        school = st.text_input("Школа", value=str(services.get_setting("school", "")))
        left, right = st.columns(2)
        before = (left.text_input("Было: учебный год", placeholder="2023/2024"),
                  left.text_input("Было: класс", placeholder="6А"),
                  left.text_input("Было: ФИО", placeholder="Иванов Иван"))
        after = (right.text_input("Стало: учебный год", placeholder="2024/2025"),
                 right.text_input("Стало: класс", placeholder="7Б"),
                 right.text_input("Стало: ФИО", placeholder="Иванов Иван"))
        if st.form_submit_button("Связать", disabled=locked):
            done = services.link_pupils_by_hand(
                school.strip(), tuple(v.strip() for v in before),  # type: ignore[arg-type]
                tuple(v.strip() for v in after))  # type: ignore[arg-type]
            if done:
                st.success("Связь сохранена; другие связи этих учеников отклонены.")
            else:
                st.error("Такой ученик не найден: проверьте школу, учебный год, класс и ФИО "
                         "так, как они записаны в загруженных файлах.")
