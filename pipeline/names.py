"""One grammar for person names, used by every stage (segment, decide, tag) and by person resolution.

A protocol names a person as ``Anna Berg (S)``: two to four capitalised name words, maybe a
particle (``af``, ``von``), then a party code in brackets. The attendance list, the proposal
reader and the entity tagger used to carry their own copies of this pattern and disagreed
(``AnnaSara Perslow (C)`` was ``Sara Perslow`` to the tagger and ``AnnaSara Perslow`` to the
proposal reader), so a person's mentions could not be linked. Here is the only copy; the words
that stand before a name without being part of it are data (``pipeline/vocab/not_names.tsv``).

``normal_key`` is the comparison form person resolution uses (case, genitive, order).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .values import party_code
from .vocabulary import read_tsv

NOT_NAMES_FILE = "not_names.tsv"
NOT_NAME_KINDS = ("title", "adverb", "conjunction", "heading", "place", "word")

# One name word: "Anna", "Frostdahl-Blomqvist", "O'Neill", one inner capital ("AnnaSara").
NAME_TOKEN = r"[A-ZÅÄÖÉÜ][a-zåäöéüæøß'´]+(?:[A-ZÅÄÖ][a-zåäöéü]+)?(?:-[A-ZÅÄÖÉÜ]?[a-zåäöéüæøß]+)*"
# Between name words: spaces or one line break (a flattened line), never a paragraph break
# ("Yrkanden\n\nAxel Josefson (M)" is no "Yrkanden Axel Josefson") nor a tab, which separates
# the columns of a table row or a cover ("Justerare<TAB>Åsa Ågren Wikström (M)").
NAME_GAP = r"(?:[ ]+\n?|\n)[ ]*"
PARTICLES = r"(?:af|von|van|de|der|la|di)"
NAME_WORDS = rf"{NAME_TOKEN}(?:{NAME_GAP}(?:{PARTICLES}{NAME_GAP})?{NAME_TOKEN})"
# 1-4 letters in brackets: values.py checks that every party code of the vocabulary fits.
PARTY_BRACKET = r"\((?P<party>[A-Za-zÅÄÖåäö]{1,4})\)"
PERSON_PARTY_RE = re.compile(rf"(?P<name>{NAME_WORDS}{{0,3}}),?\s*{PARTY_BRACKET}")
# What every PERSON_PARTY_RE match holds. A text without it has no person: one search that re runs
# fast, as it starts with "(", instead of PERSON_PARTY_RE tried at every capital letter (most sections).
PARTY_BRACKET_RE = re.compile(PARTY_BRACKET)
FULL_NAME_RE = re.compile(rf"{NAME_WORDS}{{1,3}}")
# A name that is an organisation's: "Kommunstyrelsen Ordförande (S)" is no person.
ORG_WORDS = re.compile(r"(?:nämnd|styrelse|kommun|region|förvaltning|bolag|verket|kontor|fullmäktige|utskott)", re.I)


@cache
def not_name_words(*kinds: str) -> frozenset[str]:
    """The words of ``not_names.tsv`` (lower case), of the given kinds or of all."""
    rows = read_tsv(NOT_NAMES_FILE)
    return frozenset(r["word"] for r in rows if not kinds or r["kind"] in kinds)


NOT_NAME_WORDS = not_name_words()
# Titles and sentence adverbs skipped in front of an actor ("ordföranden Jonas Attenius (S)").
TITLE_WORDS = not_name_words("title", "adverb", "conjunction")


@dataclass(frozen=True)
class PersonMention:
    """A ``Name (P)`` person in a text: the name without the title words before it, and offsets."""

    name: str
    party: str
    start: int  # of the name
    end: int  # of the name
    party_start: int
    party_end: int
    match_end: int  # after the closing bracket


def _mention(text: str, m: re.Match[str]) -> PersonMention | None:
    """The person a ``PERSON_PARTY_RE`` match names; None when it is no plausible person."""
    party = party_code(m.group("party"))
    if party is None:
        return None
    words = [(w.start(), w.end(), w.group()) for w in re.finditer(r"\S+", m.group("name"))]
    while words and words[0][2].lower() in NOT_NAME_WORDS:
        words.pop(0)
    if len(words) < 2:
        return None  # one capitalised word before "(S)" is no full name
    start, end = m.start("name") + words[0][0], m.start("name") + words[-1][1]
    name = text[start:end]
    if ORG_WORDS.search(name):
        return None
    return PersonMention(" ".join(name.split()), party, start, end, m.start("party"), m.end("party"), m.end())


def person_at(text: str, pos: int) -> PersonMention | None:
    """The ``Name (P)`` person that starts at ``pos`` (title words before the name excluded), or None."""
    m = PERSON_PARTY_RE.match(text, pos)
    return _mention(text, m) if m else None


def persons_in(text: str) -> list[PersonMention]:
    """Every ``Name (P)`` person in ``text``, in order."""
    if PARTY_BRACKET_RE.search(text) is None:
        return []
    found = []
    for m in PERSON_PARTY_RE.finditer(text):
        hit = _mention(text, m)
        if hit:
            found.append(hit)
    return found


def is_full_name(text: str) -> bool:
    """Whether ``text`` is a whole name of two to four words (an attendance cell without a party)."""
    return FULL_NAME_RE.fullmatch(text) is not None


def fold(word: str) -> str:
    """Lower case without accents other than the Swedish letters: "Éva" -> "eva", "Åsa" stays "åsa"."""
    out = []
    for ch in word.lower():
        if ch in "åäö":
            out.append(ch)
        else:
            out.extend(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return "".join(out)


def strip_genitive(word: str) -> str:
    """``Frostdahl-Blomqvists`` -> ``Frostdahl-Blomqvist``, ``Ek:s`` -> ``Ek``; other words unchanged.

    Only the last word of a name takes the genitive; a name that itself ends in s (``Jonas``,
    ``Nils``) is read the same way, so callers compare both forms.
    """
    if word.endswith(":s"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "'s")):
        return word[:-1]
    return word


def name_words(name: str) -> list[str]:
    """The folded words of a name, hyphens splitting, particles and initials' dots dropped.

    ``S. Frostdahl-Blomqvist`` -> ``["s", "frostdahl", "blomqvist"]``: ``Lena Landén-Olsson`` and
    ``Lena Landén Olsson`` are one name.
    """
    words = [fold(w.strip(".,")) for w in re.split(r"[\s-]+", name)]
    return [w for w in words if w and not re.fullmatch(PARTICLES, w)]


def normal_key(name: str) -> tuple[str, ...]:
    """Words sorted, folded: the same for ``Siw Frostdahl-Blomqvist`` and ``Frostdahl-Blomqvist Siw``."""
    return tuple(sorted(name_words(name)))
