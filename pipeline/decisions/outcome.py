"""The outcome of an item: one of ``pipeline.types.OUTCOMES``, the sentence it was read from, how sure.

The main decision is the first operative clause of the decision (``clauses``): procedure such as
``ärendet får behandlas trots att det inte har kungjorts`` is passed over. Its outcome is the first
row of ``pipeline/vocab/outcomes.tsv`` whose pattern the clause contains (specific formulas first:
``bordläggs``, ``återremitteras``, ``avslås``, ``anses besvarad``, ``väljs``, ``antecknas``, then the
generic ``antas``, ``godkänns``, ``beslutar att``). A body proposing a decision to another (KS to KF)
has its lead-in removed by ``clauses``, so the content of the proposal is what is classified:
``föreslå kommunfullmäktige att avslå motionen`` is ``avslag``. An item adopted with an amendment
made at the meeting is ``bifall_andrat``: an ändrings- or tilläggsyrkande that won, or a decision
that says ``med de ändringar ... som framgår av yrkande``.

``confidence`` (0-1) is the confidence of the vocabulary row that matched (0.95 for a formula that
names the outcome, 0.9 for the generic verbs of bifall), times 0.8 when the decision had to be read
from the proposal a bare ``Enligt förslag`` adopts, times 0.9 when a later clause reads as a
different specific outcome; 0.6 for a decision text with no known formula (``bifall``); 0.5 for an
item without a Beslut read from its other sections (``besvarad``, ``bordlagd``, ``antecknas``);
0.3 for ``oklart``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..types import DecisionClause, Item, ItemOutcome, Proposal, Section, Vote
from ..vocabulary import read_tsv
from .text import clean_text

NO_FORMULA_CONFIDENCE = 0.6
NO_BESLUT_CONFIDENCE = 0.5
UNCLEAR_CONFIDENCE = 0.3
FROM_PROPOSAL_FACTOR = 0.8
DISAGREEING_CLAUSE_FACTOR = 0.9

CHANGED_RE = re.compile(
    r"\bmed\s+(?:de\s+|den\s+|följande\s+)?(?:ändring(?:ar|arna|en)?|tillägg(?:en)?|justering(?:ar|arna|en)?)"
    r"(?:\s+och\s+(?:ändring(?:ar|arna|en)?|tillägg(?:en)?))?\s+(?:som\s+framgår\s+av|enligt|i\s+enlighet\s+med)\s+"
    r"(?:\S+\s+){0,4}?(?:yrkande|ändringsyrkande|tilläggsyrkande)",
    re.I,
)
# "Personalsektionen tar del av förslaget och fastställer poängsättningen": noting what was put before the body,
# then deciding on it; the decision after "och" is the outcome.
NOTED_THEN_RE = re.compile(r"\b(?:tar|tog|tagit)\s+del\s+av\s+[^.;]{1,160}?\s+och\s+(?P<rest>[^.;]+)", re.I)
# "Hampus Magnusson (M) anmäler jäv under paragraf 625: ...": a declaration of jäv, recorded, nothing decided.
JAV_DECLARED_RE = re.compile(r"^[^.:]{0,120}?\banmäl(?:er|de|t|s)\s+jäv\b", re.I)
# Without a Beslut: what the other sections of the item say happened.
ANSWERED_RE = re.compile(r"\bbesvara[rs]?\b|\binterpellationsdebatt|\bbesvarade\b|\bsvarar\b", re.I)
TABLED_RE = re.compile(r"\bbordl(?:äggs|ades|agt|agd)\b", re.I)
PROPOSITION_RE = re.compile(
    r"\bställ(?:er|de|s)\s+(?:\S+\s+){0,7}?propositio|\bställer\s+(?:\S+\s+){0,7}?yrkandena\s+mot\s+varandra|"
    r"\bpropositionsordning(?:en)?\s+godkänn|\bfinner\s+att\s+(?:\w+\s+){0,4}(?:bifall|beslut|avsl|antag)",
    re.I,
)
VOTE_HELD_RE = re.compile(
    r"\b(?:omröstning|votering)(?:en)?\s+(?:begärs|begärdes|genomförs|genomfördes|verkställs|verkställdes)|"
    r"\bja-?röster\b|\bröstar\s+ja\b",
    re.I,
)


@dataclass(frozen=True)
class _Rule:
    outcome: str
    confidence: float
    pattern: re.Pattern[str]


@cache
def outcome_rules() -> tuple[_Rule, ...]:
    """The rows of ``pipeline/vocab/outcomes.tsv``, compiled, in order."""
    return tuple(
        _Rule(row["outcome"], float(row["confidence"]), re.compile(row["pattern"], re.I))
        for row in read_tsv("outcomes.tsv")
    )


def classify(text: str) -> tuple[str, float] | None:
    """(outcome, confidence) of the first vocabulary row ``text`` matches ('skip' for procedure), or None."""
    for rule in outcome_rules():
        if rule.pattern.search(text):
            return rule.outcome, rule.confidence
    return None


def vote_method(item: Item, votes: list[Vote], body: str | None = None) -> str | None:
    """'votering' when the item holds a vote, 'acklamation' when a proposition is described without one."""
    if votes:
        return "votering"
    texts = [clean_text(s.text, body) for s in item.sections if s.kind in ("beslutsgang", "omrostning", "beslut",
                                                                          "handlaggning", "overlaggning")]
    if any(VOTE_HELD_RE.search(t) for t in texts):
        return "votering"
    if any(PROPOSITION_RE.search(t) for t in texts):
        return "acklamation"
    return None


def _sentence(clause: DecisionClause, section: Section) -> tuple[str, int, int]:
    """The basis: the clause's first sentence with its punctuation, and its offsets in the section text."""
    text = section.text
    stop = re.search(r"[.!?](?=\s+[A-ZÅÄÖ]|\s*$)", text[clause.start : clause.end + 1])
    end = clause.start + stop.end() if stop else min(len(text), clause.end + 1 if text[clause.end : clause.end + 1]
                                                     in (".", ";", ",") else clause.end)
    end = min(end, len(text))
    return " ".join(text[clause.start : end].split()), clause.start, end


def item_outcome(
    item: Item,
    section: Section | None,
    clauses: list[DecisionClause],
    proposals: list[Proposal],
    votes: list[Vote],
    from_proposal: bool = False,
    body: str | None = None,
) -> ItemOutcome:
    """The outcome of one item from its decision clauses (``section`` is where they were read)."""
    method = vote_method(item, votes, body)
    if section is None or not clauses:
        return _without_beslut(item, method, body)
    chosen: DecisionClause | None = None
    found: tuple[str, float] | None = None
    for clause in clauses:
        hit = _classify_clause(clause.text)
        if hit and hit[0] == "skip":
            continue
        chosen, found = clause, hit
        break
    if chosen is None:  # only procedure: the procedure is the decision
        chosen, found = clauses[0], ("bifall", NO_FORMULA_CONFIDENCE)
    if found is None and all(JAV_DECLARED_RE.match(c.text) for c in clauses):
        found = ("antecknas", NO_FORMULA_CONFIDENCE)  # only jäv declared (Anmälan av jäv): noted
    outcome, confidence = found if found else ("bifall", NO_FORMULA_CONFIDENCE)
    if from_proposal:
        confidence *= FROM_PROPOSAL_FACTOR
    later = {h[0] for c in clauses if c is not chosen and (h := classify(c.text)) and h[0] not in ("skip", "bifall")}
    if later - {outcome, "antecknas"} and outcome != "bifall":
        confidence *= DISAGREEING_CLAUSE_FACTOR
    if outcome == "bifall" and _changed(chosen, clauses, proposals):
        outcome = "bifall_andrat"
    basis, start, end = _sentence(chosen, section)
    return ItemOutcome(item.number, outcome, round(confidence, 3), basis, section.position, start, end, method)


def _classify_clause(text: str) -> tuple[str, float] | None:
    """``classify``, except that a decision made after noting (``tar del av X och fastställer Y``) decides."""
    hit = classify(text)
    if hit and hit[0] == "antecknas":
        noted = NOTED_THEN_RE.search(text)
        then = classify(noted.group("rest")) if noted else None
        if then and then[0] not in ("antecknas", "skip"):
            return then
    return hit


def _changed(chosen: DecisionClause, clauses: list[DecisionClause], proposals: list[Proposal]) -> bool:
    """Whether an amendment made at the meeting was adopted: a winning ändring/tillägg, or the decision says so."""
    if any(p.stance in ("andring", "tillagg") and p.won for p in proposals):
        return True
    return bool(CHANGED_RE.search(chosen.text))


def _without_beslut(item: Item, method: str | None, body: str | None) -> ItemOutcome:
    """An item without a Beslut: answered, tabled, or (an information item) noted; oklart when it has no text."""
    for section in item.sections:
        text = section.text  # offsets into the raw text, as for a Beslut
        if not clean_text(text, body):
            continue
        for rx, outcome in ((TABLED_RE, "bordlagd"), (ANSWERED_RE, "besvarad")):
            m = rx.search(text)
            if m:
                start = text.rfind(".", 0, m.start()) + 1
                start += len(text[start:]) - len(text[start:].lstrip())
                stop = text.find(".", m.end())
                end = stop + 1 if stop >= 0 else len(text)
                return ItemOutcome(item.number, outcome, NO_BESLUT_CONFIDENCE, " ".join(text[start:end].split()),
                                   section.position, start, end, method)
    if any(clean_text(s.text, body) for s in item.sections):
        return ItemOutcome(item.number, "antecknas", NO_BESLUT_CONFIDENCE, None, None, None, None, method)
    return ItemOutcome(item.number, "oklart", UNCLEAR_CONFIDENCE, None, None, None, None, method)
