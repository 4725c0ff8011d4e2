"""Streamlit entry point: page config, navigation over pages/, shared sidebar.

Run from the repository root: ``python -m streamlit run dashboard/app.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

import streamlit as st  # noqa: E402

from dashboard import services  # noqa: E402
from dashboard.navigation import PAGES, page_path  # noqa: E402

st.set_page_config(page_title="ВСОКО — качество образования", page_icon=":material/monitoring:",
                   layout="wide")

pages = [
    st.Page(page_path(p.module), title=p.title, icon=p.icon,
            url_path=p.url_path or None, default=p.default)
    for p in PAGES
]
# Streamlit's file uploader has built-in English captions; say them in Russian.
st.markdown(
    """<style>
    [data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p {
        font-size: 0; }
    [data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p::after {
        content: "Выбрать файлы"; font-size: 0.875rem; }
    [data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
    [data-testid="stFileUploaderDropzoneInstructions"] span::after {
        content: "Перетащите файлы сюда · XLSX, XLSM, XLS, ODS, CSV, HTML";
        font-size: 0.875rem; }
    </style>""",
    unsafe_allow_html=True,
)
current = st.navigation(pages)
with st.sidebar:
    st.caption("ВСОКО: внутренняя система оценки качества образования")

problem = services.database_problem()
if problem is not None:  # one Russian screen instead of a failure on every page
    st.title("База данных недоступна")
    st.error(problem)
    st.caption("Данные не потеряны: когда причина будет устранена, обновите страницу.")
    st.stop()
read_only = services.read_only_reason()
if read_only is not None:
    st.warning(read_only)
try:
    current.run()
except Exception:  # never a traceback for users: a message here, the details in the log
    logging.getLogger("dashboard.app").exception("page %s failed", current.url_path)
    st.error("Не удалось показать страницу из-за внутренней ошибки. Подробности записаны в журнал "
             "сервера; сообщите администратору. Загруженные данные не изменены.")
