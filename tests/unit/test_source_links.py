"""Source lines name each link by its host; two pages of one host must not read as one source twice."""
import re

import polars as pl

from mirador import components


def _as_read(line: str) -> str:
    """The markdown as a reader sees it: backslash escapes and invisible joiners gone."""
    return re.sub(r"\\(.)", r"\1", line).replace("\u2060", "")


def test_two_pages_of_one_host_are_told_apart_and_keep_their_own_addresses():
    data = pl.DataFrame({
        "source": ["https://www.prison-insider.com/chile", "https://www.prison-insider.com/peru",
                   "https://www.apt.ch/opcat"],
        "data_status": ["sourced", "sourced", "sourced"],
    })
    line = _as_read(components.source_line(data, "es"))
    assert "[prison-insider.com (1)](https://www.prison-insider.com/chile)" in line
    assert "[prison-insider.com (2)](https://www.prison-insider.com/peru)" in line
    assert "[apt.ch](https://www.apt.ch/opcat)" in line  # a host cited once keeps its plain name


def test_one_page_cited_by_many_rows_is_listed_once():
    data = pl.DataFrame({"source": ["https://www.apt.ch/opcat"] * 3, "data_status": ["sourced"] * 3})
    assert components.source_line(data, "pt").count("](https://www.apt.ch/opcat)") == 1
