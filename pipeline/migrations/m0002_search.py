"""0002_search: full-text search: FTS5 tables kept in sync by triggers (SQLite), GIN indexes (PostgreSQL).

SQLite: tokenizer unicode61 with remove_diacritics 0, so å, ä, ö stay letters of their own; the
last two statements index the rows already there. PostgreSQL: the swedish configuration stems.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS sections_fts USING fts5(
        heading, text, content='sections', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
        title, content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER IF NOT EXISTS sections_fts_insert AFTER INSERT ON sections BEGIN
        INSERT INTO sections_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS sections_fts_delete AFTER DELETE ON sections BEGIN
        INSERT INTO sections_fts(sections_fts, rowid, heading, text)
        VALUES ('delete', old.id, old.heading, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS sections_fts_update AFTER UPDATE ON sections BEGIN
        INSERT INTO sections_fts(sections_fts, rowid, heading, text)
        VALUES ('delete', old.id, old.heading, old.text);
        INSERT INTO sections_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts(rowid, title) VALUES (new.id, new.title); END""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title) VALUES ('delete', old.id, old.title); END""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_update AFTER UPDATE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title) VALUES ('delete', old.id, old.title);
        INSERT INTO items_fts(rowid, title) VALUES (new.id, new.title); END""",
    "INSERT INTO sections_fts(sections_fts) VALUES ('rebuild')",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
]

POSTGRESQL = [
    """CREATE INDEX IF NOT EXISTS sections_search_idx ON sections
        USING GIN (to_tsvector('swedish', coalesce(heading, '') || ' ' || text))""",
    """CREATE INDEX IF NOT EXISTS items_search_idx ON items USING GIN (to_tsvector('swedish', coalesce(title, '')))""",
]
