"""Data as literal text: the one way a value from the database, an input file or the URL reaches a page.

Only strings of the catalogue and of `ui_strings.csv` may carry formatting. Everything else
(names, instruments, evidence, notes, sources, load warnings, file names) goes through:

- `markdown(value)` for every Streamlit element that renders markdown (markdown, caption,
  info/warning/error, headers, metric/expander/widget labels): the value shows literally.
- `plotly(value)` for plotly text (hover, titles, annotations, tick labels), which reads
  `<b>`, `<br>`, `<a href>`: `<`, `>` and `&` become entities, so they show as typed.
- `html(value)` for text inside markup the app writes for `st.html` (a cell, an attribute):
  quotes become entities too.
- `markdown_link(text, url)` for a link in markdown: only http(s) addresses become links.
- `is_web_link(url)` / `WEB_LINK_PATTERN` for link columns of tables (`st.column_config.LinkColumn`).
- `without_folders(text)` for messages that may name a file: its name, never its folder.

Tables (`st.dataframe`) never interpret markdown: their cells stay raw. Escape once, at the
place where the value meets its renderer (a value meant for plotly is never markdown-escaped).
"""
from __future__ import annotations

import html as _html
import re
from urllib.parse import quote

# Every ASCII punctuation character may be backslash-escaped in CommonMark and then reads as
# itself: escaping all of them covers emphasis, links, images, code, headings, lists, tables,
# HTML, entities, Streamlit's `:red[...]` directives and `$...$` LaTeX at once.
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Some transforms run on the text after parsing, where escapes are already gone: GFM turns
# `http://...`, `www.` and `a@b.org` into links, remark-emoji turns `:smile:` into an emoji and
# Streamlit turns `:material/...:` into an icon. An invisible WORD JOINER in front of the
# trigger (or after the colon) keeps each from matching; the reader sees the same text.
WORD_JOINER = "\u2060"
_AUTOLINK_START = re.compile(r"(?i)(https?:|ftp:|www\.|mailto:|xmpp:|@)")
_SHORTCODE_COLON = re.compile(r":(?=[\w+-])")
# A value is one line: a newline would start a list, a heading or a quote on the page.
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")

WEB_LINK_PATTERN = r"^https?://"  # for LinkColumn(validate=...) and `is_web_link`
_WEB_LINK = re.compile(WEB_LINK_PATTERN, re.IGNORECASE)
# Characters that may end or break a markdown link destination, percent-encoded in a URL;
# "%" stays, so an address already encoded is not encoded twice.
_URL_SAFE = "/:?#@!$&'*+,;=%~-._"

# A folder path in a message: '/work/x/data/input/recommendations.csv', '~/data/a.csv',
# 'C:\\data\\a.csv' -> 'recommendations.csv', 'a.csv'.
_FOLDER_PATH = re.compile(r"(?:[A-Za-z]:[\\/]|~[\\/]|(?<![\w.:/])/)(?:[^\s\\/'\"<>|]+[\\/])+(?P<name>[^\s\\/'\"<>|]*)")


def markdown(value) -> str:
    """`value` as literal text inside Streamlit markdown: nothing in it formats, links or loads."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _AUTOLINK_START.sub(WORD_JOINER + r"\1", text)
    text = _SHORTCODE_COLON.sub(":" + WORD_JOINER, text)
    return _ASCII_PUNCTUATION.sub(r"\\\1", text)


def plotly(value) -> str:
    """`value` as literal text in a plotly string (hover, title, annotation, tick label)."""
    return "" if value is None else _html.escape(str(value), quote=False)


def html(value) -> str:
    """`value` as literal text in HTML the app writes (element text or a quoted attribute)."""
    return "" if value is None else _html.escape(str(value))


def is_web_link(url) -> bool:
    """An http(s) address: the only kind the pages turn into a link."""
    return isinstance(url, str) and bool(_WEB_LINK.match(url.strip()))


def web_link(url) -> str | None:
    """The http(s) address itself (for a link column), None for anything else."""
    return url.strip() if is_web_link(url) else None


def markdown_url(url: str) -> str:
    """An http(s) address made safe as a markdown link destination (no `)`, space, `<`, `>`)."""
    return quote(url.strip(), safe=_URL_SAFE)


def markdown_link(label: str, url) -> str:
    """`[label](url)` for an http(s) address; anything else is the label as plain text."""
    if not is_web_link(url):
        return markdown(label)
    return f"[{markdown(label)}]({markdown_url(url)})"


def without_folders(message) -> str:
    """A message with every folder path cut to its file name (no server path on a page)."""
    return "" if message is None else _FOLDER_PATH.sub(lambda m: m.group("name"), str(message))


def file_name(path) -> str:
    """The last part of a path, for a page ('/srv/data/input' -> 'input')."""
    text = str(path or "").rstrip("/\\")
    return re.split(r"[\\/]", text)[-1] if text else ""
