"""Обзор показателей: filters, KPI row, chart, table and downloads."""

import streamlit as st

from core.exports import summary_csv, summary_display, summary_xlsx
from core.summary import filter_options, filter_summary, total_indicators
from dashboard import charts, services, widgets

st.title("Обзор показателей")
table = services.summary()
if table.empty:
    widgets.empty_state()
    st.stop()

selection = widgets.filter_bar(filter_options(table), key="overview")
view = filter_summary(table, selection)
if view.empty:
    st.info("Для выбранных фильтров нет данных. Измените фильтры.")
    st.stop()

widgets.kpi_row(total_indicators(view), groups=len(view))
st.altair_chart(charts.class_indicator_bars(view), width="stretch")
trend = charts.period_trend(view)
if trend is not None:
    st.altair_chart(trend, width="stretch")

st.subheader("Класс × предмет × период")
widgets.summary_grid(summary_display(view))
left, right, _ = st.columns([1, 1, 2])
left.download_button("Скачать сводку (CSV)", summary_csv(view), file_name="summary.csv",
                     mime="text/csv", icon=":material/download:", on_click="ignore")
right.download_button("Скачать сводку (XLSX)", lambda: summary_xlsx(view), file_name="summary.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      icon=":material/download:", on_click="ignore")
