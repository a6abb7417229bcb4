"""0007_ocr: pages.ocr (the text comes from OCR) and pages.text_quality (good | repairable | garbage).

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    "ALTER TABLE pages ADD COLUMN ocr BOOLEAN",
    "ALTER TABLE pages ADD COLUMN text_quality VARCHAR(12)",
]

POSTGRESQL = SQLITE
