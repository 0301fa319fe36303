"""One institution against its peers, indicator by indicator (Institution profile page).

For each indicator: the institution's LATEST year with a value, that value, and
the median of the OTHER institutions' values in that same year (so the two
figures describe the same year); for yes/no indicators also how many peers say yes. The ratio to the median is given where it
means something (not for yes/no indicators, not when the median is 0).
Missing stays missing: an indicator without a value has year/value null.
Beside the latest value of any status, the latest value that is NOT illustrative (sourced or
an estimate from a source), with its year: the latest value is often generated, and a
reader should see the last published figure next to it (issue 8).

Pure polars: no Streamlit, no database.
"""
from __future__ import annotations

from typing import Sequence

import polars as pl

import catalogue
from mirador import figures

STATUS_RANK = {"sourced": 1, "estimate": 2, "illustrative": 3}  # worst wins
NO_RATIO_UNITS = ("yes_no",)
# Amounts in each country's own currency cannot be compared across countries (use the USD ones).
NO_PEER_UNITS = ("local_currency",)

SCHEMA = {
    "area_id": pl.String, "indicator_id": pl.String, "iso3": pl.String, "year": pl.Int64,
    "value": pl.Float64, "n": pl.Int64, "data_status": pl.String, "source": pl.String,
    "peer_median": pl.Float64, "n_peers": pl.Int64, "n_peers_yes": pl.Int64, "peer_data_status": pl.String,
    "ratio_to_median_pct": pl.Float64,
    "sourced_year": pl.Int64, "sourced_value": pl.Float64, "sourced_status": pl.String,
    "sourced_source": pl.String,
}


def _worst(statuses: Sequence[str | None]) -> str | None:
    known = [s for s in statuses if s in STATUS_RANK]
    return max(known, key=STATUS_RANK.get) if known else None


def _latest_published(own: pl.DataFrame) -> dict:
    """The latest non-illustrative row of one institution's values (sorted by year), or nothing."""
    published = own.filter(pl.col("data_status").is_in(["sourced", "estimate"]))
    if not published.height:
        return {}
    r = published.row(-1, named=True)
    return {"sourced_year": r["year"], "sourced_value": r["value"], "sourced_status": r["data_status"],
            "sourced_source": r.get("source")}


def indicator_vs_peers(values: pl.DataFrame, iso3: str,
                       indicator_ids: Sequence[str] | None = None) -> pl.DataFrame:
    """One row per indicator (catalogue area order), see module docstring.

    `values`: iso3, year, indicator_id, value, n, data_status, source (all institutions).
    """
    order = {a["area_id"]: int(a["order"]) for a in catalogue.areas()}
    rows_meta = sorted(catalogue.indicators(), key=lambda r: order.get(r["area_id"], 99))
    if indicator_ids is not None:
        rows_meta = [r for r in rows_meta if r["indicator_id"] in set(indicator_ids)]
    present = values.filter(pl.col("value").is_not_null())
    out = []
    for meta in rows_meta:
        indicator_id = meta["indicator_id"]
        one = present.filter(pl.col("indicator_id") == indicator_id)
        own = one.filter(pl.col("iso3") == iso3).sort("year")
        row = {k: None for k in SCHEMA} | {"area_id": meta["area_id"], "indicator_id": indicator_id,
                                            "iso3": iso3, "n_peers": 0}
        if own.height:
            latest = own.row(-1, named=True)
            peers = one.filter((pl.col("iso3") != iso3) & (pl.col("year") == latest["year"]))
            if meta["unit"] in NO_PEER_UNITS:
                peers = peers.clear()
            peer_median = figures.median(peers["value"].to_list())
            ratio = None
            if peer_median and meta["unit"] not in NO_RATIO_UNITS:
                ratio = 100 * latest["value"] / peer_median
            row |= {"year": latest["year"], "value": latest["value"], "n": latest.get("n"),
                    "data_status": latest.get("data_status"), "source": latest.get("source"),
                    "peer_median": peer_median, "n_peers": peers.height,
                    # yes/no: a median of 0/1 says little; how many peers say yes says more
                    "n_peers_yes": peers.filter(pl.col("value") >= 0.5).height
                    if meta["unit"] == "yes_no" else None,
                    "peer_data_status": _worst(peers["data_status"].to_list()),
                    "ratio_to_median_pct": ratio}
            row |= _latest_published(own)
        out.append(row)
    return pl.DataFrame(out, schema=SCHEMA)
