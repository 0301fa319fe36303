"""Page state in the URL: opening a shared link restores the view exactly.

Every selection widget on a page goes through one of the helpers below. Each
helper:
1. on the first run of the page (widget key not in session state) reads its
   value from `st.query_params` (ignoring invalid values) or uses the default;
2. draws the widget with that value;
3. writes the current value back to `st.query_params` on every run.

Query parameters are cleared by Streamlit on a page switch, so the helpers
rewrite them on each page; the language (`lang`) is rewritten by
`language_selector()` which `dashboard.py` draws on every run.

Values in the URL are codes (ISO3, indicator ids, years, 1/0), never labels, so
a link works in any language. Keys are short: `c` institutions, `y` year,
`i` indicator, `lang` language.

Each page owns its selections. The same short key means different things on
different pages (`c` is a list of institutions on Resources, one institution on
Profile), so `begin_page()` (called by `dashboard.py` before each page runs) drops
the previous page's widget state and URL keys when the page changes: a page reached
from the sidebar opens on its own defaults, a shared link (a new browser session)
restores from the URL. Only `TRAVELLING_PARAMS` (language, presentation mode) move
between pages.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence
from urllib.parse import urlencode

import streamlit as st

from mirador import i18n

LANG_KEY = "lang"
_PREFIX = "qp_"  # session-state key prefix for URL-bound widgets
_URL_LISTENER = "_mirador_url_listener"  # session-state key: redraws the sidebar share links
EMBED_PARAMS = ("embed", "embed_options")  # Streamlit's own display options, never page state
PRESENT_KEY = "present"  # ?present=1: presentation mode (mirador/presentation.py)
TRAVELLING_PARAMS = (LANG_KEY, PRESENT_KEY)  # the URL keys that mean the same on every page
_PAGE_KEY = "mirador_page"  # session-state key: url_path of the page the last run drew


def _session_key(param: str) -> str:
    return _PREFIX + param


# --------------------------------------------------------------------------- page ownership
def begin_page(url_path: str) -> None:
    """Record the page about to run; on a change of page, forget the last page's selections.

    The first page of a session keeps its URL (a shared link, a deep link). `url_path`
    "" is the hidden forwarding page behind `/`: it is not a page of its own, so the
    page it forwards to counts as the first page and reads the forwarded query string.
    """
    if not url_path:
        return
    previous = st.session_state.get(_PAGE_KEY)
    st.session_state[_PAGE_KEY] = url_path
    if previous is None or previous == url_path:
        return
    language_widget = _session_key(LANG_KEY)
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(_PREFIX)
                and k != language_widget]:
        del st.session_state[key]
    for param in [p for p in st.query_params if p not in TRAVELLING_PARAMS]:
        del st.query_params[param]


def current_page() -> str | None:
    """The url_path of the page this run draws (None outside `dashboard.py`, e.g. one-page tests)."""
    return st.session_state.get(_PAGE_KEY)


# --------------------------------------------------------------------------- encoding
def encode(value: Any) -> str | list[str]:
    """Python value -> query-string value(s)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def decode(raw: Sequence[str], options: Sequence[Any], multi: bool = False) -> Any:
    """Query-string values -> the matching options (by their string form); invalid -> None."""
    by_text = {str(o): o for o in options}
    values = [by_text[r] for r in raw if r in by_text]
    if multi:
        return list(dict.fromkeys(values)) if raw else None
    return values[0] if values else None


def _from_url(param: str) -> list[str]:
    try:
        return st.query_params.get_all(param)
    except Exception:  # noqa: BLE001 - outside a Streamlit run there are no query params
        return []


def url_values(param: str) -> list[str]:
    """The raw values of `param` in the URL (for state that is not a widget, e.g. the deck)."""
    return _from_url(param)


def write(param: str, value: Any) -> None:
    """Write one value to the URL (lists become repeated keys ?c=PER&c=MEX)."""
    encoded = encode(value)
    if encoded == "":  # a single value that is None: no key
        if param in st.query_params:
            del st.query_params[param]
            _notify_url_change()
        return
    # An empty selection is kept as `?c=` so the link restores "nothing selected".
    st.query_params[param] = encoded if encoded != [] else ""
    _notify_url_change()


# --------------------------------------------------------------------------- share links
def on_url_change(callback: Callable[[], None]) -> None:
    """Call `callback` after every `write()` of this session (the sidebar share links).

    Registered by `dashboard.py` at the start of each run, before any widget writes,
    so the callback always draws into this run's element.
    """
    st.session_state[_URL_LISTENER] = callback


def _notify_url_change() -> None:
    callback = st.session_state.get(_URL_LISTENER)
    if callback is not None:
        callback()


def share_url(base: str | None, params: dict[str, list[str]], embed: bool = False) -> str:
    """The link that reopens this view: `base` + the page state as a query string.

    `embed=True` gives the presentation link: `present=1` (mirador's presentation mode:
    no sidebar, no explanatory text, chart first, larger type) and Streamlit's
    `embed=true` (no toolbar). A missing `base` (no browser, e.g. tests) gives the
    query string alone.
    """
    pairs = [(k, v) for k, values in params.items() if k not in (*EMBED_PARAMS, PRESENT_KEY)
             for v in values]
    if embed:
        pairs += [(PRESENT_KEY, "1"), ("embed", "true")]
    query = urlencode(pairs)
    return f"{base or ''}?{query}" if query else (base or "")


def _initialise(param: str, options: Sequence[Any], default: Any, multi: bool = False) -> str:
    key = _session_key(param)
    if key not in st.session_state:
        from_url = decode(_from_url(param), options, multi=multi)
        st.session_state[key] = default if from_url is None else from_url
    elif multi:  # options may have changed (e.g. new data): drop vanished values
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    elif options and not isinstance(st.session_state[key], bool) \
            and st.session_state[key] not in options:
        st.session_state[key] = default
    return key


# --------------------------------------------------------------------------- widgets
def _placeholder(kwargs: dict, key: str) -> None:
    """Streamlit's own placeholder is English ("Choose options"): give the translated one."""
    kwargs.setdefault("placeholder", i18n.t(key, language()))


def multiselect(param: str, label: str, options: Sequence[Any], default: Sequence[Any],
                format_func: Callable[[Any], str] = str, container=None, **kwargs) -> list:
    """A multiselect bound to the repeated URL key `param` (e.g. ?c=PER&c=MEX)."""
    key = _initialise(param, list(options), list(default), multi=True)
    _placeholder(kwargs, "placeholder_choose_options" if options else "placeholder_no_options")
    value = (container or st).multiselect(label, list(options), key=key,
                                          format_func=format_func, **kwargs)
    write(param, value)
    return value



def many_institutions(options: Sequence[str]) -> bool:
    """More institutions than a page can show one by one (the NPMs of the world, ~80)."""
    from mirador.figures import MANY_INSTITUTIONS
    return len(options) > MANY_INSTITUTIONS


def institution_options(options: Sequence[str], lang: str) -> list[str]:
    """Institutions as a selector lists them: past a dozen, by name in `lang` (a long list is
    searched and scanned by name); the nine keep their fixed order."""
    if not many_institutions(options):
        return list(options)
    return sorted(options, key=lambda iso3: i18n.institution_label(iso3, lang).casefold())


def institutions(options: Sequence[str], lang: str, default: Sequence[str] | None = None,
                 label_key: str = "select_institutions", container=None) -> list[str]:
    """The institutions multiselect of every page (URL key `c`), labelled by country name.

    Past a dozen institutions a page that shows all of them by default opens with none
    chosen, which means all (its placeholder says so): 80 chips would fill the page. Typing
    in it searches; the institutions chosen are what the page shows.
    """
    def label_of(iso3: str) -> str:
        return i18n.institution_label(iso3, lang)

    if not many_institutions(options):
        return multiselect("c", i18n.t(label_key, lang), options,
                           list(options) if default is None else default,
                           format_func=label_of, container=container)
    listed = institution_options(options, lang)
    if default is not None:
        return multiselect("c", i18n.t(label_key, lang), listed, default, format_func=label_of,
                           container=container)
    chosen = multiselect("c", i18n.t(label_key, lang), listed, [], format_func=label_of, container=container,
                         placeholder=i18n.t("placeholder_all_institutions", lang, n=len(options)),
                         help=i18n.t("select_institutions_many_help", lang))
    return chosen or list(options)


def selectbox(param: str, label: str, options: Sequence[Any], default: Any,
              format_func: Callable[[Any], str] = str, container=None, **kwargs) -> Any:
    """A selectbox bound to URL key `param`."""
    key = _initialise(param, list(options), default)
    _placeholder(kwargs, "placeholder_choose_option" if options else "placeholder_no_options")
    value = (container or st).selectbox(label, list(options), key=key,
                                        format_func=format_func, **kwargs)
    write(param, value)
    return value


def segmented(param: str, label: str, options: Sequence[Any], default: Any,
              format_func: Callable[[Any], str] = str, container=None, **kwargs) -> Any:
    """A single-choice segmented control bound to `param` (never empty: falls back to default)."""
    key = _initialise(param, list(options), default)
    value = (container or st).segmented_control(label, list(options), key=key,
                                                format_func=format_func, **kwargs)
    if value is None:
        value = default
    write(param, value)
    return value


def toggle(param: str, label: str, default: bool = False, container=None, **kwargs) -> bool:
    """A toggle bound to `param` as 1/0."""
    key = _initialise(param, ["1", "0"], encode(default))
    if not isinstance(st.session_state[key], bool):
        st.session_state[key] = st.session_state[key] == "1"
    value = (container or st).toggle(label, key=key, **kwargs)
    write(param, value)
    return value


def tabs(param: str, options: Sequence[Any], default: Any, format_func: Callable[[Any], str] = str,
         opened_by: dict[Any, Sequence[str]] | None = None, container=None) -> tuple[Any, list]:
    """Tabs bound to URL key `param` (the open tab's code, never its label, so a link works in
    any language); only the open tab's container is meant to be filled (`.open`). Returns the
    open code and the tab containers, in `options` order.

    A link without `param` opens the first tab named in `opened_by` whose URL keys it carries
    (e.g. an old link's section toggle `o_trend=1`, or the tab's own selection `r=`); the
    old toggles are then dropped from the URL (the tab is the state now).
    """
    options = list(options)
    opened_by = opened_by or {}
    key = _session_key(param)
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = decode(_from_url(param), options) or _opened_by_link(opened_by) or default
    for toggle_param in [p for params in opened_by.values() for p in params if p.startswith(_TOGGLE_PREFIX)]:
        write(toggle_param, None)
    labels = [format_func(o) for o in options]
    code_of = dict(zip(labels, options))
    widget_key = key + "_tabs"
    # The widget holds a label, which changes with the language: seeded from the code each run.
    st.session_state[widget_key] = labels[options.index(st.session_state[key])]

    def remember_tab() -> None:
        st.session_state[key] = code_of.get(st.session_state[widget_key], default)

    containers = (container or st).tabs(labels, key=widget_key, default=labels[options.index(default)],
                                        on_change=remember_tab)
    write(param, st.session_state[key])
    return st.session_state[key], list(containers)


_TOGGLE_PREFIX = "o_"  # the section toggles of old links (`o_trend=1`), before section tabs


def _opened_by_link(opened_by: dict[Any, Sequence[str]]) -> Any:
    for option, params in opened_by.items():
        if any(v not in ("", "0") for p in params for v in _from_url(p)):
            return option
    return None


def year_select(param: str, label: str, years: Sequence[int], default: int | None = None,
                container=None, **kwargs) -> int | None:
    """A year selectbox (latest year by default); None when there are no years."""
    years = sorted({int(y) for y in years})
    if not years:
        return None
    return selectbox(param, label, years, default if default in years else years[-1],
                     container=container, **kwargs)


def page_number(param: str, label: str, n_pages: int, selection: Any = None, container=None,
                **kwargs) -> int:
    """A page of a table paged on the server, 1..n_pages, bound to `param`. Back to page 1 when
    `selection` (what the table shows: institutions, years, filters) differs from the last run's,
    since page 40 of another selection is no place to land; a shared link keeps its page."""
    n_pages = max(1, int(n_pages))
    key, seen_key = _session_key(param), _session_key(param) + "_selection"
    if key not in st.session_state:
        raw = _from_url(param)
        st.session_state[key] = int(raw[0]) if raw and raw[0].isdigit() else 1
    elif st.session_state.get(seen_key) != selection:
        st.session_state[key] = 1
    st.session_state[seen_key] = selection
    st.session_state[key] = min(max(1, int(st.session_state[key])), n_pages)
    value = int((container or st).number_input(label, min_value=1, max_value=n_pages, step=1,
                                               key=key, **kwargs))
    write(param, value)
    return value


# --------------------------------------------------------------------------- language
def default_language() -> str:
    """From the URL (?lang=pt), else the browser locale, else Spanish."""
    raw = _from_url(LANG_KEY)
    if raw and raw[0] in i18n.LANGUAGES:
        return raw[0]
    try:
        return i18n.normalise_language(st.context.locale)
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        return i18n.DEFAULT_LANGUAGE


# Streamlit resets widget state on a page switch (and clears the query string), so the
# chosen language lives under a plain session key that the widget is re-seeded from.
_LANGUAGE_CHOICE = "mirador_language"


def language_selector(container=None) -> str:
    """The sidebar language selector; keeps `?lang=` in the URL. Call once per run."""
    if _LANGUAGE_CHOICE not in st.session_state:
        st.session_state[_LANGUAGE_CHOICE] = default_language()
    key = _session_key(LANG_KEY)
    st.session_state[key] = st.session_state[_LANGUAGE_CHOICE]

    def remember_choice() -> None:
        st.session_state[_LANGUAGE_CHOICE] = st.session_state[key]

    lang = (container or st.sidebar).selectbox(
        "Idioma · Língua · Language", list(i18n.LANGUAGES), key=key, on_change=remember_choice,
        format_func=lambda code: i18n.LANGUAGE_NAMES[code])
    write(LANG_KEY, lang)
    return lang


def language() -> str:
    """The current language (for pages): the selector's choice, else the URL/locale default.

    Every page calls this first, so it is also where a page run in Streamlit's old
    file-based mode is sent back through `dashboard.py` (see `navigation`).
    """
    from mirador.navigation import leave_file_based_routing
    leave_file_based_routing()
    return st.session_state.get(_LANGUAGE_CHOICE) or default_language()


def snapshot() -> dict[str, list[str]]:
    """The current URL state as {param: [values]} (tests, 'copy link' text)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}
