"""The page registry: one place lists the dashboard's pages (file, title key, icon, URL).

`dashboard.py` turns it into `st.navigation` with `build()`; a new page is one line here
plus its file. Titles are `ui_strings.csv` keys, translated at run time.

Addresses: every page has its own readable path (`/overview`, `/resources`, ...). The
root `/` is a hidden page that forwards to `/overview` with the same query string, so
`/` and `/overview` are one page with one canonical address (Streamlit always serves
the default page at `/`, and `/<its url_path>` would answer "page not found").
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


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
    PageSpec("pages/deck.py", "page_deck", "🎞️", "deck"),
)
# Listed only when a staff password is configured (mirador.staff.auth): without one the page
# does not exist, not even at its address.
STAFF_PAGE = PageSpec("pages/data_admin.py", "page_staff_data", "🔐", "staff")
HOME_URL_PATH = "home"  # the hidden page behind `/` (never shown: it forwards to PAGES[0])
URL_PATHS = tuple(spec.url_path for spec in PAGES)


def leave_file_based_routing() -> None:
    """Undo Streamlit's old file-based multipage mode if this process started in it.

    Streamlit decides, once per process, that an app with a `pages/` folder beside its
    entry script is an old-style app, and then runs `pages/<name>.py` directly for a
    first request to `/<name>` (no `dashboard.py`: no language selector, no banner, a
    sidebar of file names) until `st.navigation` runs once. Every page calls this (via
    `state.language()`) before drawing anything: in that mode it switches the flag off and
    reruns, so the rerun goes through `dashboard.py` to the same page. `scripts/dashboard`
    and the tests start the server through `mirador.serve`, which switches the flag off
    before the first request, so normally this does nothing.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _forward_to_first_page() -> None:
    """`/` -> `/overview`, keeping the query string (language, selections, presentation)."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    st.switch_page(PAGES[0].path, query_params=params)


def build(lang: str):
    """`st.navigation` over the registry, titles in `lang`; returns the page to run."""
    from mirador.i18n import t

    home = st.Page(_forward_to_first_page, title=t(PAGES[0].title_key, lang), icon=PAGES[0].icon,
                   url_path=HOME_URL_PATH, default=True, visibility="hidden")
    pages = [st.Page(spec.path, title=t(spec.title_key, lang), icon=spec.icon, url_path=spec.url_path)
             for spec in PAGES]
    from mirador.staff.auth import staff_page_enabled

    if staff_page_enabled():
        pages.append(st.Page(STAFF_PAGE.path, title=t(STAFF_PAGE.title_key, lang), icon=STAFF_PAGE.icon,
                             url_path=STAFF_PAGE.url_path))
    return st.navigation([home, *pages])
