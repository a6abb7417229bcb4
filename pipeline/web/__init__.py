"""The researcher's web view: the SQLite database in Datasette, read-only, with the project's plugin.

``protokoll serve`` (``server.py``) starts Datasette on one database file opened immutable, with the
metadata generated from docs/schema.md (``metadata.json``, by scripts/make_datasette_metadata.py) put
under the file's own name, and registers ``plugin.py``: searches that match word beginnings like
``protokoll search``, labels instead of bare ids, and a link from every row with a page to that page
of the PDF with the row's box drawn on it (``pages.py``), and from there to the document's review
report (``pipeline/review.py``). Page images and reports are rendered on first use into a cache folder.
"""
