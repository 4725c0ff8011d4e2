"""Session state and caches. Pages get data only through these helpers."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from core.summary import summary_table
from dashboard import store
from dashboard.models import Result, Upload

__all__ = ["data_version", "engine", "invalidate", "session", "summary"]


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return store.make_engine(url)


def engine() -> Engine:
    return _engine(store.database_url())


def session() -> Session:
    return Session(engine())


def data_version() -> tuple[int, int, int]:
    """Changes whenever an upload is saved, replaced or deleted: keys the caches below."""
    with session() as s:
        uploads, last = s.execute(select(func.count(), func.coalesce(func.max(Upload.id), 0))
                                  .select_from(Upload)).one()
        results = s.execute(select(func.count()).select_from(Result)).scalar_one()
    return int(uploads), int(last), int(results)


@st.cache_data(show_spinner="Считаю показатели…", max_entries=8)
def _summary(url: str, version: tuple[int, int, int]) -> pd.DataFrame:
    with Session(_engine(url)) as s:
        return summary_table(store.mark_counts(session=s))


def summary() -> pd.DataFrame:
    """The summary table (core.summary.summary_table columns) of everything in the store."""
    return _summary(store.database_url(), data_version())


def invalidate() -> None:
    _summary.clear()
