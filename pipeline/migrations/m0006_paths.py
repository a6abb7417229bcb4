"""0006_paths: document_paths: every path a content was seen under; filled from documents.path.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    """CREATE TABLE document_paths (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    size INTEGER,
    file_mtime FLOAT,
    seen_at DATETIME NOT NULL,
    run_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    UNIQUE (path)
)""",
    "CREATE INDEX ix_document_paths_document_id ON document_paths (document_id)",
    """INSERT INTO document_paths (document_id, path, size, file_mtime, seen_at, run_id) SELECT id, path, size, NULL, ingested_at, run_id FROM documents WHERE path NOT IN (SELECT path FROM document_paths)""",
]

POSTGRESQL = [
    """CREATE TABLE document_paths (
    id SERIAL NOT NULL,
    document_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    size INTEGER,
    file_mtime FLOAT,
    seen_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    run_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE,
    UNIQUE (path)
)""",
    "CREATE INDEX ix_document_paths_document_id ON document_paths (document_id)",
    """INSERT INTO document_paths (document_id, path, size, file_mtime, seen_at, run_id) SELECT id, path, size, NULL, ingested_at, run_id FROM documents WHERE path NOT IN (SELECT path FROM document_paths)""",
]
