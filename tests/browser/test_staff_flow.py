"""The staff data page end to end in a real Chromium: sign in (a wrong password first),
an upload with errors, a good upload, its preview, publish, the change on a public page,
roll back, the change gone. Its own server: a password configured, a copy of the database."""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from devtools.browser import REPO_ROOT, start_streamlit, wait_for_render
from mirador import formatting as fmt
from mirador.staff import auth

pytestmark = pytest.mark.browser

PASSWORD = "workshop password 2026"
STAFF_VALUE = 4321  # Peru's NPM staff in every year of the good upload: a figure no card shows otherwise
INPUT = REPO_ROOT / "data" / "input"
MADE_INTERNAL = "PER-2016-0001"  # public in the bundled data; the good upload marks it internal


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def bundled_with(observations: str, recommendations: str | None = None) -> dict[str, str]:
    files = {p.name: p.read_text(encoding="utf-8") for p in INPUT.glob("*.csv")}
    files["observations.csv"] = observations
    if recommendations is not None:
        files["recommendations.csv"] = recommendations
    return files


def with_one_made_internal(recommendations: str) -> str:
    pattern = rf"^({MADE_INTERNAL},(?:[^,]*,){{7}})yes,"  # is_public is the 9th column
    edited, n = re.subn(pattern, r"\g<1>no,", recommendations, flags=re.MULTILINE)
    assert n == 1
    return edited


@pytest.fixture(scope="module")
def uploads(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uploads")
    observations = (INPUT / "observations.csv").read_text(encoding="utf-8")
    good, n = re.subn(r"^(PER,\d{4},npm_staff,)\d+,", rf"\g<1>{STAFF_VALUE},", observations, flags=re.MULTILINE)
    assert n >= 5
    bad = observations.replace("PER,2020,npm_staff,6,", "PER,2020,npm_staff,seis,", 1)
    assert bad != observations
    recommendations = with_one_made_internal((INPUT / "recommendations.csv").read_text(encoding="utf-8"))
    (folder / "peru_staff.zip").write_bytes(zip_bytes(bundled_with(good, recommendations)))
    (folder / "with_errors.zip").write_bytes(zip_bytes(bundled_with(bad)))
    return {"good": folder / "peru_staff.zip", "bad": folder / "with_errors.zip"}


@pytest.fixture(scope="module")
def staff_server(bundled_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("staffdb") / "mirador.duckdb"
    shutil.copy2(bundled_db, db)
    running = start_streamlit(REPO_ROOT / "dashboard.py", env={
        "MIRADOR_DB": str(db), auth.HASH_ENV: auth.hash_password(PASSWORD), "MIRADOR_KEEP_VERSIONS": "3"},
        log_dir=tmp_path_factory.mktemp("staff-logs"))
    yield running, db
    running.stop()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    wait_for_render(page)
    return page


def peru_card(page) -> str:
    card = page.locator('[data-testid="stColumn"]').filter(has=page.get_by_role("heading", name="Perú")).first
    return card.inner_text()


def staff_figure() -> str:
    return fmt.value(STAFF_VALUE, "persons", "es")


def sign_in(page, password: str) -> None:
    page.get_by_label("Contraseña del personal").fill(password)
    page.get_by_role("button", name="Entrar").click()


def settle(page, text: str, timeout_ms: float = 120_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout_ms)
    wait_for_render(page)


def upload(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))


def test_staff_page_whole_flow(staff_server, browser, uploads, screenshots_dir):
    server, db = staff_server
    public = open_page(browser, f"{server.url}/overview?lang=es")
    assert staff_figure() not in peru_card(public)

    page = open_page(browser, f"{server.url}/staff?lang=es")
    assert "Datos (personal)" in page.locator('[data-testid="stSidebarNav"]').inner_text()
    sign_in(page, "not the password")
    settle(page, "Contraseña incorrecta")
    assert page.get_by_text("Plantilla").count() == 0  # nothing behind the door yet
    assert "password" not in page.url and PASSWORD not in page.url
    sign_in(page, PASSWORD)
    settle(page, "Descargar la plantilla (.xlsx)")
    with page.expect_download() as template:
        page.get_by_role("button", name="Descargar la plantilla (.xlsx)").click()
    assert template.value.suggested_filename == "plantilla_mirador.xlsx"

    # An upload with an error: the problem is named, nothing is published.
    before = db.read_bytes()
    upload(page, uploads["bad"])
    settle(page, "1 problema(s)")
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    with page.expect_download() as report:
        page.get_by_role("button", name="Descargar los problemas (CSV)").click()
    report_text = Path(report.value.path()).read_text(encoding="utf-8-sig")
    assert report_text.splitlines()[0] == ("Archivo;Hoja;Fila;Columna;Valor;Se esperaba;"
                                           "Otras filas con el mismo problema")
    assert "observations.csv" in report_text and "seis" in report_text
    seis_row = next(line for line in report_text.splitlines() if "seis" in line)
    assert "un número" in seis_row and "number" not in seis_row  # the expectation in Spanish, the value as typed
    assert page.get_by_role("button", name="Publicar").count() == 0
    assert db.read_bytes() == before
    page.locator('[data-testid="stDataFrame"]').first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "staff_upload_with_errors_es.png"), full_page=True)

    # A good upload: the preview names Peru's staff moving to the new figure.
    upload(page, uploads["good"])
    settle(page, "Sin problemas: revise el cambio antes de publicar.")
    headline = page.locator('[data-testid="stMarkdownContainer"] li').filter(has_text="Personal del MNP")
    assert any("Perú" in line and f"→ {staff_figure()}" in line for line in headline.all_inner_texts())
    # Each step of the check and of the preview was named, in Spanish, as it finished.
    for step in ("Revisión de cada valor", "Base candidata construida (aún no publicada)",
                 "Recomendaciones internas leídas (solo personal)",
                 "Comparación: Recomendaciones internas (solo personal)"):
        assert page.get_by_text(step, exact=False).count() >= 1, step
    assert page.get_by_text("Comparación lista").count() == 1  # the preview's progress, finished
    # Internal recommendations: a section of their own, counted apart; the one made internal is
    # the only change (the published side is known: the server's database came from data/input).
    internal = page.get_by_role("heading", name="Recomendaciones internas (solo personal)")
    assert internal.count() == 1
    assert page.get_by_text("Solo en esta página.").count() == 1
    ids = page.get_by_text("Recomendaciones internas nuevas, cambiadas o retiradas, por identificador (1)")
    assert ids.count() == 1
    ids.click()
    page.wait_for_timeout(500)
    internal.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "staff_preview_es.png"), full_page=True)

    # Publish needs a name and the confirmation.
    page.get_by_label("Su nombre (queda en el registro interno de cargas)").first.fill("Ana Pérez")
    page.get_by_label("Comentario").first.fill("Planilla de Perú 2025")
    page.get_by_text("Confirmo que quiero publicar estos datos en el tablero público").click()
    page.get_by_role("button", name="Publicar").click()
    settle(page, "Publicado como carga")
    assert db.read_bytes() != before

    public.reload()
    wait_for_render(public)
    assert staff_figure() in peru_card(public)
    public.screenshot(path=str(screenshots_dir / "staff_published_overview_es.png"), full_page=True)

    # Roll back to the version before (the newest kept one that is not current).
    page.get_by_label("Su nombre (queda en el registro interno de cargas)").last.fill("Ana Pérez")
    page.get_by_text("Confirmo que quiero volver a esta versión").click()
    page.get_by_role("button", name="Volver a esta versión").click()
    settle(page, "Se volvió a la versión")
    page.screenshot(path=str(screenshots_dir / "staff_rolled_back_es.png"), full_page=True)

    public.reload()
    wait_for_render(public)
    assert staff_figure() not in peru_card(public)
    # The person's name stays off the public pages (the load log on Methods is public).
    methods = open_page(browser, f"{server.url}/methods?lang=es")
    assert "Ana Pérez" not in methods.content()
    for opened in (public, page, methods):
        opened.close()


def test_without_a_password_the_staff_page_does_not_exist(server, browser):
    page = open_page(browser, f"{server.url}/overview?lang=es")
    assert "Datos (personal)" not in page.locator('[data-testid="stSidebarNav"]').inner_text()
    page.goto(f"{server.url}/staff?lang=es")
    page.wait_for_timeout(3000)
    assert page.get_by_label("Contraseña del personal").count() == 0
    page.close()
