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
``På förslag av X:`` decision, an item tabled or sent back as someone asked). First the findings on
one proposition that name whose yrkande it was (``bifall respektive avslag på Ida Alms yrkande,
varefter fullmäktige avslår detsamma``, ``X:s yrkande mot Y:s yrkande ... i enlighet med X:s``,
``det egna yrkandet`` of the chair, ``återremissyrkandet med motiv från X ... avslagits``): the
co-proposers of a yrkande share its fate, an avslag on it gets the reverse; a vote taken on the
proposition overturns the finding when it went the other way (``_after_vote``). Then the findings that
name no one. A counter-proposal ``antagits som motförslag i huvudvoteringen`` has not won; a
party's ``förslaget från SD i kommunstyrelsen`` is not ``kommunstyrelsens förslag``. Support for a
member's yrkande shares that yrkande's fate. Last, when one proposal was stated alone (every
yrkande a bifall to the same thing) and the item was adopted, it won. None when nothing says which
proposal won.
"""

from __future__ import annotations

import re

from ..types import Item, ItemOutcome, Proposal
from .text import clean_text
from .votes import _read_block

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
# "... samt att paragrafen förklaras omedelbart justerad" asks for procedure, not for an added clause.
ADDED_CLAUSE_RE = re.compile(
    r"\bbifall\b(?:\s+till\s+[^.]{0,120}?)?\s+(?:och|samt)\s+att\s(?!\s*(?:paragrafen|protokollet)\s+(?:\w+\s+){0,2}"
    r"(?:justera|förklara))",
    re.I,
)
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
    # "... antagits som motförslag i huvudvoteringen" only says what the vote is held against
    re.compile(r"\bfinner\s+att\s+(?P<x>[^.]{3,160}?)\s+(?:har\s+|hade\s+)?(?:bifallits|bifallit|antagits|vunnit)\b"
               r"(?!\s+som\s+motförslag)", re.I),
    re.compile(r"\bbeslut(?:ar|at|ade)\s+(?:först\s+|härefter\s+|därefter\s+)?(?:att\s+bifalla|i\s+enlighet\s+med)\s+"
               r"(?P<x>[^.]{3,160}?)(?=[.,]|\s+och\s+finner|$)", re.I),
    re.compile(r"\bfinner\s+att\s+(?:\w+\s+){0,2}bifall(?:er|it)\s+(?!det\b|detta\b|densamma\b|dessa\b)(?P<x>[^.]{3,160}?)(?=[.,]|$)", re.I),
    # "ställer proposition på arbetsutskottets förslag och finner att kommunstyrelsen bifaller det",
    # "frågar om arbetsutskottet bifaller Richard Carstedts förslag ... och finner att utskottet bifaller densamma"
    re.compile(r"\b(?:ställer\s+(?:\w+\s+){0,2}propositio\w*\s+på|frågar\s+(?:\w+\s+){0,2}?om)\s+(?P<x>[^.]{3,200}?)\s+och\s+finner\s+"
               r"att\s+(?:\w+\s+)?(?:bifaller|har\s+bifallit|bifallit)\s+(?:det|detta|densamma|dessa)\b", re.I),
]
PUT_OFF_RE = re.compile(r"\bbeslutat\s+(?:att\s+)?avgöra\s+ärendet|\bärendet?\s+ska\s+avgöras\s+(?:i\s*dag|idag|vid\s+dagens)|"
                        r"\bavgöra\s+ärendet\s+(?:idag|i\s+dag|vid\s+dagens)", re.I)
SENT_BACK_RE = re.compile(r"\bbeslutat\s+(?:att\s+)?återremittera|\bfinner\s+att\s+ärendet\s+(?:ska\s+)?återremitter", re.I)
# The motion or proposal of the item rejected; "beslutat avslå detsamma / Ida Alms yrkande" rejects a yrkande instead.
REJECTED_MOTION_RE = re.compile(
    r"\bbeslutat\s+(?:att\s+)?(?:avstyrka|avslå)\b(?!\s+(?:det\s+samma|detsamma|densamma|det\b|dessa\b|"
    r"(?:\S+\s+){0,3}?\S+s\s+(?:m\.?\s?fl\.?\s+)?(?:yrkande|förslag)|\S*yrkande))",
    re.I,
)
# One proposition and the chair's finding on it, as Swedish protocols word it: "ställer proposition på (frågan om)
# bifall respektive avslag på X, varefter kommunfullmäktige bifaller det samma", "... på X och finner att det har
# avslagits", "... på om frågan från X ska få framställas eller ej och finner att den inte får framställas".
PUT_RE = re.compile(
    r"\b(?:bifall\s+respektive\s+avslag\s+på|propositio\w*\s+på(?:\s+frågan)?(?:\s+om)?|frågar\s+(?:\w+\s+){0,2}?om|"
    r"ställer\s+(?:\S+\s+){0,5}?(?=yrkandena\s+mot\s+varandra))\s*"
    r"(?P<x>(?:(?!\.\s+(?-i:[A-ZÅÄÖ])).){3,400}?)\s*,?\s+(?:och\s+)?(?:varefter|vartefter|finner)\b(?P<rest>.{0,200}?)(?=\.\s+(?-i:[A-ZÅÄÖ])|\.?$)",
    re.I,
)
PUT_WON_RE = re.compile(
    r"^\s*(?:\w+\s+){0,5}?(?:bifaller|har\s+bifallit|bifallit|antar)\s+(?:det\s+samma|detsamma|densamma|det|detta|dessa)\b|"
    r"\batt\s+(?:det|den|de|detta|dessa)\s+(?:har\s+)?(?:bifallits|antagits)",
    re.I,
)
PUT_LOST_RE = re.compile(
    r"^\s*(?:\w+\s+){0,5}?(?:avslår|har\s+avslagit|beslut(?:at|ar|ade)\s+(?:att\s+)?avslå)\s+"
    r"(?:det\s+samma|detsamma|densamma|det|detta|dessa)\b|"
    r"\batt\s+(?:det|den|de|detta|dessa)\s+(?:har\s+)?avslagits|\batt\s+(?:den|det|de)\s+inte\s+(?:får|ska)\b",
    re.I,
)
# "beslutat (att) avslå Ida Alms yrkande", "beslutat i enlighet med Bert Larssons m.fl. yrkande"
# a phrase within one sentence: "Bert Larssons m.fl. yrkande" keeps its abbreviation points
PHRASE = r"(?P<x>(?:[^.]|\.(?!\s+(?-i:[A-ZÅÄÖ])|\s*$)){3,120}?(?:yrkande\w*|förslag\w*))"
NAMED_LOST_RE = re.compile(r"\bbeslut(?:at|ar|ade)\s+(?:att\s+)?avslå\s+" + PHRASE, re.I)
NAMED_WON_RE = re.compile(r"\bbeslut(?:at|ar|ade)\s+(?:att\s+bifalla|i\s+enlighet\s+med)\s+" + PHRASE, re.I)
OWN_RE = re.compile(r"\b(?:det\s+egna|sitt\s+eget|eget)\s+yrkande", re.I)
CHAIR_RE = re.compile(r"^\s*(?:\w+\s+)?ordförande(?:n)?\b", re.I)
# "förslaget från M, D, L och KD i kommunstyrelsen", "återremissyrkandet med motiv från Elisabet Lann": whose it is
FROM_RE = re.compile(r"\b\w*(?:förslag|yrkande)\w*\s+(?:med\s+motiv\s+)?från\s+(?P<who>.+?)"
                     r"(?=\s+(?:i|den|beträffande|avseende|om|och\s+finner)\s|[,.]|$)", re.I)
# "Ordföranden konstaterar härmed att tilläggsyrkandet från SD har fallit" (the proposal it adds to fell first)
AMENDMENT_FATE_RE = re.compile(
    r"\b(?P<a>(?:tilläggsyrkande|ändringsyrkande)\w*\s+från\s+[^.]{1,80}?)\s+(?:har\s+|hade\s+)?"
    r"(?P<r>fallit|fallerat|avslagits|bifallits|antagits)\b",
    re.I,
)
# "finner att kommunstyrelsen beslutat remittera ärendet enligt yrkande från S, V och MP": that yrkande won
REFERRED_WON_RE = re.compile(
    r"\bbeslut(?:at|ar|ade)\s+(?:att\s+)?(?:åter)?remittera\s+ärendet\s+enligt\s+"
    r"(?P<x>(?:yrkande\w*|förslag\w*)\s+från\s+[^.]{1,80}?)(?=[.,]|\s+och\s+finner|$)",
    re.I,
)
# The Ja side of a voteringsproposition: "Ja för avslag och Nej för bifall ...", "Den som önskar bifalla yrkandet
# röstar ja"; whether voting ja rejects what was put ("avslag", "inte ska få framställas").
JA_SIDE_RES = [
    re.compile(r"\bja(?:-röst(?:er)?)?\s+för\s+(?P<side>.+?)(?=[.,;]?\s*(?:och\s+)?nej\b|$)", re.I),
    re.compile(r"\bden\s+som\s+(?:vill|önskar)\s+(?P<side>.+?)\s+röstar\s+ja\b", re.I),
]
REJECTING_SIDE_RE = re.compile(r"\bavsl(?:ag|å)\b|\binte\b|\bej\b", re.I)
PARTY_OWNERS_RE = re.compile(r"\bfrån\s+(?P<who>[A-ZÅÄÖ]{1,4}(?:\s*(?:,|och|samt)\s*[A-ZÅÄÖ]{1,4}\b)*)")
FIRM_ADOPTING = ("bifall", "bifall_andrat", "antecknas", "val", "besvarad", "yttrande", "delvis_bifall")
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
    owner, target_owner = FROM_RE.search(phrase), FROM_RE.search(target)
    if owner or target_owner:  # "förslaget från SD i kommunstyrelsen" is not kommunstyrelsens förslag
        return bool(owner and target_owner and _who(owner.group("who")) == _who(target_owner.group("who")))
    for stem in ("kommunstyrels", "stadsledningskontor", "nämnd", "utskott", "förvaltning", "motion", "direktör"):
        if stem in low and stem in target_low:
            return True
    names = re.findall(r"\b([A-ZÅÄÖ][a-zåäöé]+?)s?\s+(?:\(\w+\)\s+)?(?:m\.?\s?fl\.?\s+)?(?:yrkande|förslag)", target)
    return any(re.search(rf"\b{re.escape(n.lower())}s?\b", low) for n in names)


def _among_owners(phrase: str, target: str | None) -> bool:
    """Whether the amendment ``target`` is one of those ``phrase`` names by owner (``tilläggsyrkandena från M, D, L
    och KD samt SD``), or ``phrase`` names no owner at all."""
    owners, target_owners = _party_owners(phrase), _party_owners(target or "")
    if not owners:
        return not FROM_RE.search(phrase)
    return bool(target_owners) and target_owners <= owners


def _party_owners(text: str) -> set[str]:
    """The party codes after ``från`` in ``tilläggsyrkandena från M, D, L och KD samt SD``."""
    m = PARTY_OWNERS_RE.search(text)
    return set(re.findall(r"\b[A-ZÅÄÖ]{1,4}\b", m.group("who"))) if m else set()


def _who(text: str) -> str:
    """The proposers named after ``från``, comparable: ``M, D, L och KD`` -> ``d,kd,l,m``."""
    return ",".join(sorted(w.lower() for w in re.findall(r"[\wåäöÅÄÖé]+", text) if w.lower() not in ("och", "samt", "m", "fl")))


def _named(phrase: str, proposals: list[Proposal]) -> list[Proposal]:
    """The proposals ``phrase`` names: by the proposer's surname, as the chair's own, or by the same ``från`` list.

    Co-proposers of one yrkande (the same sentence) share its fate: ``Bert Larssons m.fl. yrkande``.
    """
    hits = [p for p in proposals if _names_person(phrase, p)
            or (OWN_RE.search(phrase) and CHAIR_RE.match(p.text))
            or (p.stance != "avslag" and FROM_RE.search(phrase) and _names_target(phrase, p.target))]
    texts = {p.text for p in hits}
    return [p for p in proposals if p.text in texts]


def _opposing(phrase: str, proposals: list[Proposal]) -> list[Proposal]:
    """The avslag yrkanden against what ``phrase`` names (``avslag på yrkande från L, M och SD``)."""
    return [p for p in proposals if p.stance == "avslag" and FROM_RE.search(phrase) and _names_target(phrase, p.target)]


def _decide(phrase: str, proposals: list[Proposal], result: bool) -> None:
    """``result`` for the proposals ``phrase`` names, the reverse for those against it; a set ``won`` is kept."""
    for p in _named(phrase, proposals):
        if p.won is None:
            p.won = result
    for p in _opposing(phrase, proposals):
        if p.won is None:
            p.won = not result


def _chair_findings(text: str, proposals: list[Proposal]) -> None:
    """Set ``won`` from each proposition whose finding names the proposals it was on (first finding counts)."""
    for m in PUT_RE.finditer(text):
        subject, rest = m.group("x"), m.group("rest")
        if re.search(r"\smot\s", subject):  # "X:s yrkande mot Y:s yrkande": the named finding decides
            adopted = NAMED_WON_RE.search(rest)
            if adopted:
                winners = _named(adopted.group("x"), proposals)
                if re.search(r"\bmot\s+varandra\b", subject):  # every yrkande against every other
                    sides = [p for p in proposals if p.stance != "avslag"]
                else:
                    sides = [p for side in re.split(r"\s+mot\s+", subject, maxsplit=1) for p in _named(side, proposals)]
                for p in sides:
                    if p.won is None:
                        p.won = p in winners
            continue
        result = True if PUT_WON_RE.search(rest) else False if PUT_LOST_RE.search(rest) else None
        if result is None:
            continue
        result = _after_vote(result, text[m.end() : nxt.start() if (nxt := PUT_RE.search(text, m.end())) else len(text)])
        if not _named(subject, proposals) and not re.search(r",|\b(?:och|samt|attsats|punkt(?:en)?)\b", subject, re.I):
            for p in proposals:  # one proposal named by what it is: "kommunstyrelsens förslag"
                if p.won is None and _names_target(subject, p.target):
                    p.won = result if p.stance != "avslag" else not result
        _decide(subject, proposals, result)
    for rx, result in ((NAMED_LOST_RE, False), (NAMED_WON_RE, True), (REFERRED_WON_RE, True), (ADOPTED_RES[0], True)):
        for m in rx.finditer(text):  # ADOPTED_RES[0] here only where it names whose: "finner att Karin Pleijels ..."
            _decide(m.group("x"), proposals, result)


def _after_vote(result: bool, after: str) -> bool:
    """The chair's finding ``result`` on what was put, or its reverse when the vote taken on it went the other way.

    ``after`` is the text up to the next proposition. Ja is the chair's finding when the Ja side of the
    voteringsproposition rejects exactly when the finding does (``Ja för avslag`` after ``finner att det avslagits``;
    Lomma's ``Den som önskar bifalla yrkandet röstar ja`` after a finding of avslag makes Nej the finding).
    A tie, or a vote whose question or counts cannot be read, leaves the finding.
    """
    found = _read_block(after)
    ja, nej = found.summary.get("ja"), found.summary.get("nej")
    side = next((m.group("side") for rx in JA_SIDE_RES if found.question and (m := rx.search(found.question))), None)
    if ja is None or nej is None or ja == nej or side is None:
        return result
    ja_is_finding = bool(REJECTING_SIDE_RE.search(side)) != result
    return result if (ja > nej) == ja_is_finding else not result


def _followers(proposals: list[Proposal]) -> None:
    """Support for a member's yrkande shares its fate; opposing it (``avslag på Ida Alms yrkande``) the reverse."""
    for p in proposals:
        if p.won is not None or not p.target or p.stance not in ("bifall", "avslag"):
            continue
        led = [q for q in proposals if q is not p and q.won is not None and _names_person(p.target, q)]
        if led:
            p.won = led[0].won if p.stance == "bifall" else not led[0].won


def _alone(proposals: list[Proposal], outcome: ItemOutcome) -> None:
    """One proposal stated alone (all yrkanden support the same thing) and the item adopted: it won."""
    if outcome.outcome not in FIRM_ADOPTING or any(p.won is not None for p in proposals):
        return
    if all(p.stance == "bifall" for p in proposals) and len({(p.target or "").lower() for p in proposals}) == 1:
        for p in proposals:
            p.won = True


def mark_winners(item: Item, proposals: list[Proposal], outcome: ItemOutcome, body: str | None = None) -> None:
    """Set ``won`` on the item's proposals from the chair's findings and the outcome."""
    if not proposals:
        return
    text = " ".join(
        " ".join(clean_text(s.text, body).split()) for s in item.sections
        if s.kind in ("beslutsgang", "omrostning", "beslut")
    )
    for p in proposals:
        if p.text.startswith(("På förslag", "Efter förslag")):
            p.won = True  # a decision taken on someone's proposal
    _chair_findings(text, proposals)
    _settle(text, proposals, outcome)
    _followers(proposals)
    _alone(proposals, outcome)


def _settle(text: str, proposals: list[Proposal], outcome: ItemOutcome) -> None:
    """The findings that name no proposer: the item put off or sent back, amendments, the motion, the winner's phrase."""
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
    for m in AMENDMENT_FATE_RE.finditer(text):
        for p in proposals:
            if p.stance in ("tillagg", "andring") and p.won is None and _among_owners(m.group("a"), p.target):
                p.won = m.group("r").lower() in ("bifallits", "antagits")
    for m in AMENDMENT_RESULT_RE.finditer(text):
        for p in proposals:
            if p.stance in ("tillagg", "andring") and p.won is None:
                p.won = m.group("r").lower() == "bifallits"
    winners = [m.group("x") for rx in ADOPTED_RES for m in rx.finditer(text)]
    if REJECTED_MOTION_RE.search(text) or (outcome.outcome == "avslag" and text):
        for p in proposals:  # the motion rejected; support for the proposal the chair found adopted won
            if p.won is None and p.stance in ("avslag", "bifall", "eget_forslag"):
                adopted = any(_names_target(w, p.target) for w in winners)
                p.won = (p.stance == "avslag") != adopted
        return
    if not winners:
        return
    main = [p for p in proposals if p.stance in ("bifall", "eget_forslag", "avslag") and p.won is None]
    named = [q for w in winners for q in _named(w, proposals)]
    for p in main:
        if p in named:
            p.won = True
        elif p.stance == "avslag":
            p.won = not any(_names_target(w, p.target) for w in winners)
        else:
            p.won = any(_names_target(w, p.target) for w in winners)
