"""sv_protokoll: the Swedish NER pipeline of protokoll, installed as a package (spaCy's convention).

The model files sit next to this file (models/sv_protokoll in the source checkout is
the one folder they live in; pyproject.toml ships it as this package). protokoll
finds the folder without importing it (pipeline/tag.py find_model). In a program:

    import sv_protokoll
    nlp = sv_protokoll.load()   # tok2vec, ner, protokoll_rules

``protokoll_rules`` comes from protokoll (its ``spacy_factories`` entry point), so
protokoll must be installed too; see models/README.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).resolve().parent


def load(**overrides: Any) -> Any:
    """The pipeline from this folder, as ``spacy.load(MODEL_DIR, **overrides)``."""
    import spacy  # here, not at the top: finding or importing the package needs no spaCy

    return spacy.load(MODEL_DIR, **overrides)
