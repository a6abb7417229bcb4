"""One page of a document with one row's box drawn on it: where a search hit in the browser leads.

The plugin asks the database which document and boxes a row has (``row_sql``), renders the page
once into the cache folder (``page_image``, PDFium at the review report's scale) and draws the row's
boxes over it (``page_html``). The page links on to the whole review report of the document.
"""

from __future__ import annotations

import html
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..review import SCALE

log = logging.getLogger(__name__)

# how each table with a page reaches its document: directly, through its meeting, through its item
_DIRECT = "SELECT t.*, t.document_id AS document_id_ FROM {table} t WHERE t.id = :id"
_MEETING = ("SELECT t.*, m.document_id AS document_id_ FROM {table} t JOIN meetings m ON m.id = t.meeting_id "
            "WHERE t.id = :id")
_ITEM = ("SELECT t.*, m.document_id AS document_id_ FROM {table} t JOIN items i ON i.id = t.item_id "
         "JOIN meetings m ON m.id = i.meeting_id WHERE t.id = :id")
ROUTES = {
    "pages": _DIRECT, "attachments": _DIRECT, "document_issues": _DIRECT,
    "items": _MEETING, "attendees": _MEETING, "cover_entities": _MEETING,
    "sections": _ITEM, "entities": _ITEM, "recipients": _ITEM, "proposals": _ITEM, "votes": _ITEM, "recusals": _ITEM,
}
PAGE_COLUMNS = ("page", "page_start", "page_end")  # the columns whose value links to the page
TEXT_COLUMNS = ("title", "heading", "name", "text", "question", "person", "label", "message", "kind")
A4 = (595.0, 842.0)  # the sheet drawn when the PDF cannot be rendered


def row_sql(table: str) -> str | None:
    """The statement giving a row of ``table`` with its document id (``document_id_``); None for other tables."""
    route = ROUTES.get(table)
    return route.format(table=table) if route else None


@dataclass(frozen=True)
class RowOnPage:
    """A stored row as the page view needs it: where it comes from and its boxes on every page."""

    table: str
    id: int
    document_id: int
    text: str
    boxes: list[list[float]]  # [[page, x0, y0, x1, y1], ...]; empty when it was not located
    first_page: int | None


def row_on_page(table: str, row: dict[str, Any]) -> RowOnPage:
    """The ``RowOnPage`` of a row fetched with ``row_sql``."""
    boxes: list[list[float]] = []
    if row.get("x0") is not None and row.get("page") is not None:
        boxes = [[row["page"], row["x0"], row["y0"], row["x1"], row["y1"]], *json.loads(row.get("boxes") or "[]")]
    if table == "pages":
        first = row["number"]
    else:
        first = next((row[c] for c in PAGE_COLUMNS if row.get(c) is not None), None)
    text = next((str(row[c]) for c in TEXT_COLUMNS if row.get(c)), "")
    if table == "items":
        text = f"§ {row['number']} {text}".strip()
    return RowOnPage(table, int(row["id"]), int(row["document_id_"]), text, boxes, first)


@dataclass(frozen=True)
class PageImage:
    """A rendered page in the cache folder, its size in pixels (at ``SCALE``)."""

    path: Path
    width: int
    height: int


def page_image(pdf: str, page: int, folder: Path, document_id: int) -> PageImage | None:
    """Page ``page`` of ``pdf`` as ``folder/<document_id>-<page>.png``, rendered on first use.

    None (and a warning) when the PDF is gone, unreadable or has no such page: the view then draws
    the boxes on a blank sheet and says why.
    """
    from PIL import Image

    target = folder / f"{document_id}-{page}.png"
    if target.is_file():
        with Image.open(target) as image:
            return PageImage(target, image.width, image.height)
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except Exception as exc:  # gone, unreadable, damaged: the box is drawn on a blank sheet
        log.warning("%s: cannot render page %d (%s)", pdf, page, exc)
        return None
    try:
        if not 1 <= page <= len(document):
            return None
        sheet = document[page - 1]
        try:
            rendered = sheet.render(scale=SCALE).to_pil()
        finally:
            sheet.close()
    finally:
        document.close()
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    rendered.save(partial, format="PNG", optimize=True)
    partial.replace(target)  # two requests for the same page never see half a file
    return PageImage(target, rendered.width, rendered.height)


CSS = """
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #222; background: #eee; }
header { padding: 12px 16px; background: #fff; border-bottom: 1px solid #ccc; }
header h1 { font-size: 18px; margin: 0 0 4px; }
.sheet { position: relative; margin: 16px; background: #fff; box-shadow: 0 1px 4px #999; }
.sheet img { position: absolute; left: 0; top: 0; }
.box { position: absolute; box-sizing: border-box; border: 3px solid #e6194b; background: #e6194b22; }
.note { color: #850; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def page_html(row: RowOnPage, page: int, image: PageImage | None, image_url: str, links: dict[str, str],
              pdf: str) -> str:
    """The page view: the page image with the row's boxes on this page; ``links`` (text -> URL) above it."""
    width, height = (image.width, image.height) if image else (A4[0] * SCALE, A4[1] * SCALE)
    here = [b for b in row.boxes if int(b[0]) == page]
    nav = " · ".join(f'<a href="{_e(url)}">{_e(text)}</a>' for text, url in links.items())
    parts = [
        "<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>{_e(row.text[:80])} — page {page}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{_e(row.table)} {row.id}: {_e(row.text)}</h1>",
        f"<div>page {page} of {_e(pdf)}</div><nav>{nav}</nav>",
    ]
    if image is None:
        parts.append(f'<p class="note">the page cannot be rendered from {_e(pdf)} (moved, removed or unreadable); '
                     "the box is drawn on a blank sheet</p>")
    if not here:
        parts.append('<p class="note">this row has no box on this page (it was not located among the words '
                     "of the page); the page is shown whole</p>")
    parts.append(f'</header><div class="sheet" id="page-{page}" style="width:{width:.0f}px;height:{height:.0f}px">')
    if image is not None:
        parts.append(f'<img src="{_e(image_url)}" width="{width:.0f}" height="{height:.0f}" alt="page {page}">')
    for k, b in enumerate(here):
        x0, y0, x1, y1 = (v * SCALE for v in b[1:])
        ident = 'id="hit" ' if k == 0 else ""
        parts.append(
            f'<div {ident}class="box hit" data-table="{_e(row.table)}" data-row="{row.id}" '
            f'data-box="{b[1]},{b[2]},{b[3]},{b[4]}" title="{_e(row.text)}" '
            f'style="left:{x0:.1f}px;top:{y0:.1f}px;width:{x1 - x0:.1f}px;height:{y1 - y0:.1f}px"></div>'
        )
    parts.append("</div></body></html>")
    return "\n".join(parts)
