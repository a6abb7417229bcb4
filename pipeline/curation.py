"""The curator's decisions on the person registry (issue 13): merge, split and rename, kept in a file.

Resolution (pipeline/persons.py) decides alone which rows name one person; where it is wrong the
curator corrects it with ``protokoll persons merge|split|rename``. Each correction is written to a
plain TOML file (``data/persons.toml`` by default, ``--persons FILE`` or ``$PROTOKOLL_PERSONS``)
*and* applied to the database. The file is applied again whenever a document is loaded (in the
document's transaction) and at the end of every ``ingest`` and ``load`` run, so that a correction
survives ``ingest --force`` and reaches documents imported later.

Entries name persons by **name and organisation**, never by id: ids are numbers of one database,
and a database built again from the same PDFs may number its persons otherwise. A name picks every
person of the organisation whose name or any alias (a spelling a row used) has the same
``normal_key`` (order, case, hyphens and initials' dots ignored). An entry without
``organisation`` applies within each organisation on its own; nothing ever joins two organisations.

The merges apply first, then the splits (of the persons as merged), then the renames, each kind
in the order it stands in the file; a name a rename gave also names the person before the rename. An entry that names nobody is a warning naming the file and line (the person may come with a
document not imported yet); a file that cannot be read is a ``CurationError`` (exit 3) naming file and line.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import db, persons
from .errors import DatabaseError, ProtokollError
from .names import normal_key

log = logging.getLogger(__name__)

ENV_PERSONS = "PROTOKOLL_PERSONS"
DEFAULT_PERSONS = Path("data/persons.toml")
KINDS = ("merge", "split", "rename")
CURATOR = "curator"  # match_method of a row the curator moved to another person

HEADER = """\
# The curator's decisions on the person registry of protokoll (docs/operations.md, "Curating persons").
#
# Applied on every import (protokoll ingest / load) and by the commands that write them
# (protokoll persons merge | split | rename), so a decision survives `ingest --force`.
# Merges apply first, then splits, then renames, each in file order. Persons are named by name and organisation, never
# by id: a name picks every person of the organisation whose name or any spelling seen in the
# protocols is the same name (order, case, hyphens and initials' dots do not matter). Without
# `organisation` an entry applies within each organisation on its own.
#
# Merge: the persons named by `absorb` are the person named by `keep`, who is called `keep`.
#   [[merge]]
#   organisation = "Björkviks kommun"
#   keep = "Siw Frostdahl-Blomqvist"
#   absorb = ["Siw Frostdahl-Blomkvist"]
#
# Split: the rows of `person` written as one of `names` (and/or at meetings of `body`) belong to
# another person.
#   [[split]]
#   organisation = "Björkviks kommun"
#   person = "Anna Andersson"
#   body = "Kommunfullmäktige"
#   names = ["A Andersson"]
#
# Rename: the person is called `to` (the name is otherwise the spelling its rows use most).
#   [[rename]]
#   organisation = "Björkviks kommun"
#   person = "Frostdahl-Blomqvist Siw"
#   to = "Siw Frostdahl-Blomqvist"
"""


class CurationError(ProtokollError):
    """A persons file that cannot be read or written (exit 3)."""


@dataclass(frozen=True)
class Entry:
    """One decision of the file: ``kind`` merge, split or rename, at ``line`` of the file."""

    kind: str
    line: int
    organisation: str | None
    person: str  # merge: keep; split and rename: the person
    names: tuple[str, ...] = ()  # merge: absorb; split: the spellings that go to another person
    body: str | None = None  # split: the rows of meetings of this body
    to: str | None = None  # rename: the new name

    def label(self) -> str:
        """``[[merge]] keep = "Anna Berg"``: the entry as a warning names it."""
        field_name = {"merge": "keep"}.get(self.kind, "person")
        return f'[[{self.kind}]] {field_name} = {json.dumps(self.person, ensure_ascii=False)}'


@dataclass
class Curation:
    """The entries of one persons file, in file order."""

    path: Path
    entries: list[Entry] = field(default_factory=list)

    def ordered(self) -> list[Entry]:
        """The entries as they apply: the merges, then the splits, then the renames, each kind in file order."""
        return sorted(self.entries, key=lambda e: KINDS.index(e.kind))

    def renames(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "rename"]


# ---------------------------------------------------------------- the file


def persons_file(option: str | Path | None) -> tuple[Path, bool]:
    """The persons file to use and whether it was named (``--persons`` or the environment) or is the default."""
    named = option or os.environ.get(ENV_PERSONS)
    return (Path(named), True) if named else (DEFAULT_PERSONS, False)


def read_curation(path: Path, required: bool) -> Curation:
    """The entries of a persons file; a missing default file is no entries, a missing named one an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise CurationError(f"{path}: no such persons file; create it with 'protokoll persons merge' "
                                "(or give an existing file with --persons)") from None
        return Curation(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CurationError(f"{path}: cannot read the persons file: {exc}") from exc
    return parse_curation(path, text)


def parse_curation(path: Path, text: str) -> Curation:
    """Parse the TOML text; every entry knows its line, for warnings and errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(f"{path}: not valid TOML: {exc}; fix the file or remove the entry") from None
    unknown = sorted(set(data) - set(KINDS))
    if unknown:
        raise CurationError(f"{path}: unknown table {unknown[0]!r}; the file holds [[merge]], [[split]] and "
                            "[[rename]] entries only")
    headers = [(m.group(1), n) for n, line in enumerate(text.splitlines(), 1)
               if (m := re.match(r"\s*\[\[\s*(\w+)\s*\]\]", line))]
    entries = []
    seen = {kind: 0 for kind in KINDS}
    for kind, line in headers:
        tables = data.get(kind)
        if not isinstance(tables, list) or seen[kind] >= len(tables):
            raise CurationError(f"{path}:{line}: [[{kind}]] is not an entry of merge, split or rename")
        entries.append(_entry(path, kind, line, tables[seen[kind]]))
        seen[kind] += 1
    for kind in data:
        if not isinstance(data[kind], list) or seen[kind] != len(data[kind]):
            raise CurationError(f"{path}: write each {kind} as a table of its own, [[{kind}]] on a line, then its "
                                "keys one a line (see the comments on top of data/persons.toml)")
    return Curation(path, entries)


FIELDS = {
    "merge": ({"keep", "absorb"}, {"organisation"}),
    "split": ({"person"}, {"organisation", "names", "body"}),
    "rename": ({"person", "to"}, {"organisation"}),
}


def _entry(path: Path, kind: str, line: int, table: dict[str, Any]) -> Entry:
    required, optional = FIELDS[kind]
    where = f"{path}:{line}: [[{kind}]]"
    missing = sorted(required - set(table))
    if missing:
        raise CurationError(f"{where} lacks {missing[0]!r}; it needs {', '.join(sorted(required))}")
    extra = sorted(set(table) - required - optional)
    if extra:
        raise CurationError(f"{where} has an unknown key {extra[0]!r}; it takes {', '.join(sorted(required | optional))}")
    for key, value in table.items():
        if key in ("absorb", "names"):
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
                raise CurationError(f'{where} {key} must be a list of names, like {key} = ["Anna Berg"]')
        elif not isinstance(value, str) or not value.strip():
            raise CurationError(f'{where} {key} must be a name in quotes, like {key} = "Anna Berg"')
    if kind == "split" and "names" not in table and "body" not in table:
        raise CurationError(f"{where} needs names, body or both: which rows of the person go to another")
    return Entry(kind, line, table.get("organisation"), table.get("keep") or table["person"],
                 tuple(table.get("absorb") or table.get("names") or ()), table.get("body"), table.get("to"))


def _toml_string(value: str) -> str:
    # a JSON string is a TOML basic string (json.dumps never writes the one escape TOML lacks, \/)
    return json.dumps(value, ensure_ascii=False)


def entry_text(entry: Entry) -> str:
    """The TOML lines of one entry, as ``append_entry`` writes them."""
    lines = [f"[[{entry.kind}]]"]
    if entry.organisation is not None:
        lines.append(f"organisation = {_toml_string(entry.organisation)}")
    lines.append(f"{'keep' if entry.kind == 'merge' else 'person'} = {_toml_string(entry.person)}")
    if entry.kind == "split" and entry.body is not None:
        lines.append(f"body = {_toml_string(entry.body)}")
    if entry.names:
        values = ", ".join(_toml_string(n) for n in entry.names)
        lines.append(f"{'absorb' if entry.kind == 'merge' else 'names'} = [{values}]")
    if entry.to is not None:
        lines.append(f"to = {_toml_string(entry.to)}")
    return "\n".join(lines) + "\n"


def append_entry(path: Path, entry: Entry, note: str) -> None:
    """Add an entry at the end of the file (made with the explaining header when missing); the rest stays as written."""
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (HEADER if before is None else ("" if before.endswith("\n") or not before else "\n"))
        text += f"\n# {dt.date.today().isoformat()}: {note}\n{entry_text(entry)}"
        with path.open("a", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise CurationError(f"{path}: cannot write the persons file: {exc.strerror or exc}; "
                            "give a writable file with --persons") from exc


# ---------------------------------------------------------------- the database


def organisations(conn: Connection) -> list[str | None]:
    """Every organisation the registry has persons of."""
    o = db.persons.c.organisation
    return list(conn.execute(sa.select(o).distinct().order_by(o)).scalars())


class _Index:
    """The persons of one organisation by the keys of their names and aliases."""

    def __init__(self, conn: Connection, organisation: str | None, renames: Iterable[Entry] = ()):
        p, a = db.persons.c, db.person_aliases.c
        # a name the curator gave stands for the name it replaced, also before the rename is applied
        self.renamed: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for r in renames:
            if r.to is not None and r.organisation in (None, organisation):
                self.renamed.setdefault(normal_key(r.to), set()).add(normal_key(r.person))
        scope = p.organisation == organisation if organisation is not None else p.organisation.is_(None)
        self.keys: dict[tuple[str, ...], set[int]] = {}
        self.identifiers: dict[int, dict[str, Any]] = {}
        self.stale = False  # set when an entry moved rows: the keys must be read again
        for pid, name, identifiers in conn.execute(sa.select(p.id, p.name, p.identifiers).where(scope)):
            self.identifiers[pid] = dict(identifiers or {})
            self.keys.setdefault(normal_key(name), set()).add(pid)
        ids = sa.select(p.id).where(scope)
        for pid, name in conn.execute(sa.select(a.person_id, a.name).where(a.person_id.in_(ids))):
            self.keys.setdefault(normal_key(name), set()).add(pid)

    def named(self, *names: str) -> set[int]:
        keys = {normal_key(n) for n in names}
        keys |= {old for k in keys for old in self.renamed.get(k, ())}
        return {pid for k in keys for pid in self.keys.get(k, set())}


def apply(conn: Connection, curation: Curation, scope: Iterable[str | None] | None = None) -> list[str]:
    """Apply the file's entries within each organisation of ``scope`` (default: every organisation).

    Returns, when applied to every organisation, a warning for each entry that names nobody.
    """
    if not curation.entries:
        return []
    warnings: list[str] = []
    wanted = list(scope) if scope is not None else organisations(conn)
    indexes: dict[str | None, _Index] = {}  # read once per organisation, again only after a change
    for entry in curation.ordered():
        hits = []
        for org in (o for o in wanted if entry.organisation in (None, o)):
            if org not in indexes or indexes[org].stale:
                indexes[org] = _Index(conn, org, curation.renames())
            hits.append(apply_entry(conn, entry, org, index=indexes[org]))
        if scope is None and not any(hits):
            where = f" in {entry.organisation}" if entry.organisation else ""
            warnings.append(f"{curation.path}:{entry.line}: {entry.label()} names nobody{where}; "
                            "check the spelling, or import the documents that name the person")
    return warnings


def apply_file(engine: Any, curation: Curation) -> list[str]:
    """Apply the whole file to the database in one transaction (the end of an ingest or load run); its warnings."""
    if not curation.entries:
        return []
    try:
        with db.write_transaction(engine) as conn:
            return apply(conn, curation)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"{curation.path}: could not apply the persons file to the database: "
                            f"{str(exc).splitlines()[0]}") from exc


def apply_entry(conn: Connection, entry: Entry, organisation: str | None, renames: Iterable[Entry] = (),
                index: _Index | None = None) -> bool:
    """Apply one entry within one organisation; False when it names nobody there."""
    index = index or _Index(conn, organisation, renames)
    if entry.kind == "merge":
        return _merge(conn, index, entry)
    if entry.kind == "split":
        return _split(conn, index, entry, organisation)
    return _rename(conn, index, entry)


def _merge(conn: Connection, index: _Index, entry: Entry) -> bool:
    keep = index.named(entry.person)
    if not keep:
        return False
    target = min(keep)
    others = (keep | index.named(*entry.names)) - {target}
    if others:
        _move(conn, {t: sa.true() for t in persons.LINKED_TABLES}, others, target)
        for table in (db.person_aliases, db.memberships):
            conn.execute(sa.delete(table).where(table.c.person_id.in_(others)))
        conn.execute(sa.delete(db.persons).where(db.persons.c.id.in_(others)))
        persons.refresh(conn, {target})
        index.stale = True
    # rows resolution tied to ``keep`` itself (an import after the merge): the curator's decision too
    _move(conn, _split_rows(conn, Entry("split", entry.line, None, entry.person, entry.names), {target}), {target}, target)
    if not index.identifiers[target].get("curated_name"):
        _set_name(conn, index, target, entry.person)  # the merged person is called ``keep``
    return True


def _move(conn: Connection, where: dict[str, Any], sources: set[int], target: int) -> set[int]:
    """Point the rows (of each table, those ``where`` selects) of ``sources`` at ``target``; the persons that had rows moved."""
    moved: set[int] = set()
    for name, condition in where.items():
        if name == "replaced":
            continue  # attendees.replaces_person_id, below
        t = db.metadata.tables[name]
        scope = sa.and_(t.c.person_id.in_(sources), condition)
        moved.update(conn.execute(sa.select(t.c.person_id).where(scope).distinct()).scalars())
        conn.execute(sa.update(t).where(scope).values(person_id=target, match_method=CURATOR, match_score=1.0))
    a = db.attendees.c
    replaced = sa.and_(a.replaces_person_id.in_(sources), where.get("replaced", sa.true()))
    moved.update(conn.execute(sa.select(a.replaces_person_id).where(replaced).distinct()).scalars())
    conn.execute(sa.update(db.attendees).where(replaced).values(replaces_person_id=target))
    return moved


def _meeting_of(name: str) -> Any:
    """The meeting id of a row of a linked table, as a correlated scalar subquery."""
    t = db.metadata.tables[name]
    if name in ("attendees", "cover_entities"):
        return t.c.meeting_id
    i, v = db.items.c, db.votes.c
    if name == "vote_members":
        return (sa.select(i.meeting_id).join_from(db.votes, db.items, v.item_id == i.id)
                .where(v.id == t.c.vote_id).scalar_subquery())
    return sa.select(i.meeting_id).where(i.id == t.c.item_id).scalar_subquery()


WRITTEN = {"attendees": ("name", "name_norm"), "cover_entities": ("text", "norm"), "entities": ("text", "norm"),
           "vote_members": ("name", "name")}


def _split_rows(conn: Connection, entry: Entry, sources: set[int]) -> dict[str, Any]:
    """For each linked table: the condition picking the rows of ``sources`` the split moves."""
    keys = {normal_key(n) for n in entry.names}
    where: dict[str, Any] = {}
    body_meetings = (sa.select(db.meetings.c.id).where(db.meetings.c.body == entry.body)
                     if entry.body is not None else None)
    for name in persons.LINKED_TABLES:
        t = db.metadata.tables[name]
        condition: Any = sa.true()
        if body_meetings is not None:
            condition = sa.and_(condition, _meeting_of(name).in_(body_meetings))
        if keys:
            columns = [t.c[c] for c in WRITTEN.get(name, ("person", "person"))]
            ids = [r.id for r in conn.execute(sa.select(t.c.id, *columns).where(t.c.person_id.in_(sources), condition))
                   if any(v and normal_key(v) in keys for v in r[1:])]
            condition = t.c.id.in_(ids)
        where[name] = condition
    a = db.attendees.c
    replaced: Any = sa.true() if body_meetings is None else a.meeting_id.in_(body_meetings)
    if keys:
        rows = conn.execute(sa.select(a.id, a.replaces).where(a.replaces_person_id.in_(sources), replaced)).all()
        replaced = a.id.in_([r.id for r in rows if (m := persons.REPLACED_RE.match(r.replaces or ""))
                             and normal_key(m.group("name")) in keys])
    where["replaced"] = replaced
    return where


def _split_id(entry: Entry) -> str:
    return json.dumps([normal_key(entry.person), sorted(normal_key(n) for n in entry.names), entry.body])


def _split(conn: Connection, index: _Index, entry: Entry, organisation: str | None) -> bool:
    """Move the rows the entry selects to the person split off (made the first time), and only those.

    Imported again, resolution may tie more rows to the person split off (a proposal its attendee
    made, written otherwise); they go back to the person split from, so that the result is the
    same however often the file is applied.
    """
    marker = _split_id(entry)
    earlier = [pid for pid, ids in index.identifiers.items() if ids.get("split") == marker]
    sources = index.named(entry.person) - set(earlier)
    if not sources:
        return bool(earlier)  # nobody named, or every row split off already
    owners = sources | set(earlier[:1])
    where = _split_rows(conn, entry, owners)
    if not earlier and not _count(conn, where, sources):
        return True  # nothing of the split imported (yet)
    target = earlier[0] if earlier else _new_person(conn, entry, organisation, marker)
    moved = _move(conn, where, owners, target)
    back = min(sources)
    moved |= _move(conn, {name: sa.not_(c) for name, c in where.items()}, {target}, back)
    persons.refresh(conn, moved | {target, back})
    index.stale = True
    return True


def _count(conn: Connection, where: dict[str, Any], owners: set[int]) -> int:
    """How many rows of ``owners`` the conditions select."""
    total = 0
    for name, condition in where.items():
        if name != "replaced":
            t = db.metadata.tables[name]
            total += conn.execute(sa.select(sa.func.count()).select_from(t).where(
                t.c.person_id.in_(owners), condition)).scalar_one()
    return total


def _new_person(conn: Connection, entry: Entry, organisation: str | None, marker: str) -> int:
    name = entry.names[0] if entry.names else entry.person
    given, family, sort_name = persons.split_name(name)
    return int(conn.execute(sa.insert(db.persons).values(
        name=name, given_name=given, family_name=family, organisation=organisation, sort_name=sort_name,
        identifiers={"key": " ".join(normal_key(name)), "split": marker},
    ).returning(db.persons.c.id)).scalar_one())


def _rename(conn: Connection, index: _Index, entry: Entry) -> bool:
    assert entry.to is not None
    ids = index.named(entry.person) | {pid for pid, ids in index.identifiers.items() if ids.get("curated_name") == entry.to}
    if not ids:
        return False
    for pid in sorted(ids):
        _set_name(conn, index, pid, entry.to)
    return True


def _set_name(conn: Connection, index: _Index, person_id: int, name: str) -> None:
    """Name a person as the curator wrote it; ``identifiers.curated_name`` keeps resolution from renaming it."""
    given, family, sort_name = persons.split_name(name)
    index.identifiers[person_id] = {**index.identifiers[person_id], "curated_name": name}
    index.keys.setdefault(normal_key(name), set()).add(person_id)
    conn.execute(sa.update(db.persons).where(db.persons.c.id == person_id).values(
        name=name, given_name=given, family_name=family, sort_name=sort_name, identifiers=index.identifiers[person_id]))


# ---------------------------------------------------------------- the commands' library


@dataclass(frozen=True)
class PersonRef:
    """A person of the registry as the commands name it."""

    id: int
    name: str
    organisation: str | None


def find_persons(conn: Connection, ref: str, organisation: str | None = None) -> list[PersonRef]:
    """The persons ``ref`` names: an id (digits), else every person whose name or an alias is that name."""
    p, a = db.persons.c, db.person_aliases.c
    query = sa.select(p.id, p.name, p.organisation).order_by(p.id)
    if organisation is not None:
        query = query.where(p.organisation == organisation)
    if ref.strip().isdigit():
        return [PersonRef(*r) for r in conn.execute(query.where(p.id == int(ref)))]
    key = normal_key(ref)
    named = {r.person_id for r in conn.execute(sa.select(a.person_id, a.name)) if normal_key(r.name) == key}
    return [PersonRef(*r) for r in conn.execute(query) if r.id in named or normal_key(r.name) == key]


LIST_COLUMNS = ["id", "name", "organisation", "parties", "meetings", "mentions"]


def list_persons(conn: Connection, organisation: str | None = None, name: str | None = None) -> list[tuple[Any, ...]]:
    """One row per person (``LIST_COLUMNS``): parties of its memberships, meetings attended, rows naming it."""
    from .names import fold

    p = db.persons.c
    query = sa.select(p.id, p.name, p.organisation).order_by(p.organisation, p.sort_name, p.id)
    if organisation is not None:
        query = query.where(p.organisation == organisation)
    people = [r for r in conn.execute(query) if name is None or fold(name) in fold(r.name)]
    ms, at = db.memberships.c, db.attendees.c
    parties: dict[int, set[str]] = {}
    for pid, party in conn.execute(sa.select(ms.person_id, ms.party).where(ms.party.is_not(None)).distinct()):
        parties.setdefault(pid, set()).add(party)
    meetings: dict[int, int] = dict(conn.execute(sa.select(at.person_id, sa.func.count(sa.distinct(at.meeting_id)))
                                 .where(at.person_id.is_not(None)).group_by(at.person_id)).all())
    mentions: dict[int, int] = {}
    for table in persons.LINKED_TABLES:
        t = db.metadata.tables[table]
        for pid, count in conn.execute(sa.select(t.c.person_id, sa.func.count()).where(t.c.person_id.is_not(None))
                                       .group_by(t.c.person_id)):
            mentions[pid] = mentions.get(pid, 0) + count
    return [(r.id, r.name, r.organisation, ", ".join(sorted(parties.get(r.id, ()))), meetings.get(r.id, 0),
             mentions.get(r.id, 0)) for r in people]


def person_detail(conn: Connection, person_id: int) -> dict[str, Any]:
    """A person with its aliases, memberships and activity per year (the ``person_activity`` view)."""
    p, a, ms = db.persons.c, db.person_aliases.c, db.memberships.c
    row = conn.execute(sa.select(db.persons).where(p.id == person_id)).mappings().one()
    aliases = [dict(r) for r in conn.execute(sa.select(a.name, a.source).where(a.person_id == person_id)
                                             .order_by(a.name, a.source)).mappings()]
    memberships = [dict(r) for r in conn.execute(
        sa.select(ms.body, ms.role, ms.party, ms.start_date, ms.end_date, ms.source)
        .where(ms.person_id == person_id).order_by(ms.start_date, ms.body, ms.role)).mappings()]
    activity = [dict(r) for r in conn.execute(sa.text(
        "SELECT year, meetings, as_ledamot, as_ersattare, proposals, reservations, recusals, votes_cast "
        "FROM person_activity WHERE person_id = :p ORDER BY year"), {"p": person_id}).mappings()]
    return {**dict(row), "aliases": aliases, "memberships": memberships, "activity": activity}


def decide(engine: Any, path: Path, entry: Entry, note: str) -> None:
    """Apply one new entry to the database and append it to the persons file, in one transaction.

    The file is read first, so that a malformed file stops the command before anything changes;
    a file that cannot be written rolls the database back.
    """
    renames = read_curation(path, required=False).renames()
    try:
        with db.write_transaction(engine) as conn:
            apply_entry(conn, entry, entry.organisation, renames)
            append_entry(path, entry, note)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"could not write the {entry.kind} to the database: {str(exc).splitlines()[0]}") from exc
