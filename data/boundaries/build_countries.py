"""Build catalogue/countries.csv: every country or territory of world-atlas with an ISO code.

Sources, both already in the repo or the pinned environment (no download):

* the ids of ``data/boundaries/world-atlas/countries-50m.json`` (ISO 3166-1 numeric;
  the few features without an id, e.g. Kosovo, Somaliland, N. Cyprus, are left out);
* CLDR through babel (pinned in requirements): ``territory_aliases`` maps the numeric and
  alpha-3 codes to alpha-2, ``Locale.parse(lang).territories`` gives the names in es/pt/en,
  ``babel.numbers.get_territory_currencies`` the legal-tender currency on ``CURRENCY_DATE``
  (a fixed date, so a rebuild gives the same bytes whatever the day).

The nine institutions' rows are curated (official long names as synonyms, the names used
in the sourced facts) and are copied unchanged from the current file. Synonyms of the other
rows: the folded names in the three languages (also as typed: "and" for "&", a straight
apostrophe), alpha-2 and alpha-3. A synonym that would
stand for two countries is an error (``catalogue.normalise_country`` must be unambiguous).

Run: ``.venv/bin/python data/boundaries/build_countries.py`` (then rebuild the boundaries).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

import catalogue  # noqa: E402

SOURCE = REPO_ROOT / "data" / "boundaries" / "world-atlas" / "countries-50m.json"
OUT = REPO_ROOT / "catalogue" / "countries.csv"
COLUMNS = ["iso3", "iso_numeric", "name_es", "name_pt", "name_en", "currency", "synonyms", "region"]
CURATED = ("CHL", "CRI", "ECU", "MEX", "PAN", "PER", "PRT", "ESP", "URY")
CURRENCY_DATE = dt.date(2025, 1, 1)
# Retired alpha-3 codes CLDR still lists as aliases of a current alpha-2 (Burma, Zaire, the
# GDR, metropolitan France, East Timor, South Yemen): never the code to write.
RETIRED_ALPHA3 = {"BUR", "ZAR", "DDR", "FXX", "TMP", "YMD"}
# `region` (which map panel a country belongs to: americas, europe, africa, asia, oceania,
# antarctica) is read from the continent part of the country's CLDR time zones
# ("Europe/Lisbon"); Pacific/ zones count only when nothing else does (Galápagos, Easter
# Island), the other ocean zones (Atlantic/, Indian/) never: those islands are listed below.
ZONE_REGIONS = {"America": "americas", "Europe": "europe", "Africa": "africa", "Asia": "asia",
                "Australia": "oceania", "Antarctica": "antarctica"}
REGION_OVERRIDES = {
    # Council of Europe members whose zones say Asia: drawn with Europe, where their
    # European neighbours and their NPM's peers are.
    "ARM": "europe", "AZE": "europe", "CYP": "europe", "GEO": "europe",
    # Spain's zones are Europe/Madrid, Africa/Ceuta and Atlantic/Canary: a tie.
    "ESP": "europe",
    # Islands with only ocean zones.
    "ISL": "europe", "FRO": "europe", "CPV": "africa", "SHN": "africa", "BMU": "americas",
    "FLK": "americas", "SGS": "americas", "COM": "africa", "MDG": "africa", "MUS": "africa",
    "SYC": "africa", "ATF": "antarctica", "IOT": "asia", "MDV": "asia", "HMD": "antarctica",
}


def _alpha_codes() -> tuple[dict[str, str], dict[str, str]]:
    """(numeric -> alpha-2, alpha-2 -> alpha-3) from CLDR's territory aliases."""
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    numeric, alpha3 = {}, {}
    for code, targets in aliases.items():
        if len(targets) != 1:
            continue  # a code that split into several (e.g. the USSR) names no one country
        if code.isdigit():
            numeric[code] = targets[0]
        elif len(code) == 3 and code.isalpha() and code not in RETIRED_ALPHA3:
            if targets[0] in alpha3:
                raise SystemExit(f"two alpha-3 codes for {targets[0]}: {alpha3[targets[0]]}, {code}")
            alpha3[targets[0]] = code
    return numeric, alpha3


def _world_atlas_ids(source: Path) -> list[str]:
    topo = json.loads(source.read_text(encoding="utf-8"))
    return sorted({g["id"] for g in topo["objects"]["countries"]["geometries"] if g.get("id")})


def _typed_spelling(name: str) -> str:
    """How a name is typed on a keyboard: CLDR writes "Bosnia & Herzegovina", "Côte d’Ivoire"."""
    return name.replace(" & ", " and ").replace("\u2019", "'")


def _region(iso3: str, alpha2: str) -> str:
    from collections import Counter

    from babel.core import get_global

    if iso3 in REGION_OVERRIDES:
        return REGION_OVERRIDES[iso3]
    zones = get_global("territory_zones").get(alpha2, [])
    counts = Counter(ZONE_REGIONS[z.split("/")[0]] for z in zones if z.split("/")[0] in ZONE_REGIONS)
    if not counts:
        counts = Counter("oceania" for z in zones if z.startswith("Pacific/"))
    ranked = counts.most_common()
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        raise SystemExit(f"{iso3}: no single region in its time zones {zones}; add it to REGION_OVERRIDES")
    return ranked[0][0]


def _currency(alpha2: str) -> str:
    from babel.numbers import get_territory_currencies

    tender = get_territory_currencies(alpha2, start_date=CURRENCY_DATE, tender=True)
    return tender[0] if tender else ""


def build_rows(source: Path = SOURCE) -> list[dict[str, str]]:
    from babel import Locale

    names = {lang: Locale.parse(lang).territories for lang in catalogue.LANGUAGES}
    numeric_to_alpha2, alpha3_of = _alpha_codes()
    curated = {r["iso3"]: r for r in catalogue.countries() if r["iso3"] in CURATED}
    rows = []
    for numeric in _world_atlas_ids(source):
        alpha2 = numeric_to_alpha2.get(numeric)
        if alpha2 is None or alpha2 not in alpha3_of:
            raise SystemExit(f"world-atlas id {numeric}: no ISO alpha-2/alpha-3 code in CLDR")
        iso3 = alpha3_of[alpha2]
        if iso3 in curated:
            rows.append({**curated[iso3], "region": _region(iso3, alpha2)})
            continue
        row = {"iso3": iso3, "iso_numeric": numeric, "currency": _currency(alpha2), "region": _region(iso3, alpha2),
               **{f"name_{lang}": names[lang][alpha2] for lang in catalogue.LANGUAGES}}
        words = [iso3, alpha2, *(row[f"name_{lang}"] for lang in ("en", "es", "pt"))]
        words += [_typed_spelling(w) for w in words]
        row["synonyms"] = "|".join(dict.fromkeys(catalogue.fold(w) for w in words))
        rows.append(row)
    missing = sorted(set(CURATED) - {r["iso3"] for r in rows})
    if missing:
        raise SystemExit(f"curated countries missing from {source}: {missing}")
    _check_unambiguous(rows)
    return rows


def _check_unambiguous(rows: list[dict[str, str]]) -> None:
    owner: dict[str, str] = {}
    for row in rows:
        for word in [row["iso3"], row["iso_numeric"], *(row[f"name_{lang}"] for lang in catalogue.LANGUAGES),
                     *row["synonyms"].split("|")]:
            key = catalogue.fold(word)
            if owner.setdefault(key, row["iso3"]) != row["iso3"]:
                raise SystemExit(f"{word!r} would name both {owner[key]} and {row['iso3']}")


def write(rows: list[dict[str, str]], out: Path = OUT) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    rows = build_rows()
    write(rows)
    print(f"wrote {OUT.relative_to(REPO_ROOT)}: {len(rows)} countries and territories")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
