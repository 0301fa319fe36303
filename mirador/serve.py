"""Start the dashboard server: `python -m mirador.serve [streamlit run options]`.

The same as `streamlit run dashboard.py`, with one difference: Streamlit's old
file-based multipage mode is switched off before the first request. Streamlit turns
that mode on for any app with a `pages/` folder beside its entry script, and a first
request to `/<page>` would then run `pages/<page>.py` alone (no language selector, no
banner, a sidebar of file names). `dashboard.py` uses `st.navigation`, which switches
the mode off, but only once it has run. (Pages also undo the mode themselves, at the
cost of one extra run: see `navigation.leave_file_based_routing`.)
"""
from __future__ import annotations

import sys
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False  # class-level: read by every session's PagesManager
    sys.argv = ["streamlit", "run", str(DASHBOARD), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
