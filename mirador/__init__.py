"""Mirador: shared code for the dashboard (data access, figures, language, formats).

Kept free of heavy imports so the ETL can use `mirador.paths` without Streamlit.
"""
__version__ = "0.1.0"
