"""Protocol anatomy: regions (cover, agenda, items, attachments), headings, lists, furniture, cover metadata.

The unit tests write small protocols as text files (pages split by form feeds, the shape
``pdftotext -layout`` gives) in the layouts Swedish protocols share, and assert what a reader
of that text counts. The corpus test scores the real protocols of the ``tune`` split against
the hand-annotated gold in tests/data/anatomy_gold/ (the ``blind`` split is scored by
scripts/eval_anatomy.py only, see docs/accuracy.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.decide import decide
from pipeline.extract import extract
from pipeline.segment import recipients, segment
from pipeline.types import Protocol

from .conftest import SHARED

GOLD = Path(__file__).parent / "data" / "anatomy_gold"
HEADER = "KOMMUNSTYRELSEN                         SAMMANTRÄDESPROTOKOLL\n                                        Sida {n} av {total}\n"
FOOTER = "\nJusterandes sign                        Utdragsbestyrkande\n"


def protocol_from_pages(tmp_path: Path, pages: list[str], header: bool = True) -> Protocol:
    """Segment a text protocol whose pages are ``pages`` (running header and footer added)."""
    total = len(pages)
    text = "\f".join(
        (HEADER.format(n=n, total=total) + "\n" if header else "") + body.strip("\n") + "\n" + (FOOTER if header else "")
        for n, body in enumerate(pages, start=1)
    )
    path = tmp_path / "protokoll.txt"
    path.write_text(text + "\f", encoding="utf-8")
    return segment(extract(path))


COVER = """Lomma kommun, Sessionssalen

Beslutande organ:   Kommunstyrelsen
Sammanträdesdatum:  2025-03-04
Plats:              Sida 1 av 5
                    Kommunhuset, Sessionssalen
Paragrafer:         § 1-§ 3
"""
AGENDA = """§ 1       KS/2025:1

          Val av justerare

§ 2       KS/2025:7

          Budget 2026

§ 3       KS/2025:9

          Motion om cykelvägar
"""
ITEM_1_2 = """KS § 1                                  KS/2025:1

Val av justerare

Beslut
Anna Berg (S) utses att justera protokollet.

KS § 2                                  KS/2025:7

Budget 2026

Ärendebeskrivning
Förvaltningen har tagit fram ett förslag till budget för 2026.

Överläggning
Per Ek (M) och Anna Berg (S) yttrar sig.

Kommunstyrelsens överväganden
Budgeten ska hålla sig inom ramen.

Beslut:
Kommunstyrelsen beslutar att anta budgeten.

Beslutet expedieras till:
Vård- och omsorgsnämnden
Avdelningen för IT, kommunikation och intern service
Stiftelsen Karl Ek och Anna Eks fond
Socialförvaltningen och Kommunstyrelsen
"""
VOTE_LIST = """Bilaga A KS § 2/25
Voteringslista

Ledamot                 Ja    Nej   Avstår
Per Ek (M)              X
Anna Berg (S)                 X
Lars Olsson (C)         X
"""
ITEM_3 = """KS § 3                                  KS/2025:9

Motion om cykelvägar

Ärendebeskrivning
Lars Olsson (C) har lämnat en motion om cykelvägar.

Beslut
Motionen avslås.

Reservation
Anna Berg (S) reserverar sig skriftligt, se bilaga.

Beslutet expedieras till:
Motionären
"""
RESERVATION = """Reservation
Vi reserverar oss mot beslutet i ärende § 3 eftersom cykelvägarna behövs.

För Socialdemokraterna
Anna Berg (S)
"""


@pytest.fixture()
def anatomy(tmp_path: Path) -> Protocol:
    return protocol_from_pages(tmp_path, [COVER, AGENDA, ITEM_1_2, VOTE_LIST, ITEM_3, RESERVATION])


def test_regions_of_a_protocol_with_agenda_and_attachments(anatomy: Protocol) -> None:
    assert [(r.kind, r.page_start, r.page_end, r.label) for r in anatomy.regions] == [
        ("cover", 1, 1, None),
        ("agenda", 2, 2, "agenda"),
        ("item", 3, 3, None),
        ("attachment", 4, 4, "Bilaga A KS § 2/25"),
        ("item", 5, 5, None),
        ("attachment", 6, 6, "Reservation"),
    ]


def test_items_come_from_the_item_pages_not_the_agenda(anatomy: Protocol) -> None:
    assert [(i.number, i.title, i.case_number, i.page_start, i.page_end) for i in anatomy.items] == [
        (1, "Val av justerare", "KS/2025:1", 3, 3),
        (2, "Budget 2026", "KS/2025:7", 3, 3),
        (3, "Motion om cykelvägar", "KS/2025:9", 5, 5),
    ]


def test_attachments_are_records_linked_to_their_item(anatomy: Protocol) -> None:
    assert [(a.kind, a.label, a.item_number, a.page_start, a.page_end) for a in anatomy.attachments] == [
        ("voteringslista", "Bilaga A KS § 2/25", 2, 4, 4),
        ("reservation", "Reservation", 3, 6, 6),
    ]
    assert anatomy.attachments[1].text.startswith("Reservation\nVi reserverar oss mot beslutet")
    sections = "\n".join(s.text for i in anatomy.items for s in i.sections)
    assert "Voteringslista" not in sections and "Lars Olsson (C)         X" not in sections
    assert "cykelvägarna behövs" not in sections


def test_known_and_unknown_headings(anatomy: Protocol) -> None:
    budget = anatomy.items[1]
    assert [(s.kind, s.heading) for s in budget.sections] == [
        ("arendebeskrivning", "Ärendebeskrivning"),
        ("overlaggning", "Överläggning"),
        ("other", "Kommunstyrelsens överväganden"),
        ("beslut", "Beslut"),
        ("expedieras_till", "Beslutet expedieras till"),
    ]
    assert [(s.kind, s.heading) for s in anatomy.items[2].sections] == [
        ("arendebeskrivning", "Ärendebeskrivning"),
        ("beslut", "Beslut"),
        ("reservation", "Reservation"),
        ("expedieras_till", "Beslutet expedieras till"),
    ]


def test_recipients_split_only_between_addressees(anatomy: Protocol) -> None:
    assert anatomy.items[1].recipients == [
        "Vård- och omsorgsnämnden",
        "Avdelningen för IT, kommunikation och intern service",
        "Stiftelsen Karl Ek och Anna Eks fond",
        "Socialförvaltningen",
        "Kommunstyrelsen",
    ]
    assert anatomy.items[2].recipients == ["Motionären"]


def test_recipient_list_ends_where_the_list_ends() -> None:
    text = "Kommunstyrelsen\nekonomiavdelningen\n\nÄrendet har beretts av förvaltningen och lämnas nu över till nämnden."
    assert recipients(text) == ["Kommunstyrelsen", "ekonomiavdelningen"]
    assert recipients("Beslutet expedieras även till samtliga nämnder som berörs av ändringen i reglementet.") == []


def test_cover_metadata_from_labels_and_place_lines(anatomy: Protocol) -> None:
    m = anatomy.meeting
    assert (m.organisation, m.body, m.meeting_date, m.place) == (
        "Lomma kommun", "Kommunstyrelsen", "2025-03-04", "Kommunhuset, Sessionssalen"
    )
    assert (m.first_item, m.last_item) == (1, 3)


def test_no_running_header_or_footer_in_sections(anatomy: Protocol) -> None:
    for item in anatomy.items:
        for s in item.sections:
            assert "SAMMANTRÄDESPROTOKOLL" not in s.text and "Utdragsbestyrkande" not in s.text
            assert "Sida " not in s.text


def test_self_checks_pass_on_a_sound_protocol(anatomy: Protocol) -> None:
    assert anatomy.issues == []


def test_an_agenda_without_heading_is_known_by_its_density(tmp_path: Path) -> None:
    """One § per line, nothing between: the page is an agenda even when nothing names it."""
    agenda = "\n".join(f"§ {n}   KS/2025:{n}   Ärende nummer {n}" for n in range(1, 4))
    p = protocol_from_pages(tmp_path, [COVER, agenda, ITEM_1_2, ITEM_3])
    assert [r.kind for r in p.regions] == ["cover", "agenda", "item"]
    assert [(i.number, i.page_start, len(i.sections)) for i in p.items] == [(1, 3, 1), (2, 3, 5), (3, 4, 4)]


def test_uppercase_title_becomes_the_body_as_written_in_the_text(tmp_path: Path) -> None:
    cover = "SOCIALNÄMNDEN                 SAMMANTRÄDESPROTOKOLL\n\nSammanträdesdatum 2024-02-06\n"
    item = "§ 5    SN/2024:3\n\nInformation\n\nBeslut\nSocialnämnden har tagit del av informationen.\n"
    p = protocol_from_pages(tmp_path, [cover, item, item.replace("§ 5", "§ 6")], header=False)
    assert p.meeting.body == "Socialnämnden"


def test_header_printed_mid_page_is_removed(tmp_path: Path) -> None:
    """The text layer may put the running header block in the middle of a page (the seed does)."""
    middle = ITEM_3.replace("Beslut\nMotionen avslås.", "Beslut\nMotionen\n" + HEADER.format(n=5, total=6) + "avslås.")
    p = protocol_from_pages(tmp_path, [COVER, AGENDA, ITEM_1_2, VOTE_LIST, middle, RESERVATION])
    beslut = next(s for s in p.items[2].sections if s.kind == "beslut")
    assert beslut.text == "Motionen\navslås."


# ---------------------------------------------------------------- real protocols (tune split)


def _tune_files() -> list[Path]:
    files = []
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if gold["split"] == "tune":
            files.append(path)
    return files


@pytest.mark.corpus
@pytest.mark.parametrize("gold_path", _tune_files(), ids=lambda p: p.stem)
def test_tune_protocols_match_the_hand_annotation(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    pdf = SHARED / "corpus" / "pdf-rendered" / f"{gold['file']}.pdf"
    if not pdf.exists():
        pytest.skip(f"{pdf} is absent (../shared/corpus is not committed)")
    p = decide(segment(extract(pdf)))
    norm = lambda s: " ".join((s or "").lower().rstrip(":").split())  # noqa: E731
    assert [(i.number, i.page_start, i.page_end) for i in p.items] == [
        (i["number"], i["page_start"], i["page_end"]) for i in gold["items"]
    ]
    assert [(i.number, [(norm(s.heading), s.kind) for s in i.sections if s.heading]) for i in p.items] == [
        (i["number"], [(norm(s["heading"]), s["kind"]) for s in i["sections"]]) for i in gold["items"]
    ]
    assert [(i.number, Counter(map(norm, i.recipients))) for i in p.items] == [
        (i["number"], Counter(map(norm, i["recipients"]))) for i in gold["items"]
    ]
    m = p.meeting
    assert (m.body, m.organisation, m.meeting_date, m.place) == (
        gold["body"], gold["organisation"], gold["meeting_date"], gold["place"]
    )
    assert [(a.kind, a.item_number, a.page_start, a.page_end) for a in p.attachments] == [
        (a["kind"], a["item_number"], a["page_start"], a["page_end"]) for a in gold["attachments"]
    ]
    kinds = {page: r.kind for r in p.regions for page in range(r.page_start, r.page_end + 1)
             if r.kind != "cover" or page not in {q for x in p.regions if x.kind == "item"
                                                  for q in range(x.page_start, x.page_end + 1)}}
    assert {int(k): v for k, v in gold["page_types"].items()} == kinds
    assert [(v.item_number, v.ja, v.nej) for v in p.decisions.votes] == [
        (i["number"], v["ja"], v["nej"]) for i in gold["items"] for v in i["votes"]
    ]


def test_a_narvarolista_appendix_fills_the_attendance(tmp_path: Path) -> None:
    narvaro = """Närvarolista
Ordinarie ledamöter
Per Ek (M) ordförande
Anna Berg (S) §§ 1-2
Lars Olsson (C)

Tjänstgörande ersättare
Eva Holm (C) ersätter Lars Olsson (C) § 3
"""
    cover = COVER.replace("Paragrafer:         § 1-§ 3\n", "Paragrafer:         § 1-§ 3\nBeslutande: se närvarolista\n")
    p = protocol_from_pages(tmp_path, [cover, AGENDA, ITEM_1_2, ITEM_3, narvaro])
    # an attendance list is the meeting's: it belongs to no item
    assert [(a.kind, a.label, a.item_number, a.page_start) for a in p.attachments] == [("narvarolista", "Närvarolista", None, 5)]
    assert [(a.name, a.party, a.kind, a.role, a.replaces, a.presence) for a in p.meeting.attendees] == [
        ("Per Ek", "M", "ledamot", "ordförande", None, None),
        ("Anna Berg", "S", "ledamot", None, None, "§§ 1-2"),
        ("Lars Olsson", "C", "ledamot", None, None, None),
        ("Eva Holm", "C", "ersattare", None, "Lars Olsson (C)", "§ 3"),
    ]


def test_an_abbreviated_body_is_written_out_as_the_text_names_it(tmp_path: Path) -> None:
    cover = "BUN                                SAMMANTRÄDESPROTOKOLL\n\nBeslutande organ:   BUN\nSammanträdesdatum:  2024-02-06\n"
    item = ("§ {n}    BUN/2024:{n}\n\nRapport\n\nÄrendebeskrivning\nBarn- och utbildningsnämnden får en rapport.\n\n"
            "Beslut\nBarn- och utbildningsnämnden lägger rapporten till handlingarna.\n")
    p = protocol_from_pages(tmp_path, [cover, item.format(n=1), item.format(n=2), item.format(n=3)], header=False)
    assert p.meeting.body == "Barn- och utbildningsnämnden"


def test_a_header_block_repeated_in_a_text_without_page_breaks_is_removed(tmp_path: Path) -> None:
    """A text of several pages joined without form feeds keeps its running header where the
    pages broke: the repeated block (and the body line beside it) goes wherever it stands."""
    block = "\nKommunstyrelsen\n\nProtokoll nr 8\nSammanträdesdatum: 2026-04-22\n\n"
    items = "".join(
        f"§ {n} Ärendenummer KS-2026-{n:05d}\nÄrende {n}\nBeslut\n\nKommunstyrelsen beslutar att\n"
        + (block if n % 2 else "") + f"godkänna förslag {n}.\n\nProtokollsutdrag skickas till\nKommunstyrelsen\n\n"
        for n in range(1, 8)
    )
    path = tmp_path / "utan-sidbrytningar.txt"
    path.write_text(items, encoding="utf-8")
    p = segment(extract(path))
    assert [(i.number, [s.text for s in i.sections]) for i in p.items][:2] == [
        (1, ["Kommunstyrelsen beslutar att\ngodkänna förslag 1.", "Kommunstyrelsen"]),
        (2, ["Kommunstyrelsen beslutar att\ngodkänna förslag 2.", "Kommunstyrelsen"]),
    ]
    assert p.meeting.body == "Kommunstyrelsen"


def test_recipients_from_a_sentence_saying_where_the_decision_goes(tmp_path: Path) -> None:
    item = ("§ {n}    KS/2025:{n}\n\nLönesättning\n\nÄrendebeskrivning\nEn ny tjänst har inrättats.\n\n"
            "Beslut\nFörslaget godkändes. Beslutet delges huvudförtroendeman för JHL, tekniska direktören,\n"
            "ekonomidirektören och lönesekreterare E.N. {end}\n")
    ends = ["Ärendet är avslutat.", "Tjänsten tillsätts i maj.", "Lönen gäller från juni."]
    p = protocol_from_pages(tmp_path, [COVER] + [item.format(n=n, end=end) for n, end in enumerate(ends, start=1)])
    assert p.items[0].recipients == [
        "huvudförtroendeman för JHL", "tekniska direktören", "ekonomidirektören", "lönesekreterare E.N"
    ]


def test_an_appendix_printed_from_a_web_page_is_an_attachment(tmp_path: Path) -> None:
    """A circular printed from the web carries its browser header (title and full address)."""
    web = ("Lönerevision 2025 för kommunsektorn ... https://www.example.org/cirkular/2025/13/lonerevision\n\n"
           "Förhandlingsdirektör Maria Holm har undertecknat cirkuläret.\n\nLönerna höjs med 3 procent.\n")
    p = protocol_from_pages(tmp_path, [COVER, AGENDA, ITEM_1_2, web, ITEM_3])
    assert [(a.kind, a.label, a.item_number, a.page_start) for a in p.attachments] == [
        ("bilaga", "Lönerevision 2025 för kommunsektorn", 2, 4),
    ]
    assert "Maria Holm" not in "\n".join(s.text for i in p.items for s in i.sections)


def test_a_vote_list_names_its_item_by_title(tmp_path: Path) -> None:
    vote_list = """Bilaga 2
Ärende: 6
Ärendemening: Budget 2026
Antal Ja: 2
Antal Nej: 1

Namn          Parti   Röst
Per Ek        M       Ja
Anna Berg     S       Nej
Lars Olsson   C       Ja
"""
    p = protocol_from_pages(tmp_path, [COVER, AGENDA, ITEM_1_2, ITEM_3, vote_list])
    assert [(a.kind, a.label, a.item_number) for a in p.attachments] == [("voteringslista", "Bilaga 2", 2)]
