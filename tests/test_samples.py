"""Golden tests on the sample protocols in data/raw: exact meetings, items, sections, entities."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import extract
from pipeline.segment import segment
from pipeline.tag import tag_protocol
from pipeline.types import Protocol

from .conftest import BJORKVIK_PDF, ROOT, SEED_PDF

GOLDEN = ROOT / "tests" / "golden"


def rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def summary(protocol: Protocol) -> dict[str, Any]:
    """What a researcher sees of a protocol, in a form stable enough for a golden file."""
    m = protocol.meeting
    return {
        "meeting": [m.organisation, m.body, m.meeting_date, m.place, m.first_item, m.last_item],
        "attendees": [[a.name, a.party, a.role, a.kind, a.replaces] for a in m.attendees],
        "cover_entities": [[e.label, e.text, e.page, e.party, e.value_num, e.value_date] for e in m.entities],
        "items": [
            {
                "number": i.number,
                "title": i.title,
                "case_number": i.case_number,
                "pages": [i.page_start, i.page_end],
                "sections": [[s.kind, s.heading, s.page_start, len(s.text)] for s in i.sections],
                "recipients": i.recipients,
                "entities": [
                    [e.label, e.text, e.page, e.party, e.value_num, e.value_date]
                    for s in i.sections
                    for e in s.entities
                ],
            }
            for i in protocol.items
        ],
    }


@pytest.mark.parametrize("pdf", [SEED_PDF, BJORKVIK_PDF], ids=lambda p: p.stem)
def test_golden_summary(pdf: Path, nlp_blank: Any, update_golden: bool) -> None:
    protocol = tag_protocol(segment(extract(pdf)), nlp_blank)
    got = summary(protocol)
    golden = GOLDEN / f"{pdf.stem}.json"
    if update_golden:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def test_seed_cover_entities(nlp_blank: Any) -> None:
    """The cover (text before § 76) is tagged too: its place is LOC, its people link to the attendance list."""
    protocol = tag_protocol(segment(extract(SEED_PDF)), nlp_blank)
    m = protocol.meeting
    assert m.cover_text.startswith("Region Västerbotten\n\nProtokoll\n")
    assert m.cover_text.endswith("Justerande\nÅsa Ågren Wikström")
    places = [(e.label, e.text, e.start, e.end, e.page, e.source) for e in m.entities if e.label == "LOC"]
    assert places == [("LOC", "Regionens hus", 121, 134, 1, "rule"), ("LOC", "Umeå", 136, 140, 1, "rule")]
    # offsets are into the cover text, which starts the document: the page follows from them
    assert all(m.cover_text[e.start : e.end] == e.text for e in m.entities)
    assert {protocol.page_at(e.start) for e in m.entities} == {1}
    # "Justerare<TAB>Åsa Ågren Wikström (M)": the label in the other column is no part of the name
    people = [(e.text, e.party, e.norm) for e in m.entities if e.label == "PERSON"]
    assert people[-1] == ("Åsa Ågren Wikström", "M", "Åsa Ågren Wikström")
    assert len(people) == 7
    # the stage files round-trip, and an older segment file without the cover fields still loads
    data = json.loads(json.dumps(protocol.to_dict()))
    assert Protocol.from_dict(data) == protocol
    del data["meeting"]["cover_text"], data["meeting"]["entities"]
    old = Protocol.from_dict(data)
    assert (old.meeting.cover_text, old.meeting.entities) == ("", [])


def test_seed_cover_place_in_the_database(sample_db: Path) -> None:
    assert rows(
        sample_db,
        "SELECT c.label, c.text, c.page, c.start_char, c.end_char, c.source FROM cover_entities c "
        "JOIN meetings m ON m.id = c.meeting_id JOIN documents d ON d.id = m.document_id "
        "WHERE d.path LIKE '%region-vasterbotten%' AND c.label = 'LOC' ORDER BY c.start_char",
    ) == [("LOC", "Regionens hus", 1, 121, 134, "rule"), ("LOC", "Umeå", 1, 136, 140, "rule")]
    assert rows(
        sample_db,
        "SELECT m.body, c.label, count(*) FROM cover_entities c JOIN meetings m ON m.id = c.meeting_id "
        "GROUP BY m.body, c.label ORDER BY m.body, c.label",
    ) == [
        ("Kommunstyrelsen", "DATE", 5), ("Kommunstyrelsen", "LOC", 2), ("Kommunstyrelsen", "PARTY", 13),
        ("Kommunstyrelsen", "PERSON", 13),
        ("Regionala utvecklingsnämndens arbetsutskott", "DATE", 2),
        ("Regionala utvecklingsnämndens arbetsutskott", "LOC", 2),
        ("Regionala utvecklingsnämndens arbetsutskott", "PARTY", 7),
        ("Regionala utvecklingsnämndens arbetsutskott", "PERSON", 7),
    ]
    # a PERSON on a cover is an attendee (same key as attendees.name_norm), except the members
    # an ersättare replaced ("Jonna Tingberg (M) ersätter Emma Köster (M)")
    assert rows(
        sample_db,
        "SELECT c.text, c.party, c.norm FROM cover_entities c WHERE c.label = 'PERSON' AND NOT EXISTS "
        "(SELECT 1 FROM attendees a WHERE a.meeting_id = c.meeting_id AND a.name_norm = c.norm AND a.party = c.party) "
        "ORDER BY c.text",
    ) == [("Emma Köster", "M", "Emma Köster"), ("Mikael Dahl", "S", "Mikael Dahl")]


def test_seed_meeting_and_item(sample_db: Path) -> None:
    assert rows(
        sample_db,
        "SELECT organisation, body, meeting_date, place FROM meetings m JOIN documents d ON d.id = m.document_id "
        "WHERE d.path LIKE '%region-vasterbotten%'",
    ) == [("Region Västerbotten", "Regionala utvecklingsnämndens arbetsutskott", "2023-05-12", "Regionens hus, Umeå")]
    assert rows(sample_db, "SELECT number, case_number, title FROM items WHERE case_number = 'RUN 560-2022'") == [
        (76, "RUN 560-2022", "Genomförande av fullmäktigeuppdragen tilldelade regionala utvecklingsnämnden 2023")
    ]
    assert rows(sample_db, "SELECT count(*) FROM items WHERE number = 10") == [(0,)]


def test_seed_section_kinds_in_order(sample_db: Path) -> None:
    kinds = rows(
        sample_db,
        "SELECT s.kind FROM sections s JOIN items i ON i.id = s.item_id WHERE i.number = 76 ORDER BY s.position",
    )
    assert [k for (k,) in kinds] == [
        "sammanfattning", "forslag_till_beslut", "beslutsgang", "beslut", "expedieras_till", "beslutsunderlag"
    ]


def test_seed_people_with_parties(sample_db: Path) -> None:
    people = rows(
        sample_db,
        "SELECT DISTINCT e.text, e.party FROM entities e JOIN items i ON i.id = e.item_id "
        "WHERE i.number = 76 AND e.label = 'PERSON' AND e.party IS NOT NULL ORDER BY e.text",
    )
    assert people == [
        ("Anders Ågren", "M"), ("Hans Lindberg", "S"), ("Kjell Öjeryd", "V"), ("Lorents Burman", "S"),
        ("Mikael Lindfors", "S"), ("Richard Carstedt", "S"), ("Åsa Ågren Wikström", "M"),
    ]


def test_seed_money_and_dates(sample_db: Path) -> None:
    money = rows(
        sample_db,
        "SELECT DISTINCT CAST(e.value_num AS INTEGER) FROM entities e JOIN items i ON i.id = e.item_id "
        "WHERE i.number = 76 AND e.label = 'MONEY' ORDER BY 1",
    )
    assert [v for (v,) in money] == [4000000, 7000000, 8000000, 13800000, 21000000]
    dates = {d for (d,) in rows(sample_db, "SELECT value_date FROM entities WHERE label = 'DATE'")}
    assert {"2023-06-15", "2023-04-05", "2025-12-31"} <= dates


def test_seed_recipients(sample_db: Path) -> None:
    got = rows(sample_db, "SELECT r.name FROM recipients r JOIN items i ON i.id = r.item_id WHERE i.number = 76 ORDER BY r.id")
    assert [n for (n,) in got] == [
        "Regionala utvecklingsnämnden", "Katrine Andersson", "Mona-Lisa Fjellström", "Stina Karlgren"
    ]


def test_no_header_or_footer_text_inside_any_section(sample_db: Path) -> None:
    texts = [t for (t,) in rows(sample_db, "SELECT text FROM sections")]
    assert len(texts) == 31
    for marker in ("Utdragsbestyrkande", "Justerandes sign", "Sammanträdesdatum", "Sida 2 av", "2 (8)"):
        assert not [t for t in texts if marker in t], marker


def test_bjorkvik_items_and_decision_chain(sample_db: Path) -> None:
    items = rows(
        sample_db,
        "SELECT i.number, i.case_number, i.page_start, i.page_end FROM items i JOIN meetings m ON m.id = i.meeting_id "
        "WHERE m.body = 'Kommunstyrelsen' ORDER BY i.number",
    )
    assert items == [
        (45, "KS/2024:12", 2, 2), (46, "KS/2024:13", 2, 2), (47, "KS 2024/123", 2, 3),
        (48, "KS/2024:67", 3, 5), (49, "KS 2024/31", 5, 6),
    ]
    kinds = rows(
        sample_db,
        "SELECT s.kind FROM sections s JOIN items i ON i.id = s.item_id WHERE i.number = 48 ORDER BY s.position",
    )
    assert [k for (k,) in kinds] == [
        "arendebeskrivning", "beslutsunderlag", "forslag_till_beslut", "yrkanden", "beslutsgang", "omrostning",
        "beslut", "reservation", "expedieras_till",
    ]
    # "KF § 261" at the start of a wrapped line and "12 § i avtalet" are references, not items
    assert rows(sample_db, "SELECT count(*) FROM items WHERE number IN (12, 261)") == [(0,)]


def test_bjorkvik_amounts_and_dates(sample_db: Path) -> None:
    money = rows(
        sample_db,
        "SELECT e.text, e.value_num FROM entities e JOIN items i ON i.id = e.item_id "
        "WHERE e.label = 'MONEY' AND i.number >= 45 AND i.number <= 49 ORDER BY e.id",
    )
    assert [(t.replace("\n", " "), v) for t, v in money] == [
        ("13,8 miljoner kronor", 13800000.0),
        ("2,1 miljarder kronor", 2100000000.0),
        ("140 tkr", 140000.0),
        ("4 mkr", 4000000.0),
        ("387 120 kronor", 387120.0),
    ]
    dates = {d for (d,) in rows(sample_db, "SELECT value_date FROM entities WHERE label = 'DATE'")}
    assert {"2024-06-15", "2024-12-31", "2017-06-22"} <= dates


def test_cover_dates_and_partial_presence(sample_db: Path) -> None:
    assert rows(
        sample_db,
        "SELECT body, justering_date, anslag_up, anslag_down FROM meetings ORDER BY meeting_date",
    ) == [
        ("Regionala utvecklingsnämndens arbetsutskott", "2023-05-17", None, None),
        ("Kommunstyrelsen", "2024-03-15", "2024-03-18", "2024-04-09"),
    ]
    assert rows(sample_db, "SELECT name, role, presence FROM attendees WHERE presence IS NOT NULL") == [
        ("Jonas Hägg", "mark- och exploateringsingenjör", "48 §")
    ]


def test_vocabularies_are_the_documented_ones(sample_db: Path) -> None:
    from pipeline.segment import SECTION_PATTERNS
    from pipeline.types import ATTENDEE_KINDS, ENTITY_LABELS, SECTION_KINDS

    assert [kind for kind, _ in SECTION_PATTERNS] == list(SECTION_KINDS)
    assert {k for (k,) in rows(sample_db, "SELECT DISTINCT kind FROM sections")} <= set(SECTION_KINDS)
    assert {k for (k,) in rows(sample_db, "SELECT DISTINCT kind FROM attendees")} == set(ATTENDEE_KINDS)
    assert {k for (k,) in rows(sample_db, "SELECT DISTINCT label FROM entities")} <= set(ENTITY_LABELS)
