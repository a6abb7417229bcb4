"""Self-checks on hand-made protocols: each code fires exactly where the input says it should, and only there."""

from __future__ import annotations

from pipeline.checks import check_protocol, paragraphs, repeated_cycle
from pipeline.types import (
    Attachment,
    Decisions,
    DocumentIssue,
    Item,
    Meeting,
    MemberTable,
    Protocol,
    Section,
    Vote,
    VoteMember,
)


def section(position: int, kind: str, heading: str | None = None, text: str = "Text.", page: int = 1,
            offset: int = 0) -> Section:
    return Section(position, kind, heading, text, page, page, offset)


def item(number: int, *kinds: str, page_start: int = 1, page_end: int | None = None, offset: int = 0) -> Item:
    """An item with one section per kind, headed by the kind's usual heading, all on ``page_start``."""
    sections = [
        section(i, kind, None if kind == "other" else kind.capitalize(), page=page_start, offset=offset + 100 * i)
        for i, kind in enumerate(kinds, start=1)
    ]
    return Item(number, f"Ärende {number}", None, page_start, page_end or page_start, sections)


def protocol(*items: Item, **meeting: object) -> Protocol:
    m = Meeting(body="Kommunstyrelsen", meeting_date="2024-03-12")
    for key, value in meeting.items():
        setattr(m, key, value)
    return Protocol("p.pdf", "0" * 64, 100, 20, "protokoll", m, list(items), [])


def members(ja: int, nej: int, avstar: int = 0) -> list[VoteMember]:
    return (
        [VoteMember(f"Ja {i}", "S", "ja") for i in range(ja)]
        + [VoteMember(f"Nej {i}", "M", "nej") for i in range(nej)]
        + [VoteMember(f"Avstår {i}", "C", "avstår") for i in range(avstar)]
    )


def test_a_clean_protocol_has_no_issues() -> None:
    p = protocol(
        item(1, "other", "beslut"),
        item(2, "sammanfattning", "beslutsunderlag", "forslag_till_beslut", "yrkanden", "beslut", "expedieras_till",
             page_start=2, page_end=3),
        first_item=1, last_item=2,
    )
    assert check_protocol(p) == []


def test_no_items_body_or_date() -> None:
    p = protocol(body=None, meeting_date=None)
    assert check_protocol(p) == [
        DocumentIssue("error", "no_items", "no items (§) found in a protokoll: scanned pages without OCR, or item "
                      "headings written in a way the segmenter does not know"),
        DocumentIssue("warning", "no_body", "the meeting's body (Kommunstyrelsen, ...) was found neither on the cover "
                      "nor in the running header"),
        DocumentIssue("error", "no_date", "the meeting date was not found on the cover"),
    ]
    # an agenda lists no decided items by nature: only the missing date is an error there
    p.doc_type = "foredragningslista"
    p.meeting.body = "Kommunstyrelsen"
    assert [i.code for i in check_protocol(p)] == ["no_date"]


def test_missing_items_lists_the_gaps_as_ranges() -> None:
    p = protocol(*(item(n, "beslut") for n in (18, 19, 20, 23, 25)), first_item=18, last_item=26)
    assert check_protocol(p) == [
        DocumentIssue("error", "missing_items", "the cover declares §§ 18-26; not found: §§ 21-22, 24, 26"),
    ]
    # a range the cover does not declare, or declares backwards, is not checked
    assert check_protocol(protocol(item(18, "beslut"), first_item=None, last_item=None)) == []
    assert check_protocol(protocol(item(18, "beslut"), first_item=30, last_item=20)) == []


def test_several_beslut_sections_in_one_item() -> None:
    two = item(12, "arendebeskrivning", "beslut", "beslutsunderlag", "beslut", page_start=4, page_end=6)
    two.sections[3].page_start = two.sections[3].page_end = 6
    assert check_protocol(protocol(two)) == [
        DocumentIssue("error", "several_beslut", "§ 12 has 2 Beslut sections (p. 4, 6): a § heading between them "
                      "was probably missed", item_number=12, page=6),
    ]


def test_a_handling_history_is_not_several_items() -> None:
    # Nykarleby: "Tidigare behandling", then per meeting "Stadsdirektörens förslag" / "Stadsstyrelsens beslut"
    history = item(194, "tidigare_behandling", "forslag_till_beslut", "beslut", "forslag_till_beslut", "beslut",
                   "forslag_till_beslut", "beslut", page_start=35, page_end=37)
    assert check_protocol(protocol(history)) == []
    # a new case between two decisions is an error; a yrkande between them only a warning
    history.sections[3].kind = "arendebeskrivning"
    history.sections[5].kind = "yrkanden"
    history.sections[6].page_start = 37
    assert check_protocol(protocol(history)) == [
        DocumentIssue("error", "several_beslut", "§ 194 has 3 Beslut sections (p. 35, 35, 37): a § heading between "
                      "them was probably missed", item_number=194, page=35),
    ]
    history.sections[3].kind = "forslag_till_beslut"
    assert check_protocol(protocol(history)) == [
        DocumentIssue("warning", "several_beslut", "§ 194 has 3 Beslut sections (p. 35, 35, 37): check whether a § "
                      "heading between them was missed", item_number=194, page=35),
    ]


def test_a_repeating_cycle_of_section_kinds_is_a_missed_boundary() -> None:
    # no Beslut heading at all (the decision is under Förslag till beslut), but the item's skeleton twice
    kinds = ("other", "arendebeskrivning", "beslutsunderlag", "forslag_till_beslut", "expedieras_till",
             "arendebeskrivning", "beslutsunderlag", "forslag_till_beslut")
    run = item(7, *kinds, page_start=3, page_end=5)
    for s in run.sections[5:]:
        s.page_start = s.page_end = 5
    assert check_protocol(protocol(run)) == [
        DocumentIssue("error", "several_beslut", "§ 7 repeats its sections arendebeskrivning, beslutsunderlag, "
                      "forslag_till_beslut (again from p. 5): a § heading was probably missed", item_number=7, page=5),
    ]


def test_the_decision_process_may_repeat() -> None:
    # a budget item with three votes: yrkanden, beslutsgång and omröstning come back, the skeleton does not
    kinds = ("sammanfattning", "beslutsunderlag", "yrkanden", "beslutsgang", "omrostning", "yrkanden", "beslutsgang",
             "omrostning", "yrkanden", "beslutsgang", "omrostning", "beslut", "reservation")
    assert check_protocol(protocol(item(3, *kinds))) == []
    # two skeleton kinds twice are not enough to call it a cycle
    assert repeated_cycle(item(3, "arendebeskrivning", "beslutsunderlag", "arendebeskrivning", "beslutsunderlag").sections) is None
    # the run must be distinct kinds, and it must recur in the same order
    assert repeated_cycle(item(3, "sammanfattning", "beslutsunderlag", "forslag_till_beslut", "beslutsunderlag",
                               "sammanfattning", "forslag_till_beslut").sections) is None


def test_long_item() -> None:
    assert check_protocol(protocol(item(5, "beslut", page_start=3, page_end=12))) == []  # ten pages
    p = protocol(item(5, "beslut", page_start=3, page_end=13))
    assert check_protocol(p) == [
        DocumentIssue("warning", "long_item", "§ 5 spans 11 pages (p. 3-13): an appendix read as its text, or a "
                      "missed § heading?", item_number=5, page=3),
    ]


def test_an_agenda_read_as_the_items_leaves_them_empty() -> None:
    # the ärendelista's lines became §§ 1-4 without text, and every section landed in § 5
    items = [item(n, page_start=2) for n in range(1, 5)]
    last = item(5, *(["arendebeskrivning", "beslut"] * 1), page_start=3, page_end=9)
    assert check_protocol(protocol(*items, last)) == [
        DocumentIssue("warning", "empty_items", "4 of 5 items have no text (§§ 1-4): a list of items (ärendelista) "
                      "read as the items?", page=2),
    ]


def test_a_single_item_without_text() -> None:
    blank = item(2, page_start=2)
    blank.sections = [section(1, "other", None, "  \n ")]
    p = protocol(item(1, "beslut"), blank, item(3, "beslut"))
    assert check_protocol(p) == [DocumentIssue("warning", "empty_items", "§ 2 has no text", page=2)]
    p.doc_type = "kallelse"  # a notice lists items without text
    assert check_protocol(p) == []


def headed(position: int, kind: str, heading: str) -> Section:
    return section(position, kind, heading)


def test_unknown_headings_many_or_a_large_share() -> None:
    def with_other(*headings: str, known: int) -> Protocol:
        sections = [headed(i, "other", h) for i, h in enumerate(headings, 1)]
        sections.append(section(len(sections) + 1, "other", None))  # text before a heading is not a heading
        # one known heading per item, so that no item has several Beslut
        return protocol(Item(1, "Ärende", None, 1, 1, sections), *(item(n, "beslut") for n in range(2, known + 2)))

    # two unknown headings are never many
    assert check_protocol(with_other("Överläggning", "Justering", known=0)) == []
    # three out of 15 headed sections is 20 %: not more than the share
    assert check_protocol(with_other("Överläggning", "Justering", "Debatt", known=12)) == []
    assert check_protocol(with_other("Överläggning", "Justering", "Debatt", known=11)) == [
        DocumentIssue("warning", "unknown_headings", "3 of 14 section headings are of no known kind (kept as 'other'): "
                      "Debatt, Justering, Överläggning"),
    ]
    # five are many whatever the share; the most frequent come first, a trailing colon does not count
    headings = ("Överläggning", "Överläggning:", "Justering", "Justering", "Debatt", "Information", "Anföranden",
                "Ajournering")
    assert check_protocol(with_other(*headings, known=100)) == [
        DocumentIssue("warning", "unknown_headings", "8 of 108 section headings are of no known kind (kept as "
                      "'other'): Justering (2), Överläggning (2), Ajournering, Anföranden, Debatt, ..."),
    ]


def test_attachment_naming_a_missing_item() -> None:
    p = protocol(item(16, "beslut"), item(17, "beslut"))
    p.attachments = [
        Attachment("bilaga", "Bilaga A KF § 16/22", "Taxa", 3, 4, "Taxa ...", 5000, 16),
        Attachment("voteringslista", "Voteringslista § 18", None, 5, 5, "Ja Nej", 6000, 18),
        Attachment("narvarolista", None, "Närvarolista", 6, 6, "Namn Parti", 7000, 19),
        Attachment("other", None, None, 7, 7, "...", 8000, None),
    ]
    assert check_protocol(p) == [
        DocumentIssue("warning", "attachment_unknown_item", "Voteringslista § 18 (p. 5) names § 18, which this "
                      "protocol does not have", item_number=18, page=5),
        DocumentIssue("warning", "attachment_unknown_item", "Närvarolista (p. 6) names § 19, which this protocol "
                      "does not have", item_number=19, page=6),
    ]


def vote(number: int, position: int, ja: int | None, nej: int | None, avstar: int | None = 0,
         franvarande: int | None = 0, listed: list[VoteMember] | None = None, warning: str | None = None) -> Vote:
    return Vote(number, position, None, ja, nej, avstar, franvarande, listed or [], warning)


def test_vote_warning_is_copied_and_a_contradicting_member_list_is_an_error() -> None:
    p = protocol(
        item(10, "yrkanden", "omrostning", "beslut", page_start=2),
        item(11, "omrostning", "beslut", page_start=4),
        item(12, "omrostning", "beslut", page_start=5),
    )
    p.decisions = Decisions(votes=[
        vote(10, 2, 7, 4, listed=members(7, 4)),  # agrees: nothing
        vote(11, 1, 21, 11, listed=members(20, 11, 1), warning="ja: text says 21, 20 members listed; avstår: text "
             "says 0, 1 members listed"),
        vote(12, 1, 30, 19, franvarande=2, warning="counts add up to 51, most votes of this meeting add up to 49"),
    ])
    assert check_protocol(p) == [
        DocumentIssue("error", "vote_counts", "§ 11: the member list contradicts the counts: ja: 21 stated, 20 listed; "
                      "avstår: 0 stated, 1 listed", item_number=11, page=4),
        DocumentIssue("warning", "vote_counts", "§ 12: counts add up to 51, most votes of this meeting add up to 49",
                      item_number=12, page=5),
    ]


def test_absent_members_are_compared_only_when_the_list_names_them() -> None:
    p = protocol(item(10, "omrostning", "beslut"))
    p.decisions = Decisions(votes=[vote(10, 1, 7, 4, franvarande=2, listed=members(7, 4))])
    assert check_protocol(p) == []
    p.decisions.votes[0].members.append(VoteMember("Borta", "V", "frånvarande"))
    assert [i.message for i in check_protocol(p)] == [
        "§ 10: the member list contradicts the counts: frånvarande: 2 stated, 1 listed"
    ]


def test_member_tables_against_their_totals_and_their_items_vote() -> None:
    p = protocol(item(20, "omrostning", "beslut", page_start=3, offset=1000), item(21, "beslut", page_start=4, offset=2000))
    p.attachments = [Attachment("voteringslista", "Voteringslista § 21", None, 8, 8, "x" * 500, 9000, 21)]
    p.decisions = Decisions(votes=[vote(20, 1, 25, 24)])
    p.member_tables = [
        # in § 20's text (sections at 1100 and 1200, 5 characters each): its rows say 25-23, the vote 25-24
        MemberTable(page=3, offset=1150, members=members(25, 23)),
        # in the voteringslista of § 21, whose totals say 26 ja
        MemberTable(page=8, offset=9100, members=members(25, 24), counts={"ja": 26, "nej": 24}),
        # outside any item or attachment: nothing to compare with
        MemberTable(page=9, offset=20000, members=members(1, 1)),
    ]
    assert check_protocol(p) == [
        DocumentIssue("error", "vote_counts", "§ 20: the member table on p. 3 contradicts the vote's counts: nej: 24 "
                      "stated, 23 listed", item_number=20, page=3),
        DocumentIssue("error", "vote_counts", "the member table on p. 8 contradicts its own totals: ja: 26 stated, 25 "
                      "listed", item_number=21, page=8),
    ]
    # once the table is the vote's member list, the vote's own check reports it, once
    p.decisions.votes[0].members = members(25, 23)
    assert [(i.code, i.item_number, i.page) for i in check_protocol(p)] == [
        ("vote_counts", 20, 3), ("vote_counts", 21, 8)
    ]
    assert check_protocol(p)[0].message == "§ 20: the member list contradicts the counts: nej: 24 stated, 23 listed"


def test_issues_round_trip_with_the_protocol() -> None:
    p = protocol(item(5, "beslut", page_start=3, page_end=14))
    p.issues = check_protocol(p)
    assert Protocol.from_dict(p.to_dict()).issues == p.issues


def test_paragraphs() -> None:
    assert paragraphs([4]) == "§ 4"
    assert paragraphs([9, 3, 4, 5, 4]) == "§§ 3-5, 9"
