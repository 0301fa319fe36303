"""Progress page: languages, baseline in the URL, sentences with figures and flags,
not-comparable notes, summary chart.

Expected sentences are written by hand from the bundled data: Peru's
recommendations issued in 2018 were 66 implemented of 175 with status
information (37.7 %), those issued in 2025 23 of 196 (11.7 %): a fall of
26.0 points. Panama has no implementation rate for 2017 (its NPM started in
2018). Peru's "Operational independence" is not met in 2017 and met in 2025
(data/input/autonomy_assessments.csv). All of these rows are illustrative.
"""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from page_runner import open_section, run_page, small_tables

PAGE = "pages/progress.py"
NBSP = "\u00a0"
MINUS = "\u2212"




def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


@pytest.mark.parametrize("lang, title", [
    ("es", "Avances desde 2017"), ("pt", "Progressos desde 2017"), ("en", "Progress since 2017")])
def test_renders_in_each_language_with_2017_baseline(bundled_db, lang, title):
    at = run_page(PAGE, lang=lang)
    assert [x.value for x in at.title] == [title]
    assert at.selectbox(key="qp_b").value == 2017


def test_url_restores_baseline_institutions_and_indicators(bundled_db):
    at = run_page(PAGE, lang="en", b="2018", e="2025", c=["PER"], i=["implementation_rate"],
                  tab="sentences")
    assert [x.value for x in at.title] == ["Progress since 2018"]
    assert at.multiselect(key="qp_c").value == ["PER"]
    assert at.multiselect(key="qp_i").value == ["implementation_rate"]
    # public records only (issue 12): 42/117 = 35.90 %, 17/135 = 12.59 %: the change from unrounded
    # values is -23.30 -> -23.3; the fall is what age explains (recent recommendations had less time): no verdict
    assert ("- Peru: Implementation rate fell from 35.9% (n = 117) in 2018 to 12.6% (n = 135) in 2025 "
            f"({MINUS}23.3 percentage points): no verdict: a rate by year issued depends on age (recent "
            "recommendations have had less time) (illustrative data).") in _text(at)


def test_sentence_in_spanish_formats_numbers_the_spanish_way(bundled_db):
    at = run_page(PAGE, lang="es", b="2018", c=["PER"], i=["implementation_rate"], tab="sentences")
    assert (f"Perú: Tasa de implementación bajó de 35,9{NBSP}% (n = 117) en 2018 a 12,6{NBSP}% (n = 135) "
            f"en 2025 ({MINUS}23,3 puntos porcentuales): sin valoración: una tasa por año de emisión depende "
            "de la antigüedad (las recomendaciones recientes han tenido menos tiempo) (datos ilustrativos).") in _text(at)


def test_missing_baseline_is_not_comparable_and_has_no_sentence(bundled_db):
    at = run_page(PAGE, lang="en", c=["PAN"], i=["implementation_rate"], tab="sentences")
    text = _text(at)
    # Panama's NPM operated from August 2018: the 2017 gap says so
    assert ("Not comparable: Implementation rate (Panama): the NPM was not yet operating in 2017 "
            "(first year: 2018).") in text
    assert "Panama: Implementation rate" not in text
    assert "No indicator has data in both years." in text


def test_autonomy_criterion_that_became_met(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["autonomy_score"], tab="sentences")
    assert ("Peru: the criterion “Operational independence”, not met in 2017, was met in 2025 "
            "(illustrative data).") in _text(at)


def test_changing_the_baseline_changes_title_sentences_and_chart(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["implementation_rate"], tab="sentences")
    assert "in 2017 to" in _text(at)
    at.selectbox(key="qp_b").select(2018).run()
    assert [x.value for x in at.title] == ["Progress since 2018"]
    assert "from 35.9% (n = 117) in 2018" in _text(at)
    open_section(at, "chart")
    assert _chart_specs(at)[0]["layout"]["meta"]["title"] == "Implementation rate: 2018 → 2025"
    assert at.query_params["b"] in ("2018", ["2018"])


def test_summary_chart_marks_illustrative_ends(bundled_db):
    at = run_page(PAGE, lang="pt", c=["PER", "URY"], i=["autonomy_score"], tab="chart")
    spec = _chart_specs(at)[0]
    assert spec["layout"]["meta"]["title"] == "Pontuação de autonomia: 2017 → 2025"
    # Both ends of both institutions are illustrative: the chart says so once, no † per end.
    assert "Valores ilustrativos, não são dados publicados" in spec["layout"]["title"]["text"]
    assert not [tr for tr in spec["data"] if tr.get("mode") == "text"]


def test_tally_counts_improved_and_worsened(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["implementation_rate", "autonomy_score"], tab="tally")
    tally = next(d.value for d in at.dataframe if "Improved" in d.value.columns)
    row = tally.iloc[0]
    # autonomy improved; the rate by year issued fell, which age explains: not counted as worsened
    assert (row["Country"], row["Improved"], row["Worsened"], row["Not comparable"]) == ("Peru", 1, 0, 0)


def test_scorecard_comes_first_and_chile_has_no_score_before_its_npm(bundled_db):
    at = run_page(PAGE, lang="en", c=["CHL", "PER"])
    assert [h.value for h in at.subheader][0] == "Donor scorecard: baseline → latest"
    [card] = small_tables(at)  # two institutions: drawn whole, every cell wrapping
    chile = card[card["Country"] == "Chile"].iloc[0]
    # Chile's NPM operated from May 2020: no 2017 autonomy score, and the gap says why
    assert chile["Autonomy score"] == "— NPM not yet operating in 2017 (since 2020)"
    messages = [m.value for m in at.markdown if m.value.startswith("1. ")]
    assert messages and messages[0].startswith("1. Implemented within 24 months:")
    sentences = _text(open_section(at, "sentences"))
    assert "Chile: Autonomy score rose" not in sentences
    assert ("Not comparable: Autonomy score (Chile): the NPM was not yet operating in 2017 "
            "(first year: 2020).") in sentences


def test_baseline_after_latest_year_is_refused(bundled_db):
    at = run_page(PAGE, lang="en", b="2025", e="2017")
    assert [w.value for w in at.warning] == ["The baseline year (2025) must come before the latest year (2017)."]


# ---- section tabs (issue #11): the donors' headline opens alone; the rest one click away
TAB_LABELS = {"en": ["Summary", "Before and after", "Improved or worsened", "By institution"],
              "es": ["Resumen", "Antes y después", "Mejoró o empeoró", "Por institución"],
              "pt": ["Resumo", "Antes e depois", "Melhorou ou piorou", "Por instituição"]}
DOWNLOAD = "Download the sentences (.txt)"


def _url(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key)
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _downloads(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.main.get("download_button")]


@pytest.mark.parametrize("lang", ["es", "pt", "en"])
def test_tabs_are_labelled_in_each_language(bundled_db, lang):
    at = run_page(PAGE, lang=lang)
    assert [tab.label for tab in at.tabs] == TAB_LABELS[lang]


def test_opens_on_key_messages_and_scorecard_alone(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["implementation_rate"])
    assert _url(at, "tab") == ["summary"]
    assert [m.value for m in at.markdown if m.value.startswith("1. ")]
    assert len(small_tables(at)) == 1 and not at.dataframe  # the scorecard; no tally, no chart, no sentences yet
    assert not _chart_specs(at)
    assert "Peru: Implementation rate" not in _text(at)
    assert DOWNLOAD not in _downloads(at)


def test_sentences_tab_offers_them_as_a_text_file(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["implementation_rate"], tab="sentences")
    assert DOWNLOAD in _downloads(at)
    assert not _chart_specs(at) and not at.dataframe


def test_an_old_link_with_a_chart_indicator_opens_the_chart(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["implementation_rate", "npm_staff"], d="npm_staff")
    assert _url(at, "tab") == ["chart"]
    assert _chart_specs(at)[0]["layout"]["meta"]["title"] == "NPM staff: 2017 → 2025"


def test_presentation_mode_shows_the_complete_view(bundled_db):
    at = run_page(PAGE, lang="en", c=["PER"], i=["implementation_rate", "autonomy_score"], present="1")
    assert not at.tabs
    assert [h.value for h in at.header] == TAB_LABELS["en"]
    assert len(_chart_specs(at)) == 1
    tables = [d.value for d in at.dataframe] + small_tables(at)
    assert any("Autonomy score" in t.columns for t in tables)  # the scorecard
    assert any("Improved" in t.columns for t in tables)  # the tally
    assert ("Peru: the criterion “Operational independence”, not met in 2017, was met in 2025 "
            "(illustrative data).") in _text(at)


def test_at_80_institutions_a_box_builds_its_sentences_once_opened(bundled_db, eighty_db, use_database):
    with use_database(eighty_db):
        at = run_page(PAGE, lang="en", tab="sentences")
        boxes = at.main.expander
        assert len(boxes) == 80  # one closed box each, by name
        assert not [m for box in boxes for m in box.markdown]  # nothing built for a closed box
        assert DOWNLOAD in _downloads(at)  # all the sentences still one click away
        at.session_state["progress_sentences_PER"] = True  # a click on Peru's box
        at.run()
        assert not at.exception
        [peru] = [box for box in at.main.expander if box.label == "Peru"]
        texts = [m.value for m in peru.markdown]
        assert "**Autonomy criteria**" in texts
        lines = [line for text in texts for line in text.splitlines() if line.startswith("- ")]
        assert lines and all("Peru" in line for line in lines), lines
        assert not [m for box in at.main.expander if box.label != "Peru" for m in box.markdown]


def _institution_count(db) -> int:
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM institutions").fetchone()[0]


def test_the_scorecard_is_drawn_whole_for_a_few_and_as_a_grid_for_many(bundled_db, eighty_db, use_database):
    """Nine rows of long cells read whole (a grid cut them at a projector's 1280 px); 80 stay a
    grid, which sorts and scrolls. Either way a CSV of it can be taken home."""
    at = run_page(PAGE, lang="en")
    [card] = small_tables(at)
    assert len(card) == _institution_count(bundled_db) and not at.dataframe
    assert "Download CSV" in _downloads(at)
    with use_database(eighty_db):
        at = run_page(PAGE, lang="en")
        assert not small_tables(at)
        assert len(at.dataframe[0].value) == _institution_count(eighty_db)
        assert "Download CSV" in _downloads(at)
