"""The fast paths of ``textlayer`` (issue 15) give exactly what the plain code gave.

Each test puts a fast path next to the plain code it replaced (kept here as the
reference) on crafted inputs: the page measure with per-word memos, the suffix and
linking-letter look-ups by set, and the link blanking skipped when no link can match.
"""

from __future__ import annotations

import itertools

import pytest

from pipeline import textlayer
from pipeline.textlayer import (
    CID_RE,
    FINNISH_RE,
    LINKS,
    MIN_STEM,
    SUFFIXES,
    URL_RE,
    WORD_RE,
    Lexicon,
    PageQuality,
    default_lexicon,
    known_share,
    page_quality,
    repair_ligatures,
    repair_word,
)

from .test_textlayer import CLEAN, GARBAGE, LIGATURES


def _plain_words(text: str) -> list[str]:
    text = CID_RE.sub(" ", URL_RE.sub(" ", text))
    return [w for w in WORD_RE.findall(text) if len(w) >= 2 and w[0].islower()]


def _plain_known_share(text: str, lex: Lexicon) -> float:
    known = judged = 0
    for w in _plain_words(text):
        if lex.known(w):
            known += 1
        elif len(w) >= 4 and FINNISH_RE.search(w):
            continue
        judged += 1
    return known / judged if judged else 1.0


def _plain_page_quality(text: str, lex: Lexicon) -> PageQuality:
    """``page_quality`` as it was before the memos: every word repaired and judged anew."""
    words = _plain_words(text)
    cids = len(CID_RE.findall(text))
    before = _plain_known_share(text, lex)
    repaired = WORD_RE.sub(lambda m: repair_word(m.group(0), lex), text)
    after = _plain_known_share(repaired, lex) if words else 1.0
    if cids > textlayer.MAX_CID_SHARE * max(len(words), 1) and cids >= 3:
        verdict = "garbage"
    elif len(words) < textlayer.MIN_WORDS:
        verdict = "good"
    elif after < textlayer.GARBAGE_SHARE:
        verdict = "garbage"
    elif after - before >= textlayer.REPAIR_GAIN:
        verdict = "repairable"
    else:
        verdict = "good"
    return PageQuality(len(words), round(before, 3), round(after, 3), cids, verdict)  # type: ignore[arg-type]


PAGES = [
    CLEAN, LIGATURES, GARBAGE, "", "Sida 3", "Justerandes signatur",
    "tilläggsärenden(cid:26) (cid:25)(cid:25)(cid:25) (cid:30)(cid:31)",
    # a link whose letters would be "repaired" (htps -> https) and a mail address: blanked out
    "Se htps://www.nykarleby.f/protokol och skriv tll regisrator@nykarleby.f om beslutet at ändra planen "
    "för fnansiering av vägen, som nämnden fck tll uppgit.",
    "Läs mer på www.example.se/at eller (/tll/sidan) at beslutet fatades av nämnden den tsdag som var.",
    # Finnish, upper-case, one-letter and mixed-case runs
    "Työprosessien tehostaminen työn alla i kommunen och STADSSTYRELSEN fattar beslut o tt at eXempel kaupunki.",
    "UNDERSKRIFER Martn fnns tll at et fyktngar Sammanträdestd stadsfullmäktges ersätare omfata tsdag.",
    "(cid:3)(cid:4) underskrifer (cid:5) fnns tll at et fyktngar ersätare omfata tsdag idrotsanläggningar.",
]


@pytest.mark.parametrize("text", PAGES)
def test_page_quality_is_the_plain_measure(text: str) -> None:
    fresh = Lexicon(default_lexicon().words)
    expected = _plain_page_quality(text, Lexicon(default_lexicon().words))
    assert page_quality(text, fresh) == expected
    assert page_quality(text, fresh) == expected  # again, from the memos
    assert known_share(text, fresh) == _plain_known_share(text, Lexicon(default_lexicon().words))


def test_page_quality_of_a_page_with_links_and_ligatures() -> None:
    # exact figures (those of the code before issue 15), so that a fast path cannot drift
    # together with the reference above
    q = page_quality(PAGES[7])
    assert q == PageQuality(words=18, known_share=0.611, repaired_share=0.889, cid_count=0, verdict="repairable")


def test_memos_do_not_depend_on_what_was_read_before() -> None:
    lex = Lexicon(default_lexicon().words)
    first = [page_quality(t, lex) for t in PAGES]
    later = [page_quality(t, lex) for t in reversed(PAGES)][::-1]
    assert first == later == [_plain_page_quality(t, Lexicon(default_lexicon().words)) for t in PAGES]
    assert repair_ligatures(LIGATURES, lex) == WORD_RE.sub(lambda m: repair_word(m.group(0), lex), LIGATURES)


def test_memos_start_over_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textlayer, "MAX_MEMO", 5)
    lex = Lexicon(default_lexicon().words)
    for text in PAGES * 2:
        assert page_quality(text, lex) == _plain_page_quality(text, Lexicon(default_lexicon().words))
        assert len(lex._repairs) <= 5 + 1 and len(lex._classes) <= len(set(WORD_RE.findall(text))) + 5


def _plain_inflected(lex: Lexicon, w: str) -> bool:
    if w in lex.words:
        return True
    return any(len(w) - len(suf) >= MIN_STEM and w.endswith(suf) and w[: -len(suf)] in lex.words for suf in SUFFIXES)


def _plain_listed_stem(lex: Lexicon, stem: str) -> bool:
    for link in LINKS:
        if link:
            if stem.endswith(link) and len(stem) - len(link) >= MIN_STEM and stem[: -len(link)] in lex.words:
                return True
        elif stem in lex.words:
            return True
    return False


def test_suffix_and_link_look_ups_are_the_plain_loops() -> None:
    lex = Lexicon({"hus", "bil", "personal", "sektion", "kommun", "styrelse", "ab", "abc", "ning"})
    stems = ["hus", "bil", "ab", "abc", "kommun", "personal"]
    endings = ["", *SUFFIXES, *LINKS, "x", "ningarnas", "ss"]
    words = {s + e for s, e in itertools.product(stems, endings)} | {"", "s", "as", "abcs", "hu", "arna", "husarna"}
    for w in sorted(words):
        assert lex._inflected(w) == _plain_inflected(lex, w), w
        assert lex._listed_stem(w) == _plain_listed_stem(lex, w), w


def test_stems_are_the_prefixes_listed_stem_accepts() -> None:
    lex = Lexicon({"hus", "bil", "personal", "sektion", "kommun", "styrelse", "ab", "abc", "abcs", "ning", "husa"})
    words = ["", "ab", "abc", "abcs", "abcss", "abcsab", "husesbil", "husabil", "husaebil", "personalsektionens",
             "kommunstyrelsen", "abcabcabc", "hussss", "husubilo", "bilo", "xhus", "abcshus"]
    words += ["".join(p) for p in itertools.product(["hus", "ab", "s", "e", "bil", "x"], repeat=4)]
    for w in words:
        assert lex._stems(w) == [i for i in range(MIN_STEM, len(w) - MIN_STEM + 1) if lex._listed_stem(w[:i])], w


def _plain_compound(lex: Lexicon, w: str, depth: int) -> bool:
    for i in range(MIN_STEM, len(w) - MIN_STEM + 1):
        if not _plain_listed_stem(lex, w[:i]):
            continue
        head = w[i:]
        if _plain_inflected(lex, head) or (depth > 1 and len(head) >= 2 * MIN_STEM and _plain_compound(lex, head, depth - 1)):
            return True
    return False


def _plain_cost(lex: Lexicon, word: str) -> int | None:
    """``Lexicon.cost`` before issue 15: depth 1, then depth 2 from scratch."""
    w = word.lower()
    if w in lex.words:
        return 0
    if len(w) > textlayer.MAX_WORD_LEN:
        return None
    if _plain_inflected(lex, w):
        return 1
    if len(w) >= 2 * MIN_STEM and _plain_compound(lex, w, 1):
        return 2
    if len(w) >= 3 * MIN_STEM and _plain_compound(lex, w, 2):
        return 3
    return None


def test_cost_is_the_plain_cost() -> None:
    parts = ["hus", "bil", "personal", "sektion", "kommun", "styrelse", "ab", "abc", "ning", "tak", "tid"]
    lex = Lexicon(set(parts))
    glue = ["", "s", "e", "x", "en", "arna", "ens", "ningar"]
    words = {"".join(p) for k in (1, 2, 3) for p in itertools.product(parts[:7], repeat=k)}
    words |= {a + g + b + e for a, b in itertools.product(parts, repeat=2) for g in glue[:4] for e in glue}
    costs = {w: lex.cost(w) for w in sorted(words)}
    assert costs == {w: _plain_cost(lex, w) for w in sorted(words)}
    assert set(costs.values()) == {None, 0, 1, 2, 3}


@pytest.mark.parametrize("text", [
    "ingen länk här", "a@b", "x://y", "www.a", "(/x)", "(cid:1) text", "(cid:) (cidx:1)", "mail: a @ b",
    "https://a.se/b?c=d och (cid:12)", "Www.SE", "HTTP://A.SE",
])
def test_link_blanking_is_skipped_only_when_nothing_can_match(text: str) -> None:
    assert textlayer._without_links(text) == CID_RE.sub(" ", URL_RE.sub(" ", text))
