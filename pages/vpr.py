"""Анализ ВПР: per-task completion, mark statistics, mark groups and the score histogram for the
school, a parallel, a class or a teacher — with or without a score → mark scale."""

import streamlit as st

from dashboard import services, vpr_view, widgets

st.title("Анализ ВПР")
st.caption("ВПР и контрольные работы с баллами по заданиям: выполнение заданий, отметки, "
           "группы по отметкам и распределение первичных баллов.")
years = services.analysis_years()
if not years:
    widgets.empty_state()
    st.stop()
left, _ = st.columns([1, 3])
year = str(left.selectbox("Учебный год", years, key="vpr_year"))
data = services.dataset_for_year(year)
work = vpr_view.work_choice(data, key="vpr_work")
if work is None:
    st.info("За этот год нет первичных баллов ВПР или контрольных работ. Загрузите протокол "
            "ФИС ОКО или выгрузку с баллами по заданиям.")
    st.stop()
vpr_view.show_work(data, work, scales=tuple(services.all_scales()), thresholds=services.thresholds(),
                   key="vpr")
