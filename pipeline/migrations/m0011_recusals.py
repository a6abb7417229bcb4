"""0011_recusals: jäv declarations: the recusals table and the recusals_by_item view.

The view is created here and not with the others: the migrations before this one that (re)create
views run on databases without recusals, and PostgreSQL refuses a view of a missing table.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    """CREATE TABLE recusals (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    person TEXT NOT NULL,
    party VARCHAR(10),
    reason TEXT,
    for_item_number INTEGER,
    text TEXT NOT NULL,
    page INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_recusals_item_id ON recusals (item_id)",
    "CREATE INDEX ix_recusals_section_id ON recusals (section_id)",
    "DROP VIEW IF EXISTS recusals_by_item",
    """CREATE VIEW recusals_by_item AS
        SELECT m.meeting_date, m.body, i.number, i.title, i.case_number, r.person, r.party, r.reason,
               r.page, r.item_id
        FROM recusals r
        JOIN items i ON i.id = r.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
]

POSTGRESQL = [
    """CREATE TABLE recusals (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    person TEXT NOT NULL,
    party VARCHAR(10),
    reason TEXT,
    for_item_number INTEGER,
    text TEXT NOT NULL,
    page INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_recusals_item_id ON recusals (item_id)",
    "CREATE INDEX ix_recusals_section_id ON recusals (section_id)",
    "DROP VIEW IF EXISTS recusals_by_item",
    """CREATE VIEW recusals_by_item AS
        SELECT m.meeting_date, m.body, i.number, i.title, i.case_number, r.person, r.party, r.reason,
               r.page, r.item_id
        FROM recusals r
        JOIN items i ON i.id = r.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
]
