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
