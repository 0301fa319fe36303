"""Presentation mode: what a presenter projects from a shared link.

On with `?present=1` (the share box's presentation link adds it, with Streamlit's own
`embed=true`, which on its own also turns it on). In presentation mode the page shows
its title, the data banner and its charts: no sidebar, no toolbar, no selection
widgets (the link fixes the selection), no explanatory text before the first chart
(intro paragraphs, definitions, notes), type one step larger. What follows the first
chart stays, so a presenter can still scroll to a table.

All of it is one static stylesheet (no data in it) keyed on Streamlit's element test
ids, so pages need no presentation-specific code.
"""
from __future__ import annotations

import streamlit as st

from mirador import state

# The page's own top-level column of elements (not those inside columns or containers).
_TOP = '[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]'
_CHART = '[data-testid="stPlotlyChart"]'
# Selection widgets, downloads and "show data": hidden (the link fixes the selection);
# plain buttons stay (the deck's previous/next).
_CONTROLS = ", ".join(f'[data-testid="{tid}"]' for tid in (
    "stSelectbox", "stMultiSelect", "stCheckbox", "stToggle", "stButtonGroup", "stSlider",
    "stSelectSlider", "stRadio", "stTextInput", "stTextArea", "stDateInput", "stNumberInput",
    "stFileUploader", "stDownloadButton", "stCodeBlock"))
_KEPT_IN_ROWS = ", ".join(f'[data-testid="{tid}"]' for tid in (
    "stPlotlyChart", "stButton", "stDataFrame", "stMarkdown", "stIFrame", "stMetric"))

# Text kept on screen although it comes before the first chart: whatever a page draws inside
# st.container(key=KEPT_TEXT_KEY) (Progress's key messages, a donor meeting's headline). The
# rule below hides single elements (stElementContainer); a container is a layout block, so it
# stays, and moves after the first chart with the rest (tests/browser/test_presentation.py).
KEPT_TEXT_KEY = "presentation_kept_text"

# Top-level blocks around the first chart. `:has()` cannot nest, `:not()` can hold one.
_CHART_BOX = f"{_TOP} > :has({_CHART})"
_FIRST_CHART_BOX = f"{_CHART_BOX}:not({_CHART_BOX} ~ *)"
# (Only on pages with a chart: a page without one, e.g. methods, keeps its text.)
_BEFORE_FIRST_CHART = f"{_TOP}:has({_CHART}) > :not(:has({_CHART})):not({_CHART_BOX} ~ *)"
_TEXT_BEFORE_FIRST_CHART = (f'{_TOP}:has({_CHART}) > [data-testid="stElementContainer"]'
                            f':not(:has({_CHART})):not({_CHART_BOX} ~ *)')
_AFTER_FIRST_CHART = f"{_CHART_BOX} ~ *"

PRESENTATION_CSS = f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"] {{ display: none !important; }}
html {{ font-size: 19px; }}
[data-testid="stMainBlockContainer"] {{
  padding: 0.5rem 2rem 2rem 2rem !important; max-width: 100% !important; }}
/* selections are fixed by the link */
[data-testid="stMain"] [data-testid="stElementContainer"]:has({_CONTROLS}) {{ display: none !important; }}
[data-testid="stMain"] [data-testid="stLayoutWrapper"]:has(> [data-testid="stExpander"]) {{ display: none !important; }}
[data-testid="stMain"] [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"]):not(:has({_KEPT_IN_ROWS})) {{
  display: none !important; }}
/* The first chart opens the screen, with its caption (unit, n, source) under it. The page
   title, intro, definitions and section headings before it are not shown (the chart's own
   title says what it shows); the rest of what came before it (the data banner, the
   overview's cards, the compare table, text a page keeps: KEPT_TEXT_KEY) follows it, then
   everything after it. Every chart marks illustrative values in its own frame, so the
   banner may come second. */
{_TEXT_BEFORE_FIRST_CHART}:has([data-testid="stMarkdown"], [data-testid="stHeading"]):not(:has([data-testid="stAlert"])) {{
  display: none !important; }}
{_BEFORE_FIRST_CHART} {{ order: 1; }}
{_AFTER_FIRST_CHART} {{ order: 2; }}
{_FIRST_CHART_BOX} + [data-testid="stElementContainer"]:not(:has([data-testid="stHeading"])) {{ order: 0; }}
</style>"""


# The deck projected: its controls in one slim row, the view filling the rest of the screen.
DECK_CSS = f"""<style>
{_TOP} > [data-testid="stElementContainer"]:has(h1, [data-testid="stAlert"]) {{ display: none !important; }}
{_TOP} {{ gap: 0.4rem; }}
.st-key-deck_controls {{ font-size: 0.8rem; }}
.st-key-deck_controls button {{ min-height: 0; padding: 0.1rem 0.8rem; }}
[data-testid="stMain"] iframe {{ height: calc(100vh - 3.6rem) !important; border: 0; }}
</style>"""


def is_on() -> bool:
    """Presentation mode: `?present=1`, or Streamlit's `?embed=true` on its own."""
    try:
        if st.query_params.get(state.PRESENT_KEY) == "1":
            return True
        return bool(st.context.is_embedded)
    except Exception:  # noqa: BLE001 - no browser context (bare mode, some tests)
        return False


def apply() -> bool:
    """Add the presentation stylesheet when presentation mode is on; returns whether it is."""
    on = is_on()
    if on:
        st.html(PRESENTATION_CSS)
    return on


# --------------------------------------------------------------------------- the deck
# A deck is a list of views, each a link to one page of this dashboard with its query
# string. It lives in the deck page's own URL (`/deck?v=<view>&v=<view>&s=<step>`), so a
# deck survives a server restart, can be bookmarked and shared, and needs no storage.
DECK_VIEWS_KEY, DECK_STEP_KEY = "v", "s"
DECK_URL_PATH = "deck"
_SESSION_DECK = "mirador_deck"  # views added from the sidebar during this session
# Page state of the view itself never includes these: the deck adds its own.
_DISPLAY_PARAMS = (*state.EMBED_PARAMS, state.PRESENT_KEY)


def _page_paths() -> tuple[str, ...]:
    from mirador.navigation import URL_PATHS
    return tuple(p for p in URL_PATHS if p != DECK_URL_PATH)


def parse_view(link: str, lang: str | None = None) -> str | None:
    """A pasted link (full or relative) -> the view `page?query`, or None if it is not one
    of this dashboard's pages. Only the path's last segment and the query are kept, so a
    deck can never point the frame at another host or at a page that does not exist.
    A link without a language gets `lang` (the deck's), so every view reads the same."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    parts = urlsplit(link.strip())
    if not link.strip() or (parts.scheme and parts.scheme not in ("http", "https")):
        return None
    page = parts.path.rstrip("/").rsplit("/", 1)[-1] or _page_paths()[0]
    if page not in _page_paths():
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _DISPLAY_PARAMS]
    if lang and state.LANG_KEY not in dict(query):
        query.insert(0, (state.LANG_KEY, lang))
    return f"{page}?{urlencode(query)}" if query else page


def view_frame_src(view: str) -> str:
    """The same-origin address the deck frames: the view in presentation mode."""
    separator = "&" if "?" in view else "?"
    return f"/{view}{separator}{state.PRESENT_KEY}=1&embed=true"


def view_link(view: str) -> str:
    """The view as a full link a presenter can copy, open or paste back."""
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(st.context.url or "")
        base = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "/"
    except Exception:  # noqa: BLE001 - no browser context (tests)
        base = "/"
    return base + view


def view_page(view: str) -> str:
    return view.split("?", 1)[0]


def default_deck(lang: str) -> list[str]:
    """A deck to start from: each page with charts, on its defaults, in `lang`."""
    return [f"{page}?lang={lang}" for page in _page_paths() if page != "methods"]


def session_deck() -> list[str]:
    return list(st.session_state.get(_SESSION_DECK, []))


def remember_deck(views: list[str]) -> None:
    st.session_state[_SESSION_DECK] = list(views)


def add_current_view() -> None:
    """Sidebar button callback: append the view the reader is looking at to the session deck.

    Runs before the next script run, so the URL and page are still those of the view shown.
    """
    page = state.current_page()
    if not page or page == DECK_URL_PATH:
        return
    params = state.snapshot()
    link = state.share_url(page, params)
    view = parse_view(link)
    if view:
        remember_deck([*session_deck(), view])


# --------------------------------------------------------------------------- charts
# A projector's first screen is 720 px high; the first chart opens it, 10 px from the top.
SCREEN_CHART_MAX_PX = 690


def fit_to_screen(fig):
    """In presentation mode, a figure taller than a projector's first screen is drawn at
    `SCREEN_CHART_MAX_PX` (its rows closer together), so it is seen whole; otherwise the
    figure is returned as it is. A copy: cached figures are never changed."""
    height = fig.layout.height
    if height is None or height <= SCREEN_CHART_MAX_PX or not is_on():
        return fig
    from mirador import figures
    return figures.with_height(fig, SCREEN_CHART_MAX_PX)
