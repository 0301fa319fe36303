"""The staff data page's logic: sign-in (auth), safe unpacking of uploads (upload), the
comparison of a candidate database with the published one (preview), the internal
recommendations that only staff see (internal), check / publish / roll back over the ETL
pipeline (publish) and the page's tables in the reader's language (display). Nothing here is
imported by a public page."""
