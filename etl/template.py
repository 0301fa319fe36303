"""A blank workbook for staff: a README sheet explaining every column in three
languages, then one sheet per input table with its headers.

Everything comes from `etl.contracts` and the catalogues, so the template can
never disagree with what the validator accepts.
"""
from __future__ import annotations

from pathlib import Path

import catalogue
from etl import parse
from etl.contracts import CATALOGUE, CODE, COUNTRY, INPUT_TABLES, Column, Table

TYPE_NAMES = {  # column type -> (en, es, pt)
    "text": ("text", "texto", "texto"),
    "integer": ("whole number", "número entero", "número inteiro"),
    "number": ("number", "número", "número"),
    "date": ("date", "fecha", "data"),
    "code": ("word from a list", "palabra de una lista", "palavra de uma lista"),
    "country": ("country", "país", "país"),
    "catalogue": ("id from a catalogue", "id de un catálogo", "id de um catálogo"),
    "currency": ("currency code", "código de moneda", "código de moeda"),
}
README_HEADER = ("table / tabla / tabela", "column / columna / coluna", "type / tipo / tipo",
                 "required / obligatoria / obrigatória", "allowed values / valores admitidos / valores admitidos",
                 "description (English)", "descripción (español)", "descrição (português)")
INTRO = (
    "Mirador input workbook. Fill in one sheet per table; the header row must stay in row 1. "
    "Dates: yyyy-mm-dd, dd/mm/yyyy or Excel dates. Numbers: decimal point or decimal comma, best without thousands separators (1234,5 or 1234.5); 1.000 alone is refused as ambiguous. "
    "Words from a list may be typed in English, Spanish or Portuguese, any case, with or without accents. "
    "Yes/no (is_public, yes/no indicators): the words listed for yes_no; a single letter or a mark such as x is "
    "refused, since it can be read two ways. Sources: links start with http:// or https://, or plain text "
    "(several separated by '; '); other kinds of link are refused. "
    "Check the workbook with: python -m etl --check this_file.xlsx",
    "Libro de carga de Mirador. Complete una hoja por tabla; la fila de encabezados debe quedar en la fila 1. "
    "Fechas: aaaa-mm-dd, dd/mm/aaaa o fechas de Excel. Números: punto o coma decimal, mejor sin separador de miles (1234,5 o 1234.5); 1.000 a secas se rechaza por ambiguo. "
    "Las palabras de una lista pueden escribirse en español, portugués o inglés, con o sin tildes. "
    "Sí/no (is_public, indicadores sí/no): las palabras indicadas para yes_no; una letra sola o una marca como x "
    "se rechaza, porque puede leerse de dos maneras. Fuentes: los enlaces empiezan por http:// o https://, o texto "
    "libre (varias separadas por '; '); otros tipos de enlace se rechazan.",
    "Livro de carga do Mirador. Preencha uma folha por tabela; a linha de cabeçalhos deve ficar na linha 1. "
    "Datas: aaaa-mm-dd, dd/mm/aaaa ou datas do Excel. Números: ponto ou vírgula decimal, de preferência sem separador de milhares (1234,5 ou 1234.5); 1.000 sozinho é recusado por ambíguo. "
    "As palavras de uma lista podem ser escritas em português, espanhol ou inglês, com ou sem acentos. "
    "Sim/não (is_public, indicadores sim/não): as palavras indicadas para yes_no; uma letra sozinha ou uma marca "
    "como x é recusada, porque pode ser lida de duas maneiras. Fontes: as ligações começam por http:// ou https://, "
    "ou texto livre (várias separadas por '; '); outros tipos de ligação são recusados.",
)


# Domains whose every accepted word is listed (short lists where a guess would be costly:
# a wrong "yes" in is_public publishes an internal recommendation).
LIST_EVERY_WORD = ("yes_no",)


def allowed_values(column: Column) -> str:
    if column.type == CODE and column.vocabulary in LIST_EVERY_WORD:
        return "; ".join(f"{r['code']}: {' / '.join(_every_word(r))}"
                         for r in catalogue.vocabulary() if r["domain"] == column.vocabulary)
    if column.type == CODE:
        return "; ".join(f"{r['code']} ({r['label_en']} / {r['label_es']} / {r['label_pt']})"
                         for r in catalogue.vocabulary() if r["domain"] == column.vocabulary)
    if column.type == COUNTRY:
        # Every country of the world is too long for one cell: the list closes the sheet.
        return COUNTRY_LIST_NOTE
    if column.type == CATALOGUE:
        return "; ".join(sorted(set(parse.catalogue_ids(column.catalogue).values())))
    parts = []
    if column.minimum is not None:
        parts.append(f"{'>' if column.exclusive_minimum else '>='} {column.minimum:g}")
    if column.maximum is not None:
        parts.append(f"<= {column.maximum:g}")
    return ", ".join(parts)


COUNTRY_LIST_NOTE = ("ISO 3166-1 alpha-3 code or the country's name, e.g. CHL / Chile (list at the end "
                     "of this sheet) / código ISO o nombre del país (lista al final) / código ISO ou nome "
                     "do país (lista no final)")
COUNTRY_LIST_HEADER = ("countries / países / países", "iso3", "English", "español", "português")


def country_rows() -> list[tuple[str, ...]]:
    return [("", r["iso3"], r["name_en"], r["name_es"], r["name_pt"]) for r in catalogue.countries()]


def _every_word(row: dict[str, str]) -> list[str]:
    """The labels and synonyms of a vocabulary row, each spelling once (case and accents aside)."""
    words: dict[str, str] = {}
    for word in (row["label_es"], row["label_pt"], row["label_en"], *row["synonyms"].split("|")):
        words.setdefault(catalogue.fold(word), word)
    return list(words.values())


def readme_rows(tables: tuple[Table, ...] = INPUT_TABLES) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for table in tables:
        rows.append((table.name, "", "", "", "key: " + ", ".join(table.key) if table.key else "",
                     table.description["en"], table.description["es"], table.description["pt"]))
        for column in table.columns:
            en, es, pt = TYPE_NAMES[column.type]
            rows.append((table.name, column.name, f"{en} / {es} / {pt}",
                         "yes / sí / sim" if column.required else "no / no / não",
                         allowed_values(column), column.description.get("en", ""),
                         column.description.get("es", ""), column.description.get("pt", "")))
    return rows


def write_template(out: str | Path) -> Path:
    import xlsxwriter

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(out))
    bold = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    table_row = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F2F2F2"})

    readme = workbook.add_worksheet("README")
    for i, text in enumerate(INTRO):
        readme.merge_range(i, 0, i, len(README_HEADER) - 1, text, wrap)
        readme.set_row(i, 45)
    header_at = len(INTRO) + 1
    readme.write_row(header_at, 0, README_HEADER, bold)
    for offset, row in enumerate(readme_rows(), start=1):
        readme.write_row(header_at + offset, 0, row, table_row if not row[1] else wrap)
    countries_at = header_at + len(readme_rows()) + 2
    readme.write_row(countries_at, 0, COUNTRY_LIST_HEADER, table_row)
    for offset, row in enumerate(country_rows(), start=1):
        readme.write_row(countries_at + offset, 0, row, wrap)
    for col, width in enumerate((22, 28, 24, 14, 60, 50, 50, 50)):
        readme.set_column(col, col, width)
    readme.freeze_panes(header_at + 1, 2)

    for table in INPUT_TABLES:
        sheet = workbook.add_worksheet(table.name)
        sheet.write_row(0, 0, table.column_names, bold)
        for col, column in enumerate(table.columns):
            sheet.set_column(col, col, max(14, len(column.name) + 2))
            sheet.write_comment(0, col, column.description.get("en", ""))
        sheet.freeze_panes(1, 0)
    workbook.close()
    return out
