"""What a reader sees in tables, widgets and the sidebar share box, in each language.

Expected texts are written out by hand (the Spanish/Portuguese a reader should see),
not read back from ui_strings.csv or the page code.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from page_runner import SECTION_TABS, every_section_with_data_tables, open_data_tables, run_page, small_tables

REPO = Path(__file__).resolve().parents[2]

DASHBOARD = "../../dashboard.py"
MISSING_WORDS = {"None", "none", "null", "nan", "NaN", "NaT", "<NA>"}




def _table_problems(at: AppTest) -> list[str]:
    """Any table that would show a missing value as a word (None, nan...) or that does not
    draw missing numbers blank."""
    problems = []
    for i, table in enumerate(at.dataframe):
        if table.proto.placeholder != "":
            problems.append(f"table {i}: missing cells not blank (placeholder {table.proto.placeholder!r})")
        df: pd.DataFrame = table.value
        for column in df.columns:
            if pd.api.types.is_numeric_dtype(df[column]) or pd.api.types.is_datetime64_any_dtype(df[column]):
                continue  # drawn with the blank placeholder checked above
            if df[column].isna().any():
                problems.append(f"table {i}, column {column!r}: missing text not blanked")
            words = {str(v).strip() for v in df[column].dropna()} & MISSING_WORDS
            if words:
                problems.append(f"table {i}, column {column!r}: shows {sorted(words)}")
    for i, df in enumerate(small_tables(at)):  # text drawn whole (components.small_table)
        for column in df.columns:
            words = {str(v).strip() for v in df[column]} & MISSING_WORDS
            if words:
                problems.append(f"small table {i}, column {column!r}: shows {sorted(words)}")
    return problems


# --------------------------------------------------------------------------- tables
@pytest.mark.parametrize("page, params", [
    ("pages/autonomy.py", {"lang": "es", "ya": "2017", "yb": "2025"}),
    ("pages/profile.py", {"lang": "pt", "c": "CHL"}),
    ("pages/recommendations.py", {"lang": "en", "tab": "table"}),
    ("pages/overview.py", {"lang": "es"}),
    ("pages/methods.py", {"lang": "pt"}),
    ("pages/compare.py", {"lang": "en"}),
    ("pages/progress.py", {"lang": "es"}),  # its scorecard; its chart's and tally's tables in their tabs
    ("pages/progress.py", {"lang": "es", "tab": "chart"}),
    ("pages/progress.py", {"lang": "es", "tab": "tally"}),
])
def test_no_missing_value_shows_as_none_or_nan(bundled_db, page, params):
    at = open_data_tables(run_page(page, **params))  # the charts' "show data" tables too
    assert at.dataframe or small_tables(at), f"{page} shows no table"
    assert not _table_problems(at)


CODE_LIKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")  # share_implemented, n_at_risk, status_a


@pytest.mark.parametrize("lang", ["es", "pt"])
@pytest.mark.parametrize("page", [*SECTION_TABS, "pages/compare.py"])
def test_every_table_header_is_words_in_the_page_language(bundled_db, page, lang):
    """Every tab, every chart's "show data" table opened (their CSVs share the headers): no
    column reads as a database code. Recommendations' age, time and acceptance tables and
    Autonomy's change table showed n_at_risk, share_implemented, acceptance_rate, status_a..."""
    headers = []
    for tab, at in every_section_with_data_tables(page, lang=lang):
        headers += [(tab, str(c)) for df in at.dataframe for c in df.value.columns]
        headers += [(tab, str(c)) for df in small_tables(at) for c in df.columns]
    assert len(headers) > 5, (page, headers)
    assert not [(tab, h) for tab, h in headers if CODE_LIKE.fullmatch(h)]


@pytest.mark.parametrize("page", [*SECTION_TABS, "pages/compare.py"])
def test_no_grid_shows_a_decimal_a_reader_of_es_could_take_for_thousands(bundled_db, page):
    """Every tab, every chart's "show data" grid opened, in es: each column of decimals is drawn
    with a printf format of at most two decimals. The grid's own format showed 9.90099 as
    "9.901" (nine thousand nine hundred and one, where the point groups thousands)."""
    decimal_columns = 0
    for tab, at in every_section_with_data_tables(page, lang="es"):
        for grid in at.dataframe:
            config = json.loads(grid.proto.columns)
            for name, dtype in grid.value.dtypes.items():
                values = grid.value[name].dropna()
                if dtype.kind != "f" or (values == values.round()).all():
                    continue  # whole numbers (an integer column with gaps arrives as floats) show no point
                decimal_columns += 1
                number_format = (config.get(f"name:{name}") or config.get(name) or {}).get("type_config", {}).get("format")
                assert number_format in ("%.0f", "%.1f", "%.2f", "%d"), (tab, name, number_format)
                shown = [number_format % v for v in values]
                assert not [text for text in shown if re.fullmatch(r"\d+\.\d{3}", text)], (tab, name)
    if page in ("pages/resources.py", "pages/recommendations.py", "pages/autonomy.py"):
        assert decimal_columns, page  # the check saw the grids it is about


def test_profile_reference_facts_blank_where_the_source_gave_no_unit(bundled_db):
    # Chile's institution_name fact has neither unit nor year in reference_facts.csv.
    at = run_page("pages/profile.py", lang="es", c="CHL", tab="facts")
    facts = next(t for t in small_tables(at) if "Cita" in t.columns)
    row = facts[facts["Dato"] == "Institución designada como MNP"].iloc[0]
    assert row["Unidad"] == "" and row["Año"] == ""


@pytest.mark.parametrize("lang, label", [
    ("es", "Ratificación del OPCAT"), ("pt", "Ratificação do OPCAT"), ("en", "OPCAT ratification")])
def test_reference_fact_fields_read_as_words_not_codes(bundled_db, lang, label):
    at = run_page("pages/profile.py", lang=lang, c="URY", tab="facts")
    facts = next(t for t in small_tables(at) if len(t.columns) == 7)
    fields = list(facts.iloc[:, 0])
    assert label in fields
    assert not [f for f in fields if "_" in f], fields  # no raw code like npm_unit_name


@pytest.mark.parametrize("lang, date_format", [("es", "DD/MM/YYYY"), ("pt", "DD/MM/YYYY"),
                                                ("en", "D MMM YYYY")])
def test_public_recommendation_dates_are_dates_in_the_language_format(bundled_db, lang, date_format):
    at = run_page("pages/recommendations.py", lang=lang, tab="table")
    table = at.dataframe[-1]
    config = json.loads(table.proto.columns)
    date_columns = {"es": ("Fecha de emisión", "Último seguimiento"),
                    "pt": ("Data de emissão", "Último seguimento"),
                    "en": ("Date issued", "Last follow-up")}[lang]
    for column in date_columns:
        assert config[column]["type_config"] == {"type": "date", "format": date_format}


def test_autonomy_change_table_names_the_years_and_blanks_missing_basis(bundled_db):
    at = run_page("pages/autonomy.py", lang="es", ya="2017", yb="2025")
    headers = [list(d.value.columns) for d in at.dataframe] + [list(t.columns) for t in small_tables(at)]
    assert not [h for h in headers if "Evaluación A" in h or "Evaluación B" in h]
    # Nine institutions: one small table each, read whole (criterion, both years, evidence, source).
    tables = [t for t in small_tables(at) if "Evaluación 2017" in t.columns]
    assert all(list(t.columns[:3]) == ["Criterio", "Evaluación 2017", "Evaluación 2025"] for t in tables)
    assert "Evidencia" in tables[0].columns and "Fuente" in tables[0].columns
    # As many rows as cells whose assessment differs between the two years in the input file.
    given = list(csv.DictReader((REPO / "data" / "input" / "autonomy_assessments.csv").open(encoding="utf-8")))
    in_2017 = {(r["iso3"], r["criterion_id"]): r["assessment"] for r in given if r["year"] == "2017"}
    in_2025 = {(r["iso3"], r["criterion_id"]): r["assessment"] for r in given if r["year"] == "2025"}
    assert sum(len(t) for t in tables) == sum(1 for k, v in in_2017.items() if k in in_2025 and in_2025[k] != v)
    # The bundled assessments leave `basis` empty except where a source was read:
    # every cell is blank or a translated vocabulary word, never a code or "None".
    bases = {b for t in tables for b in t["Base"]}
    assert bases <= {"", "Leído en la fuente", "Inferido de la fuente"}, bases


# --------------------------------------------------------------------------- widget texts
@pytest.mark.parametrize("lang, placeholder", [
    ("es", "Elija una o varias opciones"), ("pt", "Escolha uma ou várias opções"),
    ("en", "Choose options")])
def test_empty_filters_say_choose_in_the_page_language(bundled_db, lang, placeholder):
    at = run_page("pages/recommendations.py", lang=lang, tab="table")
    for name in ("implementation_status", "place_type", "theme", "authority"):
        widget = at.multiselect(key=f"qp_f_{name}")
        assert widget.value == []
        assert widget.proto.placeholder == placeholder


@pytest.mark.parametrize("lang, placeholder", [
    ("es", "Elija una opción"), ("pt", "Escolha uma opção"), ("en", "Choose an option")])
def test_selectboxes_carry_a_translated_placeholder(bundled_db, lang, placeholder):
    at = run_page("pages/profile.py", lang=lang)
    assert at.selectbox(key="qp_c").proto.placeholder == placeholder


def test_no_widget_keeps_streamlits_english_placeholder_in_spanish(bundled_db):
    for page in ("pages/recommendations.py", "pages/autonomy.py", "pages/compare.py",
                 "pages/resources.py", "pages/progress.py"):
        at = run_page(page, lang="es")
        texts = [w.proto.placeholder for w in [*at.multiselect, *at.selectbox]]
        assert all(texts), (page, texts)
        assert not {"Choose options", "Choose an option", "No options to select"} & set(texts), page


# --------------------------------------------------------------------------- share links
def _open_share_box(at: AppTest) -> AppTest:
    """A click on the sidebar's share box (its links are built only while it is open)."""
    at.session_state["share_box"] = True
    at.run()
    assert not at.exception
    return at


def test_share_box_gives_the_view_link_and_a_presentation_link(bundled_db):
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params["lang"] = "pt"
    at.query_params["i"] = "autonomy_score"
    at.run()
    assert not at.exception
    assert [e.label for e in at.sidebar.expander] == ["🔗 Partilhar esta vista"]
    assert not at.sidebar.code  # built once opened
    link, present = [c.value for c in _open_share_box(at).sidebar.code]
    # The overview's open section tab (map, its first) travels with the view, as on every page.
    assert link.endswith("?lang=pt&i=autonomy_score&tab=map")
    assert present.endswith("?lang=pt&i=autonomy_score&tab=map&present=1&embed=true")


def test_share_link_follows_a_widget_change_in_the_same_run(bundled_db):
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    _open_share_box(at).selectbox(key="qp_i").select("visits_per_place").run()
    link, present = [c.value for c in at.sidebar.code]
    assert "i=visits_per_place" in link and "lang=en" in link
    assert "embed=true" not in link and present.endswith("&embed=true")
