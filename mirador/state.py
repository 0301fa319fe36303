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


def _session_key(param: str) -> str:
    return _PREFIX + param


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

    `embed=True` adds Streamlit's `embed=true` (no sidebar, no toolbar: for projecting).
    A missing `base` (no browser, e.g. tests) gives the query string alone.
    """
    pairs = [(k, v) for k, values in params.items() if k not in EMBED_PARAMS for v in values]
    if embed:
        pairs.append(("embed", "true"))
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



def institutions(options: Sequence[str], lang: str, default: Sequence[str] | None = None,
                 label_key: str = "select_institutions", container=None) -> list[str]:
    """The institutions multiselect of every page (URL key `c`), labelled by country name."""
    return multiselect("c", i18n.t(label_key, lang), options, list(options) if default is None else default,
                       format_func=lambda iso3: i18n.institution_label(iso3, lang), container=container)

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


def year_select(param: str, label: str, years: Sequence[int], default: int | None = None,
                container=None, **kwargs) -> int | None:
    """A year selectbox (latest year by default); None when there are no years."""
    years = sorted({int(y) for y in years})
    if not years:
        return None
    return selectbox(param, label, years, default if default in years else years[-1],
                     container=container, **kwargs)


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
    """The current language (for pages): the selector's choice, else the URL/locale default."""
    return st.session_state.get(_LANGUAGE_CHOICE) or default_language()


def snapshot() -> dict[str, list[str]]:
    """The current URL state as {param: [values]} (tests, 'copy link' text)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}
