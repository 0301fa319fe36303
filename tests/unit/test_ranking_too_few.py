"""Rankings do not rank rates resting on a handful of records (issue #10: at 80 institutions
a rate of 1 out of 1 topped the chart as "100 %")."""
from __future__ import annotations

import polars as pl
import pytest

from mirador import figures, palette
from mirador.i18n import institution_label

SCHEMA = {"iso3": pl.String, "rate": pl.Float64, "n": pl.Int64, "data_status": pl.String}


def _rates(rows):
    return pl.DataFrame([dict(zip(SCHEMA, r)) for r in rows], schema=SCHEMA, orient="row")


def _bars(rows, **kwargs):
    data = _rates(rows)
    fig = figures.ranking_bars.uncached(data, title="Tasa", unit="percent", lang="es",
                                        institutions=data["iso3"].to_list(), value_col="rate",
                                        n_col="n", **kwargs)
    return fig


def _top_down(fig) -> list[str]:
    return list(fig.data[0].y)[::-1]  # plotly draws the first row at the bottom


def test_a_rate_on_one_record_is_drawn_below_the_ranked_ones_in_grey():
    fig = _bars([("CHL", 0.40, 50, "sourced"), ("PER", 1.0, 1, "sourced"), ("URY", 0.30, 30, "sourced")])
    names = {c: institution_label(c, "es") for c in ("CHL", "PER", "URY")}
    assert _top_down(fig) == [names["CHL"], names["URY"], names["PER"]]
    colours = dict(zip(fig.data[0].y, fig.data[0].marker.color))
    assert colours[names["PER"]] == palette.UNRANKED_COLOUR
    assert colours[names["CHL"]] != palette.UNRANKED_COLOUR
    assert "n < 10" in fig.layout.title.text  # the subtitle says why one is at the foot


def test_the_peer_median_leaves_out_what_is_not_ranked():
    fig = _bars([("CHL", 0.40, 50, "sourced"), ("PER", 1.0, 1, "sourced"), ("URY", 0.20, 30, "sourced")])
    medians = [shape.x0 for shape in fig.layout.shapes if shape.type == "line"]
    assert medians == [pytest.approx(0.30)]  # (0.40 + 0.20) / 2, not the median of three with PER's 1.0


def test_ten_records_are_enough_and_values_without_n_are_ranked():
    fig = _bars([("CHL", 0.40, 10, "sourced"), ("PER", 0.90, None, "sourced"), ("URY", 0.20, 9, "sourced")])
    names = {c: institution_label(c, "es") for c in ("CHL", "PER", "URY")}
    assert _top_down(fig) == [names["PER"], names["CHL"], names["URY"]]


def test_with_both_ends_the_unranked_are_counted_not_drawn():
    rows = [(code, 0.1 + i / 100, 40, "sourced") for i, code in enumerate(
        ["ARG", "BOL", "BRA", "COL", "CRI", "ECU", "GTM", "HND", "MEX", "NIC", "PAN", "PRY"])]
    fig = _bars(rows + [("PER", 1.0, 2, "sourced")], ends=3)
    assert institution_label("PER", "es") not in fig.data[0].y
    assert "1 sin ordenar" in fig.layout.title.text
