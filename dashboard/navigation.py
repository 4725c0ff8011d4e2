"""The page list: the single source for navigation and for the page smoke tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["PAGES", "PAGES_DIR", "PageSpec", "page_path"]

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    module: str  # file name in pages/ without .py
    title: str
    icon: str
    url_path: str  # "" for the default page, served at /
    default: bool = False


PAGES = (
    PageSpec("home", "Главная", ":material/home:", "", default=True),
    PageSpec("upload", "Загрузка данных", ":material/upload_file:", "upload"),
    PageSpec("overview", "Обзор показателей", ":material/monitoring:", "overview"),
    PageSpec("objectivity", "Объективность оценивания", ":material/balance:", "objectivity"),
    PageSpec("vpr", "Анализ ВПР", ":material/assignment:", "vpr"),
    PageSpec("settings", "Настройки", ":material/settings:", "settings"),
)


def page_path(module: str) -> str:
    """Absolute script path of a page, for st.page_link / st.switch_page."""
    return str(PAGES_DIR / f"{module}.py")
