"""The review report: every page of a document as an image with the boxes of what was stored from it.

An archivist checks a batch page by page before publishing it; a researcher who doubts a row wants
to see it where it came from. ``protokoll review`` writes one HTML file per document: each page
rendered by PDFium (PNG files in a folder beside the report), coloured boxes for the items,
section headings, entities by label, attendees, recipients, proposals, votes and attachments
(``pipeline/boxes.py``), a panel per page listing the rows with links to their boxes, and the
document's self-check issues at the top, each linking to its page. OCR'd pages and repaired text
layers are marked, since their text is weaker evidence. Nothing is fetched from the network: the
report is plain HTML and CSS and opens from the file system.

A report is made from a ``Review``, which comes either from a tagged ``Protocol`` in memory (a PDF
reviewed without any database) or from the rows of one document in a database opened read-only.
"""

from __future__ import annotations

import html
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import db
from .boxes import box_key
from .errors import ProtokollError
from .types import Protocol

log = logging.getLogger(__name__)

SCALE = 1.5  # image pixels per PDF point (108 dpi): readable on a screen, a page about 900 px high
Box = list[float]

# one colour per kind of row, and per label for entities: the legend of the report
COLOURS = {
    "item": "#e6194b", "section": "#f58231", "attendee": "#000075", "recipient": "#808000",
    "proposal": "#911eb4", "vote": "#f032e6", "attachment": "#9a6324",
    "PERSON": "#4363d8", "PARTY": "#42d4f4", "ORG": "#3cb44b", "LOC": "#469990", "MONEY": "#ffe119",
    "DATE": "#fabed4", "PERCENT": "#aaffc3",
}
KIND_NAMES = {
    "item": "item heading (§)", "section": "section heading", "entity": "entity", "cover_entity": "cover entity",
    "attendee": "attendee", "recipient": "recipient", "proposal": "proposal", "vote": "vote",
    "attachment": "attachment",
}


@dataclass
class Mark:
    """One stored row drawn on the pages: its table's kind, a label (entity label, section kind ...),
    the text shown for it, the item it belongs to, and its boxes (none when it was not located)."""

    kind: str
    label: str
    text: str
    boxes: list[Box] = field(default_factory=list)
    item: int | None = None

    @property
    def colour(self) -> str:
        return COLOURS.get(self.label if self.kind in ("entity", "cover_entity") else self.kind, "#888888")


@dataclass
class ReviewPage:
    number: int
    ocr: bool = False
    quality: str | None = None


@dataclass
class ReviewIssue:
    severity: str
    code: str
    message: str
    page: int | None = None
    item: int | None = None


@dataclass
class Review:
    """What the report shows of one document."""

    name: str  # the report's file name, without .html
    path: str  # the PDF
    title: str  # body and date
    pages: list[ReviewPage]
    marks: list[Mark]
    issues: list[ReviewIssue]


# ---------------------------------------------------------------- from a protocol in memory


def from_protocol(protocol: Protocol, name: str) -> Review:
    """The review of a tagged protocol whose boxes were computed (``boxes.add_boxes``)."""
    b = protocol.boxes
    m = protocol.meeting
    marks = [Mark("cover_entity", e.label, e.text, b.get(box_key("cover_entity", k), []))
             for k, e in enumerate(m.entities)]
    marks += [Mark("attendee", a.kind, _attendee_text(a.name, a.party, a.role), b.get(box_key("attendee", k), []))
              for k, a in enumerate(m.attendees)]
    for i, item in enumerate(protocol.items):
        marks.append(Mark("item", "item", f"§ {item.number} {item.title or ''}".strip(), b.get(box_key("item", i), []),
                          item.number))
        for j, s in enumerate(item.sections):
            if s.heading:
                marks.append(Mark("section", s.kind, s.heading, b.get(box_key("section", i, j), []), item.number))
            marks += [Mark("entity", e.label, e.text, b.get(box_key("entity", i, j, k), []), item.number)
                      for k, e in enumerate(s.entities)]
        marks += [Mark("recipient", "recipient", r, b.get(box_key("recipient", i, k), []), item.number)
                  for k, r in enumerate(item.recipients)]
    d = protocol.decisions
    marks += [Mark("proposal", p.stance or p.kind, _person_text(p.person, p.party, p.text),
                   b.get(box_key("proposal", k), []), p.item_number) for k, p in enumerate(d.proposals)]
    marks += [Mark("vote", v.method or "votering", _vote_text(v.question, v.ja, v.nej, v.avstar),
                   b.get(box_key("vote", k), []), v.item_number) for k, v in enumerate(d.votes)]
    marks += [Mark("attachment", a.kind, a.label or a.title or a.kind, b.get(box_key("attachment", k), []), a.item_number)
              for k, a in enumerate(protocol.attachments)]
    pages = [ReviewPage(p.number, p.ocr, p.quality) for p in protocol.pages]
    issues = [ReviewIssue(i.severity, i.code, i.message, i.page, i.item_number) for i in protocol.issues]
    return Review(name, protocol.path, _title(m.body, m.meeting_date), pages, marks, issues)


def _title(body: str | None, date: Any) -> str:
    return " ".join(str(v) for v in (body, date) if v) or "(no body or date found)"


def _attendee_text(name: str, party: str | None, role: str | None) -> str:
    return name + (f" ({party})" if party else "") + (f", {role}" if role else "")


def _person_text(person: str | None, party: str | None, text: str) -> str:
    who = _attendee_text(person, party, None) if person else (party or "")
    return f"{who}: {' '.join(text.split())}" if who else " ".join(text.split())


def _vote_text(question: str | None, ja: int | None, nej: int | None, avstar: int | None) -> str:
    counts = f"ja {ja if ja is not None else '?'}, nej {nej if nej is not None else '?'}, avstår {avstar if avstar is not None else '?'}"
    return f"{question} ({counts})" if question else counts


# ---------------------------------------------------------------- from a database (read-only)


@dataclass(frozen=True)
class DocumentRow:
    id: int
    path: str
    status: str
    error: str | None
    issues: int
    errors: int
    title: str


def documents(engine: Engine) -> list[DocumentRow]:
    """Every document with its count of self-check issues, the most issues first (then failed ones)."""
    d, m, i = db.documents.c, db.meetings.c, db.document_issues.c
    errors = sa.func.sum(sa.case((i.severity == "error", 1), else_=0))
    counts = (sa.select(i.document_id, sa.func.count().label("n"), errors.label("e"))
              .group_by(i.document_id).subquery())
    query = (sa.select(d.id, d.path, d.status, d.error, counts.c.n, counts.c.e, m.body, m.meeting_date)
             .outerjoin(counts, counts.c.document_id == d.id)
             .outerjoin(db.meetings, m.document_id == d.id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    out = [DocumentRow(r.id, r.path, r.status, r.error, int(r.n or 0), int(r.e or 0), _title(r.body, r.meeting_date))
           for r in rows]
    return sorted(out, key=lambda r: (r.status != "failed", -r.errors, -r.issues, r.path))


def from_database(engine: Engine, document_id: int) -> Review | None:
    """The review of one imported document; None when there is no such document (or it failed)."""
    d = db.documents.c
    with engine.connect() as conn:
        doc = conn.execute(sa.select(d.path, d.status).where(d.id == document_id)).first()
        if doc is None or doc.status != "ok":
            return None
        meeting = conn.execute(sa.select(db.meetings).where(db.meetings.c.document_id == document_id)).first()
        pages = [ReviewPage(r.number, bool(r.ocr), r.text_quality) for r in conn.execute(
            sa.select(db.pages).where(db.pages.c.document_id == document_id).order_by(db.pages.c.number))]
        issues = [ReviewIssue(r.severity, r.code, r.message, r.page, r.number) for r in conn.execute(
            sa.select(db.document_issues, db.items.c.number)
            .outerjoin(db.items, db.items.c.id == db.document_issues.c.item_id)
            .where(db.document_issues.c.document_id == document_id).order_by(db.document_issues.c.id))]
        marks = _database_marks(conn, document_id, meeting.id if meeting is not None else -1)
    title = _title(meeting.body, meeting.meeting_date) if meeting is not None else "(no meeting)"
    return Review(f"{document_id}-{Path(doc.path).stem}", doc.path, title, pages, marks, issues)


def _boxes_of(r: Any, page: int | None) -> list[Box]:
    if r.x0 is None or page is None:
        return []
    return [[page, r.x0, r.y0, r.x1, r.y1], *json.loads(r.boxes or "[]")]


def _database_marks(conn: Any, document_id: int, meeting_id: int) -> list[Mark]:
    """The rows of one document that ``pipeline/boxes.py`` boxes, in the order load writes them."""
    t = db
    items = sa.select(t.items.c.id).where(t.items.c.meeting_id == meeting_id)
    number = t.items.c.number
    marks = [Mark("cover_entity", r.label, r.text, _boxes_of(r, r.page)) for r in conn.execute(
        sa.select(t.cover_entities).where(t.cover_entities.c.meeting_id == meeting_id).order_by(t.cover_entities.c.id))]
    marks += [Mark("attendee", r.kind, _attendee_text(r.name, r.party, r.role), _boxes_of(r, r.page)) for r in conn.execute(
        sa.select(t.attendees).where(t.attendees.c.meeting_id == meeting_id).order_by(t.attendees.c.id))]
    marks += [Mark("item", "item", f"§ {r.number} {r.title or ''}".strip(), _boxes_of(r, r.page), r.number)
              for r in conn.execute(sa.select(t.items).where(t.items.c.meeting_id == meeting_id).order_by(t.items.c.id))]
    joined = [
        ("section", t.sections, lambda r: (r.kind, r.heading), t.sections.c.heading.is_not(None)),
        ("entity", t.entities, lambda r: (r.label, r.text), sa.true()),
        ("recipient", t.recipients, lambda r: ("recipient", r.name), sa.true()),
        ("proposal", t.proposals, lambda r: (r.stance or r.kind, _person_text(r.person, r.party, r.text)), sa.true()),
        ("vote", t.votes, lambda r: (r.method or "votering", _vote_text(r.question, r.ja, r.nej, r.avstar)), sa.true()),
    ]
    for kind, table, show, where in joined:
        query = (sa.select(table, number.label("item_number")).join(t.items, t.items.c.id == table.c.item_id)
                 .where(table.c.item_id.in_(items), where).order_by(table.c.id))
        for r in conn.execute(query):
            label, text = show(r)
            marks.append(Mark(kind, label, text, _boxes_of(r, r.page), r.item_number))
    a = t.attachments.c
    for r in conn.execute(sa.select(t.attachments, number.label("item_number"))
                          .outerjoin(t.items, t.items.c.id == a.item_id)
                          .where(a.document_id == document_id).order_by(a.id)):
        marks.append(Mark("attachment", r.kind, r.label or r.title or r.kind, _boxes_of(r, r.page), r.item_number))
    return marks


# ---------------------------------------------------------------- page images


@dataclass
class PageImage:
    """A rendered page: the PNG file (relative to the report) and its size in pixels."""

    src: str | None
    width: float
    height: float


def render_pages(pdf: str, folder: Path, relative: str) -> dict[int, PageImage]:
    """Each page of ``pdf`` as ``folder/page-N.png`` at ``SCALE``; {} when the file cannot be opened."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except Exception as exc:  # gone, unreadable, damaged: the report is drawn without images
        log.warning("%s: cannot render the pages (%s); the report shows the boxes on blank pages", pdf, exc)
        return {}
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[int, PageImage] = {}
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                image = page.render(scale=SCALE).to_pil()
                name = f"page-{index + 1}.png"
                image.save(folder / name, format="PNG", optimize=True)
                out[index + 1] = PageImage(f"{relative}/{name}", image.width, image.height)
            finally:
                page.close()
    finally:
        document.close()
    return out


# ---------------------------------------------------------------- HTML

CSS = """
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #222; background: #eee; }
header { padding: 12px 16px; background: #fff; border-bottom: 1px solid #ccc; }
header h1 { font-size: 18px; margin: 0 0 4px; }
.legend span { display: inline-block; margin: 2px 8px 2px 0; padding: 0 6px; border-left: 12px solid; }
.issues li.error { color: #b00; } .issues li.warning { color: #850; }
.page { display: flex; align-items: flex-start; gap: 16px; padding: 16px; }
.sheet { position: relative; flex: none; margin: 0; background: #fff; box-shadow: 0 1px 4px #999; }
.sheet img { position: absolute; left: 0; top: 0; }
.box { position: absolute; box-sizing: border-box; border: 2px solid; opacity: 0.85; }
.box:target, .box:hover { outline: 3px solid #000; opacity: 1; }
.panel { flex: 1; min-width: 280px; background: #fff; padding: 8px 12px; box-shadow: 0 1px 4px #999; }
.panel h2 { font-size: 16px; margin: 4px 0; }
.panel ul { margin: 0; padding-left: 18px; } .panel li { margin: 1px 0; }
.panel li:target { background: #ffd; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; background: #b00; color: #fff; font-size: 12px; }
.badge.repaired { background: #850; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.unlocated { padding: 0 16px 16px; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


class ReportError(ProtokollError):
    """The report cannot be written (the run cannot go on: exit 3)."""


def write_report(review: Review, folder: Path) -> Path:
    """Write ``folder/<name>.html`` and its page images (``folder/<name>.files/``); returns the HTML file."""
    target = folder / f"{review.name}.html"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        images = render_pages(review.path, folder / f"{review.name}.files", f"{review.name}.files")
        target.write_text(report_html(review, images), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write the report to {folder}: {exc.strerror or exc} (choose a writable -o folder)") from exc
    return target


def write_index(rows: list[DocumentRow], reports: dict[int, str], folder: Path) -> Path:
    """Write ``folder/index.html`` (``index_html``); returns it."""
    target = folder / "index.html"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(index_html(rows, reports), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write the report to {folder}: {exc.strerror or exc} (choose a writable -o folder)") from exc
    return target


def report_html(review: Review, images: dict[int, PageImage]) -> str:
    """The report as one HTML string (``write_report`` without the files)."""
    ids = {id(m): f"b{k}" for k, m in enumerate(review.marks)}
    by_page: dict[int, list[Mark]] = {}
    for m in review.marks:
        for page in sorted({int(b[0]) for b in m.boxes}):
            by_page.setdefault(page, []).append(m)
    parts = [
        "<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>{_e(review.title)} — review</title><style>{CSS}</style></head><body>",
        _header(review),
    ]
    for sheet in review.pages:
        parts.append(_page_html(sheet, images.get(sheet.number), by_page.get(sheet.number, []), ids))
    lost = [m for m in review.marks if not m.boxes]
    if lost:
        parts.append(f'<section class="unlocated"><h2>Not located on a page ({len(lost)})</h2><ul>')
        parts += [f"<li>{_e(KIND_NAMES[m.kind])} {_e(m.label)}: {_e(m.text)}</li>" for m in lost]
        parts.append("</ul></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _header(review: Review) -> str:
    counts = Counter(m.kind for m in review.marks)
    located = Counter(m.kind for m in review.marks if m.boxes)
    legend = " ".join(f'<span style="border-color:{c}">{_e(k)}</span>' for k, c in COLOURS.items())
    stats = ", ".join(f"{KIND_NAMES[k]} {located[k]}/{counts[k]}" for k in KIND_NAMES if counts[k])
    out = [f"<header><h1>{_e(review.title)}</h1><div>{_e(review.path)}</div>",
           f'<div class="stats">located on their page: {_e(stats) or "nothing stored"}</div>',
           f'<div class="legend">{legend}</div>']
    out.append(f'<div class="issues"><h2>Self-check issues ({len(review.issues)})</h2>')
    if review.issues:
        out.append("<ul>")
        for i in review.issues:
            where = f' <a href="#page-{i.page}">page {i.page}</a>' if i.page else ""
            item = f" § {i.item}" if i.item is not None else ""
            out.append(f'<li class="{_e(i.severity)}">{_e(i.severity)} <b>{_e(i.code)}</b>{_e(item)}:'
                       f" {_e(i.message)}{where}</li>")
        out.append("</ul>")
    else:
        out.append("<p>none</p>")
    out.append("</div></header>")
    return "\n".join(out)


def _page_html(page: ReviewPage, image: PageImage | None, marks: list[Mark], ids: dict[int, str]) -> str:
    width, height = (image.width, image.height) if image else (595 * SCALE, 842 * SCALE)
    badges = ""
    if page.ocr:
        badges += ' <span class="badge ocr">OCR</span>'
    if page.quality == "repairable":
        badges += ' <span class="badge repaired">text layer repaired</span>'
    out = [f'<section class="page" data-page="{page.number}">',
           f'<div class="sheet" id="page-{page.number}" style="width:{width:.0f}px;height:{height:.0f}px">']
    if image and image.src:
        out.append(f'<img src="{_e(image.src)}" width="{width:.0f}" height="{height:.0f}" alt="page {page.number}">')
    for m in marks:
        for b in m.boxes:
            if int(b[0]) != page.number:
                continue
            x0, y0, x1, y1 = (v * SCALE for v in b[1:])
            is_row = b is m.boxes[0]  # the row's own element; its further lines are ``more``
            attrs = f'id="{ids[id(m)]}" ' if is_row else f'data-of="{ids[id(m)]}" '
            cls = f"box k-{m.kind} l-{m.label}" + ("" if is_row else " more")
            out.append(f'<a {attrs}class="{_e(cls)}" href="#r-{ids[id(m)]}" title="{_e(KIND_NAMES[m.kind])}: {_e(m.text)}" '
                       f'style="left:{x0:.1f}px;top:{y0:.1f}px;width:{x1 - x0:.1f}px;height:{y1 - y0:.1f}px;'
                       f'border-color:{m.colour};background:{m.colour}22"></a>')
    out.append("</div>")
    out.append(f'<div class="panel"><h2>Page {page.number}{badges}</h2><ul>')
    for m in marks:
        if int(m.boxes[0][0]) != page.number:
            continue  # listed on the page it starts on
        where = f"§ {m.item} · " if m.item is not None and m.kind != "item" else ""
        out.append(f'<li id="r-{ids[id(m)]}"><span class="swatch" style="background:{m.colour}"></span>'
                   f'<a href="#{ids[id(m)]}">{_e(KIND_NAMES[m.kind])}</a> {_e(where)}<i>{_e(m.label)}</i> {_e(m.text)}</li>')
    out.append("</ul></div></section>")
    return "\n".join(out)


def index_html(rows: Iterable[DocumentRow], reports: dict[int, str]) -> str:
    """The index of ``review --all``: every document, the most issues (errors first) at the top."""
    parts = ["<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8"><title>protokoll review</title>',
             f"<style>{CSS} table {{ border-collapse: collapse; background: #fff; margin: 16px; }} "
             "td, th { padding: 4px 8px; border-bottom: 1px solid #ddd; text-align: left; }</style></head><body>",
             "<header><h1>Documents by number of self-check issues</h1></header>",
             "<table><tr><th>errors</th><th>issues</th><th>document</th><th>file</th></tr>"]
    for r in rows:
        if r.status != "ok":
            doc = f"failed: {_e(r.error or '')}"
        else:
            doc = f'<a href="{_e(reports[r.id])}">{_e(r.title)}</a>' if r.id in reports else _e(r.title)
        parts.append(f"<tr><td>{r.errors}</td><td>{r.issues}</td><td>{doc}</td><td>{_e(r.path)}</td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)
