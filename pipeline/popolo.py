"""Popolo export: the person registry, bodies, parties, meetings, proposals and votes as Popolo JSON (issue 13).

Popolo (https://www.popoloproject.com/) is the data model civic-tech tools share for people,
organisations, memberships, events, motions and votes. ``protokoll export --format popolo DIR``
writes one file, ``DIR/popolo.json``: one object with an array per class (``persons``,
``organizations``, ``memberships``, ``events``, ``motions``, ``vote_events``), the layout
EveryPolitician published and the ``everypolitician-popolo`` readers load. One file, replaced in
one rename, because the classes refer to each other by id: a reader never sees the persons of one
export with the memberships of another.

Ids are derived from what the database holds, never random, so that exporting the same database
twice gives the same bytes and a rebuilt database gives the same ids: a municipality is
``org/<name>``, a body ``org/<municipality>/<body>``, a party ``org/<municipality>/party/<code>``,
a person ``person/<municipality>/<resolution key>`` (the normalised name the registry created the
person for, which a later spelling does not change), a meeting ``event/<municipality>/<body>/<date>``
and its items ``.../<§ number>``, motions and vote events the item's id with their position. Two
objects that would get one id are told apart by a suffix in database order.

What Popolo has no class for (reservations, protocol notes, jäv, an attendee's kind of seat, the
party of a proposal) goes into an ``extras`` object, the convention of Open Civic Data (a Popolo
profile); the schemas allow further properties, so the file still validates. ``docs/popolo.md``
maps every Swedish concept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from . import db
from .errors import DatabaseError
from .persons import REPLACED_RE, membership_role
from .query import ExportError, _export_folder, _umask
from .values import PARTIES

POPOLO_FILE = "popolo.json"
CLASSES = ("persons", "organizations", "memberships", "events", "motions", "vote_events")
# vote_members.vote -> Popolo's Vote option
VOTE_OPTIONS = {"ja": "yes", "nej": "no", "avstår": "abstain", "frånvarande": "absent"}
# votes columns -> Popolo's Count option
COUNT_COLUMNS = (("ja", "yes"), ("nej", "no"), ("avstar", "abstain"), ("franvarande", "absent"))
ROLE_LABELS = {"ordförande": "chair", "vice ordförande": "vice chair", "ledamot": "member", "ersättare": "substitute"}
MOTION_RESULTS = {True: "pass", False: "fail"}

Json = dict[str, Any]
DbRow: TypeAlias = "Row[*tuple[Any, ...]]"  # a result row of any width


def slug(text: str | None) -> str:
    """ASCII lower case words joined by hyphens: ``Björkviks kommun`` -> ``bjorkviks-kommun``; ``unknown`` for nothing."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "unknown"


def org_id(organisation: str | None) -> str:
    """The municipality or region: ``org/bjorkviks-kommun`` (``org/unknown`` when the protocol does not say)."""
    return f"org/{slug(organisation)}"


def body_id(organisation: str | None, body: str | None) -> str:
    """A body of the municipality: ``org/bjorkviks-kommun/kommunstyrelsen``."""
    return f"{org_id(organisation)}/{slug(body)}"


def party_id(organisation: str | None, code: str) -> str:
    """A party within one municipality (local codes such as BP differ between municipalities)."""
    return f"{org_id(organisation)}/party/{slug(code)}"


def organisation_kind(name: str | None) -> str | None:
    """``region`` for ``Region Västerbotten`` (every Swedish region is named so), else ``municipality``."""
    if name is None:
        return None
    return "region" if name.split()[0].lower() == "region" else "municipality"


def body_kind(name: str | None) -> str:
    """``legislature`` for a fullmäktige (the elected assembly), ``committee`` for styrelser, nämnder, utskott."""
    return "legislature" if name and "fullmäktige" in name.lower() else "committee"


def _iso(value: dt.date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def unique_ids(bases: Iterable[tuple[Any, str]]) -> dict[Any, str]:
    """{key: id}: each key's base id, with ``-2``, ``-3`` ... after the first where several keys share one (in key order)."""
    by_base: dict[str, list[Any]] = defaultdict(list)
    for key, base in bases:
        by_base[base].append(key)
    ids: dict[Any, str] = {}
    for base, keys in by_base.items():
        for n, key in enumerate(sorted(keys)):
            ids[key] = base if n == 0 else f"{base}-{n + 1}"
    return ids


@dataclass
class Records:
    """The rows the export reads, each list in database id order."""

    meetings: Sequence[DbRow]
    items: Sequence[DbRow]
    attendees: Sequence[DbRow]
    persons: Sequence[DbRow]
    aliases: Sequence[DbRow]
    memberships: Sequence[DbRow]
    proposals: Sequence[DbRow]
    votes: Sequence[DbRow]
    vote_members: Sequence[DbRow]
    reservations: Sequence[DbRow]
    protocol_notes: Sequence[DbRow]
    recusals: Sequence[DbRow]
    person_pages: Sequence[DbRow]


def fetch(conn: Connection) -> Records:
    """Read what the export needs; meetings of documents that failed have no rows and are left out by the joins."""
    m, d, i, a = db.meetings.c, db.documents.c, db.items.c, db.attendees.c
    s = db.sections.c

    def stance_rows(table: sa.Table) -> Sequence[DbRow]:
        t = table.c
        return conn.execute(
            sa.select(t.id, t.item_id, t.person, t.party, t.text, t.person_id, s.page_start.label("page"))
            .join_from(table, db.sections, s.id == t.section_id, isouter=True).order_by(t.id)
        ).all()

    return Records(
        meetings=conn.execute(
            sa.select(m.id, m.organisation, m.body, m.meeting_date, m.place, d.path, d.sha256)
            .join_from(db.meetings, db.documents, d.id == m.document_id).order_by(m.id)
        ).all(),
        items=conn.execute(
            sa.select(i.id, i.meeting_id, i.number, i.title, i.case_number, i.page_start, i.page, i.outcome,
                      i.outcome_basis, i.vote_method).order_by(i.id)
        ).all(),
        attendees=conn.execute(
            sa.select(a.id, a.meeting_id, a.name, a.party, a.role, a.kind, a.replaces, a.replaces_person_id,
                      a.presence, a.person_id, a.page).order_by(a.id)
        ).all(),
        persons=conn.execute(sa.select(db.persons).order_by(db.persons.c.id)).all(),
        aliases=conn.execute(
            sa.select(db.person_aliases.c.person_id, db.person_aliases.c.name).distinct()
            .order_by(db.person_aliases.c.person_id, db.person_aliases.c.name)
        ).all(),
        memberships=conn.execute(sa.select(db.memberships).order_by(db.memberships.c.id)).all(),
        proposals=conn.execute(sa.select(db.proposals).order_by(db.proposals.c.id)).all(),
        votes=conn.execute(sa.select(db.votes).order_by(db.votes.c.id)).all(),
        vote_members=conn.execute(sa.select(db.vote_members).order_by(db.vote_members.c.id)).all(),
        reservations=stance_rows(db.reservations),
        protocol_notes=stance_rows(db.protocol_notes),
        recusals=conn.execute(sa.select(db.recusals).order_by(db.recusals.c.id)).all(),
        person_pages=_person_pages(conn),
    )


def _person_pages(conn: Connection) -> Sequence[DbRow]:
    """(person_id, meeting_id, first page) for every meeting a person is named in, from every person-bearing table."""
    i, v = db.items.c, db.votes.c
    parts: list[sa.Select[Any]] = [
        sa.select(db.attendees.c.person_id, db.attendees.c.meeting_id, db.attendees.c.page),
        sa.select(db.cover_entities.c.person_id, db.cover_entities.c.meeting_id, db.cover_entities.c.page),
        sa.select(db.vote_members.c.person_id, i.meeting_id, v.page)
        .join_from(db.vote_members, db.votes, v.id == db.vote_members.c.vote_id).join(db.items, i.id == v.item_id),
    ]
    for table in (db.entities, db.proposals, db.reservations, db.protocol_notes, db.recusals):
        page = table.c.page if "page" in table.c else i.page_start
        parts.append(sa.select(table.c.person_id, i.meeting_id, page).join_from(table, db.items, i.id == table.c.item_id))
    union = sa.union_all(*parts).subquery()
    return conn.execute(
        sa.select(union.c[0].label("person_id"), union.c[1].label("meeting_id"), sa.func.min(union.c[2]).label("page"))
        .where(union.c[0].is_not(None)).group_by(union.c[0], union.c[1])
    ).all()


@dataclass
class Sources:
    """Per object key, the first page it stands on in each meeting's document; turned into Popolo links."""

    meetings: dict[int, DbRow]
    pages: dict[Any, dict[int, int | None]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, key: Any, meeting_id: int, page: int | None) -> None:
        seen = self.pages[key]
        old = seen.get(meeting_id)
        if meeting_id not in seen or (page is not None and (old is None or page < old)):
            seen[meeting_id] = page

    def links(self, key: Any) -> list[Json]:
        """The sources of ``key`` in meeting order (date, then document path)."""
        found = self.pages.get(key, {})
        order = sorted(found, key=lambda mid: (_iso(self.meetings[mid].meeting_date) or "", self.meetings[mid].path))
        return [self.link(mid, found[mid]) for mid in order]

    def link(self, meeting_id: int, page: int | None, where: str = "") -> Json:
        """``{"url": "file:///.../x.pdf#page=3", "note": "Kommunstyrelsen 2024-03-12, § 48, page 3"}``."""
        m = self.meetings[meeting_id]
        path = Path(m.path).absolute()
        # a PDF viewer opens the page of "#page=N"; a text file (pdftotext input) has no such fragment
        url = path.as_uri() + (f"#page={page}" if page and path.suffix.lower() == ".pdf" else "")
        parts = [f"{m.body or m.organisation or 'meeting'} {_iso(m.meeting_date) or ''}".strip(), where,
                 f"page {page}" if page else ""]
        return {"url": url, "note": ", ".join(p for p in parts if p)}


@dataclass
class Ids:
    """The Popolo id of every database row that becomes an object or is referred to."""

    persons: dict[int, str]
    meetings: dict[int, str]
    items: dict[int, str]


def make_ids(r: Records) -> Ids:
    """Stable ids from names, keys, dates and § numbers (see the module docstring)."""
    persons = unique_ids(
        (p.id, f"person/{slug(p.organisation)}/{slug((p.identifiers or {}).get('key') or p.name)}") for p in r.persons
    )
    meetings = unique_ids(
        (m.id, f"event/{body_id(m.organisation, m.body)[4:]}/{_iso(m.meeting_date) or m.sha256[:12]}") for m in r.meetings
    )
    items = unique_ids((i.id, f"{meetings[i.meeting_id]}/{i.number}") for i in r.items if i.meeting_id in meetings)
    return Ids(persons, meetings, items)


def build(r: Records) -> dict[str, list[Json]]:
    """The Popolo classes, each array sorted by id."""
    ids = make_ids(r)
    sources = Sources({m.id: m for m in r.meetings})
    meetings = {m.id: m for m in r.meetings}
    items = {i.id: i for i in r.items if i.meeting_id in meetings}
    out = {
        "persons": _persons(r, ids, sources, meetings),
        "organizations": _organizations(r, items, sources),
        "memberships": _memberships(r, ids, sources),
        "events": _events(r, ids, sources, items),
        "motions": _motions(r, ids, sources, items),
        "vote_events": _vote_events(r, ids, sources, items),
    }
    return {name: sorted(objects, key=lambda o: o["id"]) for name, objects in out.items()}


def _persons(r: Records, ids: Ids, sources: Sources, meetings: dict[int, DbRow]) -> list[Json]:
    for row in r.person_pages:
        if row.meeting_id in meetings:
            sources.add(("person", row.person_id), row.meeting_id, row.page)
    aliases: dict[int, list[str]] = defaultdict(list)
    for alias in r.aliases:
        aliases[alias.person_id].append(alias.name)
    out = []
    for p in r.persons:
        obj: Json = {
            "id": ids.persons[p.id], "name": p.name, "family_name": p.family_name, "sort_name": p.sort_name,
            "identifiers": [{"scheme": "protokoll:persons.id", "identifier": str(p.id)}],
            "sources": sources.links(("person", p.id)),
            "extras": {"organization_id": org_id(p.organisation)},
        }
        if p.given_name:
            obj["given_name"] = p.given_name
        others = sorted({a for a in aliases[p.id] if a != p.name})
        if others:
            obj["other_names"] = [{"name": a} for a in others]
        out.append(obj)
    return out


def _organizations(r: Records, items: dict[int, DbRow], sources: Sources) -> list[Json]:
    """The municipalities and regions, their bodies (from the meetings) and the parties named with a person."""
    out: dict[str, Json] = {}
    for m in r.meetings:
        top, body = org_id(m.organisation), body_id(m.organisation, m.body)
        sources.add(top, m.id, 1)
        sources.add(body, m.id, 1)
        out.setdefault(top, {"id": top, "name": m.organisation, "classification": organisation_kind(m.organisation)})
        out.setdefault(body, {"id": body, "name": m.body, "classification": body_kind(m.body), "parent_id": top})
    for meeting_id, party, page in _party_mentions(r, items):
        organisation = sources.meetings[meeting_id].organisation
        pid = party_id(organisation, party)
        sources.add(pid, meeting_id, page)
        if pid not in out:
            out[pid] = _party(pid, party, organisation)
    for obj in out.values():
        obj["sources"] = sources.links(obj["id"])
    return list(out.values())


def _party(pid: str, code: str, organisation: str | None) -> Json:
    """A party: named as the vocabulary names its code (``S`` -> Socialdemokraterna), else by the code (a local party)."""
    obj: Json = {"id": pid, "name": PARTIES.get(code, code), "classification": "party",
                 "identifiers": [{"scheme": "protokoll:party", "identifier": code}],
                 "extras": {"organization_id": org_id(organisation)}}
    if obj["name"] != code:
        obj["other_names"] = [{"name": code, "note": "abbreviation"}]
    return obj


def _party_mentions(r: Records, items: dict[int, DbRow]) -> Iterator[tuple[int, str, int | None]]:
    """(meeting id, party code, page) of every row that names a party."""
    meetings = {m.id for m in r.meetings}
    for a in r.attendees:
        if a.meeting_id not in meetings:
            continue
        replaced = REPLACED_RE.match(a.replaces or "")
        for party in (a.party, replaced.group("party") if replaced else None):  # "X (S) ersätter Y (S)": Y's too
            if party:
                yield a.meeting_id, party, a.page
    item_rows: list[DbRow] = [*r.proposals, *r.reservations, *r.protocol_notes, *r.recusals]
    for row in item_rows:
        if row.party and row.item_id in items:
            yield items[row.item_id].meeting_id, row.party, row.page
    votes = {v.id: v for v in r.votes if v.item_id in items}
    for vm in r.vote_members:
        if vm.party and vm.vote_id in votes:
            vote = votes[vm.vote_id]
            yield items[vote.item_id].meeting_id, vm.party, vote.page


def _memberships(r: Records, ids: Ids, sources: Sources) -> list[Json]:
    """The memberships table, each with the attendance rows it was derived from as its sources."""
    for a in r.attendees:
        if a.meeting_id not in sources.meetings:
            continue
        m = sources.meetings[a.meeting_id]
        role = membership_role(a.kind, a.role)
        if role and a.person_id is not None:
            sources.add((a.person_id, m.organisation, m.body, role, a.party, "attendance"), a.meeting_id, a.page)
        if a.replaces_person_id is not None:
            replaced = REPLACED_RE.match(a.replaces or "")
            party = replaced.group("party") if replaced else None
            sources.add((a.replaces_person_id, m.organisation, m.body, "ledamot", party, "ersätter"), a.meeting_id, a.page)
    keyed = unique_ids(
        (ms.id, "membership/{}/{}/{}/{}/{}".format(
            ids.persons[ms.person_id].removeprefix("person/"), slug(ms.body), slug(ms.role), slug(ms.party), slug(ms.source)))
        for ms in r.memberships if ms.person_id in ids.persons
    )
    out = []
    for ms in r.memberships:
        if ms.id not in keyed:
            continue
        obj: Json = {
            "id": keyed[ms.id], "person_id": ids.persons[ms.person_id],
            "organization_id": body_id(ms.organisation, ms.body),
            "role": ms.role, "label": ROLE_LABELS.get(ms.role, ms.role),
            "start_date": _iso(ms.start_date), "end_date": _iso(ms.end_date),
            "sources": sources.links((ms.person_id, ms.organisation, ms.body, ms.role, ms.party, ms.source)),
            "extras": {"party": ms.party, "source": ms.source},
        }
        if ms.party:
            obj["on_behalf_of_id"] = party_id(ms.organisation, ms.party)
        out.append(obj)
    return out


def _events(r: Records, ids: Ids, sources: Sources, items: dict[int, DbRow]) -> list[Json]:
    """One event per meeting (with its attendees) and one child event per item (§) with its outcome and stances."""
    out = []
    for m in r.meetings:
        out.append({
            "id": ids.meetings[m.id], "name": f"{m.body or m.organisation or 'Meeting'} {_iso(m.meeting_date) or ''}".strip(),
            "classification": "meeting", "start_date": _iso(m.meeting_date), "location": m.place,
            "organization_id": body_id(m.organisation, m.body),
            "identifiers": [{"scheme": "sha256", "identifier": m.sha256}],
            "attendees": _attendees([a for a in r.attendees if a.meeting_id == m.id], ids, m.organisation),
            "sources": [sources.link(m.id, 1)],
        })
    stances = _item_stances(r, ids, sources, items)
    for i in items.values():
        m = sources.meetings[i.meeting_id]
        obj: Json = {
            "id": ids.items[i.id], "name": f"§ {i.number} {i.title or ''}".strip(), "classification": "agenda item",
            "parent_id": ids.meetings[i.meeting_id], "start_date": _iso(m.meeting_date),
            "organization_id": body_id(m.organisation, m.body),
            "sources": [sources.link(i.meeting_id, i.page or i.page_start, f"§ {i.number}")],
            "extras": {"number": i.number, "title": i.title, "outcome": i.outcome, "outcome_basis": i.outcome_basis,
                       "vote_method": i.vote_method, **stances.get(i.id, {})},
        }
        if i.case_number:
            obj["identifiers"] = [{"scheme": "diarienummer", "identifier": i.case_number}]
        out.append(obj)
    return out


def _attendees(rows: list[DbRow], ids: Ids, organisation: str | None) -> list[Json]:
    """One attendee per person: the seat of its first row other than justerare, ``justerare`` when it checks the protocol."""
    by_person: dict[Any, list[DbRow]] = {}
    for a in rows:
        by_person.setdefault(a.person_id if a.person_id is not None else ("name", a.name), []).append(a)
    out = []
    for person, group in by_person.items():
        seat = next((a for a in group if a.kind != "justerare"), group[0])
        extras: Json = {"name_as_written": seat.name, "kind": seat.kind, "role": seat.role, "party": seat.party,
                        "justerare": any(a.kind == "justerare" for a in group)}
        if seat.party:
            extras["party_id"] = party_id(organisation, seat.party)
        if seat.replaces_person_id is not None:
            extras["replaces_id"] = ids.persons.get(seat.replaces_person_id)
        if seat.presence:
            extras["presence"] = seat.presence
        obj: Json = {"name": seat.name, "extras": extras}
        if person in ids.persons:
            obj["id"] = ids.persons[person]
        out.append(obj)
    return out


def _item_stances(r: Records, ids: Ids, sources: Sources, items: dict[int, DbRow]) -> dict[int, Json]:
    """Per item: its reservations, protocol notes and jäv declarations, which Popolo has no class for."""
    out: dict[int, Json] = defaultdict(lambda: {"reservations": [], "protocol_notes": [], "recusals": []})
    tables: list[tuple[str, Sequence[DbRow]]] = [
        ("reservations", r.reservations), ("protocol_notes", r.protocol_notes), ("recusals", r.recusals)]
    for name, rows in tables:
        for row in rows:
            if row.item_id not in items:
                continue
            meeting_id = items[row.item_id].meeting_id
            entry: Json = {"person_id": ids.persons.get(row.person_id), "name": row.person, "party": row.party,
                           "text": row.text, "source": sources.link(meeting_id, row.page, f"§ {items[row.item_id].number}")}
            if row.party:
                entry["party_id"] = party_id(sources.meetings[meeting_id].organisation, row.party)
            if name == "recusals":
                entry["reason"] = row.reason
            out[row.item_id][name].append(entry)
    return out


def _motions(r: Records, ids: Ids, sources: Sources, items: dict[int, DbRow]) -> list[Json]:
    """One motion per proposal (yrkande): its proposer, stance, text, whether it won and where it stands."""
    out = []
    position: dict[int, int] = defaultdict(int)
    for p in r.proposals:
        if p.item_id not in items:
            continue
        item = items[p.item_id]
        m = sources.meetings[item.meeting_id]
        position[p.item_id] += 1
        obj: Json = {
            "id": f"motion/{ids.items[p.item_id].removeprefix('event/')}/{position[p.item_id]}",
            "organization_id": body_id(m.organisation, m.body), "legislative_session_id": ids.meetings[item.meeting_id],
            "creator_id": ids.persons.get(p.person_id), "text": p.text, "classification": p.stance or p.kind,
            "sources": [sources.link(item.meeting_id, p.page, f"§ {item.number}")],
            "extras": {"item_id": ids.items[p.item_id], "date": _iso(m.meeting_date), "person": p.person,
                       "party": p.party, "kind": p.kind, "stance": p.stance, "target": p.target, "won": p.won},
        }
        if p.party:
            obj["extras"]["party_id"] = party_id(m.organisation, p.party)
        if p.won is not None:
            obj["result"] = MOTION_RESULTS[bool(p.won)]
        out.append(obj)
    return out


def _vote_events(r: Records, ids: Ids, sources: Sources, items: dict[int, DbRow]) -> list[Json]:
    """One vote event per votering: the counts the protocol states and each member's vote where it lists them."""
    members: dict[int, list[DbRow]] = defaultdict(list)
    for vm in r.vote_members:
        members[vm.vote_id].append(vm)
    out = []
    position: dict[int, int] = defaultdict(int)
    for v in r.votes:
        if v.item_id not in items:
            continue
        item = items[v.item_id]
        m = sources.meetings[item.meeting_id]
        position[v.item_id] += 1
        counts = [{"option": option, "value": getattr(v, column)} for column, option in COUNT_COLUMNS
                  if getattr(v, column) is not None]
        votes = [_vote(vm, ids, m.organisation) for vm in members[v.id]]
        obj: Json = {
            "id": f"vote/{ids.items[v.item_id].removeprefix('event/')}/{position[v.item_id]}",
            "organization_id": body_id(m.organisation, m.body), "legislative_session_id": ids.meetings[item.meeting_id],
            "classification": v.method or "votering", "counts": counts, "votes": votes,
            "sources": [sources.link(item.meeting_id, v.page, f"§ {item.number}")],
            "extras": {"item_id": ids.items[v.item_id], "date": _iso(m.meeting_date), "question": v.question,
                       "warning": v.warning, "note": counts_note(counts, votes)},
        }
        result = vote_result(v.ja, v.nej)
        if result:
            obj["result"] = result
        out.append(obj)
    return out


def _vote(vm: DbRow, ids: Ids, organisation: str | None) -> Json:
    vote: Json = {"voter_id": ids.persons.get(vm.person_id), "option": VOTE_OPTIONS.get(vm.vote, vm.vote),
                  "extras": {"name": vm.name, "party": vm.party}}
    if vm.party:
        vote["group_id"] = party_id(organisation, vm.party)
    return vote


def vote_result(ja: int | None, nej: int | None) -> str | None:
    """The option with more votes (``yes``: the ja side won; the question says what ja stands for); None on a tie."""
    if ja is None or nej is None or ja == nej:
        return None
    return "yes" if ja > nej else "no"


def counts_note(counts: list[Json], votes: list[Json]) -> str | None:
    """Why the counts and the votes disagree, or None when every count equals the votes of its option."""
    if not votes:
        return "the protocol lists no member's vote: the counts are as the protocol states them"
    tally: dict[str, int] = defaultdict(int)
    for vote in votes:
        tally[vote["option"]] += 1
    stated = {c["option"]: c["value"] for c in counts}
    differ = sorted(o for o in set(stated) | set(tally) if stated.get(o, 0) != tally.get(o, 0))
    if not differ:
        return None
    return "the stated counts differ from the listed votes: " + ", ".join(
        f"{o} {f'{stated[o]} stated' if o in stated else 'not stated'}, {tally.get(o, 0)} listed" for o in differ)


def read(engine: Engine) -> dict[str, list[Json]]:
    """The Popolo classes of a database (read-only: the engine may be one that cannot write)."""
    try:
        with engine.connect() as conn:
            return build(fetch(conn))
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the database at {engine.url}: {str(exc).splitlines()[0]}") from exc


def write(data: dict[str, list[Json]], folder: Path) -> Path:
    """Write ``folder/popolo.json`` through a temporary file renamed over it (a symlink there is replaced, not followed)."""
    _export_folder(folder)
    target = folder / POPOLO_FILE
    text = json.dumps({name: data[name] for name in CLASSES}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{POPOLO_FILE}.", suffix=".tmp")
        tmp = Path(name)
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
        return target
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}; export to a folder you can write") from exc
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()


def export(engine: Engine, folder: Path) -> tuple[Path, dict[str, int]]:
    """Write the Popolo export of the database to ``folder``; returns the file and the objects per class."""
    data = read(engine)
    return write(data, folder), {name: len(data[name]) for name in CLASSES}
