"""Text from uploads (file, school, class, subject, teacher and pupil names) is shown as text:
markdown in it never becomes a link or an image, in a real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tests.core.builders import template_bytes
from tests.e2e.test_journey import _wait

pytestmark = pytest.mark.e2e

EVIL = "evil.example"
LINK = f"[клик](http://{EVIL})"
FILE_LINK = f"[клик](https:{EVIL})"  # a file name holds no «/»
IMAGE = f"![](http://{EVIL}/p.png)"


def _no_injected_markup(page: Page) -> None:
    expect(page.locator(f'a[href*="{EVIL}"]')).to_have_count(0)
    expect(page.locator(f'img[src*="{EVIL}"]')).to_have_count(0)


def test_markdown_from_uploads_is_shown_as_text(page: Page, app_server: str,
                                                tmp_path: Path) -> None:
    fetched: list[str] = []

    def watch(request: Request) -> None:
        if EVIL in request.url:
            fetched.append(request.url)

    page.on("request", watch)
    rows = [["2024/2025", "1 четверть", "Четвертная", "8А", f"{IMAGE} Ученик", f"Алгебра {LINK}",
             f"{LINK} Иванова", "5", None, None, None]]
    source = tmp_path / f"{FILE_LINK}.xlsx"
    source.write_bytes(template_bytes(rows))

    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_server}/upload")
    _wait(page)
    school = page.get_by_role("textbox", name="Школа (если в файле не указана)")
    school.fill(f"{IMAGE} Школа {LINK}")
    school.press("Enter")
    _wait(page)
    upload = page.locator('[data-testid="stFileUploader"] input[type=file]')
    upload.set_input_files(str(source))
    save = page.get_by_role("button", name="Сохранить файлы (1)")
    save.wait_for(timeout=60_000)
    _wait(page)
    _no_injected_markup(page)
    save.click()
    expect(page.get_by_text(f"Файл «{FILE_LINK}.xlsx» сохранён.")).to_be_visible(timeout=60_000)
    _no_injected_markup(page)
    # the same file again: the duplicate message names the earlier upload
    save.click()
    expect(page.get_by_text("уже загружен", exact=False)).to_be_visible(timeout=60_000)
    _no_injected_markup(page)

    for path in ("", "overview", "settings"):
        page.goto(f"{app_server}/{path}")
        _wait(page)
        _no_injected_markup(page)
    page.goto(f"{app_server}/")
    _wait(page)
    # shown as typed (a zero-width space keeps «http://» from becoming a link)
    caption = page.locator('[data-testid="stCaptionContainer"]', has_text="Школа:").first
    assert f"{IMAGE} Школа {LINK}" in caption.inner_text().replace("\u200b", "")
    assert fetched == []
