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
    # Assigned so that neighbours, the peers most often compared (Southern Cone, Andes,
    # Central America, Iberia), get clearly different hues.
    "CHL": "#CC6677",  # rose
    "CRI": "#88CCEE",  # cyan
    "ECU": "#DDCC77",  # sand
    "MEX": "#882255",  # wine
    "PAN": "#999933",  # olive
    "PER": "#117733",  # green
    "PRT": "#44AA99",  # teal
    "ESP": "#AA4499",  # purple
    "URY": "#332288",  # indigo
}
OTHER_INSTITUTION_COLOUR = "#777777"

NO_DATA_COLOUR = "#DDDDDD"  # countries/cells without data (pale grey, never a value colour)
MEDIAN_COLOUR = "#000000"
UNRANKED_COLOUR = "#AAAAAA"  # a rate on too few records: drawn, grey, below the ranked ones
# Maps: an institution without data is mid grey, other countries white on a pale sea,
# so "no data" never looks like "not one of the nine".
MAP_NO_DATA_COLOUR = "#B3B3B3"
MAP_LAND_COLOUR = "#FFFFFF"
MAP_SEA_COLOUR = "#EEF3F7"

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


def _relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB'."""
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two '#RRGGBB' colours (1 to 21)."""
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (symbols in matrix cells)."""
    return max(("#000000", "#FFFFFF"), key=lambda text: contrast_ratio(text, background))


def assessment_symbol(code: str | None) -> str:
    return ASSESSMENT_SYMBOLS.get(code or "no_information", "?")


def is_illustrative(data_status: str | None) -> bool:
    return data_status == "illustrative"
