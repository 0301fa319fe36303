"""ONE colour-blind-safe palette for every page.

- Institutions: Paul Tol's "muted" qualitative scheme (9 colours, distinct for
  the common colour-vision deficiencies); each institution keeps its colour on
  every page and chart.
- Statuses: ordered from good (blue) to bad (vermillion), grey for "no
  information" (Okabe-Ito hues, safe for deuteranopia/protanopia). Autonomy
  assessments also get a SYMBOL so colour is never the only cue.
- Illustrative values: hatched pattern and lower opacity (bars), open markers
  (lines), a dagger mark (maps, matrix), always with a legend entry or footnote.
"""
from __future__ import annotations

# Paul Tol, "muted" (https://personal.sron.nl/~pault/), one per institution.
INSTITUTION_COLOURS: dict[str, str] = {
    "CHL": "#CC6677",  # rose
    "CRI": "#332288",  # indigo
    "ECU": "#DDCC77",  # sand
    "MEX": "#117733",  # green
    "PAN": "#88CCEE",  # cyan
    "PER": "#882255",  # wine
    "PRT": "#44AA99",  # teal
    "ESP": "#999933",  # olive
    "URY": "#AA4499",  # purple
}
OTHER_INSTITUTION_COLOUR = "#777777"

NO_DATA_COLOUR = "#DDDDDD"  # countries/cells without data (pale grey, never a value colour)
MEDIAN_COLOUR = "#000000"

ASSESSMENT_COLOURS: dict[str, str] = {
    "met": "#0072B2",            # blue
    "partially_met": "#56B4E9",  # sky blue
    "not_met": "#D55E00",        # vermillion
    "no_information": "#BBBBBB",  # grey
}
ASSESSMENT_SYMBOLS: dict[str, str] = {
    "met": "●",
    "partially_met": "◐",
    "not_met": "○",
    "no_information": "?",
}

IMPLEMENTATION_COLOURS: dict[str, str] = {
    "implemented": "#0072B2",            # blue
    "partially_implemented": "#56B4E9",  # sky blue
    "in_progress": "#F0E442",            # yellow
    "not_implemented": "#D55E00",        # vermillion
    "no_information": "#BBBBBB",         # grey
}

# Timeline events: colour AND marker symbol.
EVENT_STYLES: dict[str, dict[str, str]] = {
    "ratification": {"colour": "#E69F00", "symbol": "diamond"},
    "designation": {"colour": "#56B4E9", "symbol": "square"},
    "operational": {"colour": "#009E73", "symbol": "circle"},
}

# Sequential scale for choropleths (viridis is perceptually uniform and CVD-safe).
SEQUENTIAL_SCALE = "Viridis"

ILLUSTRATIVE_PATTERN = "/"     # plotly bar pattern shape
ILLUSTRATIVE_OPACITY = 0.55    # bars / markers flagged illustrative
ILLUSTRATIVE_MARK = "†"        # suffix on maps, matrix cells, cards


def institution_colour(iso3: str) -> str:
    """The fixed colour of an institution (same on every page)."""
    return INSTITUTION_COLOURS.get(iso3, OTHER_INSTITUTION_COLOUR)


def status_colour(domain: str, code: str | None) -> str:
    """Colour of an `assessment` or `implementation_status` code (grey if unknown)."""
    table = ASSESSMENT_COLOURS if domain == "assessment" else IMPLEMENTATION_COLOURS
    return table.get(code or "no_information", NO_DATA_COLOUR)


def assessment_symbol(code: str | None) -> str:
    return ASSESSMENT_SYMBOLS.get(code or "no_information", "?")


def is_illustrative(data_status: str | None) -> bool:
    return data_status == "illustrative"
