"""The writer's fast paths (issue 15) write what the plain statements wrote.

``load.save`` runs a fixed number of statements per document, however many rows it has:
``db.insert_ids`` numbers new rows itself on SQLite (SQLAlchemy ran one INSERT per row there to
learn their ids), ``persons._person_rows`` and ``persons.refresh`` read the eight person-bearing
tables in one UNION ALL each, new persons are inserted together, and the statements are built once.
Each is checked here against the plain way (the code before, kept in this file) on crafted rows,
on SQLite and, with $PROTOKOLL_TEST_DB, on PostgreSQL.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline import db, load, persons
from pipeline.types import (
    Attendee,
    Decisions,
    Entity,
    Item,
    Meeting,
    Proposal,
    Protocol,
    Recusal,
    Section,
    Stance,
    Vote,
    VoteMember,
)

NAMES = [f"{first} {last}" for first, last in
         itertools.product(["Anna", "Siw", "Per", "Kristina"], ["Berg", "Andersson", "Frostdahl-Blomqvist", "Ek"])]


def _protocol(items: int, sha: str, votes: bool = True) -> Protocol:
    """A protocol of ``items`` items naming persons in every table a person can be named in."""
    attendees = [Attendee("Berg Anna", "S", "ordförande", "ledamot", norm="Anna Berg"),
                 Attendee("Per Ek", "M", None, "ersattare", replaces="Siw Andersson (M)"),
                 Attendee("Kristina Berg", "C", None, "ledamot"),
                 Attendee("Siw Ek", None, None, "ersattare", replaces="Lisa")]  # one word: no member named
    cover = [Entity("PERSON", "Anna Berg", 0, 9, norm="Anna Berg"), Entity("ORG", "Kommunstyrelsen", 10, 25)]
    found = Decisions()
    sections = []
    for i in range(items):
        who = [NAMES[(2 * i + k) % len(NAMES)] for k in range(2)]
        text = " och ".join(who)
        entities = [Entity("PERSON", w, 0, len(w), party="S", norm=w) for w in who] + [Entity("MONEY", "5 kr", 0, 4)]
        sections.append(Item(i + 1, f"Ärende {i + 1}", None, 1, 1, [Section(1, "yrkanden", "Yrkanden", text, 1, 1, 0, entities)]))
        found.proposals += [Proposal(i + 1, 1, who[0], "S", "bifall", text), Proposal(i + 1, 1, None, None, "bifall", text)]
        found.stances += [Stance(i + 1, 1, "reservation", who[1], "M", text),
                          Stance(i + 1, 1, "protokollsanteckning", who[0], None, text)]
        found.recusals.append(Recusal(i + 1, 1, who[1], None, "jäv", text))
        if votes:
            found.votes.append(Vote(i + 1, 1, "Bifall?", 1, 1, 0, 0, [VoteMember(w, "S", "ja") for w in who]))
    meeting = Meeting("Björkviks kommun", "Kommunstyrelsen", "2024-05-14", attendees=attendees, entities=cover)
    return Protocol(f"doc-{sha}.pdf", sha * 64, 1, 1, "protokoll", meeting, sections, [], decisions=found)


def _engine(url: str) -> sa.Engine:
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


# ---------------------------------------------------------------- the plain way (the code before issue 15)


def _plain_person_rows(conn: sa.Connection, meeting_id: int) -> tuple[list[persons.Mention], list[tuple[int, str]]]:
    """``persons._person_rows`` and the attendees' ``replaces`` as they were read before: a select per table."""
    c = db.attendees.c
    found = [persons.Mention("attendees", r.id, r.name_norm or r.name, r.party, True, r.kind, r.role)
             for r in conn.execute(sa.select(c.id, c.name, c.name_norm, c.party, c.kind, c.role)
                                   .where(c.meeting_id == meeting_id).order_by(c.id))]
    items = sa.select(db.items.c.id).where(db.items.c.meeting_id == meeting_id).scalar_subquery()
    e, ce = db.entities.c, db.cover_entities.c
    found += [persons.Mention("cover_entities", r.id, r.norm or r.text, r.party)
              for r in conn.execute(sa.select(ce.id, ce.text, ce.norm, ce.party)
                                    .where(ce.meeting_id == meeting_id, ce.label == "PERSON").order_by(ce.id))]
    found += [persons.Mention("entities", r.id, r.norm or r.text, r.party)
              for r in conn.execute(sa.select(e.id, e.text, e.norm, e.party)
                                    .where(e.item_id.in_(items), e.label == "PERSON").order_by(e.id))]
    for table in (db.proposals, db.reservations, db.protocol_notes, db.recusals):
        t = table.c
        found += [persons.Mention(table.name, r.id, r.person, r.party)
                  for r in conn.execute(sa.select(t.id, t.person, t.party)
                                        .where(t.item_id.in_(items), t.person.is_not(None)).order_by(t.id))]
    vm, v = db.vote_members.c, db.votes.c
    votes = sa.select(v.id).where(v.item_id.in_(items)).scalar_subquery()
    found += [persons.Mention("vote_members", r.id, r.name, r.party)
              for r in conn.execute(sa.select(vm.id, vm.name, vm.party).where(vm.vote_id.in_(votes)).order_by(vm.id))]
    replaces = [(r.id, r.replaces) for r in conn.execute(
        sa.select(c.id, c.replaces).where(c.meeting_id == meeting_id, c.replaces.is_not(None)).order_by(c.id))]
    return found, replaces


def _plain_spellings(conn: sa.Connection, ids: list[int]) -> list[tuple[Any, ...]]:
    """The rows ``persons.refresh`` read before, a select per table: (table, person, as written, normalised, count)."""
    rows = []
    for n, name in enumerate(persons.LINKED_TABLES):
        t = db.metadata.tables[name]
        column = {"attendees": t.c.get("name_norm"), "cover_entities": t.c.get("norm"), "entities": t.c.get("norm"),
                  "vote_members": t.c.get("name")}.get(name, t.c.get("person"))
        written = {"attendees": t.c.get("name"), "cover_entities": t.c.get("text"), "entities": t.c.get("text")}.get(name, column)
        assert column is not None and written is not None
        query = (sa.select(t.c.person_id, written, column, sa.func.count()).where(t.c.person_id.in_(ids))
                 .group_by(t.c.person_id, written, column))
        rows += [(n, *r) for r in conn.execute(query)]
    return sorted(rows, key=repr)


# ---------------------------------------------------------------- the checks


def test_one_union_reads_the_rows_of_a_meeting_as_a_select_per_table_did(db_url: str) -> None:
    engine = _engine(db_url)
    load.save(engine, _protocol(1, "1"))
    load.save(engine, _protocol(6, "2"))
    with engine.connect() as conn:
        meetings = conn.execute(sa.select(db.meetings.c.id).order_by(db.meetings.c.id)).scalars().all()
        for meeting_id in meetings:
            plain, replaces = _plain_person_rows(conn, meeting_id)
            fast = persons._person_rows(conn, meeting_id)
            assert fast.mentions == plain and fast.replaces == replaces
            assert {m.table for m in plain} == set(persons.LINKED_TABLES)  # every table took part
        # the persons and their spellings: the same rows from the UNION as from a select per table
        ids = conn.execute(sa.select(db.persons.c.id)).scalars().all()
        assert len(ids) > 10
        fast_rows = conn.execute(persons._spellings_query(), {"ids": ids}).all()
        assert sorted((tuple(r) for r in fast_rows), key=repr) == _plain_spellings(conn, ids)
    engine.dispose()


def test_new_rows_get_the_ids_one_insert_per_row_gave(tmp_path: Path) -> None:
    fast, plain = _engine(str(tmp_path / "fast.db")), _engine(str(tmp_path / "plain.db"))
    t = db.persons

    def rows(*names: str) -> list[dict[str, Any]]:
        return [{"name": n, "sort_name": n, "organisation": "X", "identifiers": {"key": n}} for n in names]

    def one_by_one(conn: sa.Connection, table: sa.Table, batch: list[dict[str, Any]]) -> list[int]:
        return [conn.execute(sa.insert(table).returning(table.c.id), row).scalar_one() for row in batch]

    steps = [rows("a", "b", "c"), rows("d"), rows("e", "f"), rows("g", "h", "i", "j")]
    got: dict[str, list[list[int]]] = {"fast": [], "plain": []}
    for engine, insert in ((fast, db.insert_ids), (plain, one_by_one)):
        name = "fast" if engine is fast else "plain"
        for k, batch in enumerate(steps):
            with db.write_transaction(engine) as conn:
                got[name].append(insert(conn, t, batch))
                if k == 1:  # the last rows deleted: SQLite numbers on from the largest id left
                    conn.execute(sa.delete(t).where(t.c.id >= 3))
                if k == 2:  # a row in the middle deleted: its id is not taken again
                    conn.execute(sa.delete(t).where(t.c.id == 2))
    assert got["fast"] == got["plain"] == [[1, 2, 3], [4], [3, 4], [5, 6, 7, 8]]
    dump = "SELECT id, name, sort_name, organisation, identifiers FROM persons ORDER BY id"
    with fast.connect() as a, plain.connect() as b:
        assert a.exec_driver_sql(dump).all() == b.exec_driver_sql(dump).all()
    fast.dispose()
    plain.dispose()


def test_insert_ids_at_the_largest_rowid_leaves_the_numbers_to_sqlite(tmp_path: Path) -> None:
    engine = _engine(str(tmp_path / "top.db"))
    t = db.persons
    with db.write_transaction(engine) as conn:
        conn.execute(sa.insert(t), [{"id": db.SQLITE_MAX_ROWID - 1, "name": "top", "sort_name": "top"}])
        ids = db.insert_ids(conn, t, [{"name": n, "sort_name": n} for n in ("x", "y", "z")])
        assert len(set(ids)) == 3
        names = dict(conn.execute(sa.select(t.c.id, t.c.name).where(t.c.id.in_(ids))).all())
        assert [names[i] for i in ids] == ["x", "y", "z"]
    engine.dispose()


def test_insert_ids_numbers_the_rows_in_their_order(db_url: str) -> None:
    engine = _engine(db_url)
    t = db.persons
    with db.write_transaction(engine) as conn:
        assert db.insert_ids(conn, t, []) == []
        first = db.insert_ids(conn, t, [{"name": n, "sort_name": n} for n in ("a", "b")])
        ids = db.insert_ids(conn, t, [{"name": n, "sort_name": n} for n in ("c", "d", "e")])
        assert ids == [first[-1] + 1, first[-1] + 2, first[-1] + 3]
        names = dict(conn.execute(sa.select(t.c.id, t.c.name)).all())
        assert [names[i] for i in first + ids] == ["a", "b", "c", "d", "e"]
    engine.dispose()


def test_a_document_costs_the_same_statements_however_many_rows_it_has(db_url: str) -> None:
    """No statement per row, person or alias (7300 statements for the 55 bench documents before, 1900 after)."""
    engine = _engine(db_url)
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    counts = []
    for items, sha in ((2, "3"), (12, "4")):
        seen.clear()
        assert load.save(engine, _protocol(items, sha, votes=False), run_id=1) == "inserted"
        counts.append(len(seen))
    sa.event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    assert counts[0] == counts[1] <= 45, counts  # every person-bearing table has rows here


def test_identifiers_are_parsed_only_when_they_may_hold_the_text() -> None:
    sha = "0123456789abcdef" * 4
    plain = json.dumps({"key": "åsa berg", "first_document": "f" * 64})  # json.dumps: å as \\u00e5
    assert "\\u00e5" in plain
    assert persons._identifiers_holding(plain, sha) == {}
    assert persons._identifiers_holding(plain, "curated_name") == {}
    own = json.dumps({"key": "åsa berg", "first_document": sha})
    assert persons._identifiers_holding(own, sha) == {"key": "åsa berg", "first_document": sha}
    escaped = '{"first_document": "\\u0030' + sha[1:] + '"}'  # a digit escaped: never json.dumps, yet the same sha
    assert json.loads(escaped)["first_document"] == sha
    assert persons._identifiers_holding(escaped, sha) == {"first_document": sha}
    curated = '{"key": "anna berg", "cur\\u0061ted_name": "Anna Berg"}'
    assert persons._identifiers_holding(curated, "curated_name").get("curated_name") == "Anna Berg"
    assert persons._identifiers_holding(None, sha) == {}
    assert persons._identifiers_holding("null", "null") == {}
