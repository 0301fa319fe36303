"""The staff page's check report in the reader's language (issue #10): an upload with errors,
run through the page itself, lists what was expected in Spanish, and the download says the same."""
from __future__ import annotations

import io
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from mirador import exports
from mirador.staff import auth
from tests.staff.conftest import TINY

PAGE = "../../pages/data_admin.py"  # AppTest resolves paths against this file


def upload_with_errors() -> bytes:
    """The tiny fixture as a zip, Peru's 2020 staff typed as a word."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(TINY.glob("*.csv")):
            text = path.read_text(encoding="utf-8")
            if path.name == "observations.csv":
                assert "PER,2020,npm_staff,20," in text
                text = text.replace("PER,2020,npm_staff,20,", "PER,2020,npm_staff,veinte,", 1)
            archive.writestr(path.name, text)
    return buffer.getvalue()


@pytest.fixture
def staff_page(published, monkeypatch) -> AppTest:
    monkeypatch.setenv("MIRADOR_DB", str(published))
    monkeypatch.setenv(auth.HASH_ENV, auth.hash_password("not used: signed in below"))
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["lang"] = "es"
    at.session_state["staff_signed_in"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_upload_with_errors_lists_what_was_expected_in_spanish(staff_page, monkeypatch):
    at = staff_page
    downloads: list[bytes] = []  # what the download button would hand over (AppTest keeps no file)
    csv_bytes = exports.csv_bytes
    monkeypatch.setattr(exports, "csv_bytes", lambda df, lang: downloads.append(csv_bytes(df, lang)) or downloads[-1])
    at.file_uploader[0].upload("con_errores.zip", upload_with_errors(), "application/zip")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, "the upload has an error: the page must say so"
    [shown] = [df.value for df in at.dataframe if "Se esperaba" in df.value.columns]  # the check report
    expected_column = "Se esperaba"
    [row] = shown[shown[expected_column].notna()].to_dict("records")
    assert row[expected_column].startswith("un número (punto o coma decimal")  # not "a number (decimal point"
    assert "veinte" in row.values()  # the value as typed, not translated
    assert not any("solo en inglés" in caption.value for caption in at.caption)  # the old "English only" note
    [report] = downloads
    text = report.decode("utf-8-sig")
    assert "Se esperaba" in text and "un número (punto o coma decimal" in text and "decimal point" not in text
