"""The deputy head's first journey in a real browser: upload the template → overview → CSV,
and the downloaded CSV equals the CLI's output for the same file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.core.builders import class_marks, template_bytes

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _wait(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _sample_rows() -> list[list[object]]:
    # 8А, 1 четверть. Алгебра: 5,5,4,4,3,2 → N 6, успеваемость 5/6 = 83.3, качество 4/6 = 66.7;
    # Геометрия: 5,4,4,4,3,осв → N 5. Over both (11 marks: 3×«5», 5×«4», 2×«3», 1×«2»):
    # успеваемость 10/11 = 90.9 %, качество 8/11 = 72.7 %, СОУ (300+320+72+16)/11 = 64.36 → 64,4 %,
    # средний балл (15+20+6+2)/11 = 3.909 → 3,91
    return (class_marks("2024/2025", "1 четверть", "8А", "Алгебра", "Иванова И.И.",
                        ["5", "5", "4", "4", "3", "2"])
            + class_marks("2024/2025", "1 четверть", "8А", "Геометрия", "Иванова И.И.",
                          ["5", "4", "4", "4", "3", "осв"]))


def test_upload_overview_download(page: Page, app_server: str, tmp_path: Path) -> None:
    source = tmp_path / "Шаблон_8А.xlsx"
    source.write_bytes(template_bytes(_sample_rows()))

    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_server}/upload")
    _wait(page)
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(source))
    save = page.get_by_role("button", name="Сохранить файлы (1)")
    save.wait_for(timeout=60_000)
    _wait(page)
    save.click()
    expect(page.get_by_text("Файл «Шаблон_8А.xlsx» сохранён.")).to_be_visible(timeout=60_000)

    page.goto(f"{app_server}/overview")
    _wait(page)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert values == ["11", "90,9 %", "72,7 %", "64,4 %", "3,91"]

    with page.expect_download() as info:
        page.get_by_role("button", name="Скачать сводку (CSV)").click()
    downloaded = tmp_path / "downloaded.csv"
    info.value.save_as(downloaded)

    cli_out = tmp_path / "cli.csv"
    subprocess.run([sys.executable, "-m", "core", "summary", str(source), "--out", str(cli_out)],
                   cwd=ROOT, check=True, capture_output=True)
    assert downloaded.read_bytes() == cli_out.read_bytes()
    assert len(downloaded.read_bytes().decode("utf-8-sig").splitlines()) == 3
