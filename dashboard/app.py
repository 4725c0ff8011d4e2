"""Streamlit entry point: page config, navigation over pages/, shared sidebar.

Run from the repository root: ``python -m streamlit run dashboard/app.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

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
current.run()
