"""0001_initial: the first schema: documents, pages, meetings, attendees, items, sections, recipients, entities.

Generated from the table definitions of commit aca4e69; equal, statement by statement, to the
schema of tests/data/protocols-v1.db, a database that version made.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    """CREATE TABLE documents (
    id INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 VARCHAR(64) NOT NULL,
    size INTEGER,
    page_count INTEGER,
    status VARCHAR(10) NOT NULL,
    error TEXT,
    failed_stage VARCHAR(20),
    doc_type VARCHAR(30),
    extractor VARCHAR(30),
    model TEXT,
    ingested_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT documents_status CHECK (status IN ('ok', 'failed')),
    UNIQUE (sha256)
)""",
    "CREATE INDEX ix_documents_path ON documents (path)",
    """CREATE TABLE pages (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    char_count INTEGER NOT NULL,
    has_text BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_pages_document_id ON pages (document_id)",
    """CREATE TABLE meetings (
    id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    organisation TEXT,
    body TEXT,
    meeting_date DATE,
    place TEXT,
    first_item INTEGER,
    last_item INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_meetings_document_id ON meetings (document_id)",
    "CREATE INDEX ix_meetings_meeting_date ON meetings (meeting_date)",
    """CREATE TABLE attendees (
    id INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    party VARCHAR(10),
    role TEXT,
    kind VARCHAR(12) NOT NULL,
    replaces TEXT,
    PRIMARY KEY (id),
    FOREIGN KEY(meeting_id) REFERENCES meetings (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_attendees_meeting_id ON attendees (meeting_id)",
    """CREATE TABLE items (
    id INTEGER NOT NULL,
    meeting_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT,
    case_number VARCHAR(80),
    page_start INTEGER,
    page_end INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(meeting_id) REFERENCES meetings (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_items_case_number ON items (case_number)",
    "CREATE INDEX ix_items_meeting_id ON items (meeting_id)",
    """CREATE TABLE sections (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    kind VARCHAR(30) NOT NULL,
    heading TEXT,
    text TEXT NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_sections_item_id ON sections (item_id)",
    "CREATE INDEX ix_sections_kind ON sections (kind)",
    """CREATE TABLE recipients (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_recipients_item_id ON recipients (item_id)",
    """CREATE TABLE entities (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER NOT NULL,
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
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_entities_item_id ON entities (item_id)",
    "CREATE INDEX ix_entities_label ON entities (label)",
    "CREATE INDEX ix_entities_section_id ON entities (section_id)",
]

POSTGRESQL = [
    """CREATE TABLE documents (
    id SERIAL NOT NULL,
    path TEXT NOT NULL,
    sha256 VARCHAR(64) NOT NULL,
    size INTEGER,
    page_count INTEGER,
    status VARCHAR(10) NOT NULL,
    error TEXT,
    failed_stage VARCHAR(20),
    doc_type VARCHAR(30),
    extractor VARCHAR(30),
    model TEXT,
    ingested_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT documents_status CHECK (status IN ('ok', 'failed')),
    UNIQUE (sha256)
)""",
    "CREATE INDEX ix_documents_path ON documents (path)",
    """CREATE TABLE pages (
    id SERIAL NOT NULL,
    document_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    char_count INTEGER NOT NULL,
    has_text BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_pages_document_id ON pages (document_id)",
    """CREATE TABLE meetings (
    id SERIAL NOT NULL,
    document_id INTEGER NOT NULL,
    organisation TEXT,
    body TEXT,
    meeting_date DATE,
    place TEXT,
    first_item INTEGER,
    last_item INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(document_id) REFERENCES documents (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_meetings_document_id ON meetings (document_id)",
    "CREATE INDEX ix_meetings_meeting_date ON meetings (meeting_date)",
    """CREATE TABLE attendees (
    id SERIAL NOT NULL,
    meeting_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    party VARCHAR(10),
    role TEXT,
    kind VARCHAR(12) NOT NULL,
    replaces TEXT,
    PRIMARY KEY (id),
    FOREIGN KEY(meeting_id) REFERENCES meetings (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_attendees_meeting_id ON attendees (meeting_id)",
    """CREATE TABLE items (
    id SERIAL NOT NULL,
    meeting_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT,
    case_number VARCHAR(80),
    page_start INTEGER,
    page_end INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(meeting_id) REFERENCES meetings (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_items_case_number ON items (case_number)",
    "CREATE INDEX ix_items_meeting_id ON items (meeting_id)",
    """CREATE TABLE sections (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    kind VARCHAR(30) NOT NULL,
    heading TEXT,
    text TEXT NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_sections_item_id ON sections (item_id)",
    "CREATE INDEX ix_sections_kind ON sections (kind)",
    """CREATE TABLE recipients (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_recipients_item_id ON recipients (item_id)",
    """CREATE TABLE entities (
    id SERIAL NOT NULL,
    item_id INTEGER NOT NULL,
    section_id INTEGER NOT NULL,
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
    PRIMARY KEY (id),
    FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE,
    FOREIGN KEY(section_id) REFERENCES sections (id) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_entities_item_id ON entities (item_id)",
    "CREATE INDEX ix_entities_label ON entities (label)",
    "CREATE INDEX ix_entities_section_id ON entities (section_id)",
]
