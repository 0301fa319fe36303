"""Data reaches a page as literal text: the escaping rules of `mirador.literal`, checked
against CommonMark's own rules (every ASCII punctuation escaped; a backslash escape reads
as the character itself) and against what plotly and Streamlit interpret after parsing.
What a browser finally shows is checked in tests/browser/test_data_as_text.py."""
from __future__ import annotations

import html
import re
import string
from urllib.parse import unquote

import pytest

from mirador import literal

JOINER = "\u2060"
PAYLOADS = [
    "INDH ![t](http://evil.example/p.png)",
    "<img src=http://evil.example/x.png>",
    "<b>bold</b><script>alert(1)</script>",
    "**bold** __under__ *it* _it_ `code` ~~gone~~",
    "[link](javascript:alert(1))",
    ":red[x] :smile: :+1: :material/home:",
    "$x^2$ and $$y$$",
    "# heading",
    "1. numbered",
    "- listed",
    "> quoted",
    "| a | b |",
    "&lt;b&gt; &amp; &#60;",
    "www.evil.example and https://evil.example/x and a.b@evil.example",
    "back\\slash \\*",
    "line one\n\n# line two\r\n- three",
    "Defensoría del Pueblo 1.234,5 (2023)",
]


def reads_as(markdown: str) -> str:
    """What CommonMark shows for text whose every punctuation is escaped: each backslash
    escape is the character itself; the invisible word joiners stay invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(JOINER, "")


def unescaped_punctuation(markdown: str) -> list[str]:
    """ASCII punctuation not preceded by an escaping backslash (what markdown could act on)."""
    found, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and markdown[i + 1] in string.punctuation:
            i += 2
            continue
        if markdown[i] in string.punctuation:
            found.append(markdown[i])
        i += 1
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_escapes_every_punctuation_and_reads_as_the_original(payload):
    shown = literal.markdown(payload)
    assert unescaped_punctuation(shown) == []
    # One line: a newline in a value would start a heading, a list or a quote.
    assert not re.search(r"[\r\n]", shown)
    assert reads_as(shown) == re.sub(r"[\r\n]+", " ", payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_breaks_what_is_interpreted_after_parsing(payload):
    """GFM autolinks (http:, www., e-mail), emoji shortcodes and Streamlit icons act on the
    parsed text, where escapes are gone: a word joiner must stand in their way."""
    parsed = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", literal.markdown(payload))
    assert not re.search(r"(?i)(?<!\u2060)(https?:|www\.|@)", parsed)
    assert not re.search(r":[\w+-]", parsed)
    assert ":material/" not in literal.markdown(payload)


def test_markdown_of_missing_is_empty_and_numbers_read_unchanged():
    assert literal.markdown(None) == ""
    assert reads_as(literal.markdown(1234.5)) == "1234.5"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plotly_text_has_no_tag_and_decodes_to_the_original(payload):
    shown = literal.plotly(payload)
    assert "<" not in shown and ">" not in shown
    assert not re.search(r"&(?!amp;|lt;|gt;)", shown)  # every & starts one of our entities
    assert html.unescape(shown) == payload


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd",
                                 "APT 2017, p. 12", "/work/data/x.pdf", "", None])
def test_only_web_addresses_become_links(url):
    assert not literal.is_web_link(url)
    assert literal.web_link(url) is None
    shown = literal.markdown_link("name", url)
    assert "](" not in shown and reads_as(shown) == "name"


@pytest.mark.parametrize("url", [
    "https://example.org/a)![t](http://evil.example/p.png)",
    "http://example.org/a b<c>d\"e",
    "HTTPS://Example.org/(x)",
    "https://example.org/ya%20encoded?q=1&r=(2)#frag",
])
def test_a_web_address_stays_inside_its_link(url):
    shown = literal.markdown_link("host (1)", url)
    label, destination = re.fullmatch(r"\[(.*)\]\((.*)\)", shown).groups()
    assert reads_as(label) == "host (1)"
    # Nothing that could end the destination or open another element.
    assert not set(destination) & set("()<> \"\\[]`")
    assert unquote(destination) == unquote(url.strip())
    assert literal.web_link(url) == url


@pytest.mark.parametrize(("message", "expected"), [
    ("Unknown file /work/main/data/input/extra.csv ignored", "Unknown file extra.csv ignored"),
    ("read ~/uploads/2026/book.xlsx", "read book.xlsx"),
    (r"C:\data\input\obs.csv: bad header", "obs.csv: bad header"),
    ("column 'Año/Year' unknown; 3/4 rows", "column 'Año/Year' unknown; 3/4 rows"),
    ("see https://example.org/a/b.pdf", "see https://example.org/a/b.pdf"),
])
def test_messages_name_files_without_their_folders(message, expected):
    assert literal.without_folders(message) == expected


def test_file_name_is_the_last_part_of_a_path():
    assert literal.file_name("/work/main/data/input/") == "input"
    assert literal.file_name("/home/someone/recommendations.csv") == "recommendations.csv"
    assert literal.file_name(r"C:\data\obs.csv") == "obs.csv"
    assert literal.file_name("recommendations.csv") == "recommendations.csv"
    assert literal.file_name(None) == ""
