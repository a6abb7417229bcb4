"""Persons: one key per person within a meeting, party from the attendance list."""

from __future__ import annotations

from pipeline.tag import link_people, natural_order
from pipeline.types import Attendee, Entity, Item, Meeting, Protocol, Section


def protocol(attendees: list[Attendee], text: str, entities: list[Entity]) -> Protocol:
    section = Section(1, "yrkanden", "Yrkanden", text, 1, 1, 0, entities)
    return Protocol("x.pdf", "0" * 64, 1, 1, "protokoll", Meeting(attendees=attendees),
                    [Item(5, "Titel", None, 1, 1, [section])], [])


def test_natural_order_from_the_text_then_from_first_names() -> None:
    assert natural_order("Frostdahl-Blomqvist Siw", "Siw Frostdahl-Blomqvist yrkar bifall.") == "Siw Frostdahl-Blomqvist"
    assert natural_order("Lindvall Mikael", "") == "Mikael Lindvall"  # Mikael is a known first name
    assert natural_order("Anna Berg", "") == "Anna Berg"
    assert natural_order("Berg Anna", "Berg Anna yrkar.") == "Berg Anna"  # the text writes it so
    assert natural_order("Cher", "") == "Cher"


def test_mentions_are_linked_to_the_attendance_list() -> None:
    text = "Siw Frostdahl-Blomqvist yrkar bifall till Richard Carstedts förslag. Okänd Person yrkar avslag."
    mentions = [
        Entity("PERSON", "Siw Frostdahl-Blomqvist", 0, 23),
        Entity("PERSON", "Richard Carstedts", 42, 59),
        Entity("PERSON", "Okänd Person", 70, 82),
    ]
    attendees = [
        Attendee("Frostdahl-Blomqvist Siw", None, "ordförande", "ledamot"),
        Attendee("Richard Carstedt", "S", None, "ledamot"),
    ]
    p = protocol(attendees, text, mentions)
    link_people(p)
    assert [a.norm for a in p.meeting.attendees] == ["Siw Frostdahl-Blomqvist", "Richard Carstedt"]
    assert [(e.text, e.norm, e.party) for e in mentions] == [
        ("Siw Frostdahl-Blomqvist", "Siw Frostdahl-Blomqvist", None),
        ("Richard Carstedts", "Richard Carstedt", "S"),  # genitive, party from the list
        ("Okänd Person", "Okänd Person", None),
    ]


def test_cover_mentions_are_linked_and_the_cover_does_not_decide_name_order() -> None:
    cover = "Beslutande\tFrostdahl-Blomqvist Siw, ordförande\n\nJusterande\nFrostdahl-Blomqvist Siw"
    p = protocol([Attendee("Frostdahl-Blomqvist Siw", "S", "ordförande", "ledamot")], "Siw Frostdahl-Blomqvist yrkar bifall.", [])
    p.meeting.cover_text = cover
    p.meeting.entities = [
        Entity("PERSON", "Frostdahl-Blomqvist Siw", 11, 34),
        Entity("PERSON", "Frostdahl-Blomqvist\nSiw", 61, 84),
        Entity("LOC", "Umeå", 90, 94),
    ]
    link_people(p)
    # the list's own order on the cover is no evidence: the sections write "Siw Frostdahl-Blomqvist"
    assert p.meeting.attendees[0].norm == "Siw Frostdahl-Blomqvist"
    assert [(e.norm, e.party) for e in p.meeting.entities] == [
        ("Siw Frostdahl-Blomqvist", "S"), ("Siw Frostdahl-Blomqvist", "S"), (None, None)
    ]
