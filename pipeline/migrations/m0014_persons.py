"""0014_persons: the person registry (issue 13). The tables ``persons``, ``memberships`` and
``person_aliases``, and on every person-bearing row (attendees, entities, cover_entities,
proposals, vote_members, reservations, protocol_notes, recusals) the columns ``person_id``,
``match_method`` and ``match_score`` saying which person it names and how that was decided;
``attendees.replaces_person_id`` for the member an ersättare stood in for.

Rows imported before this version have no ``person_id`` until their document is imported again
(``protokoll ingest --force``); resolution runs when a document is loaded (pipeline/persons.py).

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

_LINKED = ["attendees", "entities", "cover_entities", "proposals", "vote_members", "reservations",
           "protocol_notes", "recusals"]

_COLUMNS = [
    statement
    for table in _LINKED
    for statement in (
        f"ALTER TABLE {table} ADD COLUMN person_id INTEGER",
        f"ALTER TABLE {table} ADD COLUMN match_method VARCHAR(20)",
        f"ALTER TABLE {table} ADD COLUMN match_score FLOAT",
        f"CREATE INDEX ix_{table}_person_id ON {table} (person_id)",
    )
]

_REPLACED = "ALTER TABLE attendees ADD COLUMN replaces_person_id INTEGER"

_PERSONS = """CREATE TABLE persons (
	id {serial} NOT NULL,
	name TEXT NOT NULL,
	given_name TEXT,
	family_name TEXT,
	organisation TEXT,
	sort_name TEXT NOT NULL,
	identifiers JSON,
	PRIMARY KEY (id)
)"""

_MEMBERSHIPS = """CREATE TABLE memberships (
	id {serial} NOT NULL,
	person_id INTEGER NOT NULL,
	organisation TEXT,
	body TEXT,
	role VARCHAR(20) NOT NULL,
	party VARCHAR(10),
	start_date DATE,
	end_date DATE,
	source VARCHAR(20) NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(person_id) REFERENCES persons (id) ON DELETE CASCADE
)"""

_ALIASES = """CREATE TABLE person_aliases (
	person_id INTEGER NOT NULL,
	name TEXT NOT NULL,
	source VARCHAR(20) NOT NULL,
	PRIMARY KEY (person_id, name, source),
	FOREIGN KEY(person_id) REFERENCES persons (id) ON DELETE CASCADE
)"""

_INDEXES = [
    "CREATE INDEX ix_persons_organisation ON persons (organisation)",
    "CREATE INDEX ix_memberships_person_id ON memberships (person_id)",
]

SQLITE = [
    *_COLUMNS,
    _REPLACED,
    _PERSONS.format(serial="INTEGER"),
    _MEMBERSHIPS.format(serial="INTEGER"),
    _ALIASES,
    *_INDEXES,
]

POSTGRESQL = [
    *_COLUMNS,
    _REPLACED,
    _PERSONS.format(serial="SERIAL"),
    _MEMBERSHIPS.format(serial="SERIAL"),
    _ALIASES,
    *_INDEXES,
]
