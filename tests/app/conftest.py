"""App tests run against `bundled_db` (tests/conftest.py): the bundled data built by the real ETL."""
