"""Figures built once per view (issue #11): a second viewer of the same view gets the same
figure, a rebuilt database gives new figures, a page never changes a cached figure, and what
Streamlit sends for a cached figure is what a fresh build would send."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from mirador import figure_cache, figures, queries

REPO = Path(__file__).resolve().parents[2]
PAGES = ("overview", "resources", "autonomy", "recommendations", "profile", "compare", "progress")
STAFF = "npm_staff"


def _staff_bars(lang: str = "es") -> go.Figure:
    """The NPM staff ranking of the latest year, as a page builds it."""
    staff = queries.series(STAFF)
    latest = staff.filter(pl.col("year") == staff["year"].max())
    return figures.ranking_bars(latest, title="NPM staff", unit="count", lang=lang,
                                institutions=queries.institution_codes())


def _chile_staff(fig: go.Figure) -> float:
    """Chile's bar in the ranking, read from the JSON Streamlit sends."""
    spec = json.loads(pio.to_json(fig, validate=False))
    for trace in spec["data"]:
        labels, values = trace.get("y") or [], trace.get("x") or []
        if isinstance(values, dict):  # a typed array: plotly's base64 encoding
            import base64

            import numpy as np
            values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
        for label, value in zip(labels, values):
            if label and "Chile" in str(label):
                return value
    raise AssertionError("no Chile bar in the ranking")


def _real_state(fig: go.Figure) -> dict:
    """The figure's own data and layout (not the cached serialized spec)."""
    return json.loads(pio.json.to_json_plotly(go.Figure.to_dict(fig)))


def _input_with_chile_staff(tmp: Path, delta: int) -> Path:
    folder = tmp / "input"
    shutil.copytree(REPO / "data" / "input", folder)
    path = folder / "observations.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    iso3, indicator, year, value = (header.index(c) for c in ("iso3", "indicator_id", "year", "value"))
    latest = max(int(r[year]) for r in rows[1:] if r[iso3] == "CHL" and r[indicator] == STAFF and r[value])
    for row in rows[1:]:
        if (row[iso3], row[indicator], int(row[year])) == ("CHL", STAFF, latest):
            row[value] = str(float(row[value]) + delta)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return folder


@pytest.fixture
def fresh_cache():
    figure_cache.clear()
    yield
    figure_cache.clear()


def test_a_second_viewer_of_a_view_gets_the_figure_built_for_the_first(bundled_db, fresh_cache):
    first = _staff_bars()
    second = _staff_bars()
    assert second is first
    assert figure_cache.stats()["misses"] == 1 and figure_cache.stats()["hits"] >= 1


def test_each_language_has_its_own_figure(bundled_db, fresh_cache):
    spanish, english = _staff_bars("es"), _staff_bars("en")
    assert spanish is not english
    assert spanish.layout.separators != english.layout.separators  # decimal comma vs point


def test_other_rows_give_another_figure(bundled_db, fresh_cache):
    staff = queries.series(STAFF)
    latest = staff.filter(pl.col("year") == staff["year"].max())
    one = figures.ranking_bars(latest, title="t", unit="count", lang="es", institutions=["CHL", "PER"])
    moved = latest.with_columns(pl.when(pl.col("iso3") == "CHL").then(pl.col("value") + 1)
                                .otherwise(pl.col("value")).alias("value"))
    other = figures.ranking_bars(moved, title="t", unit="count", lang="es", institutions=["CHL", "PER"])
    assert other is not one
    # Same rows in a new frame object (another session's query result): the same figure.
    again = figures.ranking_bars(latest.clone(), title="t", unit="count", lang="es", institutions=["CHL", "PER"])
    assert again is one


def test_a_rebuilt_database_gives_new_figures(tmp_path, bundled_db, make_database, use_database,
                                              fresh_cache):
    rebuilt = make_database(_input_with_chile_staff(tmp_path, 44))
    serving = tmp_path / "mirador.duckdb"
    shutil.copy(bundled_db, serving)
    with use_database(serving):
        old_figure, old_boundaries = _staff_bars(), queries.boundaries()
        old_staff = _chile_staff(old_figure)
        # What the ETL does: the new file renamed over the served one (a new inode).
        shutil.copy(rebuilt, tmp_path / "next.duckdb")
        (tmp_path / "next.duckdb").replace(serving)
        new_figure = _staff_bars()
        assert new_figure is not old_figure
        assert _chile_staff(new_figure) == old_staff + 44
        assert queries.boundaries() is not old_boundaries
    assert _chile_staff(old_figure) == old_staff  # the figure another session may still show


def test_the_spec_sent_for_a_cached_figure_is_a_fresh_builds(bundled_db, fresh_cache):
    staff = queries.series(STAFF)
    latest = staff.filter(pl.col("year") == staff["year"].max())
    kwargs = dict(title="Mapa", unit="count", lang="pt", n_col="n")
    cached = figures.choropleth_panels(latest, queries.boundaries(), **kwargs)
    fresh = figures.choropleth_panels.uncached(latest, queries.boundaries(), **kwargs)
    assert fresh is not cached
    for _ in range(2):  # the first call serializes, the second parses what was kept
        assert json.loads(pio.to_json(cached, validate=False)) == json.loads(pio.to_json(fresh, validate=False))


def test_a_slide_of_a_cached_figure_is_a_slide_of_a_fresh_build(bundled_db, fresh_cache):
    from mirador import chart_export

    staff = queries.series(STAFF)
    latest = staff.filter(pl.col("year") == staff["year"].max())
    kwargs = dict(title="Staff", unit="count", lang="es", institutions=queries.institution_codes())
    cached = figures.ranking_bars(latest, **kwargs)
    pio.to_json(cached)  # as Streamlit does first: the spec is kept serialized from here on
    fresh = figures.ranking_bars.uncached(latest, **kwargs)
    text = chart_export.chart_text("Staff", latest, "es", unit="count")
    assert (json.loads(pio.to_json(chart_export.slide_figure(cached, text)))
            == json.loads(pio.to_json(chart_export.slide_figure(fresh, text))))


def test_the_shared_boundaries_cannot_be_changed_by_a_page(bundled_db):
    shared = queries.boundaries()
    assert queries.boundaries() is shared  # parsed once per database version
    with pytest.raises(TypeError):
        shared["XXX"] = {}
    with pytest.raises(TypeError):
        shared.pop("CHL")
    own = dict(shared)
    own.pop("CHL")  # a copy is the caller's
    assert "CHL" in shared


@pytest.mark.parametrize("present", [False, True], ids=["screen", "presentation"])
def test_pages_leave_the_cached_figures_as_they_were_built(bundled_db, fresh_cache, present):
    def run_all() -> None:
        for page in PAGES:
            at = AppTest.from_file(f"../../pages/{page}.py", default_timeout=60)
            at.query_params["lang"] = "es"
            if present:
                at.query_params["present"] = "1"
            at.run()
            assert not at.exception, (page, [e.value for e in at.exception])

    run_all()
    built = figure_cache.cached_figures()
    assert len(built) >= len(PAGES)  # every page drew through the cache
    states = [_real_state(fig) for fig in built]
    misses = figure_cache.stats()["misses"]
    run_all()
    assert figure_cache.stats()["misses"] == misses, "a second round of the same views built a figure"
    for fig, state in zip(built, states):
        assert _real_state(fig) == state
        assert json.loads(pio.to_json(fig, validate=False)) == state  # what is sent is what was built


def test_the_cache_holds_at_most_its_bound(fresh_cache, monkeypatch):
    monkeypatch.setattr(figure_cache, "MAX_FIGURES", 3)
    frames = [pl.DataFrame({"iso3": ["CHL", "PER"], "value": [float(i), 2.0], "year": [2024, 2024],
                            "data_status": ["sourced", "sourced"]}) for i in range(5)]
    for frame in frames:
        figures.ranking_bars(frame, title="t", unit="count", lang="es", institutions=["CHL", "PER"])
    assert figure_cache.stats()["size"] == 3


def test_a_page_adding_to_the_sentences_does_not_change_the_next_viewers(bundled_db, fresh_cache):
    from mirador import progress

    values = queries.indicator_values([STAFF])
    years = sorted(values["year"].unique().to_list())
    kwargs = dict(baseline=years[0], latest=years[-1], institutions=queries.institution_codes(),
                  indicators=[STAFF], lang="es")
    first = progress.indicator_statements(values, **kwargs)
    count = len(first)
    first += [first[0]]  # what the Progress page does with the criteria's sentences
    second = progress.indicator_statements(values, **kwargs)
    assert len(second) == count and second == first[:count]
    assert figure_cache.stats()["misses"] == 1  # the second viewer wrote no sentence


def test_the_scorecard_of_the_same_sentences_is_made_once_and_stays_as_made(bundled_db, fresh_cache):
    from mirador import progress

    codes = queries.institution_codes()
    values = queries.indicator_values(progress.HEADLINE_MEASURES, codes)
    years = sorted(values["year"].unique().to_list())
    kwargs = dict(baseline=years[0], latest=years[-1], institutions=codes,
                  indicators=progress.HEADLINE_MEASURES, lang="es")
    first = progress.scorecard(progress.indicator_statements(values, **kwargs), codes,
                               progress.HEADLINE_MEASURES, "es")
    made = first.clone()
    first.insert_column(0, pl.Series("added_by_a_page", range(first.height)))  # in place
    # Another viewer: a new list of the same (cached) sentences.
    second = progress.scorecard(progress.indicator_statements(values, **kwargs), codes,
                                progress.HEADLINE_MEASURES, "es")
    assert second.equals(made)
    assert figure_cache.stats()["misses"] == 2  # the sentences and the scorecard, once each


# --------------------------------------------------------------------------- the 180° line
def _geometries(*codes: str) -> dict[str, dict]:
    features = json.loads((REPO / "data" / "boundaries" / "countries.geojson").read_text(encoding="utf-8"))["features"]
    return {f["id"]: f["geometry"] for f in features if f["id"] in codes}


@pytest.mark.parametrize("codes, widest_deg", [
    (("RUS",), 170), (("FJI",), 15), (("FJI", "AUS", "NZL"), 80), (("RUS", "FIN", "POL"), 170),
])
def test_a_country_across_the_180_line_does_not_stretch_its_panel(codes, widest_deg):
    for panel in figures.map_panels(_geometries(*codes)):
        assert panel.lon[1] - panel.lon[0] <= widest_deg, (panel.key, panel.lon)
        for iso3 in panel.home:  # and the country is still inside its panel
            core = figures.country_shapes(_geometries(iso3))[iso3].core
            assert panel.lon[0] <= core[0] and core[2] <= panel.lon[1], (iso3, core, panel.lon)


# --------------------------------------------------------------------------- lists of sentences
def _headline_statements(codes):
    from mirador import progress

    values = queries.indicator_values(progress.HEADLINE_MEASURES, codes)
    years = sorted(values["year"].unique().to_list())
    return progress.indicator_statements(values, baseline=years[0], latest=years[-1], institutions=codes,
                                         indicators=progress.HEADLINE_MEASURES, lang="es")


def test_a_viewers_sentences_are_keyed_without_reading_each_sentence(bundled_db, fresh_cache, monkeypatch):
    codes = queries.institution_codes()
    first, second = _headline_statements(codes), _headline_statements(codes)
    assert len(first) >= len(codes)  # a sentence (or a gap) per institution and measure
    visited: list = []
    real = figure_cache.fingerprint

    def counting(value):
        visited.append(value)
        return real(value)

    monkeypatch.setattr(figure_cache, "fingerprint", counting)
    assert counting(first) == counting(second)
    assert len(visited) == 2  # the lists themselves, none of their sentences
    visited.clear()
    counting(list(first))  # a plain list of the same sentences: keyed sentence by sentence
    assert len(visited) == 1 + len(first)


def test_a_page_changing_its_sentences_gets_the_scorecard_of_what_it_holds(bundled_db, fresh_cache):
    from mirador import progress

    codes = queries.institution_codes()
    measures = progress.HEADLINE_MEASURES
    complete = progress.scorecard(_headline_statements(codes), codes, measures, "es")
    mine = _headline_statements(codes)
    dropped = mine.pop(0)  # the first institution's first measure: its cell is then blank
    fewer = progress.scorecard(mine, codes, measures, "es")
    column = fewer.columns[1 + measures.index(dropped.subject)]
    row = codes.index(dropped.iso3)
    assert complete[column][row] != "" and fewer[column][row] == ""
    # The next viewer still gets the whole scorecard.
    assert progress.scorecard(_headline_statements(codes), codes, measures, "es").equals(complete)
