"""Jäv (``Recusal``): who declared a conflict of interest on which item, and why."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..names import NOT_NAME_WORDS
from ..types import Protocol, Recusal, Section
from .actors import _NAME_TOKEN, TITLE_WORDS, _units, leading_actors
from .text import SENTENCE_STOP_RE, clean_text, flat

# What a disqualified person is said to do, right after the name(s). "Anmäler jäv" and "är jävig" say it
# outright; not taking part or leaving says it only in a Jäv section or in a sentence that says "jäv".
_JAV_DECLARE = (
    r"anmäl(?:er|de|t|a)\s+(?:sig\s+)?(?:som\s+)?jäv(?:ig)?\b|"
    r"(?:är|var|blir|blev|förklarar\s+sig|förklarade\s+sig|anser\s+sig|ansåg\s+sig|anmäler\s+sig)\s+jävig\b"
)
_JAV_ABSENT = (
    r"(?:deltar|deltog|medverkar|medverkade)\s+(?:inte|ej)\b|"
    r"(?:lämnar|lämnade|avlägsnar|avlägsnade)\s+(?:sammanträdet|mötet|lokalen|sig|rummet|salen)\b|"
    r"(?:avstår|avstod)\s+från\s+att\s+delta\b"
)
RECUSAL_VERB_RE = re.compile(
    rf"[\s,]*(?:även\s+|också\s+)?(?:(?P<declare>{_JAV_DECLARE})|(?P<absent>{_JAV_ABSENT}))", re.I
)
# "På grund av jäv deltar inte Per Persson (C) i handläggningen", "Jäv anmäldes av Per Persson (C)"
RECUSAL_VERB_FIRST_RE = re.compile(
    r"(?:(?:på\s+grund\s+av|pga\.?|p\.\s?g\.\s?a\.?)\s+jäv,?\s+(?:deltar|deltog|medverkar|medverkade)\s+(?:inte|ej)|"
    r"jäv\s+anmäl(?:e?s|des)\s+av)\s+",
    re.I,
)
JAV_WORD_RE = re.compile(r"\bjäv", re.I)
# A name without a party (Finland-Swedish protocols): "Marlene Lindgren anmälde jäv". Only with a verb that
# says jäv, since a bare capitalised pair of words is a weak signal of a person.
BARE_NAME_RE = re.compile(rf"(?P<name>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})(?=[\s,]+(?:{_JAV_DECLARE}|{_JAV_ABSENT}))")
# The reason, when given: "orsak; närstående i familjekretsen", "på grund av släktskap", "jäv (närstående)".
REASON_RE = re.compile(
    r"(?:\b(?:orsak(?:en)?|skäl(?:et)?|anledning(?:en)?)\s*(?:[;:,]\s*|\s+(?:är|var)\s+)|"
    r"\b(?:på\s+grund\s+av|pga\.?|p\.\s?g\.\s?a\.?|med\s+anledning\s+av|eftersom|i\s+egenskap\s+av)\s+(?!jäv\b)|"
    r"\bjäv(?:ig)?\s*\((?![§\d]))"  # "jäv (närstående)", not "jäv (§ 12)"
    r"(?:att\s+)?(?P<reason>[^.;()]+?)"
    r"(?=\s*\)|\s*[.;]|[\s,]+(?:och\s+)?(?:avlägsna|lämna|deltar|deltog|deltager|medverka|går\s|gick\s|avstår|avstod)|$)",
    re.I,
)
# The item a declaration names: "under paragraf 625", "i § 12 och 14", "vid behandlingen av ärende 7", "§§ 5-7".
_ITEM_NO = r"\d{1,4}(?!\d)(?![.,:/]\d)"
ITEM_REF_RE = re.compile(
    r"\b(?:under|i|vid|för|inför|till)\s+(?:behandling(?:en)?\s+av\s+)?"
    rf"(?:paragraf(?:erna)?|§§?|ärende(?:t|na)?(?:\s+(?:nr\.?|§§?|paragraf))?)\s*(?P<list>{_ITEM_NO}"
    rf"(?:\s*(?:,|och|samt|[-–])\s*(?:§\s*)?{_ITEM_NO})*)",
    re.I,
)
# Sections that describe the case or earlier meetings, not who took part in this one.
NO_RECUSAL_KINDS = ("sammanfattning", "arendebeskrivning", "beslutsunderlag", "expedieras_till")


def _recusal_head(in_jav_section: bool) -> Callable[[str], list[tuple[str, str | None]] | None]:
    """A sentence head parser for ``_units``: the (person, party) pairs of a jäv sentence.

    Outside a Jäv section a sentence that only says someone did not take part (``X (M) deltar inte i
    beslutet``) is no jäv unless it says so (``på grund av jäv``); in a Jäv section it is.
    """

    def accepts(sentence: str, m: re.Match[str]) -> bool:
        if m.group("declare"):
            return True
        end = SENTENCE_STOP_RE.search(sentence, m.end())
        return in_jav_section or bool(JAV_WORD_RE.search(sentence[: end.end() if end else len(sentence)]))

    def head(sentence: str) -> list[tuple[str, str | None]] | None:
        actors, end = leading_actors(sentence, bare_parties=False)
        if not actors:
            first = RECUSAL_VERB_FIRST_RE.match(sentence)
            if first:
                actors, end = leading_actors(sentence, first.end(), bare_parties=False)
                return _persons(actors)
            pos = 0
            while (title := re.match(r"([\wåäöÅÄÖ-]+)\s+", sentence[pos:])) and title.group(1).lower() in TITLE_WORDS:
                pos += title.end()  # "Ledamoten Marlene Lindgren anmälde jäv"
            bare = BARE_NAME_RE.match(sentence, pos)
            if bare and not any(w.lower() in NOT_NAME_WORDS for w in bare.group("name").split()):
                m = RECUSAL_VERB_RE.match(sentence, bare.end())
                if m and accepts(sentence, m):
                    return [(bare.group("name"), None)]
            return None
        m = RECUSAL_VERB_RE.match(sentence, end)
        if m and accepts(sentence, m):
            return _persons(actors)
        return None

    return head


def _persons(actors: list[tuple[str | None, str | None]]) -> list[tuple[str, str | None]] | None:
    """Persons only: jäv is personal, a party group cannot be disqualified."""
    return [(person, party) for person, party in actors if person] or None


def recusal_reason(sentence: str) -> str | None:
    """The reason a jäv sentence gives (``orsak; närstående i familjekretsen``), or None (``på grund av jäv``)."""
    m = REASON_RE.search(sentence)
    if not m:
        return None
    reason = m.group("reason").strip(" ,:")
    return reason or None


def item_references(sentence: str) -> list[int]:
    """The § numbers a declaration names (``under paragraf 625``, ``§§ 5-7``), in order."""
    m = ITEM_REF_RE.search(sentence)
    if not m:
        return []
    numbers: list[int] = []
    for part in re.finditer(rf"(?P<a>{_ITEM_NO})(?:\s*[-–]\s*(?:§\s*)?(?P<b>{_ITEM_NO}))?", m.group("list")):
        a = int(part.group("a"))
        b = int(part.group("b")) if part.group("b") else a
        for n in range(a, b + 1) if a <= b <= a + 30 else (a,):
            if n not in numbers:
                numbers.append(n)
    return numbers


def recusals_in(section: Section, item_number: int, body: str | None = None) -> list[Recusal]:
    """Jäv declarations in one section, one row per person (and per item a declaration names).

    ``text`` is the sentence as written, up to its end: what follows a jäv sentence in a Beslut
    (``Stadsdirektörens förslag godkändes.``) is the decision, not the declaration.
    """
    if section.kind in NO_RECUSAL_KINDS or (section.heading or "").lower().startswith("tidigare behandling"):
        return []
    text = clean_text(section.text, body)
    if section.kind != "jav" and not JAV_WORD_RE.search(text):
        return []
    out: list[Recusal] = []
    for s, e, persons in _units(text, _recusal_head(section.kind == "jav")):
        stop = SENTENCE_STOP_RE.search(text, s, e)
        sentence = flat(text[s : stop.end() if stop else e])
        reason = recusal_reason(sentence)
        refs: list[int | None] = [n for n in item_references(sentence) if n != item_number] or [None]
        for ref in refs:
            for person, party in persons:
                out.append(Recusal(item_number, section.position, person, party, reason, sentence,
                                   for_item_number=ref))
    return out


def _page_of(protocol: Protocol, section: Section, sentence: str) -> int:
    """The page a sentence of ``section`` starts on: found in the raw text, where offsets map to pages."""
    pattern = r"\s+".join(re.escape(w) for w in sentence.split()[:6])
    m = re.search(pattern, section.text) if pattern else None
    return protocol.page_at(section.offset + m.start()) if m else section.page_start


def place_recusals(protocol: Protocol, found: list[Recusal]) -> list[Recusal]:
    """Pages, and each declaration moved to the item it names when this protocol has that item.

    A person declared at the start of the meeting (§ 600 ``anmäler jäv under paragraf 625``) and
    again in the item's own Jäv section (§ 625) is one recusal: the item's own row is kept, with
    the declaration's reason when it gives none.
    """
    sections = {(it.number, s.position): s for it in protocol.items for s in it.sections}
    order = {it.number: i for i, it in enumerate(protocol.items)}
    for r in found:
        section = sections.get((r.item_number, r.section_position))
        if section is not None and r.page is None:
            r.page = _page_of(protocol, section, r.text)
        if r.for_item_number is not None and r.for_item_number in order and r.declared_in is None:
            r.declared_in, r.item_number = r.item_number, r.for_item_number
    kept: dict[tuple[int, str, int | None], Recusal] = {}
    for r in sorted(found, key=lambda r: r.declared_in is not None):  # rows of the item itself first
        # one row per person and item; declarations for items this protocol lacks stay apart by the number
        missing = r.for_item_number if r.declared_in is None else None
        same = kept.setdefault((r.item_number, r.person, missing), r)
        if same is not r and same.reason is None:
            same.reason = r.reason
    out = list(kept.values())
    out.sort(key=lambda r: (order.get(r.item_number, len(order)), r.declared_in is not None, r.section_position))
    return out
