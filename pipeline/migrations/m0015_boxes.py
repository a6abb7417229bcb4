"""0015_boxes: where each stored value stands on its page (issue 14, pipeline/boxes.py).

items, sections, attendees, recipients, proposals, votes and attachments get ``page``, ``x0``,
``y0``, ``x1``, ``y1`` (the first line's box in PDF points from the top left of the page) and
``boxes`` (JSON: the further lines and pages of a value, null when it fits one line);
entities and cover_entities, which have their ``page`` already, get the box columns only.

Rows imported before this version have no boxes until their document is imported again
(``protokoll ingest --force``).

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

_WITH_PAGE = ["items", "sections", "attendees", "recipients", "proposals", "votes", "attachments"]
_WITHOUT_PAGE = ["entities", "cover_entities"]

SQLITE = [
    statement
    for table in [*_WITH_PAGE, *_WITHOUT_PAGE]
    for statement in (
        *([f"ALTER TABLE {table} ADD COLUMN page INTEGER"] if table in _WITH_PAGE else []),
        f"ALTER TABLE {table} ADD COLUMN x0 FLOAT",
        f"ALTER TABLE {table} ADD COLUMN y0 FLOAT",
        f"ALTER TABLE {table} ADD COLUMN x1 FLOAT",
        f"ALTER TABLE {table} ADD COLUMN y1 FLOAT",
        f"ALTER TABLE {table} ADD COLUMN boxes TEXT",
    )
]

POSTGRESQL = SQLITE
