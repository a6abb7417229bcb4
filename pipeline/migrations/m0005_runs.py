"""0005_runs: the runs table (one row per ingest) and documents.run_id, the run that wrote a document.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    """CREATE TABLE runs (
    id INTEGER NOT NULL,
    started_at DATETIME NOT NULL,
    finished_at DATETIME,
    status VARCHAR(12) NOT NULL,
    command TEXT,
    files INTEGER,
    jobs INTEGER,
    inserted INTEGER,
    replaced INTEGER,
    unchanged INTEGER,
    failed INTEGER,
    pid INTEGER,
    host TEXT,
    log_path TEXT,
    PRIMARY KEY (id)
)""",
    "ALTER TABLE documents ADD COLUMN run_id INTEGER",
]

POSTGRESQL = [
    """CREATE TABLE runs (
    id SERIAL NOT NULL,
    started_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITHOUT TIME ZONE,
    status VARCHAR(12) NOT NULL,
    command TEXT,
    files INTEGER,
    jobs INTEGER,
    inserted INTEGER,
    replaced INTEGER,
    unchanged INTEGER,
    failed INTEGER,
    pid INTEGER,
    host TEXT,
    log_path TEXT,
    PRIMARY KEY (id)
)""",
    "ALTER TABLE documents ADD COLUMN run_id INTEGER",
]
