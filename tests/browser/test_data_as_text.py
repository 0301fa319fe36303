"""Data shows as text, in a real Chromium, on every public page and language (issue 12).

The bundled data with markdown, HTML, image, LaTeX and Streamlit-directive payloads in every
free-text column of every input table (names, instruments, evidence, notes, sources, fact
texts), plus an unknown file and an unknown header whose names land in the load warnings.
On every page: the payload reads literally, no element is made from it (no image, link,
bold, script, formula) and the browser asks no host but the server.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser_sections import each_section
from devtools.browser import REPO_ROOT, PageWatch, start_streamlit, wait_for_render
from etl import contracts
from mirador.i18n import t
from mirador.navigation import PAGES

pytestmark = pytest.mark.browser

LANGUAGES = ("es", "pt", "en")
EVIL_HOST = "evil.example"
# Columns that keep their bundled value: keys and codes that other tables point at.
KEPT_COLUMNS = {"recommendation_id", "iso3", "field", "year", "confidence"}
# The citation is a plain-text source: it shows on every chart's source line.
CITATION = ("APT 2017 ![t](http://evil.example/s.png) <img src=http://evil.example/s-x.png> "
            "<b>b-source</b><script>window.pwned=1</script> **bold-source** "
            "[link-source](javascript:alert(1)) :red[x] :smile: :material/home: $x^2$")
WEB_SOURCE = "https://example.org/a)![t](http://evil.example/p.png)"
SOURCE_PAYLOAD = f"{WEB_SOURCE}; {CITATION}"
UNKNOWN_HEADER = "extra <img src=http://evil.example/h.png> **bold-header** :red[h] $h^2$"
UNKNOWN_FILE = "notes ![f](evil.example_f.png) **bold-file** :red[f].csv"
# Pieces of the payloads that must read as typed (word joiners aside).
LITERAL_CITATION = ("![t](http://evil.example/s.png)", "<img src=http://evil.example/s-x.png>",
                    "<b>b-source</b>", "**bold-source**", "[link-source](javascript:alert(1))",
                    ":red[x]", ":smile:", ":material/home:", "$x^2$")
LITERAL_NAME = ("![t](http://evil.example/institution_name.png)", "**bold-institution_name**",
                "<b>b-institution_name</b>", "$x^2$")
LITERAL_WARNINGS = (UNKNOWN_HEADER, UNKNOWN_FILE)

# The Profile of a payload institution (every page's section tabs are opened in turn).
QUERIES = {"profile": "c=CHL"}
EXPECTED_LITERALS = {"overview": LITERAL_NAME + LITERAL_CITATION, "profile": LITERAL_NAME + LITERAL_CITATION,
                     "autonomy": LITERAL_CITATION + ("**bold-evidence**", "<b>b-evidence</b>"),
                     "resources": LITERAL_CITATION, "compare": LITERAL_CITATION,
                     "methods": LITERAL_WARNINGS,
                     # Their charts are of derived measures (no cited source on the page):
                     # checked for elements and requests only.
                     "recommendations": (), "progress": (),
                     "deck": LITERAL_NAME}  # its first view (the overview) in its frame

# Elements a payload would have made, in the page and in same-origin frames (the deck's).
ELEMENTS_FROM_PAYLOAD_JS = r"""() => {
  const found = [];
  const docs = [document, ...[...document.querySelectorAll('iframe')]
      .map(f => { try { return f.contentDocument; } catch (e) { return null; } }).filter(Boolean)];
  for (const doc of docs) {
    for (const el of doc.querySelectorAll('[src], [href], [srcset], [poster], [data]')) {
      const url = el.getAttribute('src') || el.getAttribute('href') || el.getAttribute('srcset')
                  || el.getAttribute('poster') || el.getAttribute('data') || '';
      let host = '';
      try { host = new URL(url, doc.baseURI).hostname; } catch (e) {}
      if (host.endsWith('evil.example') || /^\s*javascript:/i.test(url)) found.push(el.tagName + ' ' + url);
    }
    // Formatting elements only markdown or HTML in the data could have made (our own headings
    // and list items hold data legitimately, as text).
    for (const el of doc.querySelectorAll('b, strong, em, i, del, s, mark, sup, sub, a, script, img, code')) {
      if (/(^|[^a-z])(bold|b|link)-[a-z]|pwned|x\^2|h\^2/.test(el.textContent || ''))
        found.push(el.tagName + ' ' + (el.textContent || '').slice(0, 80));
    }
    if (doc.querySelector('.katex')) found.push('a formula (KaTeX) was drawn');
    if (doc.defaultView && doc.defaultView.pwned) found.push('a script from the data ran');
  }
  return found;
}"""


def _payload(column: str) -> str:
    return (f"{column} ![t](http://evil.example/{column}.png) <img src=http://evil.example/{column}-x.png> "
            f"<b>b-{column}</b><script>window.pwned=1</script> **bold-{column}** "
            f"[link-{column}](javascript:alert(1)) :red[x] :smile: $x^2$")


def _value_for(column: str) -> str:
    if column == "source":
        return SOURCE_PAYLOAD
    if column == "source_url":
        return WEB_SOURCE
    return _payload(column)


def write_payload_dataset(folder: Path) -> Path:
    """The bundled input with a payload in every free-text column of every row (all rows
    'sourced', so citations and evidence are shown rather than replaced by 'illustrative')."""
    shutil.copytree(REPO_ROOT / "data" / "input", folder)
    for table in contracts.INPUT_TABLES:
        path = folder / f"{table.name}.csv"
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        header = list(rows[0].keys())
        free_text = [c.name for c in table.columns if c.type == contracts.TEXT and c.name in header
                     and c.name not in KEPT_COLUMNS]
        for row in rows:
            row.update({column: _value_for(column) for column in free_text})
            if "data_status" in row:
                row["data_status"] = "sourced"
        if table.name == "context":  # an unknown header: its name is repeated in the load warnings
            header.append(UNKNOWN_HEADER)
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header, restval="")
            writer.writeheader()
            writer.writerows(rows)
    (folder / UNKNOWN_FILE).write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def payload_server(make_database, tmp_path_factory):
    db = make_database(write_payload_dataset(tmp_path_factory.mktemp("payload") / "input"))
    running = start_streamlit(REPO_ROOT / "dashboard.py", env={"MIRADOR_DB": str(db)},
                              log_dir=tmp_path_factory.mktemp("logs"))
    yield running
    running.stop()


def _url(server_url: str, spec, lang: str) -> str:
    path = "/" if spec == PAGES[0] else f"/{spec.url_path}"
    extra = QUERIES.get(spec.url_path)
    return f"{server_url}{path}?lang={lang}" + (f"&{extra}" if extra else "")


def _shown_text(page) -> str:
    """The text of the page and of its frames (the deck's view), word joiners aside."""
    return "\n".join(frame.inner_text("body") for frame in page.frames).replace("\u2060", "")


def _wait_for_frames(page) -> None:
    # Only the deck's frame holds a page (its src ends in embed=true). Found by its element, not
    # by frame URL: a frame just attached has the URL "" until it commits, so the hidden warm-up
    # frame (components.warm_up_widget_kinds, given HTML) could pass a URL filter and be waited
    # on for a title it never gets.
    if urlparse(page.url).path.rstrip("/").endswith("/deck"):
        page.wait_for_selector('iframe[src*="embed=true"]', state="attached", timeout=60_000)
    for element in page.query_selector_all('iframe[src*="embed=true"]'):
        frame = element.content_frame()
        frame.wait_for_selector('[data-testid="stMain"] h1', state="attached", timeout=60_000)
        frame.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')
            && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'))""",
                                timeout=60_000)


def test_the_payload_dataset_carries_every_free_text_column(tmp_path):
    """The fixture itself: no free-text column of the contracts is left without a payload."""
    folder = write_payload_dataset(tmp_path / "input")
    for table in contracts.INPUT_TABLES:
        with open(folder / f"{table.name}.csv", encoding="utf-8", newline="") as f:
            first = next(csv.DictReader(f))
        for column in table.columns:
            if column.type == contracts.TEXT and column.name not in KEPT_COLUMNS:
                assert EVIL_HOST in first[column.name], (table.name, column.name)


def test_every_page_shows_data_as_text_and_loads_nothing_from_elsewhere(browser, payload_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    page = context.new_page()
    watch = PageWatch(server_host=urlparse(payload_server.url).hostname).attach(page)
    problems = []
    for lang in LANGUAGES:
        for spec in PAGES:
            where = f"[{spec.url_path} {lang}]"
            before = len(watch.foreign)
            page.goto(_url(payload_server.url, spec, lang))
            wait_for_render(page)
            _wait_for_frames(page)
            shown_in_sections = []
            for section in each_section(page):  # every section tab, opened in turn
                in_section = f"{where}[{section}]" if section else where
                _wait_for_frames(page)
                shown = _shown_text(page)
                shown_in_sections.append(shown)
                made = page.evaluate(ELEMENTS_FROM_PAYLOAD_JS)
                if made:
                    problems.append(f"{in_section} made elements from the data: {made[:5]}")
                if "/work/" in shown or "/home/" in shown or "/tmp/" in shown:
                    problems.append(f"{in_section} shows a server path")
            missing = [piece for piece in EXPECTED_LITERALS[spec.url_path]
                       if not any(piece in shown for shown in shown_in_sections)]
            if missing:
                problems.append(f"{where} does not show literally: {missing}")
            if len(watch.foreign) > before:
                problems.append(f"{where} asked other hosts: {sorted(set(watch.foreign[before:]))[:5]}")
    context.close()
    assert not problems, "\n".join(problems)


def test_timeline_hover_shows_the_instrument_as_text(browser, payload_server):
    """Plotly reads <b>, <a href>, <br> in hover text: the legal instrument must show as typed."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    watch = PageWatch(server_host=urlparse(payload_server.url).hostname).attach(page)
    page.goto(f"{payload_server.url}/profile?lang=en&c=CHL&tab=timeline")
    wait_for_render(page)
    # The title wraps over lines: find the chart by its first words.
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text=t("timeline_title", "en")[:20]).first
    chart.scroll_into_view_if_needed()
    hovered = []
    points = chart.locator(".scatterlayer path.point")
    for i in range(points.count()):
        box = points.nth(i).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=3)
        page.wait_for_timeout(300)
        hovered.append(chart.locator(".hoverlayer").text_content() or "")
        page.mouse.move(0, 0)
    instrument = [text for text in hovered if "npm_designation_instrument" in text]
    context.close()
    assert instrument, f"no hover showed the designation instrument: {hovered}"
    assert "<b>b-npm_designation_instrument</b>" in instrument[0]
    assert "<img src=http://evil.example/npm_designation_instrument-x.png>" in instrument[0]
    assert not watch.foreign, watch.foreign
