"""The rule component on spacy.blank("sv"): no trained model needed."""

from __future__ import annotations

import pytest

from pipeline.tag import build_nlp, rule_spans


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return build_nlp("blank")


def ents(nlp, text: str, anchor: str = "2023-05-12") -> list[tuple]:  # type: ignore[no-untyped-def]
    doc = nlp.make_doc(text)
    doc._.anchor = anchor
    doc = nlp(doc)
    return [(e.text, e.label_, e._.party, e._.value_num, e._.value_date) for e in doc.ents]


def test_person_with_party_and_party_code(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Lorents Burman (S) med bifall av Kjell Öjeryd, (V) och Åsa Ågren Wikström (m)."
    assert ents(nlp, text) == [
        ("Lorents Burman", "PERSON", "S", None, None),
        ("S", "PARTY", "S", None, None),
        ("Kjell Öjeryd", "PERSON", "V", None, None),
        ("V", "PARTY", "V", None, None),
        ("Åsa Ågren Wikström", "PERSON", "M", None, None),
        ("m", "PARTY", "M", None, None),
    ]


def test_titles_and_sentence_starts_are_not_part_of_the_name(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ents(nlp, "Ordföranden Jonas Attenius (S) ställer proposition.")[:1] == [
        ("Jonas Attenius", "PERSON", "S", None, None)
    ]


def test_local_party_and_non_party_acronyms(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ents(nlp, "Stina Berg (BP) yrkar avslag. Europeiska Unionen (EU) beslutar.") == [
        ("Stina Berg", "PERSON", "BP", None, None),
        ("BP", "PARTY", "BP", None, None),
    ]


def test_party_codes_in_lists(nlp) -> None:  # type: ignore[no-untyped-def]
    found = ents(nlp, "Yrkande från V, S och MP den 23 augusti 2024.", "2024-08-28")
    assert found == [
        ("V", "PARTY", "V", None, None),
        ("S", "PARTY", "S", None, None),
        ("MP", "PARTY", "MP", None, None),
        ("23 augusti 2024", "DATE", None, None, "2024-08-23"),
    ]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Hon yrkar bifall till förslaget från M, D, L, KD och SD i\nkommunstyrelsen.", ["M", "D", "L", "KD", "SD"]),
        ("Yrkandet från M, D, L och KD avslås.", ["M", "D", "L", "KD"]),
        ("Jonas Bergstedt förordnas som politisk sekreterare för D på 25 % av heltid.", ["D"]),
        ("Kalle Bäck anmäler att ledamöterna från KD inte deltar i beslutet.", ["KD"]),
        ("Yrkande från SD angående undersökningen.", ["SD"]),
        ("Nej för bifall till tilläggsyrkandet från\nSD”.", ["SD"]),
        ("Yttrande KD, M, D och L den 27 augusti 2024.", ["KD", "M", "D", "L"]),
        ("Han yrkar bifall till yrkande till V, S och MP\nden 5 december 2025.", ["V", "S", "MP"]),
        # not a party: the letter is a name, a label or a grade, and no list or clause ends after it
        ("Bilaga till S 2024/12 och för C-uppsatsen, enligt punkt L i avtalet från M Sverige AB.", []),
    ],
)
def test_party_codes_standing_alone(nlp, text: str, codes: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert [e[0] for e in ents(nlp, text, "2025-12-10") if e[1] == "PARTY"] == codes


def test_listed_places_fill_gaps_but_never_cut_into_an_entity(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("Vattnet från Mjörns vattentäkt, renoveringen av Gamla\nUllevi och Ullevi, "
            "Hisingen Kraft AB och Lars Hisingen (S) i Gullbergsvass.")
    assert [(e[0], e[1]) for e in ents(nlp, text)] == [
        ("Mjörns", "LOC"),
        ("Gamla\nUllevi", "LOC"),  # the longest listed name, over a line break
        ("Ullevi", "LOC"),
        ("Hisingen", "LOC"),  # rules only: nothing found "Hisingen Kraft AB" (the model would)
        ("Lars Hisingen", "PERSON"),  # a rule span is never cut into
        ("S", "PARTY"),
        ("Gullbergsvass", "LOC"),
    ]


def test_money_percent_and_dates(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Kostnaderna minskar med 8 miljoner kronor, ca 7 miljoner kronor och 140 tkr, högst 50 procent "
        "eller 12 %, beslut den 15 juni och senast 2025-12-31. Taxan är 8 kr/invånare för 2 miljoner invånare."
    )
    assert ents(nlp, text) == [
        ("8 miljoner kronor", "MONEY", None, 8_000_000.0, None),
        ("7 miljoner kronor", "MONEY", None, 7_000_000.0, None),
        ("140 tkr", "MONEY", None, 140_000.0, None),
        ("50 procent", "PERCENT", None, 50.0, None),
        ("12 %", "PERCENT", None, 12.0, None),
        ("15 juni", "DATE", None, None, "2023-06-15"),
        ("2025-12-31", "DATE", None, None, "2025-12-31"),
    ]


def test_bare_millions_are_money_only_without_a_following_noun() -> None:
    spans = rule_spans("det vill säga ca 7 miljoner. Regionen har 2 miljoner invånare.", None)
    assert [(s.label, s.value_num) for s in spans] == [("MONEY", 7_000_000.0)]


def test_label_set_of_the_rule_component(nlp) -> None:  # type: ignore[no-untyped-def]
    assert nlp.pipe_names[-1] == "protokoll_rules"


def test_meeting_place_of_a_cover_is_loc(nlp) -> None:  # type: ignore[no-untyped-def]
    cover = "Sammanträdesdatum\t2023-05-12\n\nPlats och tid\tRegionens hus, Umeå, kl. 09.00–11.30\n"
    assert [e for e in ents(nlp, cover) if e[1] == "LOC"] == [
        ("Regionens hus", "LOC", None, None, None), ("Umeå", "LOC", None, None, None)
    ]
    assert [e[:2] for e in ents(nlp, "Sammanträdesplats: Stadshuset, sessionssalen")] == [("Stadshuset", "LOC")]
    assert [e[:2] for e in ents(nlp, "Plats\tKommunhuset, Björkvik, tisdagen den 12 mars 2024")] == [
        ("Kommunhuset", "LOC"), ("Björkvik", "LOC"), ("12 mars 2024", "DATE")
    ]
    # online meetings name no place; a bare "Plats" without tab or colon is running text;
    # the justering place is not the meeting place
    assert ents(nlp, "Plats och tid: Digitalt via Teams") == []
    assert [e[:2] for e in ents(nlp, "Plats: Stadshuset, Topeliusesplanaden 7 och som e-möte")] == [
        ("Stadshuset", "LOC"), ("Topeliusesplanaden 7", "LOC")
    ]
    assert ents(nlp, "Plats för en ny förskola Tallbo är utredd.") == []
    assert ents(nlp, "Justeringens plats och tid Regionens hus") == []


def test_a_tab_separates_columns_not_name_words(nlp) -> None:  # type: ignore[no-untyped-def]
    assert ents(nlp, "Justerare\tÅsa Ågren Wikström (M)")[:1] == [("Åsa Ågren Wikström", "PERSON", "M", None, None)]
    assert ents(nlp, "Beslutande\tAnna Berg (S), ordförande")[:1] == [("Anna Berg", "PERSON", "S", None, None)]
