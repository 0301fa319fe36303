"""mirador.peers (peer median in the same year) and mirador.exports (file round trips, citation)."""
from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pyarrow.parquet as pq

from mirador import exports, peers

VALUES = pl.DataFrame(
    [
        ("PER", 2023, "npm_staff", 8.0, "sourced"),
        ("PER", 2024, "npm_staff", 9.0, "sourced"),       # Peru's latest year: 2024
        ("MEX", 2024, "npm_staff", 20.0, "sourced"),
        ("URY", 2024, "npm_staff", 6.0, "illustrative"),
        ("CHL", 2024, "npm_staff", 12.0, "sourced"),
        ("CRI", 2025, "npm_staff", 100.0, "sourced"),     # other year: not a peer for 2024
        ("PER", 2024, "annual_report_published", 1.0, "sourced"),
        ("MEX", 2024, "annual_report_published", 1.0, "sourced"),
        ("URY", 2024, "annual_report_published", 0.0, "sourced"),
    ],
    schema=["iso3", "year", "indicator_id", "value", "data_status"], orient="row",
).with_columns(pl.lit(None, dtype=pl.Int64).alias("n"), pl.lit(None, dtype=pl.String).alias("source"))


def _row(df, indicator_id):
    return df.filter(pl.col("indicator_id") == indicator_id).row(0, named=True)


def test_peer_median_is_of_the_others_in_the_same_year():
    out = peers.indicator_vs_peers(VALUES, "PER", ["npm_staff"])
    r = _row(out, "npm_staff")
    # peers in 2024: 20, 6, 12 -> median 12; 9 / 12 = 75 %
    assert (r["year"], r["value"], r["peer_median"], r["n_peers"]) == (2024, 9.0, 12.0, 3)
    assert r["ratio_to_median_pct"] == 75.0
    assert r["peer_data_status"] == "illustrative"  # the worst status among the peers


def test_yes_no_counts_peers_saying_yes_and_has_no_ratio():
    r = _row(peers.indicator_vs_peers(VALUES, "PER", ["annual_report_published"]), "annual_report_published")
    assert (r["n_peers"], r["n_peers_yes"], r["ratio_to_median_pct"]) == (2, 1, None)


def test_missing_indicator_stays_missing():
    out = peers.indicator_vs_peers(VALUES, "PER", ["npm_visits", "npm_staff"])
    r = _row(out, "npm_visits")
    assert r["value"] is None and r["year"] is None and r["peer_median"] is None
    assert out["indicator_id"].to_list() == ["npm_staff", "npm_visits"]  # catalogue area order


LOADED = dt.datetime(2026, 11, 28, 18, 51, tzinfo=dt.timezone.utc)
TABLE = pl.DataFrame({"iso3": ["PER", "ESP"], "name": ["Defensoría del Pueblo", "España"],
                      "value": [1.5, None], "loaded_at": [LOADED, LOADED]})


def test_citation_per_language():
    assert exports.citation("en", LOADED, True) == (
        "Mirador: national preventive mechanisms in Ombuds institutions, data as of "
        "November 28, 2026, 18:51 UTC. APT / Mirador project; partly illustrative data (data_status column).")
    assert exports.citation("pt", LOADED, False).endswith("dados à data de 28 de novembro de 2026, 18:51 UTC. "
                                                          "APT / projeto Mirador.")


def test_csv_round_trip_keeps_accents_and_missing():
    raw = exports.to_bytes(TABLE, "csv", "t", "cite", "en")
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pl.read_csv(io.BytesIO(raw))
    assert back["name"].to_list() == ["Defensoría del Pueblo", "España"]
    assert back["value"].to_list() == [1.5, None]


def test_excel_round_trip_with_citation_sheet():
    raw = exports.to_bytes(TABLE, "xlsx", "mart_indicator_values", "the citation", "en")
    back = pl.read_excel(io.BytesIO(raw), sheet_name="mart_indicator_values")
    assert back["name"].to_list() == ["Defensoría del Pueblo", "España"]
    assert back["value"].to_list() == [1.5, None]
    assert pl.read_excel(io.BytesIO(raw), sheet_name="cite", has_header=False).item() == "the citation"


def test_parquet_round_trip_with_citation_metadata():
    raw = exports.to_bytes(TABLE, "parquet", "t", "the citation", "en")
    assert pl.read_parquet(io.BytesIO(raw)).equals(TABLE)
    assert pq.read_metadata(io.BytesIO(raw)).metadata[b"citation"] == b"the citation"


def test_file_name_carries_table_and_load_date():
    assert exports.file_name("load_log", "xlsx", LOADED) == "mirador_load_log_2026-11-28.xlsx"


def test_local_currency_amounts_have_no_peer_median():
    rows = pl.DataFrame([("PER", 2024, "npm_budget_lcu", 2_000_000.0, "sourced"),
                         ("MEX", 2024, "npm_budget_lcu", 90_000_000.0, "sourced")],
                        schema=["iso3", "year", "indicator_id", "value", "data_status"], orient="row",
                        ).with_columns(pl.lit(None, dtype=pl.Int64).alias("n"),
                                       pl.lit(None, dtype=pl.String).alias("source"))
    r = _row(peers.indicator_vs_peers(rows, "PER", ["npm_budget_lcu"]), "npm_budget_lcu")
    assert r["value"] == 2_000_000.0
    assert (r["peer_median"], r["n_peers"], r["ratio_to_median_pct"]) == (None, 0, None)
