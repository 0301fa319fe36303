"""Links only for http(s) addresses: source lines (markdown) and link columns of tables."""
from __future__ import annotations

import re
from urllib.parse import unquote

import polars as pl

from mirador import components
from mirador.i18n import t

PAYLOAD_URL = "https://example.org/a)![t](http://evil.example/p.png)"
CITATION = "APT 2017, p. 12 ![t](http://evil.example/s.png)"


def _markdown_links(line: str) -> list[tuple[str, str]]:
    """(label, destination) of every markdown link whose `[` is not escaped."""
    return re.findall(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^()\s]*)\)", line)


def test_a_source_line_links_web_addresses_only_and_keeps_them_whole():
    data = pl.DataFrame({"source": [PAYLOAD_URL, CITATION, "javascript:alert(1)"],
                         "data_status": ["sourced"] * 3})
    links = _markdown_links(components.source_line(data, "en"))
    # One link: the web address, whole (its ")" encoded), not the image inside it.
    assert len(links) == 1, links
    assert unquote(links[0][1]) == PAYLOAD_URL
    assert links[0][0].replace("\\", "") == "example.org"


def test_link_column_splits_citations_from_web_addresses():
    table = pl.DataFrame({"n": [1, 2, 3, 4], "source": ["https://a.org/x", CITATION, "javascript:alert(1)", None]})
    shown, config = components.link_column(table, "source", "es")
    link_name = t("col_link", "es")
    assert shown.columns == ["n", "source", link_name]
    assert shown[link_name].to_list() == ["https://a.org/x", None, None, None]
    assert shown["source"].to_list() == [None, CITATION, "javascript:alert(1)", None]
    assert config[link_name]["type_config"]["type"] == "link"
    assert config[link_name]["type_config"]["validate"] == "^https?://"
    assert config["source"]["type_config"]["type"] == "text"


def test_a_column_of_web_addresses_only_stays_one_link_column():
    table = pl.DataFrame({"source_url": ["https://a.org/x", "HTTP://b.org/y", None]})
    shown, config = components.link_column(table, "source_url", "pt")
    assert shown.columns == ["source_url"]
    assert shown["source_url"].to_list() == ["https://a.org/x", "HTTP://b.org/y", None]
    assert config["source_url"]["type_config"]["type"] == "link"
