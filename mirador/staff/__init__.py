"""The staff data page's logic: sign-in (auth), safe unpacking of uploads (upload), the
comparison of a candidate database with the published one (preview), and check / publish /
roll back over the ETL pipeline (publish). Nothing here is imported by a public page."""
