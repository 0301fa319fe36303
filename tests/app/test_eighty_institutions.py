"""Every page with 80 institutions (the NPMs of the world, generated): each renders, rankings
draw both ends and not a wall of 80 bars, Overview is one sortable table, selectors start empty
(meaning all) instead of 80 chips. Expected rows come from the database by SQL, never from the
page's own code. Which 71 extra institutions the generator adds does not matter here."""
from __future__ import annotations

import re

import duckdb
import pytest

from page_runner import chart_specs, run_page

from mirador.i18n import indicator_label, t

LANG = "es"
ENDS = 10  # the issue: "10 highest and 10 lowest", the rest on request
MOST_ROWS = 2 * ENDS + 1  # both ends and the row saying how many are left out
PAGES = ("overview", "resources", "autonomy", "recommendations", "profile", "compare", "progress", "methods")


@pytest.fixture(autouse=True)
def eighty(bundled_db, eighty_db, use_database):
    # After `bundled_db` (which points the session at the bundled data): the block below
    # hands it back to the tests that follow.
    with use_database(eighty_db):
        yield eighty_db


def sql(db, query: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


def n_institutions(db) -> int:
    return sql(db, "SELECT count(*) FROM institutions")[0][0]


def bar_rows(spec: dict) -> list:
    """The row labels of a horizontal bar chart (every bar trace shares them)."""
    return max((tr["y"] for tr in spec["data"] if tr["type"] == "bar" and tr.get("y")), key=len, default=[])


def bars_with_value(spec: dict) -> int:
    return max((sum(x is not None for x in tr["x"]) for tr in spec["data"] if tr["type"] == "bar" and tr.get("x")),
               default=0)


def chart(at, title_start: str) -> dict:
    [spec] = [s for s in chart_specs(at) if s["layout"]["meta"]["title"].startswith(title_start)]
    return spec


def test_the_generated_set_has_80_institutions(eighty):
    assert n_institutions(eighty) == 80


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_80_institutions(page):
    at = run_page(f"pages/{page}.py", lang=LANG)
    assert at.title, page


@pytest.mark.parametrize("page", ["resources", "autonomy", "recommendations", "progress"])
def test_institution_selector_opens_empty_meaning_all(page):
    at = run_page(f"pages/{page}.py", lang=LANG)
    selector = at.multiselect(key="qp_c")
    assert selector.value == []  # no 80 chips
    assert len(selector.options) == 80
    assert selector.options == sorted(selector.options, key=str.casefold)  # listed by name to scan
    assert "80" in selector.placeholder


# The section tab holding each page's ranking (the autonomy score is a tab of its own).
RANKING_TABS = {"resources": "ranking", "autonomy": "score", "recommendations": "by_age"}


@pytest.mark.parametrize("page", ["resources", "autonomy", "recommendations"])
def test_rankings_draw_both_ends_by_default(page):
    at = run_page(f"pages/{page}.py", lang=LANG, tab=RANKING_TABS[page])
    rankings = [s for s in chart_specs(at) if bar_rows(s)]
    assert rankings, page
    for spec in rankings:
        assert len(bar_rows(spec)) <= MOST_ROWS, spec["layout"]["meta"]["title"]
        if bars_with_value(spec) == 2 * ENDS:  # trimmed: the subtitle says of how many
            subtitle = " ".join(re.sub(r"<[^>]+>", " ", spec["layout"]["title"]["text"]).split())
            assert re.search(r"\b10\b.*\b10\b.*de \d+ instituciones", subtitle), subtitle


def test_autonomy_ranking_shows_the_ten_highest_and_ten_lowest(eighty):
    at = run_page("pages/autonomy.py", lang=LANG, tab="score")
    spec = chart(at, indicator_label("autonomy_score", LANG) + ",")
    year = int(spec["layout"]["meta"]["title"][-4:])
    scored = sql(eighty, "SELECT i.country_name_es, s.autonomy_score FROM mart_autonomy_scores s "
                         "JOIN institutions i USING (iso3) WHERE s.year = ? AND s.autonomy_score IS NOT NULL "
                         "ORDER BY s.autonomy_score DESC", year)
    assert len(scored) > 2 * ENDS
    high = {round(score, 6) for _, score in scored[:ENDS]}
    low = {round(score, 6) for _, score in scored[-ENDS:]}
    [trace] = [tr for tr in spec["data"] if tr["type"] == "bar"]
    drawn = [round(x, 6) for x in trace["x"] if x is not None]
    assert len(drawn) == 2 * ENDS
    # By value (ties may swap names): the ten drawn at the top are the ten highest, etc.
    assert set(drawn[-ENDS:]) <= high and set(drawn[:ENDS]) <= low
    assert sorted(drawn[-ENDS:]) == sorted(round(s, 6) for _, s in scored[:ENDS])
    left_out = len(scored) - 2 * ENDS
    assert any(f"{left_out} instituciones más" in label for label in trace["y"])
    # The peer median line is that of every score, not of the twenty drawn.
    import statistics
    median = statistics.median(s for _, s in scored)
    [line] = [shape for shape in spec["layout"]["shapes"] if shape["type"] == "line"]
    assert line["x0"] == pytest.approx(median)


def test_show_all_draws_every_institution_taller(eighty):
    trimmed = chart(run_page("pages/autonomy.py", lang=LANG, tab="score"),
                    indicator_label("autonomy_score", LANG) + ",")
    at = run_page("pages/autonomy.py", lang=LANG, all="1", tab="score")
    spec = chart(at, indicator_label("autonomy_score", LANG) + ",")
    year = int(spec["layout"]["meta"]["title"][-4:])
    n_scored = sql(eighty, "SELECT count(autonomy_score) FROM mart_autonomy_scores WHERE year = ?", year)[0][0]
    assert bars_with_value(spec) == n_scored
    assert spec["layout"]["height"] > 2 * trimmed["layout"]["height"]


def test_presentation_mode_draws_fewer_rows_and_no_toggle(eighty):
    on_screen = chart(run_page("pages/autonomy.py", lang=LANG, tab="score"),
                      indicator_label("autonomy_score", LANG) + ",")
    at = run_page("pages/autonomy.py", lang=LANG, present="1")
    projected = chart(at, indicator_label("autonomy_score", LANG) + ",")
    assert not [tg for tg in at.toggle if tg.key == "qp_all"]
    # A projector's 690 px: fewer two-line rows than the page's 20 (+1), still both ends.
    assert 2 < len(bar_rows(projected)) < len(bar_rows(on_screen))
    assert projected["layout"]["height"] <= 690


def test_status_bars_and_matrix_keep_both_ends(eighty):
    at = run_page("pages/autonomy.py", lang=LANG)
    matrix = chart(at, t("matrix_title", LANG, year="")[:20])
    rows = max(len(tr["y"]) for tr in matrix["data"] if tr["type"] == "heatmap")
    assert rows <= MOST_ROWS
    at = run_page("pages/recommendations.py", lang=LANG, tab="status")
    status = chart(at, t("status_title", LANG, period="")[:20])
    assert len(bar_rows(status)) <= MOST_ROWS


def test_the_matrix_draws_fewer_rows_than_the_ranking_and_both_ends(eighty):
    """A matrix row is a line of cells read across: fewer of them than a ranking's bars (21 took a
    screen and a half), still the highest and the lowest score of the year shown."""
    at = run_page("pages/autonomy.py", lang=LANG)
    matrix = chart(at, t("matrix_title", LANG, year="")[:20])
    rows = max((tr["y"] for tr in matrix["data"] if tr["type"] == "heatmap"), key=len)
    score = chart(run_page("pages/autonomy.py", lang=LANG, tab="score"), indicator_label("autonomy_score", LANG) + ",")
    assert 2 < len(rows) < len(bar_rows(score))
    [(year,)] = sql(eighty, "SELECT max(year) FROM mart_autonomy_scores")
    scored = sql(eighty, "SELECT i.country_name_es, s.autonomy_score FROM mart_autonomy_scores s "
                         "JOIN institutions i USING (iso3) WHERE s.year = ? AND s.autonomy_score IS NOT NULL", year)
    for end in (max, min):  # ties: any of the institutions with that score
        best = end(score for _, score in scored)
        assert {name for name, score in scored if score == best} & set(rows), end.__name__
    assert str(year) in matrix["layout"]["meta"]["title"]


def test_small_multiples_and_curves_show_a_few_panels(eighty):
    at = run_page("pages/recommendations.py", lang=LANG, tab="trend")
    trend = [s for s in chart_specs(at) if sum(k.startswith("xaxis") for k in s["layout"]) > 1]
    assert trend
    panels = sum(k.startswith("xaxis") for k in trend[0]["layout"])
    assert 1 < panels <= 12
    curves = chart(run_page("pages/recommendations.py", lang=LANG, tab="time"), t("km_title_years", LANG, first="", last="")[:20])
    assert len([tr for tr in curves["data"] if tr["type"] == "scatter" and tr.get("showlegend") is not False]) <= 12


def test_choosing_institutions_shows_only_those(eighty):
    chosen = [code for (code,) in sql(eighty, "SELECT iso3 FROM institutions ORDER BY iso3 DESC LIMIT 3")]
    names = {name for (name,) in sql(eighty, "SELECT country_name_es FROM institutions WHERE list_contains(?, iso3)",
                                     chosen)}
    at = run_page("pages/resources.py", lang=LANG)
    at.multiselect(key="qp_c").set_value(chosen).run()
    assert not at.exception
    [ranking] = [s for s in chart_specs(at) if bar_rows(s)]
    assert set(bar_rows(ranking)) == names
    assert not [tg for tg in at.toggle if tg.key == "qp_all"]  # three institutions: nothing to trim


def test_overview_is_one_sortable_table_of_80_rows(eighty):
    at = run_page("pages/overview.py", lang=LANG)
    tables = [df.value for df in at.dataframe]
    [table] = [df for df in tables if t("latest_year_with_data", LANG) in df.columns]
    assert len(table) == 80
    names = {name for (name,) in sql(eighty, "SELECT country_name_es FROM institutions")}
    assert set(table[t("col_country", LANG)]) == names
    for column in (t("col_data_status", LANG), t("latest_year_with_data", LANG)):
        assert column in table.columns
    # Figures stay numbers (a click on the header sorts them as numbers) and match the data.
    staff = indicator_label("npm_staff", LANG)
    [staff_col] = [c for c in table.columns if c.startswith(staff + ",")]
    year = int(staff_col[-4:])
    assert table[staff_col].dtype.kind in "fi"
    expected = dict(sql(eighty, "SELECT i.country_name_es, v.value FROM mart_indicator_values v "
                                "JOIN institutions i USING (iso3) WHERE v.indicator_id = 'npm_staff' "
                                "AND v.year = ? AND v.value IS NOT NULL", year))
    shown = {r[t("col_country", LANG)]: r[staff_col] for r in table.to_dict("records") if r[staff_col] == r[staff_col]}
    assert shown == pytest.approx(expected)
    # No card per institution: the nine's cards are subheaders named after the country.
    assert not {h.value for h in at.subheader} & names


def test_profile_selector_is_searchable_and_opens_on_an_institution(eighty):
    at = run_page("pages/profile.py", lang=LANG)
    selector = at.selectbox(key="qp_c")
    assert len(selector.options) == 80
    assert selector.options == sorted(selector.options, key=str.casefold)
    names = {name for (name,) in sql(eighty, "SELECT country_name_es FROM institutions")}
    assert selector.value in {code for (code,) in sql(eighty, "SELECT iso3 FROM institutions")}
    assert set(selector.options) == names


def test_nine_institutions_keep_every_bar_and_no_show_all_toggle(bundled_db, use_database):
    with use_database(bundled_db):
        at = run_page("pages/resources.py", lang=LANG)
    assert not [tg for tg in at.toggle if tg.key == "qp_all"]
    [ranking] = [s for s in chart_specs(at) if bar_rows(s)]
    n = sql(bundled_db, "SELECT count(*) FROM institutions")[0][0]
    assert len(bar_rows(ranking)) == n == 9
    assert at.multiselect(key="qp_c").value  # the nine: every chip, as before


@pytest.mark.parametrize("page, key", [("resources", "resources"), ("overview", "overview")])
def test_the_list_of_institutions_without_data_is_built_once_opened(eighty, page, key):
    """Past a dozen, who has no data is counted in a caption and listed in a box; the list (one
    reason per institution) is sent only when the box is opened, not with every switch."""
    at = run_page(f"pages/{page}.py", lang=LANG)
    prefix = t("missing_many_list", LANG, n="").rstrip("()")
    [box] = [e for e in at.expander if e.label.startswith(prefix)]
    n = int(re.search(r"\((\d+)\)", box.label).group(1))
    assert n > 12
    reasons = lambda: [m.value for m in at.markdown if m.value.startswith("- ")]  # noqa: E731
    assert not reasons()
    at.session_state[f"missing_list_{key}"] = True
    at.run()
    assert not at.exception
    [listed] = reasons()
    lines = listed.splitlines()
    assert len(lines) == n and len(set(lines)) == n


def test_autonomy_changes_of_eighty_are_one_sortable_grid(eighty):
    """Past a dozen institutions the cells that changed are one grid (sort, scroll), not a
    table per institution; every changed cell is in it (counted by SQL)."""
    years = [y for (y,) in sql(eighty, "SELECT DISTINCT year FROM mart_autonomy_cells ORDER BY year")]
    first, last = years[0], years[-1]
    expected = sql(eighty, """SELECT count(*) FROM mart_autonomy_cells a JOIN mart_autonomy_cells b
                              USING (iso3, criterion_id)
                              WHERE a.year = ? AND b.year = ? AND a.assessment IS DISTINCT FROM b.assessment""",
                   first, last)[0][0]
    at = run_page("pages/autonomy.py", lang=LANG, tab="change", ya=str(first), yb=str(last))
    grids = [d.value for d in at.dataframe if f"Evaluación {first}" in d.value.columns]
    assert len(grids) == 1 and len(grids[0]) == expected > 0
    assert not [h for h in at.get("html") if f"Evaluación {first}" in h.proto.body]
