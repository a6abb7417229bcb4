"""0009_people: names normalised to "First Last": attendees.name_norm, entities.norm; person_mentions
shows entities.norm as person_norm.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    "ALTER TABLE attendees ADD COLUMN name_norm TEXT",
    "ALTER TABLE entities ADD COLUMN norm TEXT",
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
        SELECT e.text AS person, e.norm AS person_norm, e.party, m.meeting_date, m.body, i.number, i.title,
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

POSTGRESQL = SQLITE
