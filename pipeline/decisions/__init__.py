"""The decision chain of a protocol: who proposed what, how votes went, who reserved themselves.

Pure functions over a segmented ``Protocol`` (no spaCy, no database), one module per concern:
``text`` (clean-up, sentence starts), ``actors`` (persons and party groups that open a sentence),
``proposals``, ``votes``, ``member_tables``, ``stances``, ``recusals``, and ``chain`` (one item,
one protocol). Three
kinds of record come out, each with the item number and the position of the
section it was read from:

- ``Proposal`` from ``forslag_till_beslut`` and ``yrkanden`` sections
  (``Anna Berg (S) och Erik Sandberg (C) yrkar bifall till ...`` gives one row
  per proposer), plus ``På förslag av X (M): Ärendet bordläggs ...`` inside
  ``beslut`` sections. When an item has no ``yrkanden`` section, proposer
  sentences in its ``beslutsgang`` / ``beslut`` sections count too (small
  municipalities write them there); otherwise those sections only restate.
  A proposal needs a proposer (a ``Name (P)`` person or a party group such as
  ``Ledamöterna från SD``): an administration's or committee's own proposal
  (``Arbetsutskottets förslag``) has nobody to name and gives no row.
- ``Vote`` from ``omrostning`` sections and from results reported inside
  ``beslutsgang`` / ``beslut`` sections (``Med 35 ja-röster mot 25
  nej-röster, 1 avstår, beslutar``; Göteborg prints a ``Huvudvotering``
  inside its Propositionsordning); a Beslut that only restates a result
  already read from the item's Omröstning gives no second vote:
  the voteringsproposition, the counts, the per-member list (Göteborg's
  ``... röstar Ja (10).`` groups, ``Ledamot Röst`` tables, and appendices
  ``Bilaga 2 ... Antal Ja: 43`` that the vote points to with ``framgår av
  bilaga 2``). Results are read as ``Med 35 ja-röster mot 25 nej-röster``,
  ``Ja: 22, Nej: 10, Avstår: 1``, ``Resultat Ja 22 Nej 10 Totalt 32``,
  ``6 röster för ... och 5 röster för ...`` and with counts as words
  (``sex ja-röster``). Member tables read from word positions
  (``pipeline.tables``, ``Protocol.member_tables``) give a vote its members:
  a table in the item goes to the vote of the section it lies in (or the
  next one), a table in a voteringslista attachment to the vote that names
  the attachment, else the k-th attachment of the item to its k-th vote; a
  vote whose result is only in the attachment stays one vote. The counts the
  text states are kept; when they disagree with the member list, with the
  totals printed with a table, with each other, with the total they state,
  or with the size of the meeting the other votes show, ``warning`` says so.
- ``Stance`` from ``reservation`` and ``protokollsanteckning`` sections, one
  row per person or party; a reservation sentence (``X (SD) reserverar sig``)
  or an explicit protokollsanteckning sentence inside another section of the
  item counts too, unless the item's own Reservation / Protokollsanteckning
  section already names the same person or party.
- ``Recusal`` (jäv) from sentences that name a person and say the person is
  disqualified: ``X (M) deltar inte i handläggningen av ärendet på grund av
  jäv`` in a ``jav`` section, ``X (M) anmäler jäv och lämnar sammanträdet``,
  ``På grund av jäv deltar inte X (C) i handläggningen``, and the
  Finland-Swedish ``Marlene Lindgren anmälde jäv, orsak; närstående i
  familjekretsen och avlägsnade sig från mötet`` (no party). A declaration
  at the start of the meeting (``Anmälan av jäv``: ``X (M) anmäler jäv under
  paragraf 625``) belongs to the item it names. ``Ingen jäv anmäldes`` names
  nobody and gives no row.

``text`` fields hold the sentence(s) as written, from the proposer or actor
up to the next proposer or actor, with line breaks and running page headers
removed.
"""

from __future__ import annotations

from ..types import Decisions, Proposal, Recusal, Stance, Vote, VoteMember
from .actors import leading_actors, person_at, persons_in
from .chain import extract_decisions, item_decisions
from .member_tables import place_tables
from .proposals import PROPOSAL_KINDS, PROPOSAL_SECTION_KINDS, proposal_kind, proposals_in
from .recusals import item_references, place_recusals, recusal_reason, recusals_in
from .stances import STANCE_KINDS, stances_in
from .text import clean_text, flat
from .votes import VOTE_SECTION_KINDS, appendix_votes, check_meeting_size, votes_in

__all__ = [
    "PROPOSAL_KINDS", "PROPOSAL_SECTION_KINDS", "STANCE_KINDS", "VOTE_SECTION_KINDS",
    "Decisions", "Proposal", "Recusal", "Stance", "Vote", "VoteMember",
    "appendix_votes", "check_meeting_size", "clean_text", "extract_decisions", "flat", "item_decisions",
    "item_references", "leading_actors", "person_at", "persons_in", "place_recusals", "place_tables",
    "proposal_kind", "proposals_in", "recusal_reason", "recusals_in", "stances_in", "votes_in",
]
