"""The page registry: one place lists the dashboard's pages (file, title key, icon, URL).

`dashboard.py` turns it into `st.navigation`; a new page is one line here plus its file.
Titles are `ui_strings.csv` keys, translated at run time.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str        # relative to the repository root
    title_key: str   # key in mirador/ui_strings.csv
    icon: str        # an emoji: a ':material/...:' icon would load a font from a CDN
    url_path: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "page_overview", "🧭", "overview"),
    PageSpec("pages/resources.py", "page_resources", "💰", "resources"),
    PageSpec("pages/autonomy.py", "page_autonomy", "⚖️", "autonomy"),
    PageSpec("pages/recommendations.py", "page_recommendations", "📋", "recommendations"),
    PageSpec("pages/profile.py", "page_profile", "🏛️", "profile"),
    PageSpec("pages/compare.py", "page_compare", "🔀", "compare"),
    PageSpec("pages/progress.py", "page_progress", "📈", "progress"),
    PageSpec("pages/methods.py", "page_methods", "📚", "methods"),
)
