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
