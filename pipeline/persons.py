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
import functools
import json
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

# ``normal_key`` is a pure function of the name (folding, splitting, sorting: no state), and the
# writer asks it for every registry name again for each document (``_candidates``): a third of
# ``link_meeting``'s time before. The keys are tuples, so a cached one cannot be changed by a caller.
_key = functools.lru_cache(maxsize=1 << 16)(normal_key)


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
    # the sha256 of the document that created the person and the key of the name it was created for;
    # ``_candidates`` reads them only for the persons of the document being linked (else None: they
    # are only ever compared with that document's sha256)
    first_document: str | None = None
    first_key: str | None = None


# ---------------------------------------------------------------- comparing names


def key_forms(name: str) -> list[Key]:
    """The keys a name may stand for: as written, and with a genitive s taken off the last word."""
    words = name.split()
    forms = [_key(name)]
    if words:
        stripped = strip_genitive(words[-1])
        if stripped != words[-1]:
            forms.append(_key(" ".join([*words[:-1], stripped])))
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
        if len(word) < SIMILAR_MIN_LETTERS:
            return 0.0  # the same answer as the search below, which needs this many letters in both words
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


AFFIX = 3  # letters of a long word's beginning and end that ``word_entries`` files it under


@functools.lru_cache(maxsize=1 << 16)
def word_entries(word: str) -> tuple[str, ...]:
    """Where ``word_index`` files a word of a key, and where ``shortlist`` looks a word of a name up.

    A word of 2 to 5 letters under itself: ``initials_match`` finds every word longer than an
    initial in the other key, and ``similar`` every word shorter than ``SIMILAR_MIN_LETTERS``; an
    exact key holds them all. A longer word under its first and under its last three letters
    (``"kar "``, ``" son"``: the space keeps them apart from words): the other key holds it, or a
    word of as many letters at least one edit away, and one edit in words of six letters or more
    leaves the first three or the last three letters alone. An initial nowhere (it matches any
    word it opens). So a person none of whose key words shares an entry with each word of the
    name cannot match; a pure function of the word, hence the cache.
    """
    if len(word) < 2:
        return ()
    if len(word) < SIMILAR_MIN_LETTERS:
        return (word,)
    return (word[:AFFIX] + " ", " " + word[-AFFIX:])


# ---------------------------------------------------------------- the meeting's mentions


@dataclass
class MeetingRows:
    """What ``link_meeting`` reads of a meeting: its mentions, and each attendee's ``replaces`` text (id order)."""

    mentions: list[Mention]
    replaces: list[tuple[int, str]]


def _person_rows(conn: Connection, meeting_id: int) -> MeetingRows:
    """Every person-bearing row of a meeting, attendees first, each table in id order (``_person_rows_query``)."""
    found = MeetingRows([], [])
    for source, row_id, name, norm, party, kind, role, replaces in conn.execute(_person_rows_query(),
                                                                                 {"meeting_id": meeting_id}):
        found.mentions.append(Mention(LINKED_TABLES[source], row_id, norm or name, party, source == 0, kind, role))
        if source == 0 and replaces is not None:
            found.replaces.append((row_id, replaces))
    return found


@functools.cache
def _person_rows_query() -> sa.CompoundSelect[Any]:
    """The rows of ``_person_rows``: one UNION ALL ordered by (table, id), built once.

    One statement instead of a select per table, and built once instead of per meeting: the same
    rows in the same order (building and running eight statements was most of the time here).
    ``label || ''`` keeps SQLite from reading every PERSON entity of the database by the label
    index: the entities are found by their items instead (the same rows: ``label || ''`` is
    'PERSON' exactly when the label is, null when it is null).
    """
    meeting_id = sa.bindparam("meeting_id", type_=sa.Integer)
    items = sa.select(db.items.c.id).where(db.items.c.meeting_id == meeting_id).scalar_subquery()
    votes = sa.select(db.votes.c.id).where(db.votes.c.item_id.in_(items)).scalar_subquery()
    a, ce, e, vm = db.attendees.c, db.cover_entities.c, db.entities.c, db.vote_members.c
    null = sa.null()

    def part(n: int, t: Any, name: Any, norm: Any, kind: Any, role: Any, replaces: Any) -> sa.Select[Any]:
        return sa.select(sa.literal_column(str(n)).label("source"), t.id.label("id"), name.label("name"),
                         norm.label("norm"), t.party.label("party"), kind.label("kind"), role.label("role"),
                         replaces.label("replaces"))

    parts = [
        part(0, a, a.name, a.name_norm, a.kind, a.role, a.replaces).where(a.meeting_id == meeting_id),
        part(1, ce, ce.text, ce.norm, null, null, null).where(ce.meeting_id == meeting_id, ce.label == "PERSON"),
        part(2, e, e.text, e.norm, null, null, null).where(e.item_id.in_(items), e.label.concat("") == "PERSON"),
    ]
    for n, table in enumerate((db.proposals, db.reservations, db.protocol_notes, db.recusals), start=3):
        t = table.c
        parts.append(part(n, t, t.person, null, null, null, null).where(t.item_id.in_(items), t.person.is_not(None)))
    parts.append(part(7, vm, vm.name, null, null, null, null).where(vm.vote_id.in_(votes)))
    return sa.union_all(*parts).order_by(sa.literal_column("source"), sa.literal_column("id"))


REPLACED_RE = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<party>[^()]{1,4})\))?\s*$")


def _replaced(replaces: list[tuple[int, str]]) -> list[Mention]:
    """The members ``X ersätter Y`` names as Y, as mentions without a row of their own."""
    found = []
    for _, text in replaces:
        m = REPLACED_RE.match(text)
        if m and len(m.group("name").split()) >= 2:
            found.append(Mention(None, None, m.group("name"), m.group("party"), kind="ersatt"))
    return found


def _words_ok(name: str) -> bool:
    """A full name: two words at least; one word alone ("Frostdahl-Blomqvists") is tied only to an attendee."""
    return len(name.split()) >= 2


def group_meeting(mentions: list[Mention], indexed: bool = True) -> list[Group]:
    """The persons of one meeting: one group per distinct attendee, the other mentions tied to them or grouped by key.

    ``indexed``: each mention is compared only with the groups on its shortlist (``key_index``), the
    others could not match it; the same groups as comparing every one (False), which grew with the
    square of a meeting's names (a Göteborg protocol names 300 people).
    """
    groups: list[Group] = []
    by_key: dict[Key, Group] = {}
    for m in (m for m in mentions if m.attendee):
        key = _key(m.name)
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = Group(key, m.name, m.party, True)
            groups.append(group)
        group.party = group.party or m.party
        group.mentions.append((m, "exact", 1.0))
    attendee_groups = list(groups)
    attendee_index = key_index(enumerate(g.key for g in attendee_groups)) if indexed else None
    absent: list[Group] = []  # the groups of people not at the meeting, as they come
    absent_index: dict[str, set[int]] | None = defaultdict(set) if indexed else None
    others = [m for m in mentions if not m.attendee]
    plain = {key_forms(m.name)[0] for m in others}
    for m in others:
        hit = _tie_to_attendee(m, attendee_groups, attendee_index)
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
            near = _near_group(forms, m.party, absent, absent_index)
            if near:
                group, method, score = near
        if group is None:
            group = by_key[key] = Group(key, m.name, m.party, False)
            groups.append(group)
            if absent_index is not None:
                _add_key(absent_index, len(absent), key)
            absent.append(group)
        group.party = group.party or m.party
        group.mentions.append((m, method, score))
    return groups


def _near_group(forms: list[Key], party: str | None, groups: list[Group],
                index: dict[str, set[int]] | None = None) -> tuple[Group, str, float] | None:
    """The one group of people not at the meeting a mention spells nearly alike (initials, one letter), party agreeing.

    ``index``: ``key_index`` of the groups' keys by position; only the shortlist is compared, in order.
    """
    hits = []
    for g in _listed(groups, forms, index):
        if party and g.party and party != g.party:
            continue
        found = _compare(forms, [g.key])
        if found:
            hits.append((found[1], g, found[0]))
    hits.sort(key=lambda h: h[0], reverse=True)
    if len(hits) == 1 or (len(hits) > 1 and hits[0][0] > hits[1][0]):
        return hits[0][1], hits[0][2], hits[0][0]
    return None


def _tie_to_attendee(m: Mention, attendees: list[Group],
                     index: dict[str, set[int]] | None = None) -> tuple[Group, str, float] | None:
    """The attendee a mention names: by key, initials or near spelling (party agreeing), else a lone surname.

    ``index``: ``key_index`` of the attendees' keys by position; only the shortlist is compared, in order.
    """
    forms = key_forms(m.name)
    hits = []
    for g in _listed(attendees, forms, index):
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
    people, aliases, memberships = _candidate_queries(organisation is None)
    params = {"organisation": organisation}
    found: dict[int, Candidate] = {}
    for person_id, name, raw in conn.execute(people, params).all():
        identifiers = _identifiers_holding(raw, sha256)
        first = identifiers.get("first_document")
        if organisation is not None or first == sha256:
            found[person_id] = Candidate(person_id, {_key(name)}, set(), set(), first, identifiers.get("key"))
    for person_id, name in conn.execute(aliases, params).all():
        if person_id in found:
            found[person_id].keys.add(_key(name))
    for person_id, body, party in conn.execute(memberships, params).all():
        if person_id in found:
            found[person_id].bodies.add(body)
            if party:
                found[person_id].parties.add(party)
    return found


# a JSON escape of a printable ASCII character (\u0020 to \u007f); json.dumps never writes one
ASCII_ESCAPE_RE = re.compile(r"\\u00[2-7][0-9a-fA-F]")


def _identifiers_holding(raw: str | None, text: str) -> dict[str, Any]:
    """``persons.identifiers`` (JSON text) parsed when it may hold ``text`` (ASCII letters, digits, ``_``), else {}.

    Parsing every person's identifiers was a third of ``_candidates``. JSON writes such a text as it is,
    unless a character of it is escaped (``\\u0061``): a text with neither cannot hold it, and the
    identifiers are only ever asked whether they hold it (a sha256, the key ``curated_name``).
    """
    if raw is None or (text not in raw and not ASCII_ESCAPE_RE.search(raw)):
        return {}
    return json.loads(raw) or {}


@functools.cache
def _candidate_queries(no_organisation: bool) -> tuple[sa.Select[Any], sa.Select[Any], sa.Select[Any]]:
    """The persons (in id order), aliases and memberships of ``:organisation`` (of no organisation: True), built once."""
    p, a, ms = db.persons.c, db.person_aliases.c, db.memberships.c
    scope = p.organisation.is_(None) if no_organisation else p.organisation == sa.bindparam("organisation", type_=sa.Text)
    ids = sa.select(p.id).where(scope).scalar_subquery()
    return (sa.select(p.id, p.name, sa.cast(p.identifiers, sa.Text)).where(scope).order_by(p.id),
            sa.select(a.person_id, a.name).where(a.person_id.in_(ids)),
            sa.select(ms.person_id, ms.body, ms.party).where(ms.person_id.in_(ids)))


def word_index(candidates: dict[int, Candidate]) -> dict[str, set[int]]:
    """Each ``word_entries`` entry of the words of the candidates' keys -> the candidates holding it (``shortlist``)."""
    return key_index((cand.person_id, key) for cand in candidates.values() for key in cand.keys)


def key_index(keys: Iterable[tuple[int, Key]]) -> dict[str, set[int]]:
    """Each ``word_entries`` entry of the words of these keys -> the numbers of the keys holding it (``shortlist``)."""
    index: dict[str, set[int]] = defaultdict(set)
    for number, key in keys:
        _add_key(index, number, key)
    return index


def _add_key(index: dict[str, set[int]], number: int, key: Key) -> None:
    for word in key:
        for entry in word_entries(word):
            index[entry].add(number)


def _listed(groups: list[Group], forms: list[Key], index: dict[str, set[int]] | None) -> Iterable[Group]:
    """The groups (in their order) on the shortlist of ``forms`` in ``index`` (by position); all without one."""
    listed = shortlist(forms, index, set()) if index is not None else None
    return groups if listed is None else [groups[n] for n in sorted(listed)]


def shortlist(forms: list[Key], index: dict[str, set[int]], own: set[int]) -> set[int] | None:
    """The candidates ``_compare`` can match with one of ``forms`` (filed under an entry of each word,
    ``word_entries``), plus ``own`` (persons this document created, found again by their first key);
    None: every candidate may (a form of initials only)."""
    found = set(own)
    empty: set[int] = set()
    for form in forms:
        fits = [set().union(*(index.get(entry, empty) for entry in entries)) for entries in map(word_entries, form) if entries]
        if not fits:
            return None
        found |= set.intersection(*fits)
    return found


def _resolve(group: Group, candidates: dict[int, Candidate], taken: set[int], body: str | None, sha256: str,
             index: dict[str, set[int]] | None = None, own: set[int] | None = None) -> None:
    """Match one group of the meeting to the registry (sets person_id, method and score; None: a new person).

    With ``index`` (``word_index`` of ``candidates``) only the shortlist is compared: the others
    would be passed over below (no key fits), and skipping them keeps the order of the rest, so the
    answer is the same; without it, comparing every person grew with the registry and was most of
    the writer's time. ``own``: the candidates this document created (``own_persons``), the same
    for every group of a meeting. The shortlist is visited in id order, the order of ``candidates``
    (``_candidates`` reads them by id): the first person this document created for the name wins.
    """
    forms = [group.key] + [k for m, _, _ in group.mentions for k in key_forms(m.name)[1:]]
    if index is not None and own is None:
        own = own_persons(candidates, sha256)
    listed = shortlist(forms, index, own or set()) if index is not None else None
    visit = candidates.values() if listed is None else (candidates[pid] for pid in sorted(listed))
    ranked = []
    for cand in visit:
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


def own_persons(candidates: dict[int, Candidate], sha256: str) -> set[int]:
    """The candidates a document created (an earlier import of it), found again by their first key."""
    return {c.person_id for c in candidates.values() if c.first_document == sha256}


def _new_persons(conn: Connection, groups: list[Group], organisation: str | None, sha256: str) -> None:
    """A person for each group that matched nobody, in one statement; their ids in the groups' order,
    as one insert per group gave them (``db.insert_ids``)."""
    rows = []
    for group in groups:
        name = natural_order(group.name, "")
        given, family, sort_name = split_name(name)
        rows.append({"name": name, "given_name": given, "family_name": family, "organisation": organisation,
                     "sort_name": sort_name, "identifiers": {"key": " ".join(group.key), "first_document": sha256}})
    for group, person_id in zip(groups, db.insert_ids(conn, db.persons, rows), strict=True):
        group.person_id, group.method, group.score = person_id, "new", 1.0


# ---------------------------------------------------------------- writing


def link_meeting(conn: Connection, meeting_id: int) -> None:
    """Resolve and link every person-bearing row of a meeting just written, then refresh the registry."""
    meeting = conn.execute(_statements().meeting, {"meeting_id": meeting_id}).one()
    rows = _person_rows(conn, meeting_id)
    groups = group_meeting(rows.mentions + _replaced(rows.replaces))
    # a document imported again: what its old rows said of a person no longer counts (so that it
    # links as the first time), but the persons it created stay to be found again
    pending = conn.info.pop(PENDING, set())
    refresh(conn, pending, drop_unnamed=False)
    candidates = _candidates(conn, meeting.organisation, meeting.sha256)
    index, own = word_index(candidates), own_persons(candidates, meeting.sha256)
    taken: set[int] = set()
    new: list[Group] = []
    for group in groups:
        _resolve(group, candidates, taken, meeting.body, meeting.sha256, index, own)
        if group.person_id is None:
            new.append(group)  # a new person: inserted below, and never a candidate of this meeting
        elif group.attendee:
            taken.add(group.person_id)  # never two attendees of one meeting in one person
    _new_persons(conn, new, meeting.organisation, meeting.sha256)
    _write_links(conn, groups)
    _write_replaced(conn, rows.replaces, groups)
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
        conn.execute(_statements().link[name], rows)


def _write_replaced(conn: Connection, replaces: list[tuple[int, str]], groups: list[Group]) -> None:
    """``attendees.replaces_person_id``: the member an ersättare stood in for (``replaces``: ``MeetingRows.replaces``)."""
    person_of = {}
    for g in groups:
        for m, _, _ in g.mentions:
            if m.table is None:
                person_of[m.name] = g.person_id
    updates = []
    for row_id, text in replaces:
        replaced = REPLACED_RE.match(text)
        if replaced and replaced.group("name") in person_of:
            updates.append({"b_id": row_id, "b_person": person_of[replaced.group("name")]})
    if updates:
        conn.execute(_statements().replaced, updates)


LINKED_TABLES = ("attendees", "cover_entities", "entities", "proposals", "reservations", "protocol_notes",
                 "recusals", "vote_members")


@dataclass(frozen=True)
class Statements:
    """The writer's statements, built once (``_statements``) and run with parameters.

    SQLAlchemy builds a statement and its cache key anew each time one is written out in a call,
    about three times the cost of running a small one; these run for every document loaded.
    """

    meeting: sa.Select[Any]  # organisation, body and sha256 of :meeting_id
    link: dict[str, sa.Update]  # per linked table: person_id, match_method, match_score of row :b_id
    replaced: sa.Update  # attendees.replaces_person_id of row :b_id
    identifiers: sa.Select[Any]  # id and identifiers (JSON text) of the persons :ids
    rename: sa.Update  # name, given, family and sort name of person :b_id
    memberships: sa.Select[Any]  # the attendance rows of persons :ids, as member or as replaced member
    delete_aliases: sa.Delete
    delete_memberships: sa.Delete
    delete_persons: sa.Delete
    insert_aliases: sa.Insert
    insert_memberships: sa.Insert


@functools.cache
def _statements() -> Statements:
    """The ``Statements``: a pure function of the schema, so one set serves every connection."""
    m, d, p, a = db.meetings.c, db.documents.c, db.persons.c, db.attendees.c
    ids: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
    link = {}
    for name in LINKED_TABLES:
        table = db.metadata.tables[name]
        link[name] = sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(
            person_id=sa.bindparam("b_person"), match_method=sa.bindparam("b_method"),
            match_score=sa.bindparam("b_score"))
    return Statements(
        meeting=sa.select(m.organisation, m.body, d.sha256).join_from(db.meetings, db.documents, m.document_id == d.id)
        .where(m.id == sa.bindparam("meeting_id")),
        link=link,
        replaced=sa.update(db.attendees).where(a.id == sa.bindparam("b_id")).values(replaces_person_id=sa.bindparam("b_person")),
        identifiers=sa.select(p.id, sa.cast(p.identifiers, sa.Text)).where(p.id.in_(ids)),  # JSON text
        rename=sa.update(db.persons).where(p.id == sa.bindparam("b_id")).values(
            name=sa.bindparam("b_name"), given_name=sa.bindparam("b_given"), family_name=sa.bindparam("b_family"),
            sort_name=sa.bindparam("b_sort")),
        memberships=sa.select(a.person_id, a.kind, a.role, a.party, a.replaces, a.replaces_person_id, m.organisation,
                              m.body, m.meeting_date)
        .join_from(db.attendees, db.meetings, a.meeting_id == m.id)
        .where(sa.or_(a.person_id.in_(ids), a.replaces_person_id.in_(ids))),
        delete_aliases=sa.delete(db.person_aliases).where(db.person_aliases.c.person_id.in_(ids)),
        delete_memberships=sa.delete(db.memberships).where(db.memberships.c.person_id.in_(ids)),
        delete_persons=sa.delete(db.persons).where(p.id.in_(ids)),
        insert_aliases=sa.insert(db.person_aliases),
        insert_memberships=sa.insert(db.memberships),
    )


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
    for source, person, as_written, normal, count in conn.execute(_spellings_query(), {"ids": ids}):
        name = LINKED_TABLES[source]
        aliases.add((person, " ".join(as_written.split()), name))
        spellings[person][" ".join((normal or as_written).split())] += count
    _rename(conn, spellings)
    memberships = _memberships(conn, ids)
    # one statement per table for all these persons (two per person before: the same rows go)
    st = _statements()
    conn.execute(st.delete_aliases, {"ids": ids})
    conn.execute(st.delete_memberships, {"ids": ids})
    named = {a[0] for a in aliases} | {m["person_id"] for m in memberships}
    if aliases:
        conn.execute(st.insert_aliases, [{"person_id": p, "name": n, "source": s} for p, n, s in sorted(aliases)])
    if memberships:
        conn.execute(st.insert_memberships, memberships)
    gone = [p for p in ids if p not in named]
    if gone and drop_unnamed:
        conn.execute(st.delete_persons, {"ids": gone})


@functools.cache
def _spellings_query() -> sa.CompoundSelect[Any]:
    """Each linked table's (table, person, name as written, normalised name, rows) of the persons ``ids``.

    One UNION ALL instead of a select per table (the rows and counts are the same: ``refresh`` adds
    them into sets and counters, so their order does not matter). The ids are written into the
    statement (integers only), so that eight IN lists of a large meeting never reach the driver's
    limit on parameters.
    """
    ids: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True, literal_execute=True)
    parts = []
    for n, name in enumerate(LINKED_TABLES):
        t = db.metadata.tables[name]
        column = {"attendees": t.c.get("name_norm"), "cover_entities": t.c.get("norm"), "entities": t.c.get("norm"),
                  "vote_members": t.c.get("name")}.get(name, t.c.get("person"))
        written = {"attendees": t.c.get("name"), "cover_entities": t.c.get("text"), "entities": t.c.get("text")}.get(name, column)
        assert column is not None and written is not None
        parts.append(sa.select(sa.literal_column(str(n)).label("source"), t.c.person_id.label("person_id"),
                               written.label("written"), column.label("normal"), sa.func.count().label("n"))
                     .where(t.c.person_id.in_(ids)).group_by(t.c.person_id, written, column))
    return sa.union_all(*parts)


def _rename(conn: Connection, spellings: dict[int, Counter[str]]) -> None:
    """Each person's name: the spelling its rows use most ("First Last" where known), ties in alphabetical order;
    a name the curator gave (``identifiers.curated_name``) stays."""
    rows = []
    st = _statements()
    curated = {person_id for person_id, raw in conn.execute(st.identifiers, {"ids": list(spellings)})
               if _identifiers_holding(raw, "curated_name").get("curated_name")}
    for person, counts in spellings.items():
        if person in curated:
            continue  # the curator named this person (``protokoll persons rename``)
        name = natural_order(min(counts, key=lambda n: (-counts[n], n)), "")
        given, family, sort_name = split_name(name)
        rows.append({"b_id": person, "b_name": name, "b_given": given, "b_family": family, "b_sort": sort_name})
    if rows:
        conn.execute(st.rename, rows)


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
    spans: dict[tuple[int, str | None, str | None, str, str | None, str], list[dt.date]] = defaultdict(list)
    rows = conn.execute(_statements().memberships, {"ids": ids}).all()
    wanted = set(ids)
    for r in rows:
        role = membership_role(r.kind, r.role)
        if role and r.person_id in wanted:
            spans[(r.person_id, r.organisation, r.body, role, r.party, "attendance")].append(r.meeting_date)
        if r.replaces_person_id in wanted:
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
