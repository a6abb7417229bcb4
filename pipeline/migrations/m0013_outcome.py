"""0013_outcome: what was decided (issue 12). The outcome of each item (``items.outcome`` and the
sentence, offsets, confidence and vote method it comes with), each yrkande's stance, target and
whether it won, ``votes.method``, the ``decision_clauses`` table, the ``decisions`` view with the
outcome, and the views ``party_votes`` and ``contested_items``.

Every vote stored before this version was a counted vote, so ``votes.method`` is filled with
``votering``; the other new columns and ``decision_clauses`` stay empty for documents imported
before until they are imported again (``protokoll ingest --force``).

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

_COLUMNS = [
    "ALTER TABLE items ADD COLUMN outcome VARCHAR(20)",
    "ALTER TABLE items ADD COLUMN outcome_basis TEXT",
    "ALTER TABLE items ADD COLUMN outcome_section_id INTEGER",
    "ALTER TABLE items ADD COLUMN outcome_start INTEGER",
    "ALTER TABLE items ADD COLUMN outcome_end INTEGER",
    "ALTER TABLE items ADD COLUMN outcome_confidence FLOAT",
    "ALTER TABLE items ADD COLUMN vote_method VARCHAR(12)",
    "CREATE INDEX ix_items_outcome ON items (outcome)",
    "ALTER TABLE proposals ADD COLUMN stance VARCHAR(20)",
    "ALTER TABLE proposals ADD COLUMN target TEXT",
    "ALTER TABLE proposals ADD COLUMN won BOOLEAN",
    "ALTER TABLE votes ADD COLUMN method VARCHAR(12)",
    "UPDATE votes SET method = 'votering'",
]

_CLAUSES_INDEXES = [
    "CREATE INDEX ix_decision_clauses_item_id ON decision_clauses (item_id)",
    "CREATE INDEX ix_decision_clauses_section_id ON decision_clauses (section_id)",
]

_VIEWS = [
    "DROP VIEW IF EXISTS decisions",
    """CREATE VIEW decisions AS
        SELECT m.meeting_date, m.organisation, m.body, i.number, i.title, i.case_number,
               s.text AS decision, i.id AS item_id, d.path, i.outcome
        FROM sections s
        JOIN items i ON i.id = s.item_id
        JOIN meetings m ON m.id = i.meeting_id
        JOIN documents d ON d.id = m.document_id
        WHERE s.kind = 'beslut'""",
    "DROP VIEW IF EXISTS party_votes",
    """CREATE VIEW party_votes AS
        SELECT m.meeting_date, m.body, i.number, i.title, v.question, vm.party,
               SUM(CASE WHEN vm.vote = 'ja' THEN 1 ELSE 0 END) AS ja,
               SUM(CASE WHEN vm.vote = 'nej' THEN 1 ELSE 0 END) AS nej,
               SUM(CASE WHEN vm.vote = 'avstår' THEN 1 ELSE 0 END) AS avstar,
               SUM(CASE WHEN vm.vote = 'frånvarande' THEN 1 ELSE 0 END) AS franvarande,
               v.id AS vote_id, i.id AS item_id
        FROM vote_members vm
        JOIN votes v ON v.id = vm.vote_id
        JOIN items i ON i.id = v.item_id
        JOIN meetings m ON m.id = i.meeting_id
        GROUP BY m.meeting_date, m.body, i.number, i.title, v.question, vm.party, v.id, i.id""",
    "DROP VIEW IF EXISTS contested_items",
    """CREATE VIEW contested_items AS
        SELECT m.meeting_date, m.organisation, m.body, i.number, i.title, i.case_number, i.outcome,
               c.proposals, c.votes, c.reservations, i.id AS item_id
        FROM (SELECT i.id AS item_id,
                     (SELECT COUNT(DISTINCT COALESCE(p.stance, p.kind) || ':' || COALESCE(p.target, ''))
                      FROM proposals p WHERE p.item_id = i.id) AS proposals,
                     (SELECT COUNT(*) FROM votes v WHERE v.item_id = i.id) AS votes,
                     (SELECT COUNT(*) FROM reservations r WHERE r.item_id = i.id) AS reservations
              FROM items i) c
        JOIN items i ON i.id = c.item_id
        JOIN meetings m ON m.id = i.meeting_id
        WHERE c.votes > 0 OR c.reservations > 0 OR c.proposals > 1""",
]

SQLITE = [
    *_COLUMNS,
    """CREATE TABLE decision_clauses (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    start_char INTEGER,
    end_char INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    *_CLAUSES_INDEXES,
    *_VIEWS,
]

POSTGRESQL = [
    *_COLUMNS,
    """CREATE TABLE decision_clauses (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    start_char INTEGER,
    end_char INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    *_CLAUSES_INDEXES,
    *_VIEWS,
]
