"""The objectivity journey in a real browser: upload a ВПР protocol and the teacher load →
«Объективность оценивания» → pick a finding → the pupils behind it → download checks.csv, which
equals the CLI's ``python -m core checks`` on the same files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import _wait, upload

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
FILES = ("vpr_2025.xlsx", "teacher_load.xlsx")
SCHOOL = "Школа № 7"


def test_upload_objectivity_drill_down_download(page: Page, fresh_server: str,
                                                tmp_path: Path) -> None:
    sources = []
    for name in FILES:
        path = tmp_path / name
        path.write_bytes((ROOT / "sample_data" / name).read_bytes())
        sources.append(path)
    page.set_viewport_size({"width": 1440, "height": 1100})
    upload(page, fresh_server, SCHOOL, sources)

    page.goto(f"{fresh_server}/objectivity")
    _wait(page)
    expect(page.get_by_role("heading", name="Объективность оценивания")).to_be_visible()
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    # sample_data/README.md: Соколова Н.П. (6Б, 6В) and 7А русский язык → O1 «высокий», and the
    # parallel 6 over Математика; nothing else reaches «высокий».
    assert metrics[0] == "4"

    # Narrow the list to 6Б, then select its first finding (O1, «понизили» 95,2 %).
    classes = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Класс")
    classes.locator("input").click()
    page.get_by_role("option", name="6Б", exact=True).click()
    page.keyboard.press("Escape")
    _wait(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection box
    _wait(page)
    expect(page.get_by_text("O1. ВПР и отметки по журналу")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Ученики (20)")).to_be_visible()  # 20 of 21 pairs were lowered

    with page.expect_download() as info:
        page.get_by_role("button", name="Скачать находки (checks.csv)").click()
    downloaded = tmp_path / "downloaded.csv"
    info.value.save_as(downloaded)
    cli_out = tmp_path / "cli.csv"
    subprocess.run([sys.executable, "-m", "core", "checks", *map(str, sources), "--out",
                    str(cli_out), "--school", SCHOOL], cwd=ROOT, check=True, capture_output=True)
    assert downloaded.read_bytes() == cli_out.read_bytes()
    lines = downloaded.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Код;Проверка;Уровень;Школа;")
    assert any(line.startswith("O13;") and ";8Б;Математика;" in line for line in lines)
