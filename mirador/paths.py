"""Where things live on disk. The database path can be overridden with MIRADOR_DB."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
BUNDLED_INPUT_DIR = DATA_DIR / "input"
BOUNDARIES_PATH = DATA_DIR / "boundaries" / "countries.geojson"  # every country of catalogue/countries.csv
STATIC_DIR = REPO_ROOT / "static"
TOPOJSON_DIR = STATIC_DIR / "topojson"
DEFAULT_DB_PATH = DATA_DIR / "mirador.duckdb"


def db_path() -> Path:
    """The DuckDB file the ETL writes and the dashboard reads."""
    return Path(os.environ.get("MIRADOR_DB", DEFAULT_DB_PATH)).expanduser().resolve()
