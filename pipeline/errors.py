"""Named errors carrying the file, the reason and a hint on how to fix it.

Stages raise these; only ``cli.py`` turns them into exit codes. A
``BadDocumentError`` is terminal for one document (the batch goes on); a
``DatabaseError`` means the run itself cannot continue.
"""

from __future__ import annotations


class ProtokollError(Exception):
    """Base class of the errors this package raises on purpose."""


class BadDocumentError(ProtokollError):
    """A document that cannot be imported: broken, encrypted, empty, scanned, ...

    ``reason`` is one short line for humans and the ``documents.error`` column;
    ``hint`` says what the user can do about it.
    """

    def __init__(self, path: str, reason: str, hint: str | None = None, page: int | None = None):
        self.path = path
        self.reason = reason
        self.hint = hint
        self.page = page
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.path}: page {self.page}: " if self.page else f"{self.path}: "
        return where + self.reason + (f" ({self.hint})" if self.hint else "")


class StageInputError(ProtokollError):
    """A stage output file under data/processed/ that cannot be read back."""


class DatabaseError(ProtokollError):
    """The database cannot be opened or written (transient or configuration problem)."""
