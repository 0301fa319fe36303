"""Mirador ETL: input files -> validated tables -> marts -> one DuckDB file.

Stages, each in its own module and each knowing only the one before it:
`read` (raw files to string frames with spreadsheet row numbers), `contracts`
(what each table must look like, declared as data), `validate` (parse and check,
all problems at once), `transform` (derived figures and marts), `load` (atomic
DuckDB build with a load log), `template` (blank workbook), `pipeline` (the
Python API) and `__main__` (the command line).
"""
