"""0003_views: the first views: decisions, person_mentions, amounts, recipients_by_item.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
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
    "DROP VIEW IF EXISTS recipients_by_item",
    """CREATE VIEW recipients_by_item AS
        SELECT m.meeting_date, m.body, i.number, i.title, i.case_number, r.name AS recipient, r.item_id
        FROM recipients r
        JOIN items i ON i.id = r.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
]

POSTGRESQL = SQLITE
