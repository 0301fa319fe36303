"""Unit tests of the dashboard library: formatting, palette, i18n, URL state, DB handle."""
from __future__ import annotations

import csv
import datetime as dt
import os
import re

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_h

import catalogue
from mirador import db, formatting as fmt, i18n, palette, queries, state

NNBSP = "\u00a0"  # babel/CLDR no-break space (pt_PT group separator, es before %)


# --------------------------------------------------------------------------- formatting
@pytest.mark.parametrize("lang, expected", [
    ("es", "1.234,5"), ("pt", f"1{NNBSP}234,5"), ("en", "1,234.5")])
def test_number_per_language(lang, expected):
    assert fmt.number(1234.5, lang) == expected


@settings(max_examples=300, deadline=None)
@given(st_h.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st_h.sampled_from([None, 0, 1, 2]),
       st_h.sampled_from(["es", "pt", "en"]))
def test_number_is_babels_own_formatting(value, decimals, lang):
    # fmt.number keeps babel's parsed locale and pattern between calls (speed): it must still
    # write exactly what babel's public formatter writes for the same rounding and pattern.
    from babel.numbers import format_decimal
    shown = decimals if decimals is not None else (0 if float(value).is_integer() else 1)
    pattern = "#,##0" + ("." + "0" * shown if shown else "")
    locale_name = {"es": "es_ES", "pt": "pt_PT", "en": "en"}[lang]
    assert fmt.number(value, lang, decimals) == format_decimal(round(value, shown), format=pattern,
                                                               locale=locale_name)


@pytest.mark.parametrize("lang, expected", [
    ("es", "1.234.567"), ("pt", f"1{NNBSP}234{NNBSP}567"), ("en", "1,234,567")])
def test_integer_per_language(lang, expected):
    assert fmt.integer(1234567, lang) == expected


@pytest.mark.parametrize("lang, expected", [
    ("es", f"42,5{NNBSP}%"), ("pt", "42,5%"), ("en", "42.5%")])
def test_percent_per_language(lang, expected):
    assert fmt.percent(42.5, lang) == expected


@pytest.mark.parametrize("lang, day, month", [
    ("es", "5 de marzo de 2017", "marzo de 2017"),
    ("pt", "5 de março de 2017", "março de 2017"),
    ("en", "March 5, 2017", "March 2017")])
def test_dates_per_language_and_precision(lang, day, month):
    d = dt.date(2017, 3, 5)
    assert fmt.date(d, lang) == day
    assert fmt.date(d, lang, "month") == month
    assert fmt.date(d, lang, "year") == "2017"


@pytest.mark.parametrize("lang, text", [("es", "sin datos"), ("pt", "sem dados"), ("en", "no data")])
def test_missing_is_no_data_never_zero(lang, text):
    for missing in (None, float("nan")):
        assert fmt.number(missing, lang) == text
        assert fmt.percent(missing, lang) == text
        assert fmt.value(missing, "usd", lang) == text
        assert fmt.date(None, lang) == text
    assert fmt.number(0, lang) == "0"  # a real zero stays a zero


def test_years_are_not_grouped():
    assert fmt.year(2017, "es") == "2017"


def test_value_uses_unit():
    assert fmt.value(1, "yes_no", "pt") == "Sim"
    assert fmt.value(12.345, "usd_per_detainee", "en") == "12.3"
    assert fmt.value(12, "persons", "es", with_unit=True) == "12 personas"


# --------------------------------------------------------------------------- palette
def test_each_institution_has_a_fixed_distinct_colour():
    codes = list(palette.INSTITUTION_COLOURS)  # the nine (the catalogue lists every country)
    colours = [palette.institution_colour(c) for c in codes]
    assert len(set(colours)) == len(codes) == 9
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    assert colours == [palette.institution_colour(c) for c in codes]  # the same on every call


NEIGHBOURS = [("CHL", "PER"), ("CHL", "URY"), ("PER", "URY"), ("ECU", "PER"),
              ("CRI", "PAN"), ("MEX", "PAN"), ("CRI", "MEX"), ("PRT", "ESP")]


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def test_neighbours_compared_side_by_side_get_clearly_different_colours():
    # Euclidean RGB distance; 120 separates e.g. rose from green but not rose from wine (~100), the old Chile/Peru pair.
    for a, b in NEIGHBOURS:
        ra, rb = _rgb(palette.institution_colour(a)), _rgb(palette.institution_colour(b))
        distance = sum((x - y) ** 2 for x, y in zip(ra, rb)) ** 0.5
        assert distance > 120, (a, b, distance)


def test_status_colours_and_symbols_cover_every_code():
    for code in catalogue.codes("assessment"):
        assert palette.status_colour("assessment", code) in palette.ASSESSMENT_COLOURS.values()
        assert palette.assessment_symbol(code)
    assert len(set(palette.ASSESSMENT_SYMBOLS.values())) == len(catalogue.codes("assessment"))
    assert len(set(palette.ASSESSMENT_COLOURS.values())) == len(catalogue.codes("assessment"))
    for code in catalogue.codes("implementation_status"):
        assert code in palette.IMPLEMENTATION_COLOURS
    assert len(set(palette.IMPLEMENTATION_COLOURS.values())) == len(catalogue.codes("implementation_status"))


# --------------------------------------------------------------------------- i18n
def test_every_ui_string_has_es_pt_en():
    with open(i18n.STRINGS_PATH, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)), "duplicate keys"
    for row in rows:
        for lang in i18n.LANGUAGES:
            assert row[lang] and row[lang].strip(), (row["key"], lang)
        placeholders = {lang: set(re.findall(r"{(\w+)}", row[lang])) for lang in i18n.LANGUAGES}
        assert placeholders["es"] == placeholders["pt"] == placeholders["en"], row["key"]


def test_every_catalogue_label_exists_in_three_languages():
    for lang in i18n.LANGUAGES:
        for r in catalogue.indicators():
            assert i18n.indicator_label(r["indicator_id"], lang)
            assert i18n.indicator_definition(r["indicator_id"], lang)
            assert i18n.indicator_unit_label(r["indicator_id"], lang)
        for r in catalogue.criteria():
            assert i18n.criterion_label(r["criterion_id"], lang)
            assert i18n.criterion_definition(r["criterion_id"], lang)
        for r in catalogue.areas():
            assert i18n.area_label(r["area_id"], lang)
        for r in catalogue.countries():
            assert i18n.country_name(r["iso3"], lang)
        for r in catalogue.vocabulary():
            assert r[f"label_{lang}"], (r["domain"], r["code"], lang)
        for unit in catalogue.units():
            assert i18n.unit_label(unit, lang)
        for r in catalogue.context_variables():
            assert i18n.context_label(r["variable"], lang)


def test_every_derived_indicator_has_its_formula_in_three_languages_with_the_same_codes():
    """A derived indicator's formula is read in the page's language; the codes in it (which the
    Methods page says the formulas use) are the same in every language, and name catalogue things."""
    known = ({r["indicator_id"] for r in catalogue.indicators()}
             | {r["variable"] for r in catalogue.context_variables()})
    for r in catalogue.indicators():
        formulas = {lang: i18n.indicator_derivation(r["indicator_id"], lang) for lang in i18n.LANGUAGES}
        if r["kind"] == "input":
            assert formulas == {lang: "" for lang in i18n.LANGUAGES}, r["indicator_id"]
            continue
        assert all(formulas.values()), (r["indicator_id"], formulas)
        assert formulas["es"] != formulas["en"] or not re.search(r"\b[a-z]+ [a-z]+\b", formulas["en"]), formulas
        codes = {lang: re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", f) for lang, f in formulas.items()}
        assert codes["es"] == codes["pt"] == codes["en"], (r["indicator_id"], codes)
        assert set(codes["en"]) <= known, (r["indicator_id"], set(codes["en"]) - known)


def test_t_formats_and_fails_loudly():
    assert i18n.t("n_equals", "pt", n="3") == "n = 3"
    assert i18n.t("page_overview", "en") == "Overview"
    with pytest.raises(KeyError):
        i18n.t("no_such_key", "es")


@pytest.mark.parametrize("raw, lang", [("pt-BR", "pt"), ("es_ES", "es"), ("EN", "en"), ("fr", "es"), (None, "es")])
def test_language_normalisation(raw, lang):
    assert i18n.normalise_language(raw) == lang


# --------------------------------------------------------------------------- state
def test_state_encode_decode_round_trip():
    options = ["CHL", "PER", "MEX"]
    assert state.decode(state.encode(["PER", "MEX"]), options, multi=True) == ["PER", "MEX"]
    assert state.decode([state.encode(2019)], [2017, 2019]) == 2019
    assert state.decode([state.encode(True)], ["1", "0"]) == "1"
    assert state.decode(["XXX"], options) is None               # invalid values are ignored
    assert state.decode([""], options, multi=True) == []       # ?c= means an empty selection
    assert state.decode([], options, multi=True) is None       # absent means "use the default"


def test_url_written_by_a_page_restores_the_same_view(bundled_db):
    from streamlit.testing.v1 import AppTest
    first = AppTest.from_file("../../pages/resources.py", default_timeout=60)
    first.query_params.update({"lang": "en", "t": "visits", "rel": "0", "c": ["URY", "CHL"]})
    first.run()
    first.selectbox(key="qp_y").select(first.selectbox(key="qp_y").options[0]).run()
    written = {k: first.query_params[k] for k in first.query_params}
    assert {"t", "rel", "i", "c", "y"} <= set(written)

    second = AppTest.from_file("../../pages/resources.py", default_timeout=60)
    second.query_params.update(written)
    second.run()
    for key in ("qp_i", "qp_y"):
        assert second.selectbox(key=key).value == first.selectbox(key=key).value
    assert second.multiselect(key="qp_c").value == first.multiselect(key="qp_c").value == ["URY", "CHL"]
    assert second.toggle(key="qp_rel").value is False
    assert [c.proto.spec for c in second.get("plotly_chart")] == [c.proto.spec for c in first.get("plotly_chart")]


# --------------------------------------------------------------------------- db handle
def _tiny_db(path, names):
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE institutions (iso3 VARCHAR, institution_name VARCHAR)")
    con.executemany("INSERT INTO institutions VALUES (?, ?)", [[c, n] for c, n in names])
    con.execute("CHECKPOINT")
    con.close()


def test_db_handle_notices_a_swapped_file(tmp_path, monkeypatch):
    live = tmp_path / "mirador.duckdb"
    _tiny_db(live, [("PER", "Defensoría del Pueblo")])
    monkeypatch.setenv("MIRADOR_DB", str(live))
    db.reset()
    queries.clear_cache()
    try:
        assert queries.institutions()["institution_name"].to_list() == ["Defensoría del Pueblo"]
        # The ETL's atomic swap: build elsewhere, then os.replace over the live file.
        staged = tmp_path / "staged.duckdb"
        _tiny_db(staged, [("PER", "Defensoría del Pueblo (rebuilt)"), ("URY", "INDDHH")])
        os.replace(staged, live)
        assert queries.institutions()["institution_name"].to_list() == [
            "Defensoría del Pueblo (rebuilt)", "INDDHH"]
    finally:
        db.reset()
        queries.clear_cache()


def test_queries_bind_parameters(tmp_path, monkeypatch):
    live = tmp_path / "mirador.duckdb"
    _tiny_db(live, [("PER", "x")])
    monkeypatch.setenv("MIRADOR_DB", str(live))
    db.reset()
    try:
        # A value that would break (or inject into) f-string SQL is just a value when bound.
        assert db.fetch("SELECT count(*) AS n FROM mirador.institutions WHERE iso3 = ?",
                        ["PER' OR '1'='1"])["n"][0] == 0
    finally:
        db.reset()
