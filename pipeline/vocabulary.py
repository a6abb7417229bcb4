"""Vocabularies as data files (``pipeline/vocab/*.tsv``), shared by the pipeline and ``training/``.

A file is tab-separated UTF-8: lines starting with ``#`` are comments, the first other line
names the columns. A missing file is an error naming the path and the fix, never an empty list.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import ProtokollError

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"


@cache
def read_tsv(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``pipeline/vocab/<name>`` as dicts keyed by the header's column names."""
    path = VOCAB_DIR / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise ProtokollError(
            f"{path}: vocabulary file missing (reinstall protokoll, or restore it with git checkout -- {path.name})"
        ) from exc
    rows = [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]
    header, body = rows[0], rows[1:]
    return tuple(dict(zip(header, row + [""] * (len(header) - len(row)), strict=True)) for row in body)
