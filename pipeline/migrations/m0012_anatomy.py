"""0012_anatomy: what a document is made of besides its items: regions, attachments (searched like the
sections), document_issues (the self-check).

The PostgreSQL index expression is the one pipeline.db.attachment_tsvector() gives search, so
that the index is used (tests/test_database.py checks they agree).

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    """CREATE TABLE regions (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    kind VARCHAR(12) NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    label TEXT,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_regions_document_id ON regions (document_id)",
    """CREATE TABLE attachments (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    item_id INTEGER,
    label TEXT,
    kind VARCHAR(25) NOT NULL,
    title TEXT,
    page_start INTEGER,
    page_end INTEGER,
    text TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE SET NULL
)""",
    "CREATE INDEX ix_attachments_document_id ON attachments (document_id)",
    "CREATE INDEX ix_attachments_item_id ON attachments (item_id)",
    """CREATE TABLE document_issues (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    item_id INTEGER,
    severity VARCHAR(10) NOT NULL,
    code VARCHAR(40) NOT NULL,
    message TEXT NOT NULL,
    page INTEGER,
    PRIMARY KEY (id),
    CONSTRAINT document_issues_severity CHECK (severity IN ('error', 'warning')),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE SET NULL
)""",
    "CREATE INDEX ix_document_issues_code ON document_issues (code)",
    "CREATE INDEX ix_document_issues_document_id ON document_issues (document_id)",
    "CREATE INDEX ix_document_issues_item_id ON document_issues (item_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS attachments_fts USING fts5(
        label, title, text, content='attachments', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER IF NOT EXISTS attachments_fts_insert AFTER INSERT ON attachments BEGIN
        INSERT INTO attachments_fts(rowid, label, title, text) VALUES (new.id, new.label, new.title, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS attachments_fts_delete AFTER DELETE ON attachments BEGIN
        INSERT INTO attachments_fts(attachments_fts, rowid, label, title, text)
        VALUES ('delete', old.id, old.label, old.title, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS attachments_fts_update AFTER UPDATE ON attachments BEGIN
        INSERT INTO attachments_fts(attachments_fts, rowid, label, title, text)
        VALUES ('delete', old.id, old.label, old.title, old.text);
        INSERT INTO attachments_fts(rowid, label, title, text) VALUES (new.id, new.label, new.title, new.text); END""",
    "INSERT INTO attachments_fts(attachments_fts) VALUES ('rebuild')",
]

POSTGRESQL = [
    """CREATE TABLE regions (
    id SERIAL NOT NULL,
    document_id INTEGER NOT NULL,
    kind VARCHAR(12) NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    label TEXT,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_regions_document_id ON regions (document_id)",
    """CREATE TABLE attachments (
    id SERIAL NOT NULL,
    document_id INTEGER NOT NULL,
    item_id INTEGER,
    label TEXT,
    kind VARCHAR(25) NOT NULL,
    title TEXT,
    page_start INTEGER,
    page_end INTEGER,
    text TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE SET NULL
)""",
    "CREATE INDEX ix_attachments_document_id ON attachments (document_id)",
    "CREATE INDEX ix_attachments_item_id ON attachments (item_id)",
    """CREATE TABLE document_issues (
    id SERIAL NOT NULL,
    document_id INTEGER NOT NULL,
    item_id INTEGER,
    severity VARCHAR(10) NOT NULL,
    code VARCHAR(40) NOT NULL,
    message TEXT NOT NULL,
    page INTEGER,
    PRIMARY KEY (id),
    CONSTRAINT document_issues_severity CHECK (severity IN ('error', 'warning')),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE SET NULL
)""",
    "CREATE INDEX ix_document_issues_code ON document_issues (code)",
    "CREATE INDEX ix_document_issues_document_id ON document_issues (document_id)",
    "CREATE INDEX ix_document_issues_item_id ON document_issues (item_id)",
    """CREATE INDEX IF NOT EXISTS attachments_search_idx ON attachments USING GIN (to_tsvector('swedish', coalesce(label, '') || ' ' || coalesce(title, '') || ' ' || text))""",
]
