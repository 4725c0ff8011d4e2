"""Benchmark: from upload to rendered overview for a full school year of the sample school.

Times, in one run: reading + validating ``sample_data/school_2024_2025.xlsx`` (≈35 000 rows),
saving it in one transaction into a fresh SQLite store, and rendering the overview page
(AppTest, a real script run with the SQL counts, the chart and the table). The baseline in the
same run is a bare ``pandas.read_excel(engine="openpyxl")`` of the same file. Prints only.

    python benchmarks/bench_upload_overview.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
YEAR_FILE = ROOT / "sample_data" / "school_2024_2025.xlsx"
LOAD_FILE = ROOT / "sample_data" / "teacher_load.xlsx"


def main() -> None:
    import pandas as pd

    start = time.perf_counter()
    pd.read_excel(YEAR_FILE, engine="openpyxl", dtype=str)
    baseline = time.perf_counter() - start

    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    from streamlit.testing.v1 import AppTest

    from core.model import Metadata
    from dashboard import ingest, services
    from dashboard.navigation import page_path

    services.engine()  # the schema is made before the clock starts
    meta = Metadata(school=ingest.DEMO_SCHOOL)
    load = ingest.parse_upload(LOAD_FILE.read_bytes(), LOAD_FILE.name, meta).parsed
    assert load is not None and services.save_file(load).saved
    t0 = time.perf_counter()
    report = ingest.parse_upload(YEAR_FILE.read_bytes(), YEAR_FILE.name, meta)
    t1 = time.perf_counter()
    assert report.parsed is not None
    outcome = services.save_file(report.parsed)
    t2 = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120).run()
    at.switch_page(page_path("overview")).run()
    t3 = time.perf_counter()
    assert not at.exception and outcome.saved
    rows = len(report.parsed.results)
    total = t3 - t0
    print(f"Файл: {YEAR_FILE.name}, строк с результатами: {rows}")
    print(f"  чтение и проверка:        {t1 - t0:6.2f} с")
    print(f"  сохранение (транзакция):  {t2 - t1:6.2f} с")
    print(f"  отрисовка обзора:         {t3 - t2:6.2f} с")
    print(f"  всего от загрузки до обзора: {total:6.2f} с")
    print(f"База сравнения: pandas.read_excel(engine='openpyxl') того же файла: {baseline:6.2f} с")
    print(f"Отношение (всё / чтение openpyxl): {total / baseline:.2f}")


if __name__ == "__main__":
    main()
