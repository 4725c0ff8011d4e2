"""Главная: what the product does and where the data stands."""

import streamlit as st

from dashboard import services, widgets
from dashboard.navigation import page_path

st.title("ВСОКО: внутренняя система оценки качества образования")
st.markdown(
    "Загрузите выгрузки электронного журнала, протоколы ВПР, ОГЭ и ЕГЭ — показатели "
    "успеваемости, качества знаний, СОУ и среднего балла будут рассчитаны по каждому классу, "
    "предмету и периоду за минуты. Таблицы и графики можно показать на методическом совете и "
    "скачать в CSV и Excel.")

saved = services.inventory()
if saved.empty:
    widgets.empty_state()
    st.stop()

widgets.data_status(saved)
left, right = st.columns(2)
left.page_link(page_path("overview"), label="Открыть обзор показателей", icon=":material/monitoring:")
right.page_link(page_path("upload"), label="Загрузить новые файлы", icon=":material/upload_file:")
