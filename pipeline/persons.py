"""Person resolution: which person of the registry each person-bearing row names (issue 13).

A protocol writes one politician as ``Siw Frostdahl-Blomqvist``, ``Frostdahl-Blomqvist Siw``,
``Frostdahl-Blomqvists`` or ``S Frostdahl-Blomqvist``, and two municipalities may each have an
``Anna Andersson``. Resolution runs when a document is loaded (``load`` calls ``link_meeting``
in the document's transaction) and works in two steps:

1. **Within the meeting.** Every attendee is a person of its own (two attendees with different
   names are never merged; the same name on two lists, ``Beslutande`` and ``Justerare``, is one).
   Every other mention (PERSON entities, proposals, votes, reservations, notes, jäv) is tied to
   an attendee by its normalised name (order, case, genitive), by initials or by a near spelling;
   mentions of people not at the meeting group by normalised name.
2. **Within the organisation** (municipality or region, ``meetings.organisation``; never across
   two). Each group of the meeting is matched to the registry: the same normalised name, or
   initials, or a near spelling; among several candidates the one holding a membership in the
   meeting's body wins, then the one of the same party, then the closest spelling. Two groups of
   one meeting never take the same person. No candidate: a new person.

Every linked row records ``match_method`` (``MATCH_METHODS``) and ``match_score`` (1.0 for an
exact name). Resolution is deterministic for a given import order and idempotent: importing a
document again (``--force``) links its rows to the persons its first import created, since
those persons are removed only when no row names them any more (``refresh``).
Memberships (ledamot, ersättare, ordförande, vice ordförande; ``X ersätter Y`` makes Y a
ledamot) and aliases (every spelling a person was written in) are derived from the linked rows.
Where resolution is wrong the curator corrects it (merge, split, rename): pipeline/curation.py,
applied after ``link_meeting`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import db
from .names import fold, normal_key, strip_genitive
from .tag import natural_order

MATCH_METHODS = ("exact", "genitive", "initials", "surname", "similar", "new", "curator")  # curator: pipeline/curation.py
# A near spelling: every word pairs with a word of the other name, equal or one edit apart, and
# words one edit apart have at least this many letters ("Enocsson" / "Enocson", never "Berg" / "Borg").
SIMILAR_MIN_LETTERS = 6
SIMILAR_THRESHOLD = 0.9  # and the whole names this close (difflib ratio)
PENDING = "persons_pending"  # conn.info key: persons whose rows were deleted in this transaction

Key = tuple[str, ...]


@dataclass
class Mention:
    """One person-bearing row of a meeting (``table`` None: the replaced member of ``X ersätter Y``)."""

    table: str | None
    row_id: int | None
    name: str
    party: str | None
    attendee: bool = False
    kind: str | None = None
    role: str | None = None


@dataclass
class Group:
    """The mentions of one person within a meeting, and how each was tied to the group."""

    key: Key
    name: str
    party: str | None
    attendee: bool
    mentions: list[tuple[Mention, str, float]] = field(default_factory=list)
    person_id: int | None = None
    method: str = "new"
    score: float = 1.0


@dataclass
class Candidate:
    """A person of the registry with what resolution compares."""

    person_id: int
    keys: set[Key]
    parties: set[str]
    bodies: set[str | None]
    first_document: str | None = None  # the sha256 of the document that created the person
    first_key: str | None = None  # the key of the name it was created for


# ---------------------------------------------------------------- comparing names


def key_forms(name: str) -> list[Key]:
    """The keys a name may stand for: as written, and with a genitive s taken off the last word."""
    words = name.split()
    forms = [normal_key(name)]
    if words:
        stripped = strip_genitive(words[-1])
        if stripped != words[-1]:
            forms.append(normal_key(" ".join([*words[:-1], stripped])))
    return forms


def _one_edit(a: str, b: str) -> bool:
    """Whether two different words are one insertion, deletion or substitution apart."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def similar(a: Key, b: Key) -> float:
    """The difflib ratio of two keys when they are a near spelling of each other, else 0."""
    if len(a) != len(b) or a == b:
        return 0.0
    rest = list(b)
    for word in a:
        if word in rest:
            rest.remove(word)
            continue
        near = next((w for w in rest if min(len(w), len(word)) >= SIMILAR_MIN_LETTERS and _one_edit(w, word)), None)
        if near is None:
            return 0.0
        rest.remove(near)
    ratio = difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
    return ratio if ratio >= SIMILAR_THRESHOLD else 0.0


def initials_match(short: Key, full: Key) -> bool:
    """``S Frostdahl-Blomqvist`` against ``Siw Frostdahl-Blomqvist``: the long words equal, each initial opens a word."""
    initials = [w for w in short if len(w) == 1]
    if not initials or len(short) != len(full):
        return False
    rest = list(full)
    for word in (w for w in short if len(w) > 1):
        if word not in rest:
            return False
        rest.remove(word)
    for initial in initials:
        opener = next((w for w in rest if w.startswith(initial)), None)
        if opener is None:
            return False
        rest.remove(opener)
    return True


def _compare(forms: list[Key], keys: Iterable[Key]) -> tuple[str, float] | None:
    """How well a mention's key forms fit a set of keys: (method, score), the best, or None."""
    best: tuple[str, float] | None = None
    for key in keys:
        for i, form in enumerate(forms):
            if form == key:
                return ("exact", 1.0) if i == 0 else ("genitive", 1.0)
            if initials_match(form, key):
                hit = ("initials", 0.9)
            elif score := similar(form, key):
                hit = ("similar", round(score, 3))
            else:
                continue
            if best is None or hit[1] > best[1]:
                best = hit
    return best


# ---------------------------------------------------------------- the meeting's mentions


def _person_rows(conn: Connection, meeting_id: int) -> list[Mention]:
    """Every person-bearing row of a meeting, attendees first, each table in id order."""
    c = db.attendees.c
    found = []
    r: Any
    for r in conn.execute(sa.select(c.id, c.name, c.name_norm, c.party, c.kind, c.role, c.replaces)
                          .where(c.meeting_id == meeting_id).order_by(c.id)):
        found.append(Mention("attendees", r.id, r.name_norm or r.name, r.party, True, r.kind, r.role))
    items = sa.select(db.items.c.id).where(db.items.c.meeting_id == meeting_id).scalar_subquery()
    e, ce = db.entities.c, db.cover_entities.c
    for r in conn.execute(sa.select(ce.id, ce.text, ce.norm, ce.party)
                          .where(ce.meeting_id == meeting_id, ce.label == "PERSON").order_by(ce.id)):
        found.append(Mention("cover_entities", r.id, r.norm or r.text, r.party))
    for r in conn.execute(sa.select(e.id, e.text, e.norm, e.party)
                          .where(e.item_id.in_(items), e.label == "PERSON").order_by(e.id)):
        found.append(Mention("entities", r.id, r.norm or r.text, r.party))
    for table in (db.proposals, db.reservations, db.protocol_notes, db.recusals):
        t = table.c
        for r in conn.execute(sa.select(t.id, t.person, t.party)
                              .where(t.item_id.in_(items), t.person.is_not(None)).order_by(t.id)):
            found.append(Mention(table.name, r.id, r.person, r.party))
    vm, v = db.vote_members.c, db.votes.c
    votes = sa.select(v.id).where(v.item_id.in_(items)).scalar_subquery()
    for r in conn.execute(sa.select(vm.id, vm.name, vm.party).where(vm.vote_id.in_(votes)).order_by(vm.id)):
        found.append(Mention("vote_members", r.id, r.name, r.party))
    return found


REPLACED_RE = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<party>[^()]{1,4})\))?\s*$")


def _replaced(conn: Connection, meeting_id: int) -> list[Mention]:
    """The members ``X ersätter Y`` names as Y, as mentions without a row of their own."""
    c = db.attendees.c
    found = []
    for r in conn.execute(sa.select(c.replaces).where(c.meeting_id == meeting_id, c.replaces.is_not(None)).order_by(c.id)):
        m = REPLACED_RE.match(r.replaces)
        if m and len(m.group("name").split()) >= 2:
            found.append(Mention(None, None, m.group("name"), m.group("party"), kind="ersatt"))
    return found


def _words_ok(name: str) -> bool:
    """A full name: two words at least; one word alone ("Frostdahl-Blomqvists") is tied only to an attendee."""
    return len(name.split()) >= 2


def group_meeting(mentions: list[Mention]) -> list[Group]:
    """The persons of one meeting: one group per distinct attendee, the other mentions tied to them or grouped by key."""
    groups: list[Group] = []
    by_key: dict[Key, Group] = {}
    for m in (m for m in mentions if m.attendee):
        key = normal_key(m.name)
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = Group(key, m.name, m.party, True)
            groups.append(group)
        group.party = group.party or m.party
        group.mentions.append((m, "exact", 1.0))
    attendee_groups = list(groups)
    others = [m for m in mentions if not m.attendee]
    plain = {key_forms(m.name)[0] for m in others}
    for m in others:
        hit = _tie_to_attendee(m, attendee_groups)
        if hit:
            hit[0].mentions.append((m, hit[1], hit[2]))
            continue
        if not _words_ok(m.name):
            continue  # one word matching no attendee: too weak to name a person
        forms = key_forms(m.name)
        # "Felix Oderths förslag" next to "Felix Oderth": the genitive is the same person
        key = forms[1] if len(forms) > 1 and forms[1] in plain else forms[0]
        group = by_key.get(key)
        method, score = "exact", 1.0
        if group is None:
            near = _near_group(forms, m.party, [g for g in groups if not g.attendee])
            if near:
                group, method, score = near
        if group is None:
            group = by_key[key] = Group(key, m.name, m.party, False)
            groups.append(group)
        group.party = group.party or m.party
        group.mentions.append((m, method, score))
    return groups


def _near_group(forms: list[Key], party: str | None, groups: list[Group]) -> tuple[Group, str, float] | None:
    """The one group of people not at the meeting a mention spells nearly alike (initials, one letter), party agreeing."""
    hits = []
    for g in groups:
        if party and g.party and party != g.party:
            continue
        found = _compare(forms, [g.key])
        if found:
            hits.append((found[1], g, found[0]))
    hits.sort(key=lambda h: h[0], reverse=True)
    if len(hits) == 1 or (len(hits) > 1 and hits[0][0] > hits[1][0]):
        return hits[0][1], hits[0][2], hits[0][0]
    return None


def _tie_to_attendee(m: Mention, attendees: list[Group]) -> tuple[Group, str, float] | None:
    """The attendee a mention names: by key, initials or near spelling (party agreeing), else a lone surname."""
    forms = key_forms(m.name)
    hits = []
    for g in attendees:
        if m.party and g.party and m.party != g.party:
            continue
        found = _compare(forms, [g.key])
        if found:
            hits.append((found[1] == 1.0, found[1], g, found[0]))
    if hits:
        hits.sort(key=lambda h: (h[0], h[1]), reverse=True)
        best = hits[0]
        if len(hits) == 1 or (best[0], best[1]) != (hits[1][0], hits[1][1]):
            return best[2], best[3], best[1]
        return None  # two attendees fit equally: say nothing rather than guess
    words = m.name.split()
    if len(words) == 1:
        surname = fold(strip_genitive(words[0]))
        fits = [g for g in attendees if _surname_of(g.name) == surname]
        if len(fits) == 1:
            return fits[0], "surname", 0.8
    return None


def _surname_of(name: str) -> str:
    """The last word of a name as written, folded: ``Frostdahl-Blomqvist`` of ``Siw Frostdahl-Blomqvist``."""
    words = name.split()
    return fold(words[-1]) if words else ""


# ---------------------------------------------------------------- the registry


def _candidates(conn: Connection, organisation: str | None, sha256: str) -> dict[int, Candidate]:
    """The persons of an organisation with their keys (name and aliases), parties and bodies.

    A document that does not name its organisation links within itself only: its candidates are
    the persons an earlier import of the same document created.
    """
    p, a = db.persons.c, db.person_aliases.c
    found: dict[int, Candidate] = {}
    r: Any
    scope = p.organisation == organisation if organisation is not None else p.organisation.is_(None)
    for r in conn.execute(sa.select(p.id, p.name, p.identifiers).where(scope).order_by(p.id)):
        first = (r.identifiers or {}).get("first_document")
        if organisation is not None or first == sha256:
            found[r.id] = Candidate(r.id, {normal_key(r.name)}, set(), set(), first, (r.identifiers or {}).get("key"))
    ids = sa.select(p.id).where(scope).scalar_subquery()
    for r in conn.execute(sa.select(a.person_id, a.name).where(a.person_id.in_(ids))):
        if r.person_id in found:
            found[r.person_id].keys.add(normal_key(r.name))
    ms = db.memberships.c
    for r in conn.execute(sa.select(ms.person_id, ms.body, ms.party).where(ms.person_id.in_(ids))):
        if r.person_id in found:
            found[r.person_id].bodies.add(r.body)
            if r.party:
                found[r.person_id].parties.add(r.party)
    return found


def _resolve(group: Group, candidates: dict[int, Candidate], taken: set[int], body: str | None, sha256: str) -> None:
    """Match one group of the meeting to the registry (sets person_id, method and score; None: a new person)."""
    forms = [group.key] + [k for m, _, _ in group.mentions for k in key_forms(m.name)[1:]]
    ranked = []
    for cand in candidates.values():
        if cand.person_id in taken:
            continue
        if cand.first_document == sha256 and cand.first_key == " ".join(group.key):
            group.person_id, group.method, group.score = cand.person_id, "new", 1.0
            return  # imported again: the person this document created for this name
        found = _compare(forms, cand.keys)
        if found is None:
            continue
        exact = found[1] == 1.0
        party_agrees = bool(group.party and group.party in cand.parties)
        if not exact and group.party and cand.parties and not party_agrees:
            continue  # a near spelling of another party's member is another person
        member = body in cand.bodies
        ranked.append(((exact, member, party_agrees, found[1], -cand.person_id), cand.person_id, found))
    if ranked:
        ranked.sort(reverse=True)
        _, group.person_id, (group.method, group.score) = ranked[0]


def _new_person(conn: Connection, group: Group, organisation: str | None, sha256: str) -> int:
    name = natural_order(group.name, "")
    given, family, sort_name = split_name(name)
    return int(conn.execute(
        sa.insert(db.persons).values(
            name=name, given_name=given, family_name=family, organisation=organisation, sort_name=sort_name,
            identifiers={"key": " ".join(group.key), "first_document": sha256},
        ).returning(db.persons.c.id)
    ).scalar_one())


# ---------------------------------------------------------------- writing


def link_meeting(conn: Connection, meeting_id: int) -> None:
    """Resolve and link every person-bearing row of a meeting just written, then refresh the registry."""
    m, d = db.meetings.c, db.documents.c
    meeting = conn.execute(
        sa.select(m.organisation, m.body, d.sha256).join_from(db.meetings, db.documents, m.document_id == d.id)
        .where(m.id == meeting_id)
    ).one()
    mentions = _person_rows(conn, meeting_id) + _replaced(conn, meeting_id)
    groups = group_meeting(mentions)
    # a document imported again: what its old rows said of a person no longer counts (so that it
    # links as the first time), but the persons it created stay to be found again
    pending = conn.info.pop(PENDING, set())
    refresh(conn, pending, drop_unnamed=False)
    candidates = _candidates(conn, meeting.organisation, meeting.sha256)
    taken: set[int] = set()
    for group in groups:
        _resolve(group, candidates, taken, meeting.body, meeting.sha256)
        if group.person_id is None:
            group.person_id = _new_person(conn, group, meeting.organisation, meeting.sha256)
            group.method, group.score = "new", 1.0
        if group.attendee:
            taken.add(group.person_id)  # never two attendees of one meeting in one person
    _write_links(conn, groups)
    _write_replaced(conn, meeting_id, groups)
    touched = {g.person_id for g in groups if g.person_id is not None}
    refresh(conn, touched | pending)


def _write_links(conn: Connection, groups: list[Group]) -> None:
    by_table: dict[str, list[dict[str, object]]] = defaultdict(list)
    for g in groups:
        for m, method, score in g.mentions:
            if m.table is None:
                continue
            # a row tied to an attendee by its own name keeps the group's registry match
            own = (g.method, g.score) if method == "exact" else (method, score)
            by_table[m.table].append({"b_id": m.row_id, "b_person": g.person_id, "b_method": own[0], "b_score": own[1]})
    for name, rows in by_table.items():
        table = db.metadata.tables[name]
        conn.execute(
            sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(
                person_id=sa.bindparam("b_person"), match_method=sa.bindparam("b_method"),
                match_score=sa.bindparam("b_score"),
            ),
            rows,
        )


def _write_replaced(conn: Connection, meeting_id: int, groups: list[Group]) -> None:
    """``attendees.replaces_person_id``: the member an ersättare stood in for."""
    person_of = {}
    for g in groups:
        for m, _, _ in g.mentions:
            if m.table is None:
                person_of[m.name] = g.person_id
    c = db.attendees.c
    rows = conn.execute(sa.select(c.id, c.replaces).where(c.meeting_id == meeting_id, c.replaces.is_not(None))).all()
    updates = []
    for r in rows:
        replaced = REPLACED_RE.match(r.replaces)
        if replaced and replaced.group("name") in person_of:
            updates.append({"b_id": r.id, "b_person": person_of[replaced.group("name")]})
    if updates:
        conn.execute(sa.update(db.attendees).where(c.id == sa.bindparam("b_id"))
                     .values(replaces_person_id=sa.bindparam("b_person")), updates)


LINKED_TABLES = ("attendees", "cover_entities", "entities", "proposals", "reservations", "protocol_notes",
                 "recusals", "vote_members")


def forget_meetings(conn: Connection, meeting_ids: sa.Select[tuple[int]]) -> None:
    """Before the rows of these meetings are deleted: remember their persons, refreshed when the transaction links again."""
    items = sa.select(db.items.c.id).where(db.items.c.meeting_id.in_(meeting_ids))
    votes = sa.select(db.votes.c.id).where(db.votes.c.item_id.in_(items))
    pending: set[int] = conn.info.setdefault(PENDING, set())
    for name in LINKED_TABLES:
        t = db.metadata.tables[name]
        scope = (t.c.meeting_id.in_(meeting_ids) if name in ("attendees", "cover_entities")
                 else t.c.vote_id.in_(votes) if name == "vote_members" else t.c.item_id.in_(items))
        pending.update(r[0] for r in conn.execute(sa.select(t.c.person_id).where(scope, t.c.person_id.is_not(None)).distinct()))
    a = db.attendees.c
    pending.update(r[0] for r in conn.execute(
        sa.select(a.replaces_person_id).where(a.meeting_id.in_(meeting_ids), a.replaces_person_id.is_not(None)).distinct()))


def refresh_pending(conn: Connection) -> None:
    """Refresh the persons ``forget_meetings`` remembered (after a delete that links nothing again)."""
    refresh(conn, conn.info.pop(PENDING, set()))


def refresh(conn: Connection, person_ids: set[int], drop_unnamed: bool = True) -> None:
    """Rebuild the aliases and memberships of these persons from their rows; remove those no row names."""
    if not person_ids:
        return
    ids = sorted(person_ids)
    aliases: set[tuple[int, str, str]] = set()
    spellings: dict[int, Counter[str]] = defaultdict(Counter)
    for name in LINKED_TABLES:
        t = db.metadata.tables[name]
        column = {"attendees": t.c.get("name_norm"), "cover_entities": t.c.get("norm"), "entities": t.c.get("norm"),
                  "vote_members": t.c.get("name")}.get(name, t.c.get("person"))
        written = {"attendees": t.c.get("name"), "cover_entities": t.c.get("text"), "entities": t.c.get("text")}.get(name, column)
        assert column is not None and written is not None
        query = (sa.select(t.c.person_id, written, column, sa.func.count()).where(t.c.person_id.in_(ids))
                 .group_by(t.c.person_id, written, column))
        for person, as_written, normal, count in conn.execute(query):
            aliases.add((person, " ".join(as_written.split()), name))
            spellings[person][" ".join((normal or as_written).split())] += count
    _rename(conn, spellings)
    memberships = _memberships(conn, ids)
    for person in ids:
        conn.execute(sa.delete(db.person_aliases).where(db.person_aliases.c.person_id == person))
        conn.execute(sa.delete(db.memberships).where(db.memberships.c.person_id == person))
    named = {a[0] for a in aliases} | {m["person_id"] for m in memberships}
    if aliases:
        conn.execute(sa.insert(db.person_aliases),
                     [{"person_id": p, "name": n, "source": s} for p, n, s in sorted(aliases)])
    if memberships:
        conn.execute(sa.insert(db.memberships), memberships)
    gone = [p for p in ids if p not in named]
    if gone and drop_unnamed:
        conn.execute(sa.delete(db.persons).where(db.persons.c.id.in_(gone)))


def _rename(conn: Connection, spellings: dict[int, Counter[str]]) -> None:
    """Each person's name: the spelling its rows use most ("First Last" where known), ties in alphabetical order;
    a name the curator gave (``identifiers.curated_name``) stays."""
    rows = []
    p = db.persons.c
    curated = {r.id for r in conn.execute(sa.select(p.id, p.identifiers).where(p.id.in_(list(spellings))))
               if (r.identifiers or {}).get("curated_name")}
    for person, counts in spellings.items():
        if person in curated:
            continue  # the curator named this person (``protokoll persons rename``)
        name = min(counts, key=lambda n: (-counts[n], n))
        given, family, sort_name = split_name(natural_order(name, ""))
        rows.append({"b_id": person, "b_name": natural_order(name, ""), "b_given": given, "b_family": family,
                     "b_sort": sort_name})
    if rows:
        conn.execute(sa.update(db.persons).where(db.persons.c.id == sa.bindparam("b_id")).values(
            name=sa.bindparam("b_name"), given_name=sa.bindparam("b_given"), family_name=sa.bindparam("b_family"),
            sort_name=sa.bindparam("b_sort")), rows)


def split_name(name: str) -> tuple[str | None, str, str]:
    """(given name, family name, sort name) of a "First Last" name: the first word is the given name."""
    words = name.split()
    if len(words) < 2:
        return None, name, name
    given, family = words[0], " ".join(words[1:])
    return given, family, f"{family}, {given}"


def membership_role(kind: str | None, role: str | None) -> str | None:
    """The office an attendance row shows: ordförande and vice ordförande from the role, else ledamot or ersättare."""
    text = (role or "").lower()
    if re.search(r"\bvice\s+ordförande\b|\b\d:e\s+vice\b", text):
        return "vice ordförande"
    if re.search(r"\bordförande\b", text) and kind in ("ledamot", "ersattare"):
        return "ordförande"
    return {"ledamot": "ledamot", "ersattare": "ersättare"}.get(kind or "")


def _memberships(conn: Connection, ids: list[int]) -> list[dict[str, object]]:
    """One membership per person, body, role and party, from the first to the last meeting it was seen at."""
    a, m = db.attendees.c, db.meetings.c
    spans: dict[tuple[int, str | None, str | None, str, str | None, str], list[dt.date]] = defaultdict(list)
    rows = conn.execute(
        sa.select(a.person_id, a.kind, a.role, a.party, a.replaces, a.replaces_person_id, m.organisation, m.body,
                  m.meeting_date)
        .join_from(db.attendees, db.meetings, a.meeting_id == m.id)
        .where(sa.or_(a.person_id.in_(ids), a.replaces_person_id.in_(ids)))
    ).all()
    for r in rows:
        role = membership_role(r.kind, r.role)
        if role and r.person_id in ids:
            spans[(r.person_id, r.organisation, r.body, role, r.party, "attendance")].append(r.meeting_date)
        if r.replaces_person_id in ids:
            replaced = REPLACED_RE.match(r.replaces or "")
            party = replaced.group("party") if replaced else None
            spans[(r.replaces_person_id, r.organisation, r.body, "ledamot", party, "ersätter")].append(r.meeting_date)
    out: list[dict[str, object]] = []
    for (person, org, body, role, party, source), dates in sorted(spans.items(), key=lambda kv: repr(kv[0])):
        known = [d for d in dates if d is not None]
        out.append({"person_id": person, "organisation": org, "body": body, "role": role, "party": party,
                    "start_date": min(known) if known else None, "end_date": max(known) if known else None,
                    "source": source})
    return out
