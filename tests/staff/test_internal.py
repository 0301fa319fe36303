"""Internal recommendations on the staff page only: the preview lists them (new / changed /
gone by id, counted per institution apart from the public ones), they are kept beside the
published database, never in it, and a public page after a publish still shows none of them.

Expected lists and counts are worked out here from the raw CSV rows (the `is_public` column
as typed), not with the code under test."""
from __future__ import annotations

import csv
import io
import shutil
import sys
import zipfile
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "app"))
from page_runner import open_data_tables, open_section, section_codes  # noqa: E402 - the app tests' page walker

from devtools.page_text import element_texts
from etl import pipeline
from etl.problems import Problem, msg
from mirador.staff import display, internal, preview, publish

TINY = Path(__file__).resolve().parent.parent / "etl" / "data" / "tiny"
DASHBOARD = "../../dashboard.py"
# Rows added to the tiny data (which already has internal PER-2019-004 and PER-2020-002).
NEW_INTERNAL = """\
STAFFONLY-PER-901,PER,2020-03-01,prison,prison_administration,health_care,in_progress,2021-01-01,no,accepted,sourced,https://example.org/s901,
STAFFONLY-URY-902,URY,2021-02-01,prison,ministry_of_justice,staff,not_implemented,,no,rejected,estimate,,
"""


def zip_of(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.glob("*.csv")):
            zf.write(path, path.name)
    return buffer.getvalue()


def internal_rows(folder: Path) -> dict[str, dict]:
    """recommendation_id -> the raw row, for rows typed `is_public = no`."""
    with open(folder / "recommendations.csv", encoding="utf-8", newline="") as f:
        return {r["recommendation_id"]: r for r in csv.DictReader(f) if r["is_public"] == "no"}


def with_internal_edits(tmp_path: Path) -> Path:
    """Tiny, with internal records gone (PER-2019-004), changed (PER-2020-002: status), new (two
    added) and one public record made internal (PER-2019-001: new on the internal side)."""
    folder = tmp_path / "edited"
    shutil.copytree(TINY, folder)
    recs = folder / "recommendations.csv"
    lines = [line for line in recs.read_text(encoding="utf-8").splitlines() if not line.startswith("PER-2019-004,")]
    lines = [line.replace(",staff,implemented,2020-06-01,no,", ",staff,in_progress,2020-06-01,no,")
             if line.startswith("PER-2020-002,") else line for line in lines]
    lines = [line.replace(",2020-01-10,yes,", ",2020-01-10,no,") if line.startswith("PER-2019-001,") else line
             for line in lines]
    recs.write_text("\n".join(lines) + "\n" + NEW_INTERNAL, encoding="utf-8")
    return folder


def expected_changes(before: Path, after: Path) -> set[tuple[str, str, str]]:
    old, new = internal_rows(before), internal_rows(after)
    return ({(new[i]["iso3"], i, "new") for i in new.keys() - old.keys()}
            | {(old[i]["iso3"], i, "gone") for i in old.keys() - new.keys()}
            | {(new[i]["iso3"], i, "changed") for i in new.keys() & old.keys() if new[i] != old[i]})


def database_text(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return "\n".join(con.sql(f'SELECT * FROM "{t}"').pl().cast(pl.String, strict=False).write_csv()
                         for t in tables)


# ---------------------------------------------------------------- the preview
def test_preview_lists_internal_recommendations_against_the_raw_input(tmp_path, published):
    edited = with_internal_edits(tmp_path)
    candidate = publish.check_upload("edited.zip", zip_of(edited))
    try:
        assert candidate.ok, [str(p) for p in candidate.problems]
        assert set(candidate.internal["recommendation_id"]) == set(internal_rows(edited))
        change = preview.compare(published, candidate.db, candidate.internal)

        listed = set(change.internal_changes.select("iso3", "recommendation_id", "change").iter_rows())
        assert listed == expected_changes(TINY, edited)
        assert listed == {("PER", "PER-2019-004", "gone"), ("PER", "PER-2020-002", "changed"),
                          ("PER", "STAFFONLY-PER-901", "new"), ("URY", "STAFFONLY-URY-902", "new"),
                          ("PER", "PER-2019-001", "new")}  # the worked example, by hand

        before, after = Counter(r["iso3"] for r in internal_rows(TINY).values()), Counter(
            r["iso3"] for r in internal_rows(edited).values())
        counts = {r["iso3"]: r for r in change.internal_counts.iter_rows(named=True)}
        assert set(counts) == set(before) | set(after)
        for iso3, row in counts.items():
            assert (row["n_published"], row["n_candidate"]) == (before[iso3], after[iso3]), iso3
            by_change = Counter(c for i, _, c in listed if i == iso3)
            assert (row["new"], row["changed"], row["gone"]) == (
                by_change["new"], by_change["changed"], by_change["gone"]), iso3

        # Counted apart: the public side sees PER-2019-001 leave the public list, and no
        # internal id is among the public changes.
        public = preview.recommendation_changes(published, candidate.db)
        assert public.filter(pl.col("iso3") == "PER")["gone"].to_list() == [1]
        assert "STAFFONLY" not in public.write_csv()
    finally:
        publish.discard(candidate)


def test_internal_preview_tables_are_in_the_readers_language(tmp_path, published):
    candidate = publish.check_upload("edited.zip", zip_of(with_internal_edits(tmp_path)))
    try:
        change = preview.compare(published, candidate.db, candidate.internal)
        ids = {lang: display.internal_ids_table(change.internal_changes, lang) for lang in ("es", "pt", "en")}
        assert len({tuple(table.columns) for table in ids.values()}) == 3  # three sets of headers
        assert "Perú" in ids["es"].to_series(0).to_list() and "Peru" in ids["en"].to_series(0).to_list()
        assert set(ids["en"].to_series(1)) == set(change.internal_changes["recommendation_id"])
        counts = display.internal_counts_table(change.internal_counts, "pt")
        assert counts.height == change.internal_counts.height and "Uruguai" in counts.to_series(0).to_list()
    finally:
        publish.discard(candidate)


def test_against_no_published_database_every_internal_recommendation_is_new(tmp_path):
    candidate = publish.check_upload("tiny.zip", zip_of(TINY))
    try:
        change = preview.compare(tmp_path / "missing.duckdb", candidate.db, candidate.internal)
        assert set(change.internal_changes.iter_rows()) == {(r["iso3"], i, "new") for i, r in
                                                            internal_rows(TINY).items()}
    finally:
        publish.discard(candidate)


def test_published_side_is_unknown_when_a_command_line_source_changed_since(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(TINY, source)
    db = tmp_path / "pub" / "mirador.duckdb"
    pipeline.build(source, db)
    assert set(internal.published_records(db)["recommendation_id"]) == set(internal_rows(TINY))
    (source / "recommendations.csv").write_text(
        (source / "recommendations.csv").read_text(encoding="utf-8") + NEW_INTERNAL, encoding="utf-8")
    db.touch()  # a new read, not the cached one (the cache is keyed on the database file)
    assert internal.published_records(db) is None  # not what was loaded: not trusted
    candidate = publish.check_upload("tiny.zip", zip_of(TINY))
    try:
        change = preview.compare(db, candidate.db, candidate.internal)
        assert change.internal_changes is None
        assert change.internal_counts["n_published"].null_count() == change.internal_counts.height
        assert change.internal_counts["n_candidate"].sum() == len(internal_rows(TINY))
    finally:
        publish.discard(candidate)


# ---------------------------------------------------------------- publish, roll back, public pages
def test_publish_keeps_internal_records_beside_the_database_never_in_it(tmp_path, published, monkeypatch):
    monkeypatch.setenv(publish.KEEP_VERSIONS_ENV, "2")
    edited = with_internal_edits(tmp_path)
    first = publish.current_load_id(published)
    candidate = publish.check_upload("edited.zip", zip_of(edited))
    load_id = publish.publish(candidate, "Ana", "", published)
    publish.discard(candidate)

    kept = pl.read_parquet(internal.internal_path(published, load_id))
    assert set(kept["recommendation_id"]) == set(internal_rows(edited))
    assert set(internal.published_records(published)["recommendation_id"]) == set(internal_rows(edited))
    assert "STAFFONLY" not in database_text(published)

    # A rollback publishes the older data again, and its internal records with it.
    back = publish.rollback(first, "Ana", "", published)
    assert set(internal.published_records(published)["recommendation_id"]) == set(internal_rows(TINY))
    assert internal.internal_path(published, back).exists()
    # Keep 2: rolling forward again leaves versions back + 1 and back; the others' records go.
    assert publish.rollback(load_id, "Ana", "", published) == back + 1
    assert [kept_id for kept_id, _ in publish.kept_versions(published)] == [back + 1, back]
    on_disk = {p.name for p in internal.internal_dir_for(published).glob("*.parquet")}
    assert on_disk == {internal.internal_path(published, i).name for i in (back + 1, back)}
    assert set(internal.published_records(published)["recommendation_id"]) == set(internal_rows(edited))


def test_internal_records_can_live_in_a_staff_only_folder(tmp_path, published, monkeypatch):
    staff_only = tmp_path / "staff_only"
    monkeypatch.setenv(internal.INTERNAL_DIR_ENV, str(staff_only))
    candidate = publish.check_upload("edited.zip", zip_of(with_internal_edits(tmp_path)))
    load_id = publish.publish(candidate, "Ana", "", published)
    publish.discard(candidate)
    assert [p.name for p in staff_only.iterdir()] == [f"load-{load_id:06d}.parquet"]
    assert not any(p.name.endswith(".internal") for p in published.parent.iterdir())


def test_a_public_page_after_a_staff_publish_shows_no_internal_id(tmp_path, published, use_database):
    edited = with_internal_edits(tmp_path)
    candidate = publish.check_upload("edited.zip", zip_of(edited))
    publish.publish(candidate, "Ana", "", published)
    publish.discard(candidate)
    with use_database(published):
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        at.query_params["lang"] = "es"
        at.run()
        at.switch_page("pages/recommendations.py").run()
        shown = ""
        for code in section_codes(at, "pages/recommendations.py"):  # every tab, its data tables open
            open_data_tables(open_section(at, code))
            shown += "\n".join(element_texts(at._tree))
    assert "PER-2019-002" in shown  # a public record is listed: the search is not blind
    leaked = [i for i in internal_rows(edited) if i in shown]
    assert not leaked, leaked


# ---------------------------------------------------------------- words on the page
def test_every_progress_step_has_a_name_in_each_language(tmp_path, published):
    steps: list[str] = []
    candidate = publish.check_upload("edited.zip", zip_of(with_internal_edits(tmp_path)),
                                     progress=lambda step, _: steps.append(step))
    first = publish.current_load_id(published)
    publish.publish(candidate, "Ana", "", published, progress=lambda step, _: steps.append(step))
    publish.discard(candidate)
    publish.rollback(first, "Ana", "", published, progress=lambda step, _: steps.append(step))
    assert len(set(steps)) >= 8  # unpack, read, validate, marts, boundaries, write, internal; swap, keep
    for step in set(steps):
        names = {lang: display.step_label(step, lang) for lang in ("es", "pt", "en")}
        assert step not in names.values() and len(set(names.values())) >= 2, (step, names)


def test_the_check_report_speaks_the_readers_language(tmp_path):
    problems = [Problem("observations.csv", 7, "value", "seis", msg("type.integer"), table="observations",
                        more_rows=12),
                Problem("mirador.xlsx", 3, "iso3", "XXX", msg("refs.unknown_institution", code="XXX"),
                        sheet="observations")]
    tables = {lang: display.problems_table(publish.problems_frame(problems, lang), lang) for lang in ("es", "pt", "en")}
    for lang, table in tables.items():
        assert table.height == 2 and table.width == len(publish.PROBLEM_COLUMNS), lang
    headers = [set(table.columns) for table in tables.values()]
    assert all(len(a & b) <= 1 for a in headers for b in headers if a is not b)  # "Valor"/"Value"-like at most
    assert tables["es"].to_series(-1).to_list() == [12, None]  # "and N more rows": a column of its own
    expected = {lang: table.to_series(5).to_list() for lang, table in tables.items()}
    assert expected["en"][0] == "a whole number"
    assert expected["es"][0] == "un número entero" and expected["pt"][0] == "um número inteiro"
    assert all("XXX" in texts[1] for texts in expected.values())  # the typed code, as typed, in every language
    assert len({texts[1] for texts in expected.values()}) == 3
    assert tables["es"].to_series(4).to_list() == ["seis", "XXX"]  # values are never translated
