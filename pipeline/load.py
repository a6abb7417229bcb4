"""Stage 5, load: ``Protocol`` or ``Failure`` -> rows, one transaction per document.

Idempotent by content hash: a document whose sha256 is already imported with
status 'ok' changes nothing. A new version of a file at the same path
replaces the old version's rows. A failure is recorded as a ``documents``
row with status 'failed'; it never deletes an earlier good import of the
same path.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import ReturningInsert

from . import db, persons
from .curation import Curation
from .curation import apply as curate
from .errors import DatabaseError
from .types import Decisions, Entity, Failure, Protocol

log = logging.getLogger(__name__)

Outcome = Literal["inserted", "replaced", "unchanged", "failed"]


@dataclass(frozen=True)
class KnownPath:
    """What the database knows of a file path: size and mtime when last seen, and the document it holds."""

    size: int | None
    mtime: float | None
    document_id: int
    status: str
    error: str | None
    stage: str | None


def known_paths(engine: Engine) -> dict[str, KnownPath]:
    """Every recorded path (imported or failed), so that a re-run skips unchanged files without reading them."""
    p, d = db.document_paths.c, db.documents.c
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(p.path, p.size, p.file_mtime, d.id, d.status, d.error, d.failed_stage)
            .join_from(db.document_paths, db.documents, p.document_id == d.id)
        ).all()
    return {r.path: KnownPath(r.size, r.file_mtime, r.id, r.status, r.error, r.failed_stage) for r in rows}


def known_content(engine: Engine, sha256: str) -> tuple[int, str] | None:
    """(document id, status) of this content when it is recorded, imported or failed."""
    d = db.documents.c
    with engine.connect() as conn:
        row = conn.execute(sa.select(d.id, d.status).where(d.sha256 == sha256)).first()
    return (row.id, row.status) if row is not None else None


def add_path(engine: Engine, document_id: int, path: str, size: int, mtime: float, run_id: int | None) -> None:
    """Record that ``path`` holds a document already recorded: a copy, or a file restored after a failure."""
    try:
        with db.write_transaction(engine) as conn:
            _record_path(conn, document_id, path, size, mtime, run_id, failure=False)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"{path}: could not write to the database: {exc}") from exc


def drop_failure(engine: Engine, document_id: int) -> None:
    """Delete a failure record that no longer applies (a folder that can be read again) with its paths."""
    with db.write_transaction(engine) as conn:
        if conn.execute(sa.select(db.documents.c.status).where(db.documents.c.id == document_id)).scalar() == "failed":
            _delete(conn, [document_id])


def save(
    engine: Engine, doc: Protocol | Failure, force: bool = False, mtime: float | None = None,
    run_id: int | None = None, curation: Curation | None = None,
) -> Outcome:
    """Write one document (or its failure) in a single transaction and say what happened.

    Every path is recorded in ``document_paths``, also a second copy of content
    already imported, so that no file of a batch goes unrecorded. ``curation``: the curator's
    persons file, applied to the document's organisation in the same transaction.
    """
    for attempt in (1, 2):
        try:
            with db.write_transaction(engine) as conn:
                outcome, document_id = _save(conn, doc, force)
                _record_path(conn, document_id, doc.path, doc.size, mtime, run_id, isinstance(doc, Failure))
                persons.refresh_pending(conn)  # persons of rows a replaced or moved document took away
                st = _statements()
                if curation is not None and outcome in ("inserted", "replaced"):
                    curate(conn, curation, conn.execute(st.organisations, {"document_id": document_id}).scalars().all())
                if outcome != "unchanged" and run_id is not None:
                    conn.execute(st.set_run, {"b_id": document_id, "b_run": run_id})
                return outcome
        except sa.exc.IntegrityError:
            # another process imported the same content between our check and our insert;
            # the second attempt sees its row and leaves it alone
            if attempt == 2:
                raise DatabaseError(f"{doc.path}: conflicting concurrent import") from None
        except sa.exc.SQLAlchemyError as exc:
            raise DatabaseError(f"{doc.path}: could not write to the database: {exc}") from exc
    raise AssertionError("unreachable")


def _record_path(conn: Connection, document_id: int, path: str, size: int | None, mtime: float | None,
                 run_id: int | None, failure: bool) -> None:
    """Point ``path`` at the document; the document it held before is told it lost that path."""
    st = _statements()
    before = conn.execute(st.path_document, {"path": path}).scalar()
    values = {"document_id": document_id, "size": size, "file_mtime": mtime, "seen_at": db.now(), "run_id": run_id}
    if before is None:
        conn.execute(st.insert_path, {"path": path, **values})
        return
    conn.execute(st.update_path, {"b_path": path, **values})
    if before != document_id:
        _path_left(conn, before, path, failure)


def _path_left(conn: Connection, document_id: int, path: str, failure: bool) -> None:
    """``path`` no longer holds this document: ``documents.path`` names one of its other paths, and a
    document no path holds any more is deleted, except a good import when the path now holds a failure
    (a broken download never deletes good rows)."""
    d, p = db.documents.c, db.document_paths.c
    other = conn.execute(sa.select(sa.func.min(p.path)).where(p.document_id == document_id)).scalar()
    if other is not None:
        conn.execute(sa.update(db.documents).where(d.id == document_id, d.path == path).values(path=other))
        return
    status = conn.execute(sa.select(d.status).where(d.id == document_id)).scalar()
    if not (failure and status == "ok"):
        _delete(conn, [document_id])


def _save(conn: Connection, doc: Protocol | Failure, force: bool) -> tuple[Outcome, int]:
    d, p = db.documents.c, db.document_paths.c
    st = _statements()
    same = conn.execute(st.same_content, {"sha256": doc.sha256}).first()
    if same is not None and same.status == "ok" and not force:
        if same.path != doc.path:
            log.info("%s: same content already imported as %s", doc.path, same.path)
        return "unchanged", same.id
    if isinstance(doc, Failure):
        if same is not None:  # the same broken bytes failed before (maybe under another name)
            conn.execute(sa.update(db.documents).where(d.id == same.id).values(error=doc.error, failed_stage=doc.stage))
            return "failed", same.id
        return "failed", _insert_failure(conn, doc)
    # the document this path held before, unless other paths still hold that content
    before = conn.execute(st.path_document, {"path": doc.path}).scalar()
    stale = {same.id} if same is not None else set()
    if before is not None:
        others = conn.execute(
            sa.select(sa.func.count()).where(p.document_id == before, p.path != doc.path)
        ).scalar_one()
        if not others:
            stale.add(before)
    stale |= set(conn.execute(st.stale_documents, {"path": doc.path}).scalars())
    _delete(conn, sorted(stale))
    return ("replaced" if stale else "inserted"), _insert_protocol(conn, doc)


def delete_document(engine: Engine, document_id: int) -> None:
    """Delete one document with all its rows in one transaction, as replacing it on import does (``prune``)."""
    try:
        with db.write_transaction(engine) as conn:
            _delete(conn, [document_id])
            persons.refresh_pending(conn)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"could not delete document {document_id} from the database: {exc}") from exc


def _delete(conn: Connection, document_ids: list[int]) -> None:
    """Delete documents and all their rows, children first (no reliance on ON DELETE CASCADE)."""
    if not document_ids:
        return
    for table in db.ANATOMY_TABLES:
        conn.execute(sa.delete(table).where(table.c.document_id.in_(document_ids)))
    meeting_ids = sa.select(db.meetings.c.id).where(db.meetings.c.document_id.in_(document_ids))
    persons.forget_meetings(conn, meeting_ids)  # their persons are refreshed once the rows are gone
    item_ids = sa.select(db.items.c.id).where(db.items.c.meeting_id.in_(meeting_ids))
    vote_ids = sa.select(db.votes.c.id).where(db.votes.c.item_id.in_(item_ids))
    conn.execute(sa.delete(db.vote_members).where(db.vote_members.c.vote_id.in_(vote_ids)))
    for table in (db.votes, db.proposals, db.reservations, db.protocol_notes, db.recusals, db.decision_clauses):
        conn.execute(sa.delete(table).where(table.c.item_id.in_(item_ids)))
    conn.execute(sa.delete(db.entities).where(db.entities.c.item_id.in_(item_ids)))
    conn.execute(sa.delete(db.recipients).where(db.recipients.c.item_id.in_(item_ids)))
    conn.execute(sa.delete(db.sections).where(db.sections.c.item_id.in_(item_ids)))
    conn.execute(sa.delete(db.items).where(db.items.c.meeting_id.in_(meeting_ids)))
    conn.execute(sa.delete(db.attendees).where(db.attendees.c.meeting_id.in_(meeting_ids)))
    conn.execute(sa.delete(db.cover_entities).where(db.cover_entities.c.meeting_id.in_(meeting_ids)))
    conn.execute(sa.delete(db.meetings).where(db.meetings.c.document_id.in_(document_ids)))
    conn.execute(sa.delete(db.pages).where(db.pages.c.document_id.in_(document_ids)))
    conn.execute(sa.delete(db.document_paths).where(db.document_paths.c.document_id.in_(document_ids)))
    conn.execute(sa.delete(db.documents).where(db.documents.c.id.in_(document_ids)))


def _insert_failure(conn: Connection, doc: Failure) -> int:
    return int(conn.execute(
        sa.insert(db.documents)
        .values(
            path=doc.path, sha256=doc.sha256, size=doc.size, page_count=doc.page_count,
            status="failed", error=doc.error, failed_stage=doc.stage, ingested_at=db.now(),
        )
        .returning(db.documents.c.id)
    ).scalar_one())


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _entity_row(e: Entity) -> dict[str, object]:
    """The columns ``entities`` and ``cover_entities`` share."""
    return {
        "label": e.label, "text": e.text, "start_char": e.start, "end_char": e.end, "page": e.page,
        "party": e.party, "value_num": e.value_num, "value_date": _date(e.value_date), "unit": e.unit,
        "source": e.source, "norm": e.norm,
    }


def _box(doc: Protocol, key: str, page: bool = True) -> dict[str, Any]:
    """The box columns of a row (``db._box_columns``) from ``doc.boxes[key]`` (``boxes.box_key``); all null when
    the value was not located. ``page`` False for entities, whose ``page`` column is their own."""
    found = doc.boxes.get(key)
    first = found[0] if found else [None] * 5
    row: dict[str, Any] = {"page": first[0]} if page else {}
    row.update(x0=first[1], y0=first[2], x1=first[3], y1=first[4],
               boxes=json.dumps(found[1:]) if found and len(found) > 1 else None)
    return row


def _insert_protocol(conn: Connection, doc: Protocol) -> int:
    st = _statements()
    document_id = conn.execute(st.insert_document, {
        "path": doc.path, "sha256": doc.sha256, "size": doc.size, "page_count": doc.page_count, "status": "ok",
        "doc_type": doc.doc_type, "extractor": doc.extractor, "model": doc.model, "ingested_at": db.now(),
    }).scalar_one()
    if doc.pages:
        conn.execute(
            sa.insert(db.pages),
            [{"document_id": document_id, "number": p.number, "char_count": p.char_count,
              "has_text": p.has_text, "ocr": p.ocr, "text_quality": p.quality} for p in doc.pages],
        )
    m = doc.meeting
    meeting_id = conn.execute(st.insert_meeting, {
        "document_id": document_id, "organisation": m.organisation, "body": m.body,
        "meeting_date": _date(m.meeting_date), "place": m.place, "first_item": m.first_item, "last_item": m.last_item,
        "justering_date": _date(m.justering_date), "anslag_up": _date(m.anslag_up), "anslag_down": _date(m.anslag_down),
    }).scalar_one()
    if m.attendees:
        conn.execute(
            sa.insert(db.attendees),
            [{"meeting_id": meeting_id, "name": a.name, "party": a.party, "role": a.role, "kind": a.kind,
              "replaces": a.replaces, "presence": a.presence, "name_norm": a.norm,
              **_box(doc, f"attendee/{k}")} for k, a in enumerate(m.attendees)],
        )
    if m.entities:
        conn.execute(sa.insert(db.cover_entities), [{"meeting_id": meeting_id, **_entity_row(e),
                                                     **_box(doc, f"cover_entity/{k}", page=False)}
                                                    for k, e in enumerate(m.entities)])
    # items, then sections, each table in one statement (a statement per row was most of the writer's
    # own time on long protocols, docs/performance.md); the ids come back in the rows' order
    row_of_item = db.insert_ids(conn, db.items, [
        {"meeting_id": meeting_id, "number": item.number, "title": item.title, "case_number": item.case_number,
         "page_start": item.page_start, "page_end": item.page_end, **_box(doc, f"item/{i}")}
        for i, item in enumerate(doc.items)
    ])
    item_ids: dict[int, int] = {}
    for item, item_id in zip(doc.items, row_of_item, strict=True):
        item_ids.setdefault(item.number, item_id)
    recipient_rows = [{"item_id": item_id, "name": r, **_box(doc, f"recipient/{i}/{k}")}
                      for i, (item, item_id) in enumerate(zip(doc.items, row_of_item, strict=True))
                      for k, r in enumerate(item.recipients)]
    if recipient_rows:
        conn.execute(sa.insert(db.recipients), recipient_rows)
    placed = [(i, j, item, section, item_id) for i, (item, item_id) in enumerate(zip(doc.items, row_of_item, strict=True))
              for j, section in enumerate(item.sections)]
    row_of_section = db.insert_ids(conn, db.sections, [
        {"item_id": item_id, "position": section.position, "kind": section.kind, "heading": section.heading,
         "text": section.text, "page_start": section.page_start, "page_end": section.page_end,
         **_box(doc, f"section/{i}/{j}")}
        for i, j, _item, section, item_id in placed
    ])
    section_ids: dict[tuple[int, int], int] = {}
    entity_rows: list[dict[str, object]] = []
    for (i, j, item, section, item_id), section_id in zip(placed, row_of_section, strict=True):
        section_ids.setdefault((item.number, section.position), section_id)
        entity_rows.extend(
            {"item_id": item_id, "section_id": section_id, **_entity_row(e),
             **_box(doc, f"entity/{i}/{j}/{k}", page=False)} for k, e in enumerate(section.entities)
        )
    if entity_rows:
        conn.execute(sa.insert(db.entities), entity_rows)
    _insert_decisions(conn, doc, item_ids, section_ids)
    _insert_anatomy(conn, doc, int(document_id), item_ids)
    persons.link_meeting(conn, int(meeting_id))  # every person-bearing row gets its person_id
    return int(document_id)


def _insert_anatomy(conn: Connection, doc: Protocol, document_id: int, item_ids: dict[int, int]) -> None:
    """Regions, attachments and self-check issues; an attachment or issue naming no item of the document gets none."""
    def item_id(number: int | None) -> int | None:
        return item_ids.get(number) if number is not None else None

    rows: list[dict[str, object]] = [
        {"document_id": document_id, "kind": r.kind, "page_start": r.page_start, "page_end": r.page_end, "label": r.label}
        for r in doc.regions
    ]
    if rows:
        conn.execute(sa.insert(db.regions), rows)
    rows = [
        {"document_id": document_id, "item_id": item_id(a.item_number), "label": a.label, "kind": a.kind,
         "title": a.title, "page_start": a.page_start, "page_end": a.page_end, "text": a.text,
         **_box(doc, f"attachment/{k}")}
        for k, a in enumerate(doc.attachments)
    ]
    if rows:
        conn.execute(sa.insert(db.attachments), rows)
    rows = [
        {"document_id": document_id, "item_id": item_id(i.item_number), "severity": i.severity, "code": i.code,
         "message": i.message, "page": i.page}
        for i in doc.issues
    ]
    if rows:
        conn.execute(sa.insert(db.document_issues), rows)


def _insert_decisions(
    conn: Connection, doc: Protocol, item_ids: dict[int, int], section_ids: dict[tuple[int, int], int]
) -> None:
    """Proposals, votes with their members, reservations, protocol notes, recusals, decision clauses and the
    items' outcomes of one protocol."""
    found = doc.decisions

    def where(item_number: int, position: int) -> dict[str, int | None]:
        return {"item_id": item_ids[item_number], "section_id": section_ids.get((item_number, position))}

    _update_outcomes(conn, found, item_ids, section_ids)
    rows = [
        {**where(c.item_number, c.section_index), "position": c.position, "text": c.text, "start_char": c.start,
         "end_char": c.end}
        for c in found.clauses
        if c.item_number in item_ids
    ]
    if rows:
        conn.execute(sa.insert(db.decision_clauses), rows)
    rows = [
        {**where(p.item_number, p.section_position), "person": p.person, "party": p.party, "kind": p.kind, "text": p.text,
         "stance": p.stance, "target": p.target, "won": p.won, **_box(doc, f"proposal/{k}")}
        for k, p in enumerate(found.proposals)
        if p.item_number in item_ids
    ]
    if rows:
        conn.execute(sa.insert(db.proposals), rows)
    for stance_kind, table in (("reservation", db.reservations), ("protokollsanteckning", db.protocol_notes)):
        rows = [
            {**where(s.item_number, s.section_position), "person": s.person, "party": s.party, "text": s.text}
            for s in found.stances
            if s.kind == stance_kind and s.item_number in item_ids
        ]
        if rows:
            conn.execute(sa.insert(table), rows)
    rows = [
        {"item_id": item_ids[r.item_number], "section_id": section_ids.get((r.declared_in or r.item_number, r.section_position)),
         "person": r.person, "party": r.party, "reason": r.reason, "for_item_number": r.for_item_number,
         "text": r.text, "page": r.page}
        for r in found.recusals
        if r.item_number in item_ids
    ]
    if rows:
        conn.execute(sa.insert(db.recusals), rows)
    for k, v in enumerate(found.votes):
        if v.item_number not in item_ids:
            continue
        vote_id = conn.execute(
            sa.insert(db.votes)
            .values(**where(v.item_number, v.section_position), question=v.question, ja=v.ja, nej=v.nej,
                    avstar=v.avstar, franvarande=v.franvarande, warning=v.warning, method=v.method,
                    **_box(doc, f"vote/{k}"))
            .returning(db.votes.c.id)
        ).scalar_one()
        if v.members:
            conn.execute(
                sa.insert(db.vote_members),
                [{"vote_id": vote_id, "name": m.name, "party": m.party, "vote": m.vote} for m in v.members],
            )


def _update_outcomes(
    conn: Connection, found: Decisions, item_ids: dict[int, int], section_ids: dict[tuple[int, int], int]
) -> None:
    """Each item's outcome, the sentence it was read from and how the chair found the result (``items.outcome`` ...).

    An acklamation has no ``votes`` row: it is ``items.vote_method``, so that ``votes`` keeps holding counted votes.
    """
    rows = [
        {"b_id": item_ids[o.item_number], "b_outcome": o.outcome, "b_basis": o.basis,
         "b_section": section_ids.get((o.item_number, o.section_position)) if o.section_position is not None else None,
         "b_start": o.start, "b_end": o.end, "b_confidence": o.confidence, "b_method": o.vote_method}
        for o in found.outcomes
        if o.item_number in item_ids
    ]
    if rows:
        conn.execute(_statements().outcomes, rows)


@dataclass(frozen=True)
class Statements:
    """The statements ``save`` runs for every document, built once (``_statements``) and run with parameters.

    SQLAlchemy builds a statement and its cache key anew each time one is written out in a call
    (an insert with its values: five times the cost of running it); the rows are the same.
    """

    same_content: sa.Select[Any]  # id, path, status of the document of :sha256
    path_document: sa.Select[Any]  # the document :path holds
    stale_documents: sa.Select[Any]  # documents recorded as :path that no other path holds
    insert_document: ReturningInsert[Any]
    insert_meeting: ReturningInsert[Any]
    insert_path: sa.Insert
    update_path: sa.Update  # the row of path :b_path, the columns from the parameters
    outcomes: sa.Update  # an item's outcome columns, of item :b_id
    organisations: sa.Select[Any]  # the organisations of the meetings of :document_id
    set_run: sa.Update  # documents.run_id :b_run of :b_id


@functools.cache
def _statements() -> Statements:
    """The ``Statements``: a pure function of the schema, so one set serves every connection."""
    d, p, i = db.documents.c, db.document_paths.c, db.items.c
    path = sa.bindparam("path", type_=sa.Text)
    return Statements(
        same_content=sa.select(d.id, d.path, d.status).where(d.sha256 == sa.bindparam("sha256")),
        path_document=sa.select(p.document_id).where(p.path == path),
        stale_documents=sa.select(d.id).where(d.path == path, d.id.not_in(sa.select(p.document_id).where(p.path != path))),
        insert_document=sa.insert(db.documents).returning(d.id),
        insert_meeting=sa.insert(db.meetings).returning(db.meetings.c.id),
        insert_path=sa.insert(db.document_paths),
        update_path=sa.update(db.document_paths).where(p.path == sa.bindparam("b_path")),
        outcomes=sa.update(db.items).where(i.id == sa.bindparam("b_id")).values(
            outcome=sa.bindparam("b_outcome"), outcome_basis=sa.bindparam("b_basis"),
            outcome_section_id=sa.bindparam("b_section"), outcome_start=sa.bindparam("b_start"),
            outcome_end=sa.bindparam("b_end"), outcome_confidence=sa.bindparam("b_confidence"),
            vote_method=sa.bindparam("b_method"),
        ),
        organisations=sa.select(db.meetings.c.organisation).where(db.meetings.c.document_id == sa.bindparam("document_id")),
        set_run=sa.update(db.documents).where(d.id == sa.bindparam("b_id")).values(run_id=sa.bindparam("b_run")),
    )
