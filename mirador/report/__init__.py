"""Printed reports, typeset with typst (offline, fonts embedded in the PDF).

- `one_pager.pdf_bytes(iso3, lang)`: one A4 page per institution and language: key figures
  against the peer median, the road from OPCAT ratification to an operating NPM, the
  autonomy criteria, a small chart, sources, the illustrative mark and the data date.
- `workshop.pdf_bytes(lang)`: the workshop report: cover, overview map, the one-pagers,
  comparison charts, the donor scorecard, a methods and sources annex.
- `python -m mirador.report ...`: the same from the command line (see `__main__`).

Every figure comes from `mirador.queries`; every word from `mirador.i18n` (the templates
under `templates/` hold layout only and read their content from one JSON input, so no
value is ever parsed as typst markup).
"""
