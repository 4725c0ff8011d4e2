"""Объективность оценивания: findings O1–O13/J1 with drill-down, ВПР against the journal, the
score histogram, term marks against own averages, methodical support, checks and thresholds."""

import pandas as pd
import streamlit as st

from dashboard import objectivity_view as view
from dashboard import services, widgets

st.title("Объективность оценивания")
st.caption(view.PRINCIPLES)
years = services.analysis_years()
if not years:
    widgets.empty_state()
    st.stop()

result = services.objectivity(years[0] if "obj_year" not in st.session_state
                              else st.session_state["obj_year"])
year, subject = view.year_and_subject(years, result.subjects, key="obj")
if result.year != year:
    result = services.objectivity(year)
report, table = result.report, result.table
findings = tuple(f for f in report.findings if subject is None or f.subject == subject)
if subject is not None:
    table = table[table["subject"] == subject]

tabs = st.tabs(["Находки", "ВПР и журнал", "Баллы", "Средний балл", "Поддержка", "Проверки"])
with tabs[0]:
    view.findings_tab(findings, year=year)
with tabs[1]:
    view.agreement_tab(table, year=year)
with tabs[2]:
    view.histogram_tab(year, subject)
with tabs[3]:
    terms = result.terms
    view.terms_tab(terms if subject is None else terms[terms["subject"] == subject])
with tabs[4]:
    support = result.support
    view.support_tab(support if subject is None else support[support["subject"] == subject],
                     result.thresholds)
with tabs[5]:
    order = list(view.SHORT_NAMES)
    statuses = pd.DataFrame([{"Код": s.code, "Проверка": s.name,
                              "Выполнена": "да" if s.computed else "нет",
                              "Пояснение": s.reason}
                             for s in sorted(report.statuses, key=lambda s: order.index(s.code))])
    view.checks_tab(statuses, result.thresholds)
