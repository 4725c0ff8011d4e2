"""Text from uploads shown as text: one helper for every message that can carry a file,
school, class, subject, teacher or pupil name (Streamlit renders messages as markdown)."""

from __future__ import annotations

import re

__all__ = ["plain"]

# Every ASCII punctuation character may be escaped in CommonMark; escaping them all keeps
# links, images, emphasis, HTML and tables out of user text.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GFM also links bare addresses («http://…», «www.…», «a@b.ru») whatever the escapes: an
# invisible zero-width space breaks the pattern and leaves the text as it reads.
_AUTOLINK = re.compile(r"(?i)(:)(?=//)|(www)(?=\.)|(@)")
_ZWSP = "\u200b"


def plain(text: object) -> str:
    """``text`` escaped so that markdown shows it literally, on one line."""
    flat = " ".join(str(text).split())
    broken = _AUTOLINK.sub(lambda m: m.group(0) + _ZWSP, flat)
    return _PUNCTUATION.sub(r"\\\1", broken)
