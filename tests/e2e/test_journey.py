"""The deputy head's first journey in a real browser: upload the template → overview → CSV,
and the downloaded CSV equals the CLI's output for the same file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _wait(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def upload(page: Page, base: str, school: str, paths: list[Path]) -> None:
    """Upload files on «Загрузка данных» with a default school and save them all."""
    page.goto(f"{base}/upload")
    _wait(page)
    field = page.get_by_role("textbox", name="Школа (если в файле не указана)")
    field.fill(school)
    field.press("Enter")
    _wait(page)
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(
        [str(p) for p in paths])
    save = page.get_by_role("button", name=f"Сохранить файлы ({len(paths)})")
    save.wait_for(timeout=90_000)
    _wait(page)
    save.click()
    for path in paths:
        expect(page.get_by_text(f"Файл «{path.name}» сохранён.")).to_be_visible(timeout=90_000)


SAMPLE = ROOT / "sample_data" / "template_example_8A.xlsx"
SCHOOL = "Школа № 1"


def test_upload_overview_download(page: Page, app_server: str, tmp_path: Path) -> None:
    source = tmp_path / "Шаблон_8А.xlsx"
    source.write_bytes(SAMPLE.read_bytes())

    page.set_viewport_size({"width": 1400, "height": 1000})
    upload(page, app_server, SCHOOL, [source])

    page.goto(f"{app_server}/overview")
    _wait(page)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    # sample_data/README.md: 8А, 1 четверть — русский (3/12/9/1), алгебра (4/9/11/1),
    # физкультура (16/8/0/0, 1 осв). Over the three: n5 23, n4 29, n3 20, n2 2 → N 74;
    # успеваемость 72/74 = 97.30; качество 52/74 = 70.27; СОУ (2300+1856+720+32)/74 = 66.32;
    # средний балл (115+116+60+4)/74 = 3.986
    assert values == ["74", "97,3 %", "70,3 %", "66,3 %", "3,99"]
    cells = page.locator('[data-testid="stDataFrame"]').first
    expect(cells).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("button", name="Скачать сводку (CSV)").click()
    downloaded = tmp_path / "downloaded.csv"
    info.value.save_as(downloaded)

    cli_out = tmp_path / "cli.csv"
    subprocess.run([sys.executable, "-m", "core", "summary", str(source), "--out", str(cli_out),
                    "--school", SCHOOL],
                   cwd=ROOT, check=True, capture_output=True)
    assert downloaded.read_bytes() == cli_out.read_bytes()
    lines = downloaded.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == 4
    assert any(";Алгебра;Соловьёв Н.О.;25;4;9;11;1;0;0;96,0;52,0;55,5;3,64" in line
               for line in lines)
