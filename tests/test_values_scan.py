"""The value and party patterns written for re's fast scan match what their plain forms matched (issue 15).

``DATE_RES``, ``MONEY_RE`` and ``PERCENT_RE`` take their first character before looking back
over it, ``PARTY_LIST_RE`` and ``PARTY_NAME_RE`` assert their first letter before their
lookbehinds, ``persons_in`` looks for a bracketed party code before it reads names, and
``tag._mentions`` checks a name's leading word boundary after its first letter. The plain forms
below are the patterns as they were; every test compares the two on the same text: the real
corpus, crafted edge cases with the values written out, and random strings of the pieces the
patterns turn on.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from pipeline import names, tag, values

from .conftest import CORPUS_TXT, corpus_files

PLAIN_DATES = (
    re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])"),
    re.compile(r"(?<![\d.])(?P<d>0?[1-9]|[12]\d|3[01])\.(?P<m>0?[1-9]|1[0-2])\.(?P<y>(?:19|20)\d{2})(?![\d])"),
    re.compile(
        rf"(?<![\d,.])(?P<d>[1-9]|[12]\d|3[01])\s+(?P<mon>{values.MONTH_RE})(?:\s+(?P<y>(?:19|20)\d{{2}}))?(?![\wåäö])",
        re.IGNORECASE,
    ),
)
PLAIN_MONEY = re.compile(
    r"(?<![\d,.])(?P<num>[-−–]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|[-−–]?\d+(?:,\d+)?)"
    rf"\s*(?P<unit>{values._UNIT_RE})(?![\wåäö€])(?P<rate>\s*(?:/|per\s))?",
    re.IGNORECASE,
)
PLAIN_PERCENT = re.compile(r"(?<![\d,.])(?P<num>[-−–]?\d+(?:,\d+)?)\s*(?P<unit>%|procent(?![\wåäö]))", re.IGNORECASE)
FIRST_LETTERS = re.compile(r"^\(\?=\[[^\]]+\]\)")  # the "(?=[...])" in front of the party patterns
PLAIN_PARTY_LIST = re.compile(FIRST_LETTERS.sub("", tag.PARTY_LIST_RE.pattern))
PLAIN_PARTY_NAME = re.compile(FIRST_LETTERS.sub("", tag.PARTY_NAME_RE.pattern))

# (fast, plain, the pieces random strings are made of: characters and the words the patterns turn on)
DIGITS = [*"0123459", "19", "20", "2023", "12", "31"]
PAIRS = {
    "date-iso": (values.DATE_RES[0], PLAIN_DATES[0], [*DIGITS, *"-- x", "05", "-05-", "2023-05-12"]),
    "date-dots": (values.DATE_RES[1], PLAIN_DATES[1], [*DIGITS, *".. x", "09", ".9.", "15.9.2022"]),
    "date-words": (values.DATE_RES[2], PLAIN_DATES[2], [*DIGITS, *",. \nx", "juni", "MAJ", "sept", "septx", " 2023"]),
    "money": (values.MONEY_RE, PLAIN_MONEY, [*DIGITS, *" ,.-−–\u00a0/x", " 000", "kr", "KR", "tkr", "miljoner", " kronor", "€", "per "]),
    "percent": (values.PERCENT_RE, PLAIN_PERCENT, [*DIGITS, *" ,.-−–%x", "procent", "PROCENT", "procenten"]),
    "party-list": (tag.PARTY_LIST_RE, PLAIN_PARTY_LIST, [*"SMVCLD ,.\n)x", "KD", "MP", "SD", "från ", "och", " och ",
                                                          "för ", "yttrande ", " i", " avslås", "ab"]),
    "party-name": (tag.PARTY_NAME_RE, PLAIN_PARTY_NAME, [*" s-x.", "Moderaterna", "Vänsterpartiet", "Centerpartiet", "aModeraterna"]),
}


def matches(rx: re.Pattern[str], text: str) -> list[tuple[Any, ...]]:
    return [(m.span(), m.groupdict()) for m in rx.finditer(text)]


def test_the_plain_forms_are_still_what_the_patterns_say() -> None:
    """The party patterns' plain forms are derived: the prefix must be there to strip."""
    assert PLAIN_PARTY_LIST.pattern != tag.PARTY_LIST_RE.pattern
    assert PLAIN_PARTY_NAME.pattern != tag.PARTY_NAME_RE.pattern
    assert tag.PARTY_LIST_RE.pattern.startswith(tag.PARTY_CODE_FIRST)


@pytest.mark.parametrize("name", PAIRS)
def test_fast_patterns_match_as_the_plain_ones_on_the_corpus(name: str) -> None:
    fast, plain, _chars = PAIRS[name]
    texts = [path.read_text(encoding="utf-8") for path in corpus_files(CORPUS_TXT, "*.txt")]
    found = 0
    for text in texts:
        want = matches(plain, text)
        assert matches(fast, text) == want
        found += len(want)
    if name != "date-dots":  # none in the corpus: the random strings and test_find_dates_edges have them
        assert found > 3


@pytest.mark.parametrize("name", PAIRS)
def test_fast_patterns_match_as_the_plain_ones_on_random_strings(name: str) -> None:
    fast, plain, pieces = PAIRS[name]
    rnd = random.Random(15)
    found = 0
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
        want = matches(plain, text)
        assert matches(fast, text) == want, text
        found += len(want)
    assert found > 20


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("2023-05-12", ["2023-05-12"]),  # at the start of the text: nothing before to look back at
        ("12023-05-12 och -2023-05-12", []),
        ("1.2.2023 och 31.12.2022", ["1.2.2023", "31.12.2022"]),
        ("x01.02.2023, 0.2.2023, 00.2.2023, 4.2.2023", ["01.02.2023", "4.2.2023"]),
        ("30 juni, 31 Maj 2024, 4 juli, 1 sept", ["30 juni", "31 Maj 2024", "4 juli", "1 sept"]),
        (",5 juni, 32 juni, 2.3 juni", []),
    ],
)
def test_find_dates_edges(text: str, found: list[str]) -> None:
    assert [raw for _s, _e, raw in values.find_dates(text)] == found
    assert [raw for _s, _e, raw in values.find_dates(text)] == [
        m.group(0) for m in sorted((m for rx in PLAIN_DATES for m in rx.finditer(text)), key=lambda m: m.start())
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("−1 250 tkr och 12,5 kr/st, 3 miljoner", [("−1 250", "tkr", None), ("12,5", "kr", "/"), ("3", "miljoner", None)]),
        ("5kr, x5 kr, a-7 mkr, 1 234 567,50 kronor", [("5", "kr", None), ("5", "kr", None), ("-7", "mkr", None),
                                                      ("1 234 567,50", "kronor", None)]),
        ("1.5 kr, 2,3,4 kr", []),
    ],
)
def test_money_edges(text: str, found: list[tuple[str, str, str | None]]) -> None:
    assert [(m["num"], m["unit"], m["rate"]) for m in values.MONEY_RE.finditer(text)] == found
    assert matches(values.MONEY_RE, text) == matches(PLAIN_MONEY, text)


@pytest.mark.parametrize(
    ("text", "found"),
    [("5 % av", ["5"]), ("1,2,5 %", []), ("−3,5 procent", ["−3,5"]), ("4%5%", ["4", "5"]),
     ("12 procenten", []), ("x-2 PROCENT", ["-2"])],
)
def test_percent_edges(text: str, found: list[str]) -> None:
    assert [m["num"] for m in values.PERCENT_RE.finditer(text)] == found
    assert matches(values.PERCENT_RE, text) == matches(PLAIN_PERCENT, text)


def test_party_lists_and_names() -> None:
    text = "Yrkande från V, S och MP. Ledamöterna för SD deltar inte; Moderaternas och Vänsterpartiets förslag."
    assert [m["code"] for m in tag.PARTY_LIST_RE.finditer(text)] == ["V", "S", "MP", "SD"]
    assert [m["name"] for m in tag.PARTY_NAME_RE.finditer(text)] == ["Moderaterna", "Vänsterpartiet"]
    assert matches(tag.PARTY_LIST_RE, text) == matches(PLAIN_PARTY_LIST, text)


def persons_plain(text: str) -> list[names.PersonMention]:
    """``persons_in`` without the look for a bracketed code first."""
    found = (names._mention(text, m) for m in names.PERSON_PARTY_RE.finditer(text))
    return [hit for hit in found if hit]


def test_persons_without_a_bracketed_code_are_none_and_the_others_are_found_as_before() -> None:
    assert names.persons_in("Anna Berg och Per Ek (ordförande) yrkar bifall.") == []
    assert names.persons_in("Anna Berg (S) och Per Ek, (V)") == persons_plain("Anna Berg (S) och Per Ek, (V)")
    assert [p.name for p in names.persons_in("Anna Berg (S) och Per Ek, (V)")] == ["Anna Berg", "Per Ek"]
    for path in corpus_files(CORPUS_TXT, "*.txt"):
        text = path.read_text(encoding="utf-8")
        assert names.persons_in(text) == persons_plain(text)
        for part in text.split("\n\n"):
            assert names.persons_in(part) == persons_plain(part)


def mentions_plain(name: str, text: str) -> int:
    return len(re.findall(rf"\b{re.escape(name)}\b", text))


def test_mentions_count_as_the_plain_pattern() -> None:
    text = "Anna Berg (S), Anna Bergs förslag; xAnna Berg, Anna Bergman. Anna Berg\nÅsa Ek _Åsa Ek (Åsa Ek) 3D 3D3D"
    cases = {"Anna Berg": 2, "Anna Bergs": 1, "Åsa Ek": 2, "3D": 1, "(Åsa Ek)": 0, "Ek)": 0, "Bo Ek": 0}
    for name, count in cases.items():
        assert tag._mentions(name, text) == mentions_plain(name, text) == count, name
    rnd = random.Random(15)
    pieces = ["Anna", " ", "Berg", "s", "x", "-", "\n", "(", "Å", "_"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
        for name in ("Anna Berg", "Berg", "Anna", "(Anna", "-Berg", "Å"):
            assert tag._mentions(name, text) == mentions_plain(name, text), (name, text)
