"""0010_cover_entities: cover_entities: the entities of the cover page, which belong to the meeting, not to an item.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    """CREATE TABLE cover_entities (
    id INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL,
    label VARCHAR(10) NOT NULL,
    text TEXT NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    page INTEGER,
    party VARCHAR(10),
    value_num FLOAT,
    value_date DATE,
    unit VARCHAR(10),
    source VARCHAR(10),
    norm TEXT,
    PRIMARY KEY (id),
    FOREIGN KEY(meeting_id) REFERENCES meetings (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_cover_entities_label ON cover_entities (label)",
    "CREATE INDEX ix_cover_entities_meeting_id ON cover_entities (meeting_id)",
]

POSTGRESQL = [
    """CREATE TABLE cover_entities (
    id SERIAL NOT NULL,
    meeting_id INTEGER NOT NULL,
    label VARCHAR(10) NOT NULL,
    text TEXT NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    page INTEGER,
    party VARCHAR(10),
    value_num FLOAT,
    value_date DATE,
    unit VARCHAR(10),
    source VARCHAR(10),
    norm TEXT,
    PRIMARY KEY (id),
    FOREIGN KEY(meeting_id) REFERENCES meetings (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_cover_entities_label ON cover_entities (label)",
    "CREATE INDEX ix_cover_entities_meeting_id ON cover_entities (meeting_id)",
]
