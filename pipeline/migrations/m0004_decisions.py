"""0004_decisions: the decision chain: proposals, votes, vote_members, reservations, protocol_notes; the views
again, with case_history.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    """CREATE TABLE proposals (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    person TEXT,
    party VARCHAR(10),
    kind VARCHAR(20) NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_proposals_item_id ON proposals (item_id)",
    "CREATE INDEX ix_proposals_section_id ON proposals (section_id)",
    """CREATE TABLE votes (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    question TEXT,
    ja INTEGER,
    nej INTEGER,
    avstar INTEGER,
    franvarande INTEGER,
    warning TEXT,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_votes_item_id ON votes (item_id)",
    "CREATE INDEX ix_votes_section_id ON votes (section_id)",
    """CREATE TABLE vote_members (
    id INTEGER NOT NULL,
    vote_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    party VARCHAR(10),
    vote VARCHAR(12) NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(vote_id) REFERENCES votes (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_vote_members_vote_id ON vote_members (vote_id)",
    """CREATE TABLE reservations (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    person TEXT,
    party VARCHAR(10),
    text TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_reservations_item_id ON reservations (item_id)",
    "CREATE INDEX ix_reservations_section_id ON reservations (section_id)",
    """CREATE TABLE protocol_notes (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    person TEXT,
    party VARCHAR(10),
    text TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_protocol_notes_item_id ON protocol_notes (item_id)",
    "CREATE INDEX ix_protocol_notes_section_id ON protocol_notes (section_id)",
    "DROP VIEW IF EXISTS decisions",
    """CREATE VIEW decisions AS
        SELECT m.meeting_date, m.organisation, m.body, i.number, i.title, i.case_number,
               s.text AS decision, i.id AS item_id, d.path
        FROM sections s
        JOIN items i ON i.id = s.item_id
        JOIN meetings m ON m.id = i.meeting_id
        JOIN documents d ON d.id = m.document_id
        WHERE s.kind = 'beslut'""",
    "DROP VIEW IF EXISTS person_mentions",
    """CREATE VIEW person_mentions AS
        SELECT e.text AS person, e.party, m.meeting_date, m.body, i.number, i.title,
               s.kind AS section_kind, e.page, e.item_id, e.section_id
        FROM entities e
        JOIN sections s ON s.id = e.section_id
        JOIN items i ON i.id = e.item_id
        JOIN meetings m ON m.id = i.meeting_id
        WHERE e.label = 'PERSON'""",
    "DROP VIEW IF EXISTS amounts",
    """CREATE VIEW amounts AS
        SELECT e.value_num AS sek, e.text, m.meeting_date, m.body, i.number, i.title,
               s.kind AS section_kind, e.page, e.item_id
        FROM entities e
        JOIN sections s ON s.id = e.section_id
        JOIN items i ON i.id = e.item_id
        JOIN meetings m ON m.id = i.meeting_id
        WHERE e.label = 'MONEY' AND (e.unit = 'SEK' OR e.unit IS NULL)""",
    "DROP VIEW IF EXISTS case_history",
    """CREATE VIEW case_history AS
        SELECT i.case_number, m.meeting_date, m.organisation, m.body, i.number, i.title,
               (SELECT s.text FROM sections s WHERE s.item_id = i.id AND s.kind = 'beslut'
                ORDER BY s.position LIMIT 1) AS decision,
               i.id AS item_id
        FROM items i
        JOIN meetings m ON m.id = i.meeting_id
        WHERE i.case_number IS NOT NULL
        ORDER BY i.case_number, m.meeting_date, i.number""",
    "DROP VIEW IF EXISTS recipients_by_item",
    """CREATE VIEW recipients_by_item AS
        SELECT m.meeting_date, m.body, i.number, i.title, i.case_number, r.name AS recipient, r.item_id
        FROM recipients r
        JOIN items i ON i.id = r.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
]

POSTGRESQL = [
    """CREATE TABLE proposals (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    person TEXT,
    party VARCHAR(10),
    kind VARCHAR(20) NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_proposals_item_id ON proposals (item_id)",
    "CREATE INDEX ix_proposals_section_id ON proposals (section_id)",
    """CREATE TABLE votes (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    question TEXT,
    ja INTEGER,
    nej INTEGER,
    avstar INTEGER,
    franvarande INTEGER,
    warning TEXT,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_votes_item_id ON votes (item_id)",
    "CREATE INDEX ix_votes_section_id ON votes (section_id)",
    """CREATE TABLE vote_members (
    id SERIAL NOT NULL,
    vote_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    party VARCHAR(10),
    vote VARCHAR(12) NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(vote_id) REFERENCES votes (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_vote_members_vote_id ON vote_members (vote_id)",
    """CREATE TABLE reservations (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    person TEXT,
    party VARCHAR(10),
    text TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_reservations_item_id ON reservations (item_id)",
    "CREATE INDEX ix_reservations_section_id ON reservations (section_id)",
    """CREATE TABLE protocol_notes (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    person TEXT,
    party VARCHAR(10),
    text TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_protocol_notes_item_id ON protocol_notes (item_id)",
    "CREATE INDEX ix_protocol_notes_section_id ON protocol_notes (section_id)",
    "DROP VIEW IF EXISTS decisions",
    """CREATE VIEW decisions AS
        SELECT m.meeting_date, m.organisation, m.body, i.number, i.title, i.case_number,
               s.text AS decision, i.id AS item_id, d.path
        FROM sections s
        JOIN items i ON i.id = s.item_id
        JOIN meetings m ON m.id = i.meeting_id
        JOIN documents d ON d.id = m.document_id
        WHERE s.kind = 'beslut'""",
    "DROP VIEW IF EXISTS person_mentions",
    """CREATE VIEW person_mentions AS
        SELECT e.text AS person, e.party, m.meeting_date, m.body, i.number, i.title,
               s.kind AS section_kind, e.page, e.item_id, e.section_id
        FROM entities e
        JOIN sections s ON s.id = e.section_id
        JOIN items i ON i.id = e.item_id
        JOIN meetings m ON m.id = i.meeting_id
        WHERE e.label = 'PERSON'""",
    "DROP VIEW IF EXISTS amounts",
    """CREATE VIEW amounts AS
        SELECT e.value_num AS sek, e.text, m.meeting_date, m.body, i.number, i.title,
               s.kind AS section_kind, e.page, e.item_id
        FROM entities e
        JOIN sections s ON s.id = e.section_id
        JOIN items i ON i.id = e.item_id
        JOIN meetings m ON m.id = i.meeting_id
        WHERE e.label = 'MONEY' AND (e.unit = 'SEK' OR e.unit IS NULL)""",
    "DROP VIEW IF EXISTS case_history",
    """CREATE VIEW case_history AS
        SELECT i.case_number, m.meeting_date, m.organisation, m.body, i.number, i.title,
               (SELECT s.text FROM sections s WHERE s.item_id = i.id AND s.kind = 'beslut'
                ORDER BY s.position LIMIT 1) AS decision,
               i.id AS item_id
        FROM items i
        JOIN meetings m ON m.id = i.meeting_id
        WHERE i.case_number IS NOT NULL
        ORDER BY i.case_number, m.meeting_date, i.number""",
    "DROP VIEW IF EXISTS recipients_by_item",
    """CREATE VIEW recipients_by_item AS
        SELECT m.meeting_date, m.body, i.number, i.title, i.case_number, r.name AS recipient, r.item_id
        FROM recipients r
        JOIN items i ON i.id = r.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
]
