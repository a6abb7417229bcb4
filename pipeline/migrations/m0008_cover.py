"""0008_cover: cover page: justering and anslag dates of the meeting, partial presence of attendees.

Frozen: the literal statements this version ran. Never edit them; a change is a new migration
(pipeline/migrations/__init__.py).
"""

SQLITE = [
    "ALTER TABLE meetings ADD COLUMN justering_date DATE",
    "ALTER TABLE meetings ADD COLUMN anslag_up DATE",
    "ALTER TABLE meetings ADD COLUMN anslag_down DATE",
    "ALTER TABLE attendees ADD COLUMN presence TEXT",
]

POSTGRESQL = SQLITE
