"""The staff page's tables in the reader's language: headers, labels, formatted values."""
from __future__ import annotations

import polars as pl

from mirador import formatting, literal
from mirador.i18n import criterion_label, indicator_label, indicator_unit, institution_label, t, vocab_label
from mirador.staff import publish
from mirador.staff.publish import PROBLEM_COLUMNS

# The pipeline's progress descriptions (etl/pipeline.py, English) -> ui_strings keys; a
# description that ends in a file name keeps it ({name}). An unknown one is shown as it comes.
PIPELINE_STEPS = {"read ": "staff_step_read", "validated": "staff_step_validated",
                  "derived figures and marts": "staff_step_marts", "boundaries": "staff_step_boundaries",
                  "wrote ": "staff_step_wrote"}
OWN_STEPS = {publish.STEP_UNPACKED: "staff_step_unpacked", publish.STEP_INTERNAL: "staff_step_internal",
             publish.STEP_SWAPPED: "staff_step_swapped", publish.STEP_INTERNAL_KEPT: "staff_step_internal_kept"}
CHANGES = ("new", "changed", "gone")


def step_label(description: str, lang: str) -> str:
    """A progress step in the reader's language."""
    if description in OWN_STEPS:
        return t(OWN_STEPS[description], lang)
    for prefix, key in PIPELINE_STEPS.items():
        if description == prefix or (prefix.endswith(" ") and description.startswith(prefix)):
            return t(key, lang, name=description[len(prefix):] if prefix.endswith(" ") else "")
    return description


def problems_table(problems: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The check report (`publish.problems_frame`, made in `lang`) with its headers in `lang`."""
    return problems.rename({c: t(f"staff_col_{c}", lang) for c in PROBLEM_COLUMNS})


def _shown_value(kind: str, item: str, raw: str | None, lang: str) -> str | None:
    if raw is None:
        return None
    if kind == "autonomy":
        return vocab_label("assessment", raw, lang)
    return formatting.value(float(raw), indicator_unit(item), lang)


def values_table(changes: pl.DataFrame, lang: str) -> pl.DataFrame:
    rows = []
    for r in changes.iter_rows(named=True):
        label = indicator_label(r["item"], lang) if r["kind"] == "indicator" else criterion_label(r["item"], lang)
        rows.append({
            t("staff_col_institution", lang): institution_label(r["iso3"], lang),
            t("staff_col_kind", lang): t(f"staff_kind_{r['kind']}", lang),
            t("staff_col_item", lang): label,
            t("staff_col_year", lang): r["year"],
            t("staff_col_old", lang): _shown_value(r["kind"], r["item"], r["old_value"], lang),
            t("staff_col_new_value", lang): _shown_value(r["kind"], r["item"], r["new_value"], lang),
            t("staff_col_old_status", lang): vocab_label("data_status", r["old_status"], lang) if r["old_status"] else None,
            t("staff_col_new_status", lang): vocab_label("data_status", r["new_status"], lang) if r["new_status"] else None,
            t("staff_col_change", lang): t(f"staff_change_{r['change']}", lang),
        })
    return pl.DataFrame(rows, schema={k: (pl.Int64 if k == t("staff_col_year", lang) else pl.String)
                                      for k in _value_headers(lang)})


def _value_headers(lang: str) -> list[str]:
    return [t(k, lang) for k in ("staff_col_institution", "staff_col_kind", "staff_col_item", "staff_col_year",
                                 "staff_col_old", "staff_col_new_value", "staff_col_old_status",
                                 "staff_col_new_status", "staff_col_change")]


def _institution_names(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """iso3 codes replaced by institution names, under the institution heading."""
    return frame.with_columns(
        pl.col("iso3").map_elements(lambda iso3: institution_label(iso3, lang), return_dtype=pl.String)
    ).rename({"iso3": t("staff_col_institution", lang)})


def recommendations_table(changes: pl.DataFrame, lang: str) -> pl.DataFrame:
    return _institution_names(changes, lang).rename({
        "new": t("staff_col_new", lang), "changed": t("staff_col_changed", lang), "gone": t("staff_col_gone", lang),
        "total_old": t("staff_col_total_old", lang), "total_new": t("staff_col_total_new", lang)})


def history_table(log: pl.DataFrame, lang: str) -> pl.DataFrame:
    if log.is_empty():
        return log
    return pl.DataFrame([{
        t("staff_col_load", lang): r["load_id"],
        t("staff_col_when", lang): formatting.datetime(r["loaded_at"], lang),
        t("staff_col_action", lang): t(f"staff_action_{r['action']}", lang)
        + (f" → {r['restored_from']}" if r["restored_from"] else ""),
        t("staff_col_who", lang): r["person"],
        t("staff_comment", lang): r["comment"],
        t("staff_col_file", lang): literal.file_name(r["source"]),  # never the server's folders
        t("staff_col_kept", lang): vocab_label("yes_no", "yes" if r["kept"] else "no", lang),
    } for r in log.iter_rows(named=True)])


def version_label(row: dict, lang: str) -> str:
    who = row["person"] or literal.file_name(row["source"])
    return t("staff_version_label", lang, load_id=row["load_id"], when=formatting.datetime(row["loaded_at"], lang),
             who=who)


def internal_counts_table(counts: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Per institution: internal recommendations published -> in the upload, new / changed / gone."""
    return _institution_names(counts, lang).rename({
        "n_published": t("staff_col_internal_published", lang), "n_candidate": t("staff_col_internal_candidate", lang),
        "new": t("staff_col_new", lang), "changed": t("staff_col_changed", lang), "gone": t("staff_col_gone", lang)})


def internal_ids_table(changes: pl.DataFrame, lang: str) -> pl.DataFrame:
    """One row per internal recommendation that is new, changed or gone, by id."""
    return pl.DataFrame({
        t("staff_col_institution", lang): [institution_label(iso3, lang) for iso3 in changes["iso3"]],
        t("staff_col_internal_id", lang): changes["recommendation_id"],
        t("staff_col_change", lang): [t(f"staff_change_{c}", lang) for c in changes["change"]],
    }, schema={t(k, lang): pl.String for k in ("staff_col_institution", "staff_col_internal_id", "staff_col_change")})
