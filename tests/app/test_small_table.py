"""`components.small_table`: a few rows of text drawn whole as HTML (Profile's area tables).

What a reader must get from it as from the grid: every value as typed (never markup), missing
cells blank, the headers given; and a long table is refused (it belongs in the grid).
"""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from page_runner import small_tables


def _draw(rows: list[dict]) -> AppTest:
    def app(rows):
        import polars as pl
        from mirador import components
        components.small_table(pl.DataFrame(rows), label="Finanzas")

    at = AppTest.from_function(app, args=(rows,), default_timeout=30)
    at.run()
    return at


def test_values_show_as_typed_and_missing_cells_blank():
    at = _draw([{"Indicador": "Personal <b>del</b> MNP & co", "Valor": None, "Fuente": "[x](javascript:alert(1))"},
                {"Indicador": "Presupuesto", "Valor": "2.319.000 †", "Fuente": None}])
    assert not at.exception
    [table] = small_tables(at)
    assert list(table.columns) == ["Indicador", "Valor", "Fuente"]
    assert table.to_dict("records") == [
        {"Indicador": "Personal <b>del</b> MNP & co", "Valor": "", "Fuente": "[x](javascript:alert(1))"},
        {"Indicador": "Presupuesto", "Valor": "2.319.000 †", "Fuente": ""}]
    body = at.get("html")[0].proto.body
    assert "<b>" not in body and "&lt;b&gt;del&lt;/b&gt;" in body  # escaped, not markup
    assert 'aria-label="Finanzas"' in body


def test_a_long_table_is_refused():
    at = _draw([{"Indicador": f"fila {i}"} for i in range(11)])
    assert at.exception and "dataframe" in at.exception[0].value


def test_only_web_addresses_in_a_link_column_become_links():
    """A link column makes an http(s) address a link named by its host (new tab, no opener);
    anything else there, and every other column, stays text."""
    def app():
        import polars as pl
        from mirador import components
        components.small_table(pl.DataFrame({
            "Dato": ["a", "b", "c", "d"],
            "Fuente": ["https://www.apt.ch/x?a=1&b=\"2\"", "javascript:alert(1)", "Informe anual 2019", None],
            "Otra": ["https://example.org"] * 4}), links=("Fuente",))

    at = AppTest.from_function(app, default_timeout=30)
    at.run()
    assert not at.exception
    body = at.get("html")[0].proto.body
    assert body.count("<a ") == 1
    assert ('<a href="https://www.apt.ch/x?a=1&amp;b=&quot;2&quot;" target="_blank" '
            'rel="noopener noreferrer">apt.<wbr>ch</a>') in body
    [shown] = small_tables(at)
    assert list(shown["Fuente"]) == ["apt.ch", "javascript:alert(1)", "Informe anual 2019", ""]
    assert list(small_tables(at, hrefs=True)[0]["Fuente"])[0] == 'https://www.apt.ch/x?a=1&b="2"'
    assert list(shown["Otra"]) == ["https://example.org"] * 4


def test_codes_and_site_names_may_break_but_numbers_never_split():
    """A break opportunity (<wbr>, copied as nothing) after '_' and after a '.' between letters,
    so a code or a site's name does not widen the table past the screen; a figure written with
    thousands points ('2.319.000') gets none, so no line break can cut it in two."""
    at = _draw([{"Código": "implemented_within_24_months", "Valor": "2.319.000 †", "Fuente": "debates.parlamento.pt"}])
    body = at.get("html")[0].proto.body
    assert "implemented_<wbr>within_<wbr>24_<wbr>months" in body
    assert "debates.<wbr>parlamento.<wbr>pt" in body
    assert "2.319.000 †" in body
    [table] = small_tables(at)
    assert table.to_dict("records") == [
        {"Código": "implemented_within_24_months", "Valor": "2.319.000 †", "Fuente": "debates.parlamento.pt"}]
