"""0017_fts_declared: the FTS5 tables name their content table in double quotes, so tools find them.

Datasette and sqlite-utils recognise a full-text index by the text of its ``CREATE VIRTUAL TABLE``
(``content="sections"`` or ``content=[sections]``); 0002 and 0012 wrote ``content='sections'``,
which FTS5 reads the same but neither tool matches, so plain ``datasette`` showed no search box
and ``sqlite-utils search`` found no index. The three tables are made again with the same columns,
tokenizer and triggers (the triggers name them and stay as they are) and rebuilt from their
tables. PostgreSQL searches through GIN indexes on the tables themselves: nothing to change.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    "DROP TABLE IF EXISTS sections_fts",
    """CREATE VIRTUAL TABLE sections_fts USING fts5(
        heading, text, content="sections", content_rowid="id",
        tokenize='unicode61 remove_diacritics 0')""",
    "INSERT INTO sections_fts(sections_fts) VALUES ('rebuild')",
    "DROP TABLE IF EXISTS items_fts",
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        title, content="items", content_rowid="id", tokenize='unicode61 remove_diacritics 0')""",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
    "DROP TABLE IF EXISTS attachments_fts",
    """CREATE VIRTUAL TABLE attachments_fts USING fts5(
        label, title, text, content="attachments", content_rowid="id",
        tokenize='unicode61 remove_diacritics 0')""",
    "INSERT INTO attachments_fts(attachments_fts) VALUES ('rebuild')",
]

POSTGRESQL: list[str] = []
