"""Text-layer quality and ligature repair, on words taken from the Nykarleby protocols."""

from __future__ import annotations

import pytest

from pipeline.textlayer import (
    Lexicon,
    PageQuality,
    default_lexicon,
    known_share,
    needs_ocr,
    page_quality,
    prefer_ocr,
    repair_ligatures,
    repair_word,
)


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("underskrifer", "underskrifter"),  # ft
        ("Martn", "Martin"),  # ti, case kept
        ("fnns", "finns"),  # fi
        ("tll", "till"),  # ti
        ("at", "att"),  # tt; "at" is not Swedish
        ("et", "ett"),
        ("fyktngar", "flyktingar"),  # fl and ti in one word
        ("Sammanträdestd", "Sammanträdestid"),
        ("stadsfullmäktges", "stadsfullmäktiges"),
        ("Personalsektonen", "Personalsektionen"),  # a compound: personal + sektionen
        ("ersätare", "ersättare"),
        ("omfata", "omfatta"),
        ("tsdag", "tisdag"),
        ("idrotsanläggningar", "idrottsanläggningar"),
        ("långfristga", "långfristiga"),
        ("UNDERSKRIFER", "UNDERSKRIFTER"),
    ],
)
def test_repairs_dropped_ligatures(damaged: str, repaired: str) -> None:
    assert repair_word(damaged) == repaired


@pytest.mark.parametrize(
    "word",
    [
        "att", "till", "finns", "fat", "hat", "Stefan", "Tobias", "Norrgård",  # known words stay
        "Wik", "Holmberg", "Topeliusesplanaden",  # unknown names: no single known reading
        "protokojjet", "Vvllvrdsnvrndens", "beslutfrhet",  # other damage: not a ligature, left for OCR
        "NKBY", "kl",  # no f or t to complete
    ],
)
def test_leaves_words_alone(word: str) -> None:
    assert repair_word(word) == word


def test_repair_ligatures_keeps_everything_but_words() -> None:
    text = "Stadsdirektör Martn Norrgårds förslag:\nDet fnns 6 st (värde ca 170 €) at dela ut tll 20.2.2023, 6 §"
    assert repair_ligatures(text) == (
        "Stadsdirektör Martin Norrgårds förslag:\nDet finns 6 st (värde ca 170 €) att dela ut till 20.2.2023, 6 §"
    )


def test_ambiguous_repairs_are_not_made() -> None:
    lex = Lexicon({"fira", "flra"})
    assert repair_word("fra", lex) == "fra"  # fi or fl: two known readings
    assert repair_word("fra", Lexicon({"fira"})) == "fira"


def test_lexicon_knows_inflections_and_compounds() -> None:
    lex = default_lexicon()
    assert lex.cost("kommunstyrelsen") is not None
    assert lex.cost("protokolljusterare") is not None
    assert lex.cost("usernprouokollj") is None
    assert lex.cost("at") is None


CLEAN = (
    "Kommunstyrelsen beslutar att uppföljningen läggs till handlingarna och att nämnden "
    "uppdras att senast den 15 juni redovisa åtgärder som bringar verksamheten i balans."
)
LIGATURES = (
    "Personalsektonen fastställer eurobelopp för uppvaktning av anställda. Då lagret nu är slut är det "
    "upp tll personalsektonen at ge direktv vad gäller uppvaktningar och gåvor i fortsätningen, och det fnns "
    "inga underskrifer."
)
GARBAGE = (
    "Dngem för daeufåemdae rälsmns nm e meda n tidasfrns em för begälrnm om omprövmnmg. Om daem sns n "
    "dangem usernprouokollj suerare pveerkas ae öreäntningar ör vret öra pv niever pv grund ae."
)


def test_page_verdicts() -> None:
    # 20 lower-case words of two letters or more; one ("bringar") is not in the lexicon
    assert page_quality(CLEAN) == PageQuality(words=20, known_share=0.95, repaired_share=0.95, cid_count=0,
                                              verdict="good")
    lig = page_quality(LIGATURES)
    assert lig.verdict == "repairable"
    assert lig.known_share < 0.8 <= lig.repaired_share
    assert not lig.doubtful
    assert page_quality(GARBAGE).verdict == "garbage"
    assert page_quality("tilläggsärenden(cid:26) (cid:25)(cid:25)(cid:25) (cid:30)(cid:31)").verdict == "garbage"
    assert page_quality("Justerandes signatur").verdict == "good"  # too short to judge


def test_finnish_words_are_not_damage() -> None:
    text = (
        "Under arbete Effektivering av arbetsprocesserna. Työprosessien tehostaminen työn alla. "
        "Kaupunki toimii esikuvana koskien osallisuutta ja monimuotoisuutta i kommunen."
    )
    # lower-case words: arbete av alla ja kommunen known; arbetsprocesserna esikuvana koskien unknown;
    # tehostaminen työn toimii osallisuutta monimuotoisuutta look Finnish and are not judged
    assert known_share(text) == 5 / 8


def test_needs_ocr() -> None:
    assert needs_ocr("") is True  # no text layer
    assert needs_ocr("Sida 3") is True
    assert needs_ocr(GARBAGE) is True
    assert needs_ocr(CLEAN) is False
    assert needs_ocr(LIGATURES) is False  # repair, do not OCR
    stamp = "Bilaga Stadsstyrelsen, 26.09.2022 § 199"  # the text layer of a scanned appendix page
    assert needs_ocr(stamp) is False
    assert needs_ocr(stamp, image_share=1.0) is True


def test_prefer_ocr() -> None:
    assert prefer_ocr(GARBAGE, CLEAN) is True
    assert prefer_ocr(LIGATURES, LIGATURES.replace("fnns", "finns")) is False  # repair already gets there
    assert prefer_ocr(CLEAN, CLEAN) is False


def test_page_quality_round_trip() -> None:
    q = page_quality(LIGATURES)
    assert PageQuality.from_dict(q.to_dict()) == q
