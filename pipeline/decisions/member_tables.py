"""Member tables (read by ``pipeline.tables`` from word positions) given to the votes of their item."""

from __future__ import annotations

import re

from ..types import Item, MemberTable, Protocol, Vote, VoteMember
from .votes import TableVote, _assemble, _Found

PRIMARY_VOTE_KINDS = ("omrostning", "beslutsgang", "overlaggning", "handlaggning")
ATTACHMENT_LABEL_RE = re.compile(r"\bbilaga\s+(?P<n>\d{1,2}|(?-i:[A-ZÅÄÖ]))\b", re.I)


def _section_at(protocol: Protocol, offset: int) -> tuple[int, int] | None:
    """(item number, section position) of the section the document offset lies in (or, between sections, follows)."""
    best: tuple[int, int, int] | None = None  # (section offset, item, position)
    for item in protocol.items:
        for section in item.sections:
            if section.offset <= offset and (best is None or section.offset >= best[0]):
                best = (section.offset, item.number, section.position)
    return (best[1], best[2]) if best else None


def place_tables(
    protocol: Protocol,
) -> dict[int, tuple[list[tuple[int, TableVote]], list[tuple[str | None, TableVote | None]]]]:
    """The member tables of a protocol by item: those printed in the item (with the position of their section),
    and the item's voteringslista attachments in order (label, the tables in it merged; None when none was read).

    A table inside an attachment belongs to the attachment's item; any other table to the item it lies in.
    """
    out: dict[int, tuple[list[tuple[int, TableVote]], list[tuple[str | None, TableVote | None]]]] = {}
    attachments = sorted(protocol.attachments, key=lambda a: a.offset)
    in_attachment: dict[int, list[MemberTable]] = {}
    for table in sorted(protocol.member_tables, key=lambda t: t.offset):
        home = next(
            (i for i, a in enumerate(attachments) if a.offset - 1 <= table.offset <= a.offset + len(a.text)), None
        )
        if home is not None:
            in_attachment.setdefault(home, []).append(table)
            continue
        placed = _section_at(protocol, table.offset)
        if placed is None:
            continue  # on the cover: no item to give it to
        item_number, position = placed
        source = f"the member table on page {table.page}"
        out.setdefault(item_number, ([], []))[0].append(
            (position, TableVote(list(table.members), dict(table.counts), source))
        )
    for i, attachment in enumerate(attachments):
        found = in_attachment.get(i, [])
        if attachment.item_number is None or (attachment.kind != "voteringslista" and not found):
            continue
        merged: TableVote | None = None
        if found:
            name = attachment.label or attachment.title or "the voteringslista"
            merged = TableVote([], {}, f"{name} (page {attachment.page_start})")
            for table in found:
                merged.members.extend(table.members)
                for value, count in table.counts.items():
                    merged.counts.setdefault(value, count)
        label = ATTACHMENT_LABEL_RE.search(attachment.label or "")
        out.setdefault(attachment.item_number, ([], []))[1].append(
            (label.group("n").upper() if label else None, merged)
        )
    return out


def _give_tables(
    item: Item,
    read: list[tuple[Vote, _Found]],
    held: list[tuple[int, _Found]],
    inline: list[tuple[int, TableVote]],
    attached: list[tuple[str | None, TableVote | None]],
    appendices: dict[str, tuple[dict[str, int], list[VoteMember]]],
) -> list[tuple[Vote, _Found]]:
    """The item's votes with their member tables: members and stated totals added, counts cross-checked.

    A table printed in the item goes to the next vote from its section on that has none yet (else the
    last one before it); an attachment goes to the vote that names it (``bilaga A``), else the k-th
    attachment to the k-th vote still without a table. A table with no vote to go to is a vote of its
    own, with the question of a vote the text says was held (``Votering begärs``) when there is one:
    one vote, not two, when its result is only in the attachment.
    """
    entries: list[tuple[int, _Found]] = [(v.section_position, f) for v, f in read]
    votes: dict[int, Vote] = {i: v for i, (v, _f) in enumerate(read)}
    tabled: dict[int, TableVote] = {}
    fallback = next(
        (s.position for s in item.sections if s.kind in ("omrostning", "beslutsgang", "beslut")),
        item.sections[-1].position if item.sections else 0,
    )

    def new_vote(position: int | None, table: TableVote) -> None:
        chosen = None
        if held:
            # the first vote held in the table's own section, else the last one before it, else the first
            same = [k for k, (pos, _f) in enumerate(held) if pos == position]
            earlier = [k for k, (pos, _f) in enumerate(held) if position is None or pos < position]
            chosen = held.pop(same[0] if same else earlier[-1] if earlier else 0)
        if chosen is not None:
            entries.append(chosen)
        else:
            entries.append((position if position is not None else fallback, _Found()))
        tabled[len(entries) - 1] = table

    for position, table in inline:
        free = [k for k in range(len(entries)) if k not in tabled]
        target = next((k for k in free if entries[k][0] >= position), None)
        if target is None:
            before = [k for k in free if entries[k][0] < position]
            target = before[-1] if before else None
        if target is None:
            new_vote(position, table)
        else:
            tabled[target] = table
    slots = list(attached)
    named: set[int] = set()  # votes that name their attachment: no k-th rule for them
    for s, (label, given) in enumerate(slots):
        if label is None:
            continue
        target = next(
            (k for k in range(len(entries))
             if k not in tabled and k not in named and label in (entries[k][1].list_ref, entries[k][1].appendix)),
            None,
        )
        if target is not None:
            named.add(target)
            if given is not None:
                tabled[target] = given
            slots[s] = ("", None)  # given by its label: it no longer counts for the k-th rule
    order = [given for label, given in slots if label != ""]
    free = [k for k in range(len(entries)) if k not in tabled and k not in named]
    for k, given in enumerate(order):
        if given is None:
            continue
        if k < len(free):
            tabled[free[k]] = given
        else:
            new_vote(None, given)
    out: list[tuple[Vote, _Found]] = []
    for k, (position, found) in enumerate(entries):
        if k in tabled:
            vote = _assemble(found, item.number, position, appendices, tabled[k])
        else:
            vote = votes[k]
        out.append((vote, found))
    out.sort(key=lambda vf: vf[0].section_position)
    return out
