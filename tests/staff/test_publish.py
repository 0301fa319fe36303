"""Staff uploads: safe unpacking, the same problems as the command line, the preview of the
change on the tiny fixture (hand-worked), publish and roll back keeping history."""
from __future__ import annotations

import io
import shutil
import stat
import zipfile
from pathlib import Path

import duckdb
import pytest

from etl import pipeline
from etl.load import kept_versions
from mirador.staff import preview, publish, upload

TINY = Path(__file__).resolve().parent.parent / "etl" / "data" / "tiny"


def zip_of(folder: Path, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.glob("*.csv")):
            zf.write(path, path.name)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buffer.getvalue()


def edited_tiny(tmp_path: Path) -> Path:
    """The tiny data with hand-made changes whose effects are worked out below."""
    folder = tmp_path / "edited"
    shutil.copytree(TINY, folder)
    obs = folder / "observations.csv"
    obs.write_text(obs.read_text().replace("PER,2020,npm_staff,20,sourced", "PER,2020,npm_staff,25,sourced"))
    recs = folder / "recommendations.csv"
    lines = recs.read_text().splitlines()
    lines = [line for line in lines if not line.startswith("PER-2019-003")]            # gone
    lines = [line.replace("PER-2019-002,PER,2019-05-01,prison,prison_administration,health_care,partially_implemented,,",
                          "PER-2019-002,PER,2019-05-01,prison,prison_administration,health_care,implemented,2020-05-01,")
             for line in lines]                                                        # changed
    lines.append("PER-2019-005,PER,2019-09-01,prison,ministry_of_justice,staff,not_implemented,2022-06-01,yes,"
                 "rejected,sourced,https://example.org/r7,")                            # new
    recs.write_text("\n".join(lines) + "\n")
    return folder


# ---------------------------------------------------------------- zip safety
def raw_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["../institutions.csv", "a/../../institutions.csv", "/etc/institutions.csv",
                                  "C:/institutions.csv", "..\\institutions.csv"])
def test_zip_entry_that_climbs_out_is_refused_and_nothing_lands_outside(tmp_path, name):
    data = raw_zip([("observations.csv", b"iso3\n"), (name, b"iso3\n")])
    with pytest.raises(upload.UploadRefused) as refused:
        upload.save_upload("datos.zip", data, tmp_path / "work")
    assert refused.value.reason == "staff_zip_unsafe_entry"
    assert not (tmp_path / "institutions.csv").exists()
    assert not (tmp_path / "work" / "files").exists()  # nothing unpacked at all


def test_zip_symlink_entry_is_refused(tmp_path):
    link = zipfile.ZipInfo("institutions.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = raw_zip([(link, b"/etc/passwd")])
    with pytest.raises(upload.UploadRefused) as refused:
        upload.save_upload("datos.zip", data, tmp_path / "work")
    assert refused.value.reason == "staff_zip_unsafe_entry"


def test_zip_bomb_is_refused_by_declared_and_by_real_size(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("observations.csv", b"0" * (3 * 1024 * 1024))  # 3 MiB of zeros packs to a few KiB
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(bomb.getvalue())
    assert archive.stat().st_size < 20_000
    with pytest.raises(upload.UploadRefused) as refused:
        upload.unpack_zip(archive, tmp_path / "out", max_unpacked_bytes=1024 * 1024)
    assert refused.value.reason == "staff_zip_too_large"
    # A zip that under-declares its sizes is caught while writing: forge the declared size.
    forged = bytearray(bomb.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(forged))).infolist()[0]
    central = forged.rfind(b"PK\x01\x02")
    forged[central + 24:central + 28] = (10).to_bytes(4, "little")  # uncompressed size in the central directory
    archive.write_bytes(bytes(forged))
    with pytest.raises(upload.UploadRefused) as refused:
        upload.unpack_zip(archive, tmp_path / "out2", max_unpacked_bytes=1024 * 1024)
    assert refused.value.reason in ("staff_zip_too_large", "staff_zip_unreadable")
    assert info.file_size == 3 * 1024 * 1024


def test_zip_with_too_many_files_and_wrong_type_and_oversize_are_refused(tmp_path):
    many = raw_zip([(f"f{i}.csv", b"x") for i in range(upload.MAX_ZIP_FILES + 1)])
    with pytest.raises(upload.UploadRefused, match="staff_zip_too_many_files"):
        upload.save_upload("datos.zip", many, tmp_path / "a")
    with pytest.raises(upload.UploadRefused, match="staff_upload_wrong_type"):
        upload.save_upload("datos.exe", b"MZ", tmp_path / "b")
    with pytest.raises(upload.UploadRefused, match="staff_upload_too_large"):
        upload.save_upload("datos.xlsx", b"0" * (upload.MAX_UPLOAD_MB * 1024 * 1024 + 1), tmp_path / "c")
    with pytest.raises(upload.UploadRefused, match="staff_zip_unreadable"):
        upload.save_upload("datos.zip", b"not a zip", tmp_path / "d")


def test_a_zipped_folder_of_csvs_is_found_under_its_top_folder(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in TINY.glob("*.csv"):
            zf.write(path, f"datos_2026/{path.name}")
    source = upload.save_upload("datos.zip", buffer.getvalue(), tmp_path / "w")
    assert source.name == "datos_2026" and (source / "institutions.csv").exists()


# ---------------------------------------------------------------- check
def test_bad_upload_names_the_same_problems_as_the_command_line(tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(TINY, bad)
    obs = bad / "observations.csv"
    obs.write_text(obs.read_text().replace("PER,2020,npm_visits,150", "PER,2020,npm_visits,muchas"))
    candidate = publish.check_upload("bad.zip", zip_of(bad))
    try:
        assert not candidate.ok and candidate.db is None
        assert [str(p) for p in candidate.problems] == [str(p) for p in pipeline.check(bad)]
        table = publish.problems_frame(candidate.problems)
        assert list(table.columns) == list(publish.PROBLEM_COLUMNS)
        assert table.filter(table["value"] == "muchas").height == 1
        assert table.filter(table["value"] == "muchas")["file"][0] == "observations.csv"
    finally:
        publish.discard(candidate)
    assert not candidate.work_dir.exists()


def test_an_upload_left_without_publish_or_discard_is_removed_with_its_candidate():
    """A staff member who checks an upload and closes the tab never clicks discard: the folder
    (the upload as sent, internal recommendations included) must not stay on the server's disk."""
    import gc

    candidate = publish.check_upload("tiny.zip", zip_of(TINY))
    work_dir, database = candidate.work_dir, candidate.db
    assert candidate.ok and database.exists() and (work_dir / "upload").exists()
    del candidate  # what the end of a session does with its state
    gc.collect()
    assert not work_dir.exists()


# ---------------------------------------------------------------- preview
def test_preview_shows_values_recommendations_and_headlines_that_move(tmp_path, published):
    candidate = publish.check_upload("edited.zip", zip_of(edited_tiny(tmp_path)))
    try:
        assert candidate.ok, [str(p) for p in candidate.problems]
        values = preview.value_changes(published, candidate.db)
        staff = values.filter((values["iso3"] == "PER") & (values["item"] == "npm_staff"))
        assert staff.select("year", "old_value", "new_value", "old_status", "new_status", "change").rows() == [
            (2020, "20.0", "25.0", "sourced", "sourced", "changed")]
        assert values.filter(values["iso3"] == "URY").height == 0  # Uruguay untouched

        recs = preview.recommendation_changes(published, candidate.db)
        # public records: PER-2019-005 new, PER-2019-002 changed, PER-2019-003 gone; the totals count
        # public records only (issue 12): 6 - 2 internal = 4 before, 4 - 1 gone + 1 new = 4 after
        assert recs.rows(named=True) == [{"iso3": "PER", "new": 1, "changed": 1, "gone": 1,
                                          "total_old": 4, "total_new": 4}]

        moves = {(r["iso3"], r["measure"]): (r["old"], r["new"]) for r in
                 preview.headline_moves(published, candidate.db).iter_rows(named=True)}
        assert moves[("PER", "npm_staff")] == (20.0, 25.0)
        # Within 24 months, as of the latest follow-up (2022-03-01 before, 2022-06-01 after), only
        # 2019 is old enough; of its records with status information (not 004):
        # before 001 of 001, 002, 003 = 33.3 %; after 001 and 002 of 001, 002, 005 = 66.7 %.
        assert moves[("PER", "implemented_within_24_months")] == pytest.approx((100 / 3, 200 / 3))
        sentences = preview.headline_sentences(preview.headline_moves(published, candidate.db), "es")
        assert any(s.startswith("Perú") and "33,3" in s and "66,7" in s for s in sentences), sentences
    finally:
        publish.discard(candidate)


def test_preview_against_no_published_database_lists_everything_as_new(tmp_path):
    candidate = publish.check_upload("tiny.zip", zip_of(TINY))
    try:
        values = preview.value_changes(tmp_path / "missing.duckdb", candidate.db)
        assert set(values["change"]) == {"new"} and values.height >= 7 + 4  # 7 observations, 4+ assessments
    finally:
        publish.discard(candidate)


# ---------------------------------------------------------------- publish and roll back
def npm_staff_per(db: Path) -> float:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value FROM mart_indicator_values WHERE iso3 = 'PER' AND "
                           "indicator_id = 'npm_staff' AND year = 2020").fetchall()[0][0]
    finally:
        con.close()


def test_publish_then_roll_back_keeps_every_load_in_the_history(tmp_path, published, monkeypatch):
    monkeypatch.setenv(publish.KEEP_VERSIONS_ENV, "3")
    candidate = publish.check_upload("edited.zip", zip_of(edited_tiny(tmp_path)))
    first_load = publish.current_load_id(published)
    new_id = publish.publish(candidate, "Ana Pérez", "Returns of Peru 2020", published)
    publish.discard(candidate)
    assert new_id == first_load + 1 and npm_staff_per(published) == 25.0

    restored = publish.rollback(first_load, "Ana Pérez", "wrong file", published)
    assert restored == new_id + 1 and npm_staff_per(published) == 20.0

    log = publish.history(published)
    assert log["load_id"].to_list() == [restored, new_id, first_load]
    rows = {r["load_id"]: r for r in log.iter_rows(named=True)}
    assert (rows[new_id]["person"], rows[new_id]["comment"], rows[new_id]["action"]) == (
        "Ana Pérez", "Returns of Peru 2020", "load")
    assert (rows[restored]["action"], rows[restored]["restored_from"]) == ("rollback", first_load)
    assert rows[restored]["current"] and rows[first_load]["kept"] and rows[new_id]["kept"]
    # The public load log carries no person's name (it is a download on the Methods page).
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert "Ana" not in str(con.execute("SELECT * FROM load_log").fetchall())
    finally:
        con.close()

    # Only the last three published files are kept (loads 1, 2, 3 -> one more -> 2, 3, 4).
    assert [load_id for load_id, _ in kept_versions(published)] == [restored, new_id, first_load]
    latest = publish.rollback(new_id, "Ana", "", published)
    assert [load_id for load_id, _ in kept_versions(published)] == [latest, restored, new_id]
    with pytest.raises(ValueError, match="not kept"):
        publish.rollback(first_load, "Ana", "", published)
    assert publish.current_load_id(published) == latest and npm_staff_per(published) == 25.0


def test_a_candidate_with_problems_cannot_be_published_and_changes_nothing(tmp_path, published):
    before = published.read_bytes()
    candidate = publish.check_upload("datos.zip", b"not a zip")
    assert candidate.refused is not None and not candidate.ok
    with pytest.raises(ValueError):
        publish.publish(candidate, "Ana", "", published)
    publish.discard(candidate)
    assert published.read_bytes() == before
