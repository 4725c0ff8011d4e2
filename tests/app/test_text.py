"""dashboard.text.plain: user text is never markdown (the Chromium test shows it on the pages)."""

from __future__ import annotations

import re

import pytest

from dashboard.text import plain

HOSTILE = [
    "[клик](http://evil.example)", "![](http://evil.example/p.png)", "<img src=x onerror=1>",
    "**жирный** _курсив_ `код`", "# заголовок", "| a | b |", "www.evil.example",
    "почта@evil.example", ":red[красный]", "$x^2$", "1. список", "- пункт", "строка\nвторая",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_markdown_character_is_escaped(text: str) -> None:
    out = plain(text)
    unescaped = re.findall(r"(?<!\\)[\[\]()!<>*_`#|$-]", out)
    assert unescaped == []
    assert "\n" not in out
    assert "http://" not in out and "www." not in out
    # what the reader sees: the text itself (escapes and zero-width spaces are invisible)
    assert re.sub(r"\\(.)", r"\1", out).replace("\u200b", "") == " ".join(text.split())
