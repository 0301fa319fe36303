"""The declared contract of every input table and every database table.

Contracts are data, not code: `validate` enforces them, `template` explains them
to the people who fill in the workbook (in English, Spanish and Portuguese) and
the tests compare the database part with docs/data_model.md. Change a rule here
and all three follow.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Column types understood by `etl.validate`.
TEXT = "text"            # free text, stripped
INTEGER = "integer"      # whole number (Excel's 2020.0 is fine)
NUMBER = "number"        # decimal point or decimal comma, thousands separators allowed
DATE = "date"            # ISO, dd/mm/yyyy or Excel serial / date cell; year within YEAR_RANGE
CODE = "code"            # a word of a vocabulary domain (catalogue/vocabulary.csv)
COUNTRY = "country"      # ISO3 or a country name in es/pt/en (catalogue/countries.csv)
CATALOGUE = "catalogue"  # an id of a catalogue (indicators, criteria, context variables)
CURRENCY = "currency"    # ISO 4217 code: three letters

# What a text column may hold as links (Column.links). Pages turn http(s) links into
# anchors; any other scheme (javascript:, data:, file:, ...) is refused at load.
CITATIONS = "citations"  # "; "-separated pieces: an http(s) URL or a plain-text citation each
URL = "url"              # one http(s) URL (blank allowed when the column is optional)

YEAR_RANGE = (1990, 2100)

# Ranges of observation values by the indicator's unit (catalogue/indicators.csv).
# (minimum, maximum, allowed set); None = no bound. Units not listed: >= 0.
UNIT_RANGES: dict[str, tuple[float | None, float | None, tuple[float, ...] | None]] = {
    "percent": (0, 100, None),
    "score": (0, 100, None),
    "yes_no": (None, None, (0, 1)),
    "place_types": (0, 8, None),  # eight place types in the vocabulary
}
DEFAULT_UNIT_RANGE: tuple[float | None, float | None, tuple[float, ...] | None] = (0, None, None)

# Worst-of order for the data_status flag that travels into every mart row.
DATA_STATUS_RANK = {"sourced": 1, "estimate": 2, "illustrative": 3}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    vocabulary: str | None = None        # CODE: vocabulary domain
    catalogue: str | None = None         # CATALOGUE: "input_indicator" | "criterion" | "context_variable"
    references_institution: bool = False  # COUNTRY: must be a row of `institutions`
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    links: str | None = None             # TEXT: CITATIONS | URL (http(s) only, see validate)
    description: dict[str, str] = field(default_factory=dict)  # en / es / pt


@dataclass(frozen=True)
class RequiredWhen:
    """`column` must be filled when `when_column` is filled (and equals `when_value`, if given)."""
    column: str
    when_column: str
    when_value: str | None = None


@dataclass(frozen=True)
class NotBefore:
    """A date that cannot be earlier than another date on the same row."""
    column: str
    other: str


@dataclass(frozen=True)
class RangeByUnit:
    """Observation values are bounded by their indicator's unit (UNIT_RANGES)."""
    value_column: str
    indicator_column: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: dict[str, str]
    rules: tuple[object, ...] = ()
    optional: bool = False   # the file/sheet may be absent
    as_is: bool = False      # loaded as text without normalisation (reference_facts)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _d(en: str, es: str, pt: str) -> dict[str, str]:
    return {"en": en, "es": es, "pt": pt}


# Columns shared by several tables: declared once.
def _institution_ref() -> Column:
    return Column("iso3", COUNTRY, required=True, references_institution=True, description=_d(
        "Country: ISO3 code (PER) or name in English, Spanish or Portuguese; must be a row of institutions",
        "País: código ISO3 (PER) o nombre en español, portugués o inglés; debe existir en institutions",
        "País: código ISO3 (PER) ou nome em português, espanhol ou inglês; deve existir em institutions"))


def _year(name: str = "year") -> Column:
    return Column(name, INTEGER, required=True, minimum=YEAR_RANGE[0], maximum=YEAR_RANGE[1], description=_d(
        "Year (1990-2100)", "Año (1990-2100)", "Ano (1990-2100)"))


def _data_status() -> Column:
    return Column("data_status", CODE, required=True, vocabulary="data_status", description=_d(
        "How solid the figure is: sourced (with a source), estimate or illustrative",
        "Solidez del dato: con fuente (sourced), estimación (estimate) o ilustrativo (illustrative)",
        "Solidez do dado: com fonte (sourced), estimativa (estimate) ou ilustrativo (illustrative)"))


def _source() -> Column:
    return Column("source", TEXT, links=CITATIONS, description=_d(
        "URL(s) or reference of the source, several separated by '; '; links start with http:// or https://; "
        "required when data_status is sourced",
        "URL o referencia de la fuente, varias separadas por '; '; los enlaces empiezan por http:// o https://; "
        "obligatoria si data_status es sourced",
        "URL ou referência da fonte, várias separadas por '; '; as ligações começam por http:// ou https://; "
        "obrigatória quando data_status é sourced"))


def _response() -> Column:
    # Acceptance is not implementation: "10 of 18 were accepted" says nothing about what was done.
    return Column("response", CODE, vocabulary="response", description=_d(
        "The authority's response: accepted, partially accepted, rejected or no reply (blank = not recorded); "
        "kept apart from the implementation status",
        "Respuesta de la autoridad: aceptada, parcialmente aceptada, rechazada o sin respuesta (vacío = no "
        "registrada); va aparte del estado de implementación",
        "Resposta da autoridade: aceite, parcialmente aceite, rejeitada ou sem resposta (vazio = não "
        "registada); separada do estado de implementação"))


def _note() -> Column:
    return Column("note", TEXT, description=_d("Free note", "Nota libre", "Nota livre"))


SOURCED_NEEDS_SOURCE = RequiredWhen("source", "data_status", "sourced")


INSTITUTIONS = Table(
    "institutions",
    columns=(
        Column("iso3", COUNTRY, required=True, description=_d(
            "Country: ISO3 code or name (resolved to ISO3); one row per country",
            "País: código ISO3 o nombre (se convierte a ISO3); una fila por país",
            "País: código ISO3 ou nome (convertido em ISO3); uma linha por país")),
        Column("country_name_es", TEXT, required=True, description=_d(
            "Country name in Spanish", "Nombre del país en español", "Nome do país em espanhol")),
        Column("country_name_pt", TEXT, required=True, description=_d(
            "Country name in Portuguese", "Nombre del país en portugués", "Nome do país em português")),
        Column("country_name_en", TEXT, required=True, description=_d(
            "Country name in English", "Nombre del país en inglés", "Nome do país em inglês")),
        Column("institution_name", TEXT, required=True, description=_d(
            "Official name of the Ombuds institution, original language",
            "Nombre oficial de la institución, en su idioma", "Nome oficial da instituição, na língua original")),
        Column("institution_name_en", TEXT, description=_d(
            "Institution name in English", "Nombre de la institución en inglés", "Nome da instituição em inglês")),
        Column("npm_unit_name", TEXT, required=True, description=_d(
            "Name of the NPM unit", "Nombre de la unidad del MNP", "Nome da unidade do MNP")),
        Column("npm_type", CODE, required=True, vocabulary="npm_type", description=_d(
            "Type of institution designated as NPM", "Tipo de institución designada como MNP",
            "Tipo de instituição designada como MNP")),
        Column("currency", CURRENCY, required=True, description=_d(
            "Currency of the budget figures: ISO 4217 code (PEN, EUR, ...)",
            "Moneda de los presupuestos: código ISO 4217 (PEN, EUR, ...)",
            "Moeda dos orçamentos: código ISO 4217 (PEN, EUR, ...)")),
        Column("opcat_ratification_date", DATE, required=True, description=_d(
            "Date of OPCAT ratification or accession", "Fecha de ratificación o adhesión al OPCAT",
            "Data de ratificação ou adesão ao OPCAT")),
        Column("opcat_ratification_precision", CODE, vocabulary="date_precision", description=_d(
            "Precision of the ratification date: day, month or year (blank = day)",
            "Precisión de la fecha de ratificación: día, mes o año (vacío = día)",
            "Precisão da data de ratificação: dia, mês ou ano (vazio = dia)")),
        Column("npm_designation_date", DATE, description=_d(
            "Date the NPM was designated", "Fecha de designación del MNP", "Data de designação do MNP")),
        Column("npm_designation_precision", CODE, vocabulary="date_precision", description=_d(
            "Precision of the designation date: day, month or year (blank = day)",
            "Precisión de la fecha de designación: día, mes o año (vacío = día)",
            "Precisão da data de designação: dia, mês ou ano (vazio = dia)")),
        Column("npm_designation_instrument", TEXT, description=_d(
            "Law or decree that designated the NPM", "Ley o decreto que designó al MNP",
            "Lei ou decreto que designou o MNP")),
        Column("npm_operational_date", DATE, description=_d(
            "Date the NPM started operating (may precede the designation)",
            "Fecha en que el MNP empezó a operar (puede ser anterior a la designación)",
            "Data em que o MNP começou a funcionar (pode ser anterior à designação)")),
        Column("npm_operational_precision", CODE, vocabulary="date_precision", description=_d(
            "Precision of the operational date: day, month or year; required with that date",
            "Precisión de la fecha de operación: día, mes o año; obligatoria con esa fecha",
            "Precisão da data de funcionamento: dia, mês ou ano; obrigatória com essa data")),
        _data_status(), _source(), _note(),
    ),
    key=("iso3",),
    description=_d("One row per institution", "Una fila por institución", "Uma linha por instituição"),
    rules=(SOURCED_NEEDS_SOURCE, RequiredWhen("npm_operational_precision", "npm_operational_date")),
)

OBSERVATIONS = Table(
    "observations",
    columns=(
        _institution_ref(), _year(),
        Column("indicator_id", CATALOGUE, required=True, catalogue="input_indicator", description=_d(
            "Indicator id: an input indicator of catalogue/indicators.csv",
            "Id del indicador: un indicador de entrada de catalogue/indicators.csv",
            "Id do indicador: um indicador de entrada de catalogue/indicators.csv")),
        Column("value", NUMBER, required=True, description=_d(
            "Value (percent 0-100; counts >= 0; yes/no 0 or 1); decimal comma accepted",
            "Valor (porcentaje 0-100; conteos >= 0; sí/no 0 o 1); se acepta coma decimal",
            "Valor (percentagem 0-100; contagens >= 0; sim/não 0 ou 1); aceita-se vírgula decimal")),
        _data_status(), _source(), _note(),
    ),
    key=("iso3", "year", "indicator_id"),
    description=_d("One figure per institution, year and indicator",
                   "Un dato por institución, año e indicador", "Um dado por instituição, ano e indicador"),
    rules=(SOURCED_NEEDS_SOURCE, RangeByUnit("value", "indicator_id")),
)

AUTONOMY_ASSESSMENTS = Table(
    "autonomy_assessments",
    columns=(
        _institution_ref(), _year(),
        Column("criterion_id", CATALOGUE, required=True, catalogue="criterion", description=_d(
            "Criterion id of catalogue/criteria.csv", "Id del criterio de catalogue/criteria.csv",
            "Id do critério de catalogue/criteria.csv")),
        Column("assessment", CODE, required=True, vocabulary="assessment", description=_d(
            "met, partially met, not met or no information",
            "cumplido, parcialmente cumplido, no cumplido o sin información",
            "cumprido, parcialmente cumprido, não cumprido ou sem informação")),
        Column("basis", CODE, vocabulary="basis", description=_d(
            "read (stated in the source) or inferred", "leído en la fuente o inferido",
            "lido na fonte ou inferido")),
        Column("evidence", TEXT, description=_d(
            "Short evidence for the assessment", "Evidencia breve de la valoración", "Evidência breve da avaliação")),
        _data_status(), _source(),
    ),
    key=("iso3", "year", "criterion_id"),
    description=_d("One assessment per institution, year and autonomy criterion",
                   "Una valoración por institución, año y criterio de autonomía",
                   "Uma avaliação por instituição, ano e critério de autonomia"),
    rules=(SOURCED_NEEDS_SOURCE,),
)

RECOMMENDATIONS = Table(
    "recommendations",
    columns=(
        Column("recommendation_id", TEXT, required=True, description=_d(
            "Unique id of the recommendation", "Id único de la recomendación", "Id único da recomendação")),
        _institution_ref(),
        Column("date_issued", DATE, required=True, description=_d(
            "Date the recommendation was issued", "Fecha de emisión", "Data de emissão")),
        Column("place_type", CODE, vocabulary="place_type", description=_d(
            "Type of place of detention", "Tipo de lugar de privación de libertad", "Tipo de local de privação de liberdade")),
        Column("authority", CODE, vocabulary="authority", description=_d(
            "Authority the recommendation is addressed to", "Autoridad destinataria", "Autoridade destinatária")),
        Column("theme", CODE, vocabulary="theme", description=_d("Theme", "Tema", "Tema")),
        Column("implementation_status", CODE, required=True, vocabulary="implementation_status", description=_d(
            "Implementation status; 'no information' is its own category",
            "Estado de implementación; 'sin información' es una categoría propia",
            "Estado de implementação; 'sem informação' é uma categoria própria")),
        Column("last_followup_date", DATE, description=_d(
            "Date of the last follow-up (not before the issue date)",
            "Fecha del último seguimiento (no anterior a la emisión)",
            "Data do último seguimento (não anterior à emissão)")),
        Column("is_public", CODE, required=True, vocabulary="yes_no", description=_d(
            "Can the recommendation be shown publicly? yes / no", "¿Se puede mostrar públicamente? sí / no",
            "Pode ser mostrada publicamente? sim / não")),
        _response(),
        _data_status(), _source(), _note(),
    ),
    key=("recommendation_id",),
    description=_d("One row per recommendation (record level)", "Una fila por recomendación",
                   "Uma linha por recomendação"),
    rules=(SOURCED_NEEDS_SOURCE, NotBefore("last_followup_date", "date_issued")),
)

RECOMMENDATION_TOTALS = Table(
    "recommendation_totals",
    columns=(
        _institution_ref(), _year("year_issued"),
        Column("implementation_status", CODE, required=True, vocabulary="implementation_status", description=_d(
            "Implementation status of these recommendations ('no information' when the source gives only "
            "the response)", "Estado de implementación de estas recomendaciones ('sin información' si la "
            "fuente solo da la respuesta)", "Estado de implementação destas recomendações ('sem informação' "
            "quando a fonte só dá a resposta)")),
        Column("n_recommendations", INTEGER, required=True, minimum=0, description=_d(
            "Number of recommendations (whole number >= 0)", "Número de recomendaciones (entero >= 0)",
            "Número de recomendações (inteiro >= 0)")),
        _response(),
        Column("place_type", CODE, vocabulary="place_type", description=_d(
            "Type of place (blank = not reported)", "Tipo de lugar (vacío = no informado)",
            "Tipo de local (vazio = não comunicado)")),
        Column("theme", CODE, vocabulary="theme", description=_d(
            "Theme (blank = not reported)", "Tema (vacío = no informado)", "Tema (vazio = não comunicado)")),
        Column("authority", CODE, vocabulary="authority", description=_d(
            "Authority (blank = not reported)", "Autoridad (vacío = no informada)",
            "Autoridade (vazio = não comunicada)")),
        _data_status(), _source(), _note(),
    ),
    key=("iso3", "year_issued", "implementation_status", "response", "place_type", "theme", "authority"),
    description=_d("Reported totals, for institutions without record-level data (one year per institution "
                   "either as records or as totals, never both)",
                   "Totales informados, para instituciones sin datos por recomendación (cada año de una "
                   "institución como registros o como totales, nunca ambos)",
                   "Totais comunicados, para instituições sem dados por recomendação (cada ano de uma "
                   "instituição como registos ou como totais, nunca ambos)"),
    rules=(SOURCED_NEEDS_SOURCE,),
)

CONTEXT = Table(
    "context",
    columns=(
        _institution_ref(), _year(),
        Column("variable", CATALOGUE, required=True, catalogue="context_variable", description=_d(
            "population, prison_population, places_of_detention or usd_exchange_rate (local currency per USD)",
            "population, prison_population, places_of_detention o usd_exchange_rate (moneda local por USD)",
            "population, prison_population, places_of_detention ou usd_exchange_rate (moeda local por USD)")),
        Column("value", NUMBER, required=True, minimum=0, exclusive_minimum=True, description=_d(
            "Value (> 0)", "Valor (> 0)", "Valor (> 0)")),
        _data_status(), _source(), _note(),
    ),
    key=("iso3", "year", "variable"),
    description=_d("Country context per year", "Contexto del país por año", "Contexto do país por ano"),
    rules=(SOURCED_NEEDS_SOURCE,),
)

REFERENCE_FACTS = Table(
    "reference_facts",
    columns=tuple(Column(name, TEXT, links=URL if name == "source_url" else None, description=_d(en, es, pt))
                  for name, en, es, pt in (
        ("iso3", "Country ISO3", "ISO3 del país", "ISO3 do país"),
        ("field", "Fact name", "Nombre del dato", "Nome do dado"),
        ("value", "Value as found", "Valor tal como consta", "Valor tal como consta"),
        ("unit", "Unit", "Unidad", "Unidade"),
        ("year", "Year", "Año", "Ano"),
        ("source_url", "Source URL (http:// or https://)", "URL de la fuente (http:// o https://)",
         "URL da fonte (http:// ou https://)"),
        ("quote", "Quote from the source", "Cita de la fuente", "Citação da fonte"),
        ("confidence", "Confidence", "Confianza", "Confiança"),
    )),
    key=(),
    description=_d("Optional: reference facts, loaded as they are",
                   "Opcional: datos de referencia, cargados tal cual",
                   "Opcional: dados de referência, carregados tal como estão"),
    optional=True,
    as_is=True,
)

# Validation order matters: institutions first, the others refer to it.
INPUT_TABLES: tuple[Table, ...] = (
    INSTITUTIONS, OBSERVATIONS, AUTONOMY_ASSESSMENTS, RECOMMENDATIONS, RECOMMENDATION_TOTALS, CONTEXT,
    REFERENCE_FACTS,
)
INPUT_TABLES_BY_NAME = {t.name: t for t in INPUT_TABLES}


# The database the dashboard reads (docs/data_model.md, section "Database").
DATABASE_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "institutions": (
        ("iso3", "VARCHAR"), ("country_name_es", "VARCHAR"), ("country_name_pt", "VARCHAR"),
        ("country_name_en", "VARCHAR"), ("institution_name", "VARCHAR"), ("institution_name_en", "VARCHAR"),
        ("npm_unit_name", "VARCHAR"), ("npm_type", "VARCHAR"), ("currency", "VARCHAR"),
        ("opcat_ratification_date", "DATE"), ("opcat_ratification_precision", "VARCHAR"),
        ("npm_designation_date", "DATE"), ("npm_designation_precision", "VARCHAR"),
        ("npm_designation_instrument", "VARCHAR"), ("npm_operational_date", "DATE"),
        ("npm_operational_precision", "VARCHAR"), ("years_to_designation", "DOUBLE"),
        ("years_to_designation_min", "DOUBLE"), ("years_to_designation_max", "DOUBLE"),
        ("years_to_operation", "DOUBLE"), ("years_to_operation_min", "DOUBLE"), ("years_to_operation_max", "DOUBLE"),
        ("first_npm_year", "INTEGER"), ("data_status", "VARCHAR"), ("source", "VARCHAR"), ("note", "VARCHAR")),
    "mart_indicator_values": (
        ("iso3", "VARCHAR"), ("year", "INTEGER"), ("indicator_id", "VARCHAR"), ("value", "DOUBLE"),
        ("n", "INTEGER"), ("data_status", "VARCHAR"), ("source", "VARCHAR"), ("note", "VARCHAR")),
    "mart_context": (
        ("iso3", "VARCHAR"), ("year", "INTEGER"), ("variable", "VARCHAR"), ("value", "DOUBLE"),
        ("data_status", "VARCHAR"), ("source", "VARCHAR"), ("note", "VARCHAR")),
    "mart_autonomy_cells": (
        ("iso3", "VARCHAR"), ("year", "INTEGER"), ("criterion_id", "VARCHAR"), ("assessment", "VARCHAR"),
        ("basis", "VARCHAR"), ("evidence", "VARCHAR"), ("data_status", "VARCHAR"), ("source", "VARCHAR")),
    "mart_autonomy_scores": (
        ("iso3", "VARCHAR"), ("year", "INTEGER"), ("autonomy_score", "DOUBLE"), ("criteria_assessed", "INTEGER"),
        ("criteria_total", "INTEGER"), ("n_met", "INTEGER"), ("n_partially_met", "INTEGER"),
        ("n_not_met", "INTEGER"), ("n_no_information", "INTEGER"), ("data_status", "VARCHAR")),
    "mart_recommendation_counts": (
        ("iso3", "VARCHAR"), ("year_issued", "INTEGER"), ("place_type", "VARCHAR"), ("theme", "VARCHAR"),
        ("authority", "VARCHAR"), ("implementation_status", "VARCHAR"), ("response", "VARCHAR"),
        ("n_recommendations", "INTEGER"), ("from_totals", "BOOLEAN"), ("data_status", "VARCHAR")),
    "mart_implementation_rates": (
        ("iso3", "VARCHAR"), ("year_issued", "INTEGER"), ("n_recommendations", "INTEGER"),
        ("n_with_information", "INTEGER"), ("n_implemented", "INTEGER"), ("n_partially_implemented", "INTEGER"),
        ("n_in_progress", "INTEGER"), ("n_not_implemented", "INTEGER"), ("n_no_information", "INTEGER"),
        ("implementation_rate", "DOUBLE"), ("implemented_or_partial_rate", "DOUBLE"),
        ("n_with_response", "INTEGER"), ("n_accepted", "INTEGER"), ("n_partially_accepted", "INTEGER"),
        ("n_rejected", "INTEGER"), ("n_no_reply", "INTEGER"), ("acceptance_rate", "DOUBLE"),
        ("data_status", "VARCHAR")),
    "mart_implementation_by_age": (
        ("iso3", "VARCHAR"), ("year_issued", "INTEGER"), ("window_months", "INTEGER"), ("as_of_date", "DATE"),
        ("old_enough", "BOOLEAN"), ("n_recommendations", "INTEGER"), ("n_with_information", "INTEGER"),
        ("n_implemented_within", "INTEGER"), ("n_implemented_date_unknown", "INTEGER"),
        ("share_implemented_within", "DOUBLE"), ("data_status", "VARCHAR")),
    "mart_time_to_implementation": (
        ("iso3", "VARCHAR"), ("month", "INTEGER"), ("n_at_risk", "INTEGER"), ("n_implemented", "INTEGER"),
        ("n_censored", "INTEGER"), ("share_implemented", "DOUBLE"), ("data_status", "VARCHAR")),
    "mart_open_recommendations": (
        ("iso3", "VARCHAR"), ("as_of_date", "DATE"), ("n_with_information", "INTEGER"), ("n_open", "INTEGER"),
        ("median_open_age_months", "DOUBLE"), ("median_months_to_implementation", "DOUBLE"),
        ("data_status", "VARCHAR")),
    "mart_public_recommendations": (
        ("recommendation_id", "VARCHAR"), ("iso3", "VARCHAR"), ("date_issued", "DATE"), ("year_issued", "INTEGER"),
        ("place_type", "VARCHAR"), ("authority", "VARCHAR"), ("theme", "VARCHAR"),
        ("response", "VARCHAR"), ("implementation_status", "VARCHAR"), ("last_followup_date", "DATE"),
        ("data_status", "VARCHAR"), ("source", "VARCHAR")),
    "mart_before_npm": (
        ("iso3", "VARCHAR"), ("year", "INTEGER"), ("source_table", "VARCHAR"), ("item_id", "VARCHAR"),
        ("value", "VARCHAR"), ("first_npm_year", "INTEGER"), ("data_status", "VARCHAR")),
    "reference_facts": (
        ("iso3", "VARCHAR"), ("field", "VARCHAR"), ("value", "VARCHAR"), ("unit", "VARCHAR"), ("year", "VARCHAR"),
        ("source_url", "VARCHAR"), ("quote", "VARCHAR"), ("confidence", "VARCHAR")),
    "boundaries": (("iso3", "VARCHAR"), ("geojson", "VARCHAR")),
    "load_log": (
        ("load_id", "INTEGER"), ("loaded_at", "TIMESTAMP WITH TIME ZONE"), ("source_path", "VARCHAR"),
        ("files", "VARCHAR"), ("row_counts", "VARCHAR"), ("warnings", "VARCHAR"), ("mirador_version", "VARCHAR")),
}

# Catalogue tables copied into the database for convenience (all columns text,
# except `order`, which is an INTEGER so SQL can sort by it).
CATALOGUE_TABLES = ("indicators", "criteria", "areas")
