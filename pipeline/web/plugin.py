"""The Datasette plugin of ``protokoll serve``: prefix search, labels, and links from rows to their page.

- **Search** (``asgi_wrapper``): Datasette quotes each word of ``_search`` as a whole token, so
  ``fastighet`` would not find ``fastigheten``. The wrapper turns the term into the FTS5 query
  ``protokoll search`` runs (``pipeline.query.fts5_query``: each word a prefix, phrases in quotes,
  AND/OR/NOT kept) and asks for raw mode; the search box then shows that query, so what ran is
  what the researcher sees. A term that is already such a query is left as it is (resubmitting
  the form changes nothing).
- **Labels** (``render_cell``): a ``meeting_id`` shows its body and date, an ``item_id`` its § and
  title, a ``document_id`` its file name, a ``person_id`` the person's name, each a link to the
  row. A database served immutable cannot change, so its labels are cached for the life of the server.
- **Pages** (``render_cell`` + ``register_routes``): every ``page`` (``page_start``, ``page_end``)
  cell links to ``/-/page/<db>/<table>/<id>?page=N#hit``: the page rendered by PDFium with the
  row's box drawn on it, which links on to ``/-/review/<db>/<document>#page-N``, the document's
  review report (``pipeline/review.py``). Both are rendered on first use into the cache folder
  given by ``protokoll serve --reports``.
"""

from __future__ import annotations

import asyncio
import re
import urllib.parse
import weakref
from pathlib import Path
from typing import Any

from datasette import Response, hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound
from markupsafe import Markup, escape

from .. import review
from ..query import QueryError, fts5_query
from . import pages
from .metadata import PLUGIN
from .sqlite import reading_engine

# ---------------------------------------------------------------- search

_SEARCH_TERM = r'(?:"[^"]*"\*?|AND|OR|NOT)'
ALREADY_QUERY = re.compile(rf"\s*{_SEARCH_TERM}(?:\s+{_SEARCH_TERM})*\s*")


def prefix_term(term: str) -> str | None:
    """The FTS5 query for a search box term, as ``protokoll search`` builds it; None when it cannot be
    parsed (Datasette then searches it its own way and shows its own message)."""
    try:
        query = fts5_query(term)  # checks the term as the CLI does: operators between words, limits
    except (ValueError, QueryError):
        return None
    return term.strip() if ALREADY_QUERY.fullmatch(term) else query or None


def prefix_search(query_string: bytes) -> bytes:
    """A request's query string with ``_search`` as a prefix query in raw mode; others unchanged."""
    pairs = urllib.parse.parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if not any(k == "_search" and v.strip() for k, v in pairs):
        return query_string
    out, raw = [], False
    for key, value in pairs:
        if key == "_searchmode":
            continue
        if key == "_search" and value.strip():
            query = prefix_term(value)
            if query is not None:
                value, raw = query, True
        out.append((key, value))
    if raw:
        out.append(("_searchmode", "raw"))
    return urllib.parse.urlencode(out).encode("utf-8")


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def prefix_searching(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("query_string"):
                scope = {**scope, "query_string": prefix_search(scope["query_string"])}
            await app(scope, receive, send)

        return prefix_searching

    return wrap


# ---------------------------------------------------------------- labels and page links

LABEL_SQL = {
    "meetings": "SELECT coalesce(body, organisation, '') || ' ' || coalesce(meeting_date, '') FROM meetings WHERE id = ?",
    "items": "SELECT '§ ' || number || ' ' || coalesce(title, '') FROM items WHERE id = ?",
    "documents": "SELECT path FROM documents WHERE id = ?",
    "persons": "SELECT name FROM persons WHERE id = ?",
    "sections": "SELECT coalesce(heading, kind) FROM sections WHERE id = ?",
}
FOREIGN_KEYS = {
    "meeting_id": "meetings", "item_id": "items", "document_id": "documents", "person_id": "persons",
    "replaces_person_id": "persons", "section_id": "sections", "outcome_section_id": "sections",
}
_labels: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, int], str | None]] = weakref.WeakKeyDictionary()


async def label(datasette: Any, database: str, table: str, row_id: int) -> str | None:
    """The label of row ``row_id`` of ``table`` (``LABEL_SQL``), cached when the database is served
    immutable (a database read live, while an ingest writes it, is asked each time)."""
    cache = _labels.setdefault(datasette, {})
    key = (database, table, row_id)
    if key in cache:
        return cache[key]
    db = datasette.get_database(database)
    rows = (await db.execute(LABEL_SQL[table], [row_id])).rows
    text = rows[0][0] if rows else None
    text = Path(text).name if table == "documents" and text else text
    if not db.is_mutable:
        cache[key] = text
    return text


def page_url(datasette: Any, database: str, table: str, row_id: int, page: int, box: bool = True) -> str:
    path = f"/-/page/{tilde_encode(database)}/{table}/{row_id}?page={page}" + ("" if box else "&box=none")
    return datasette.urls.path(path) + "#hit"


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if table is None or value is None:
        return None
    keys = set(row.keys())
    if column in pages.PAGE_COLUMNS or (table == "pages" and column == "number"):
        if table in pages.ROUTES and "id" in keys:
            url = page_url(datasette, database, table, row["id"], int(value))
        elif "item_id" in keys and row["item_id"] is not None:  # a view: the page, no box to draw
            url = page_url(datasette, database, "items", row["item_id"], int(value), box=False)
        else:
            return None
        return Markup(f'<a class="protokoll-page" href="{escape(url)}" title="the page with its box">p. {int(value)}</a>')
    target = FOREIGN_KEYS.get(column)
    if target is None or target == table:
        return None
    row_id = value["value"] if isinstance(value, dict) else value
    if not isinstance(row_id, int):
        return None

    async def linked() -> Markup | None:
        text = await label(datasette, database, target, row_id)
        if text is None:
            return None
        url = datasette.urls.table(database, target) + f"/{row_id}"
        return Markup(f'<a href="{escape(url)}">{escape(text)}</a>&nbsp;<em>{row_id}</em>')

    return linked()


# ---------------------------------------------------------------- routes: page view, page image, review report


def _cache(datasette: Any, database: str, *parts: str) -> Path:
    config = datasette.plugin_config(PLUGIN) or {}
    if not config.get("reports"):
        raise NotFound("no cache folder configured for page images (start the server with protokoll serve)")
    return Path(config["reports"], tilde_encode(database), *parts)


def _database(datasette: Any, encoded: str) -> Any:
    name = tilde_decode(encoded)
    if name not in datasette.databases:
        raise NotFound(f"no database {name}")
    return name, datasette.get_database(name)


async def _document_path(db: Any, document_id: int) -> str:
    rows = (await db.execute("SELECT path FROM documents WHERE id = ?", [document_id])).rows
    if not rows:
        raise NotFound(f"no document {document_id}")
    return str(rows[0][0])


async def page_view(datasette: Any, request: Any) -> Response:
    """``/-/page/<db>/<table>/<id>?page=N``: the page with the row's boxes drawn on it."""
    name, db = _database(datasette, request.url_vars["database"])
    table, row_id = request.url_vars["table"], int(request.url_vars["id"])
    sql = pages.row_sql(table)
    result = (await db.execute(sql, {"id": row_id})).rows if sql else []
    if not result:
        raise NotFound(f"no row {row_id} in {table} with a page")
    row = pages.row_on_page(table, dict(result[0]))
    asked = request.args.get("page") or ""
    page = int(asked) if asked.isdigit() else row.first_page or 1
    if request.args.get("box") == "none":
        row = pages.RowOnPage(row.table, row.id, row.document_id, row.text, [], row.first_page)
    pdf = await _document_path(db, row.document_id)
    folder = _cache(datasette, name, "pages")
    image = await asyncio.to_thread(pages.page_image, pdf, page, folder, row.document_id)
    encoded = tilde_encode(name)
    image_url = datasette.urls.path(f"/-/page-image/{encoded}/{row.document_id}/{page}.png")
    links = {
        f"the {table} row": datasette.urls.table(name, table) + f"/{row.id}",
        "the review report of the document, at this page":
            datasette.urls.path(f"/-/review/{encoded}/{row.document_id}") + f"#page-{page}",
        "the document": datasette.urls.table(name, "documents") + f"/{row.document_id}",
    }
    return Response.html(pages.page_html(row, page, image, image_url, links, pdf))


async def page_image(datasette: Any, request: Any) -> Response:
    """``/-/page-image/<db>/<document>/<page>.png``: the rendered page (from the cache)."""
    name, db = _database(datasette, request.url_vars["database"])
    document_id, page = int(request.url_vars["document"]), int(request.url_vars["page"])
    pdf = await _document_path(db, document_id)
    image = await asyncio.to_thread(pages.page_image, pdf, page, _cache(datasette, name, "pages"), document_id)
    if image is None:
        raise NotFound(f"page {page} of {pdf} cannot be rendered")
    return Response(image.path.read_bytes(), content_type="image/png")


def _write_review(path: str, document_id: int, folder: Path, reuse: bool) -> Path | None:
    """The review report of one document in ``folder`` (written once when ``reuse``: the database is
    immutable); None when there is no such document."""
    engine = reading_engine(Path(path))
    try:
        found = review.from_database(engine, document_id)
    finally:
        engine.dispose()
    if found is None:
        return None
    target = folder / f"{found.name}.html"
    return target if reuse and target.is_file() else review.write_report(found, folder)


async def review_report(datasette: Any, request: Any) -> Response:
    """``/-/review/<db>/<document>``: the document's review report (``pipeline/review.py``)."""
    name, db = _database(datasette, request.url_vars["database"])
    document_id = int(request.url_vars["document"])
    folder = _cache(datasette, name, "review")
    report = await asyncio.to_thread(_write_review, db.path, document_id, folder, not db.is_mutable)
    if report is None:
        raise NotFound(f"no imported document {document_id}")
    return Response.html(report.read_text(encoding="utf-8"))


async def review_image(datasette: Any, request: Any) -> Response:
    """``/-/review/<db>/<name>.files/page-N.png``: an image of a report written by ``review_report``."""
    name, _db = _database(datasette, request.url_vars["database"])
    folder = urllib.parse.unquote(request.url_vars["folder"])
    target = _cache(datasette, name, "review", folder, request.url_vars["file"])
    if "/" in folder or folder.startswith(".") or not target.is_file():
        raise NotFound("no such page image (open the report first)")
    return Response(target.read_bytes(), content_type="image/png")


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [
        (r"^/-/page/(?P<database>[^/]+)/(?P<table>\w+)/(?P<id>\d+)$", page_view),
        (r"^/-/page-image/(?P<database>[^/]+)/(?P<document>\d+)/(?P<page>\d+)\.png$", page_image),
        (r"^/-/review/(?P<database>[^/]+)/(?P<document>\d+)$", review_report),
        (r"^/-/review/(?P<database>[^/]+)/(?P<folder>[^/]+\.files)/(?P<file>page-\d+\.png)$", review_image),
    ]
