"""One item's and one protocol's decision chain: proposals, votes, stances, recusals, outcome and clauses.

A failure inside one item's heuristics does not cost the document: ``extract_decisions`` turns the
exception into a ``decide_failed`` warning naming the § and the exception, and keeps every other
item (``Decisions.issues``; segment adds them to the protocol's self-check issues).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from ..types import Decisions, DocumentIssue, Item, Protocol, Vote, VoteMember
from .clauses import clauses_in, decision_section
from .member_tables import PRIMARY_VOTE_KINDS, _give_tables, place_tables
from .outcome import item_outcome
from .proposals import _resolve_concurrence, proposals_in
from .propositions import mark_winners, proposal_stance, proposal_target, refer_stances
from .recusals import place_recusals, recusals_in
from .stances import STANCE_KINDS, stances_in
from .votes import TableVote, _assemble, _Found, _section_votes, appendix_votes, check_meeting_size

log = logging.getLogger(__name__)


def item_decisions(
    item: Item,
    body: str | None = None,
    appendices: dict[str, tuple[dict[str, int], list[VoteMember]]] | None = None,
    inline_tables: list[tuple[int, TableVote]] | None = None,
    attached_tables: list[tuple[str | None, TableVote | None]] | None = None,
) -> Decisions:
    """Proposals, votes, stances and recusals (jäv) of one item.

    ``inline_tables`` are the member tables printed in the item, with the position of the section they
    lie in; ``attached_tables`` are the item's voteringslista attachments in order, with their label
    ("A", "2") and what their tables hold (None: no table was read), see ``place_tables``.
    """
    result = Decisions()
    has_yrkanden = any(s.kind in ("yrkanden", "overlaggning") for s in item.sections)
    for section in item.sections:
        loose = not has_yrkanden and section.kind in ("beslutsgang", "beslut")
        result.proposals.extend(proposals_in(section, item.number, body, any_section=loose))
    _resolve_concurrence(result.proposals)

    read: list[tuple[Vote, _Found]] = []
    held: list[tuple[int, _Found]] = []
    for section in sorted(item.sections, key=lambda s: (s.kind not in PRIMARY_VOTE_KINDS, s.position)):
        votes, pending = _section_votes(section, item.number, body, appendices or {})
        held.extend((section.position, found) for found in pending)
        for vote, found in votes:
            if section.kind not in PRIMARY_VOTE_KINDS and any((v.ja, v.nej) == (vote.ja, vote.nej) for v, _f in read):
                continue  # the Beslut restates a result already read
            read.append((vote, found))
    read.sort(key=lambda vf: vf[0].section_position)
    held.sort(key=lambda pf: pf[0])
    if inline_tables or attached_tables:
        read = _give_tables(item, read, held, inline_tables or [], attached_tables or [], appendices or {})
    # "Votering begärs" and a voteringsproposition, but the result is nowhere to be read: still a vote when the
    # item has no other, or when it stands beside votes of the same section (elsewhere it may only announce
    # the vote an Omröstning section reports)
    voting = {vote.section_position for vote, _found in read}
    extra = [(_assemble(found, item.number, position, appendices or {}), found)
             for position, found in held if found.held and found.question and (not read or position in voting)]
    if extra:
        read = sorted(read + extra, key=lambda vf: vf[0].section_position)
    result.votes = [vote for vote, _found in read]

    own = [s for s in item.sections if s.kind in STANCE_KINDS]
    for section in own:
        result.stances.extend(stances_in(section, item.number, body))
    seen = {(s.kind, s.person, s.party) for s in result.stances}
    for section in item.sections:
        if section.kind in STANCE_KINDS:
            continue
        for stance in stances_in(section, item.number, body):
            if (stance.kind, stance.person, stance.party) not in seen:
                result.stances.append(stance)
                seen.add((stance.kind, stance.person, stance.party))
    result.stances.sort(key=lambda s: s.section_position)

    people: set[tuple[str, int | None]] = set()
    for section in sorted(item.sections, key=lambda s: (s.kind != "jav", s.position)):
        for recusal in recusals_in(section, item.number, body):
            if (recusal.person, recusal.for_item_number) not in people:  # the Jäv section first, then the rest
                result.recusals.append(recusal)
                people.add((recusal.person, recusal.for_item_number))
    result.recusals.sort(key=lambda r: r.section_position)
    _outcome(item, result, body)
    return result


def _outcome(item: Item, result: Decisions, body: str | None) -> None:
    """The item's decision clauses and outcome, each proposal's stance, target and whether it won."""
    for proposal in result.proposals:
        proposal.stance = proposal_stance(proposal)
        proposal.target = proposal_target(proposal, proposal.stance)
    refer_stances(item, result.proposals, body)
    section = decision_section(item, body)
    result.clauses = clauses_in(section, item.number, body) if section is not None else []
    from_proposal = section is not None and section.kind != "beslut"
    outcome = item_outcome(item, section, result.clauses, result.proposals, result.votes, from_proposal, body)
    mark_winners(item, result.proposals, outcome, body)
    if outcome.outcome == "bifall" and any(p.stance in ("andring", "tillagg") and p.won for p in result.proposals):
        outcome.outcome = "bifall_andrat"  # an amendment won: known only once the winners are marked
    result.outcomes = [outcome]


ItemDecider = Callable[..., Decisions]
T = TypeVar("T")


def _document_step(protocol: Protocol, name: str, step: Callable[[], T], default: T, issues: list[DocumentIssue]) -> T:
    """``step()``, or ``default`` and a ``decide_failed`` warning: without them votes are read from the text alone."""
    try:
        return step()
    except Exception as exc:  # noqa: BLE001 - a bug here must not lose the document
        log.warning("%s: reading the %s failed: %s: %s", protocol.path, name, type(exc).__name__, exc)
        issues.append(DocumentIssue(
            "warning", "decide_failed",
            f"reading the {name} failed ({type(exc).__name__}: {exc}); votes are read from the text alone",
        ))
        return default


def _guarded(protocol: Protocol, item: Item, decide: Callable[[], Decisions]) -> tuple[Decisions, DocumentIssue | None]:
    """``decide()``, or an empty result and a ``decide_failed`` warning when it raises."""
    try:
        return decide(), None
    except Exception as exc:  # noqa: BLE001 - any bug in one item's heuristics must not lose the document
        log.warning("%s § %s: reading the decisions failed: %s: %s", protocol.path, item.number,
                    type(exc).__name__, exc)
        return Decisions(), DocumentIssue(
            "warning", "decide_failed",
            f"§ {item.number}: reading the decisions failed ({type(exc).__name__}: {exc}); the item is stored "
            "without proposals, votes, outcome or clauses (report it with the file)",
            item_number=item.number, page=item.page_start,
        )


def extract_decisions(protocol: Protocol, decide_item: ItemDecider = item_decisions) -> Decisions:
    """The decision chain of a segmented protocol: proposals, votes (checked), stances, recusals, outcomes and
    clauses, in item order.

    ``decide_item`` reads one item (``item_decisions``); an item it fails on gives a ``decide_failed``
    warning in ``issues`` instead of its rows.
    """
    body = protocol.meeting.body
    result = Decisions()
    no_appendices: dict[str, tuple[dict[str, int], list[VoteMember]]] = {}
    no_tables: dict[int, tuple[list[tuple[int, TableVote]], list[tuple[str | None, TableVote | None]]]] = {}
    appendices = _document_step(protocol, "appendix votes", lambda: appendix_votes(protocol), no_appendices,
                                result.issues)
    tables = _document_step(protocol, "member tables", lambda: place_tables(protocol), no_tables, result.issues)
    for item in protocol.items:
        inline, attached = tables.get(item.number, ([], []))
        found, issue = _guarded(protocol, item, partial(decide_item, item, body, appendices, inline, attached))
        if issue is not None:
            result.issues.append(issue)
        result.proposals.extend(found.proposals)
        result.votes.extend(found.votes)
        result.stances.extend(found.stances)
        result.recusals.extend(found.recusals)
        result.outcomes.extend(found.outcomes)
        result.clauses.extend(found.clauses)
    result.recusals = place_recusals(protocol, result.recusals)
    check_meeting_size(result.votes)
    for vote in result.votes:
        if vote.warning:
            log.info("%s § %s: vote warning: %s", protocol.path, vote.item_number, vote.warning)
    return result
