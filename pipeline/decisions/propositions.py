"""What each yrkande asks for (stance and target), and which won, read from the propositionsordning.

``stance`` is the proposal's kind in ``pipeline.types.PROPOSAL_STANCES`` terms, with two
corrections: support for a proposal *and* a tilläggs- or ändringsyrkande (``bifall till
kommunstyrelsens förslag och till tilläggsyrkandet``) is that amendment, since the amendment is
what the member adds; a yrkande with none of the known kinds is the member's own proposal
(``eget_forslag``). ``target`` is the phrase after ``bifall till`` / ``avslag på`` / ``återremiss
av`` (``kommunstyrelsens förslag``, ``Anna Bergs (S) yrkande``, ``motionen``), ``ärendet`` for a
återremiss or bordläggning of the item.

``won`` comes from the chair's finding (``finner att kommunstyrelsens förslag har bifallits``,
``beslutar i enlighet med Robert Wengléns yrkande``, ``beslutat avgöra ärendet vid dagens
sammanträde``, ``tilläggsyrkandet ... finner att det avslagits``) and from the decision itself (a
``På förslag av X:`` decision, an item tabled or sent back as someone asked). None when nothing
says which proposal won.
"""

from __future__ import annotations

import re

from ..types import Item, ItemOutcome, Proposal
from .text import clean_text

STANCE_OF_KIND = {
    "bifall": "bifall", "avslag": "avslag", "återremiss": "aterremiss", "bordläggning": "bordlaggning",
    "ändring": "andring", "tillägg": "tillagg", "other": "eget_forslag",
}
AMENDMENT_RE = re.compile(r"(?P<before>.{0,30})\b(?P<kind>tilläggsyrkande|ändringsyrkande|tillägg\b|tilläggs)", re.I)
TARGET_RE = re.compile(
    r"\b(?:(?:bifall|avslag|återremiss)\s+(?:till|på|av)|instämmer\s+i|i\s+enlighet\s+med)\s+(?:dels\s+)?(?P<t>.+?)"
    r"(?=\s*(?:[.;:](?:\s|$)|,\s+(?:och\s+|samt\s+)?(?:avslag|bifall|i\s+andra|att)\b|"
    r"\s+(?:och|samt)\s+(?:till\s+)?(?:avslag|bifall|att|tillägg\w*|på)\b|\s+med\s+(?:följande|den|de)\b|\s+i\s+ärendet\b|$))",
    re.I,
)
ADDED_CLAUSE_RE = re.compile(r"\bbifall\b(?:\s+till\s+[^.]{0,120}?)?\s+(?:och|samt)\s+att\s", re.I)
REFERRED_RE = re.compile(
    r"\båterremiss(?:en)?\s+enligt\s+(?:yrkandet|yrkande)\s+från\s+(?P<who>[A-ZÅÄÖ]{1,4}(?:\s*,\s*[A-ZÅÄÖ]{1,4})*"
    r"(?:\s+(?:och|samt)\s+[A-ZÅÄÖ]{1,4})?)\b"
)
AMENDMENT_TARGET_RE = re.compile(
    r"\b(?P<t>(?:tilläggsyrkande|ändringsyrkande)\w*\s+(?:från|av)\s+.+?)(?=\s*(?:[.;:](?:\s|$)|$))", re.I
)
WHOLE_ITEM_RE = re.compile(r"\b(?:ärendet|frågan)\b", re.I)

# The chair's finding: what was adopted, what was turned down.
ADOPTED_RES = [
    re.compile(r"\bfinner\s+att\s+(?P<x>[^.]{3,160}?)\s+(?:har\s+|hade\s+)?(?:bifallits|bifallit|antagits|vunnit)\b", re.I),
    re.compile(r"\bbeslut(?:ar|at|ade)\s+(?:först\s+|härefter\s+|därefter\s+)?(?:att\s+bifalla|i\s+enlighet\s+med)\s+"
               r"(?P<x>[^.]{3,160}?)(?=[.,]|\s+och\s+finner|$)", re.I),
    re.compile(r"\bfinner\s+att\s+(?:\w+\s+){0,2}bifall(?:er|it)\s+(?!det\b|detta\b|densamma\b|dessa\b)(?P<x>[^.]{3,160}?)(?=[.,]|$)", re.I),
    # "ställer proposition på arbetsutskottets förslag och finner att kommunstyrelsen bifaller det",
    # "frågar om arbetsutskottet bifaller Richard Carstedts förslag ... och finner att utskottet bifaller densamma"
    re.compile(r"\b(?:ställer\s+(?:\w+\s+){0,2}propositio\w*\s+på|frågar\s+(?:\w+\s+){0,2}?om)\s+(?P<x>[^.]{3,200}?)\s+och\s+finner\s+"
               r"att\s+(?:\w+\s+)?(?:bifaller|har\s+bifallit|bifallit)\s+(?:det|detta|densamma|dessa)\b", re.I),
]
PUT_OFF_RE = re.compile(r"\bbeslutat\s+(?:att\s+)?avgöra\s+ärendet|\bärendet\s+ska\s+avgöras\s+(?:i\s*dag|idag)|\bavgöra\s+ärendet\s+(?:idag|i\s+dag|vid\s+dagens)", re.I)
SENT_BACK_RE = re.compile(r"\bbeslutat\s+(?:att\s+)?återremittera|\bfinner\s+att\s+ärendet\s+(?:ska\s+)?återremitter", re.I)
REJECTED_MOTION_RE = re.compile(r"\bbeslutat\s+(?:att\s+)?avstyrka\b|\bbeslutat\s+(?:att\s+)?avslå\b", re.I)
AMENDMENT_RESULT_RE = re.compile(
    r"\b(?:tilläggsyrkande|ändringsyrkande)[^.]{0,200}?\bfinner\s+att\s+(?:det|de|detta|dessa)\s+(?:har\s+)?"
    r"(?P<r>bifallits|avslagits)",
    re.I,
)


def proposal_stance(proposal: Proposal) -> str:
    """The stance of a yrkande (``PROPOSAL_STANCES``)."""
    stance = STANCE_OF_KIND.get(proposal.kind, "eget_forslag")
    if stance == "bifall":
        first = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", proposal.text, maxsplit=1)[0]
        for m in AMENDMENT_RE.finditer(first):
            if not re.search(r"\bavslag\b", m.group("before"), re.I):
                return "andring" if m.group("kind").lower().startswith("ändring") else "tillagg"
        if ADDED_CLAUSE_RE.search(first):
            return "tillagg"  # "yrkar bifall och att vi får en muntlig rapport": a clause of the member's own added
    return stance


def refer_stances(item: Item, proposals: list[Proposal], body: str | None = None) -> None:
    """Support for a party's yrkande that the propositionsordning calls a återremiss is a återremiss.

    ``X (M) yrkar bifall till yrkande från M, D, KD och SD``, and the chair puts ``ärendets återremiss
    enligt yrkande från M, D, KD och SD`` against deciding the item today.
    """
    text = " ".join(" ".join(clean_text(s.text, body).split()) for s in item.sections if s.kind == "beslutsgang")
    referred = {" ".join(m.group("who").split()) for m in REFERRED_RE.finditer(text)}
    for p in proposals:
        if p.stance != "bifall" or not p.target:
            continue
        m = re.match(r"(?:yrkandet|yrkande)\s+från\s+(?P<who>[A-ZÅÄÖ][^.]*?)(?=\s+den\s+\d|\s+i\s|$)", p.target)
        if m and " ".join(m.group("who").split()) in referred:
            p.stance = "aterremiss"


def proposal_target(proposal: Proposal, stance: str) -> str | None:
    """What the yrkande supports or opposes, as written; ``ärendet`` for a återremiss or bordläggning of the item."""
    if stance in ("tillagg", "andring"):
        amendment = AMENDMENT_TARGET_RE.search(proposal.text)
        if amendment:  # "bifall till kommunstyrelsens förslag och till tilläggsyrkandet från L": the amendment
            return amendment.group("t")
    m = TARGET_RE.search(proposal.text)
    if m and stance not in ("aterremiss", "bordlaggning"):
        return m.group("t").strip(" ,:") or None
    if stance in ("aterremiss", "bordlaggning"):
        whole = WHOLE_ITEM_RE.search(proposal.text)
        if whole:
            return whole.group(0).lower()
        return m.group("t").strip(" ,:") if m else None
    return None


def _names_person(phrase: str, proposal: Proposal) -> bool:
    """Whether ``phrase`` (``Robert Wengléns yrkande``) names the proposer."""
    if not proposal.person:
        return False
    surname = proposal.person.split()[-1].lower()
    return bool(re.search(rf"\b{re.escape(surname)}s?\b", phrase.lower()))


def _names_target(phrase: str, target: str | None) -> bool:
    """Whether ``phrase`` (``kommunstyrelsens förslag``, ``Anna Bergs yrkande``) is what ``target`` names."""
    if not target:
        return False
    low, target_low = phrase.lower(), target.lower()
    for stem in ("kommunstyrels", "stadsledningskontor", "nämnd", "utskott", "förvaltning", "motion", "direktör"):
        if stem in low and stem in target_low:
            return True
    names = re.findall(r"\b([A-ZÅÄÖ][a-zåäöé]+?)s?\s+(?:\(\w+\)\s+)?(?:m\.?\s?fl\.?\s+)?(?:yrkande|förslag)", target)
    return any(re.search(rf"\b{re.escape(n.lower())}s?\b", low) for n in names)


def mark_winners(item: Item, proposals: list[Proposal], outcome: ItemOutcome, body: str | None = None) -> None:
    """Set ``won`` on the item's proposals from the chair's findings and the outcome."""
    if not proposals:
        return
    text = " ".join(
        " ".join(clean_text(s.text, body).split()) for s in item.sections if s.kind in ("beslutsgang", "beslut")
    )
    for p in proposals:
        if p.text.startswith(("På förslag", "Efter förslag")):
            p.won = True  # a decision taken on someone's proposal
    if PUT_OFF_RE.search(text):
        for p in proposals:
            if p.stance in ("aterremiss", "bordlaggning") and p.won is None:
                p.won = False
    if SENT_BACK_RE.search(text) or outcome.outcome == "aterremiss":
        for p in proposals:
            if p.won is None:
                p.won = p.stance == "aterremiss"
        return
    if outcome.outcome == "bordlagd":
        for p in proposals:
            if p.won is None:
                p.won = p.stance == "bordlaggning"
        return
    for m in AMENDMENT_RESULT_RE.finditer(text):
        for p in proposals:
            if p.stance in ("tillagg", "andring") and p.won is None:
                p.won = m.group("r").lower() == "bifallits"
    if REJECTED_MOTION_RE.search(text) or (outcome.outcome == "avslag" and text):
        for p in proposals:
            if p.won is None and p.stance in ("avslag", "bifall", "eget_forslag"):
                p.won = p.stance == "avslag"
        return
    winners = [m.group("x") for rx in ADOPTED_RES for m in rx.finditer(text)]
    if not winners:
        return
    main = [p for p in proposals if p.stance in ("bifall", "eget_forslag", "avslag") and p.won is None]
    for p in main:
        if any(_names_person(w, p) for w in winners):
            p.won = True
        elif p.stance == "avslag":
            p.won = not any(_names_target(w, p.target) for w in winners)
        else:
            p.won = any(_names_target(w, p.target) for w in winners)
