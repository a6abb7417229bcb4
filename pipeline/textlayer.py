"""Text-layer quality and repair: is a page's text usable, and can it be mended?

A PDF's text layer can be present and still wrong. Fonts whose ligature
glyphs have no Unicode mapping lose the second letter of ``ti``/``tt``/``fi``/
``fl``/``ff``/``ft`` ("underskrifer", "Martn", "at" for "att", "fnns", "tll");
glyphs without any mapping come out as ``(cid:25)``; and a broken encoding or
a poor OCR layer turns whole pages into "Personalsektonenn usernprouokollj
suerare". The first kind can be repaired word by word against a Swedish
lexicon; the others cannot, and the page goes to OCR.

``repair_ligatures`` re-inserts dropped ligature letters where exactly one
reading is a known word; ``page_quality`` measures a page (share of known
words before and after repair, ``(cid:NN)`` count) and gives a verdict;
``needs_ocr`` is the yes/no the extractor asks. The lexicon is
``pipeline/data/sv_words.txt.gz`` (see the README there and
``scripts/build_wordlist.py``); a word also counts as known when it is a known
stem with a Swedish inflection ending, or a compound of known parts
("personal" + "sektionen"), since protocols are full of compounds no corpus
lists.
"""

from __future__ import annotations

import gzip
import itertools
import re
from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

Verdict = Literal["good", "repairable", "garbage"]

# A dropped ligature leaves its first letter: "fi" -> "f", "tt" -> "t". The
# repair re-inserts what may follow that letter ("ffi"/"ffl" are "f" + "fi"/"fl").
LIGATURE_TAILS: dict[str, tuple[str, ...]] = {
    "f": ("i", "l", "t", "f", "fi", "fl"),
    "t": ("i", "t"),
}
MAX_INSERTIONS = 3  # "fyktngar" (flyktingar) needs two; more is guessing
MIN_REPAIR_LEN = 2  # "at" -> "att" is the shortest repair worth making
MAX_REPAIR_LEN = 30  # longer "words" are glued garbage; checking them costs much and gains nothing
MAX_CANDIDATES = 400  # a word with many f/t gets fewer combined insertions, so look-ups stay bounded

# Swedish inflection endings, longest first: a known stem plus one of them is a known word.
SUFFIXES = tuple(sorted(
    {"arna", "erna", "orna", "arnas", "ernas", "ornas", "andet", "ande", "ende", "enas", "ens", "ets",
     "ade", "ades", "are", "aren", "arens", "het", "heten", "heter", "en", "et", "er",
     "ar", "or", "na", "nas", "as", "es", "s", "t", "a", "e", "n", "de", "te", "ts", "ns",
     "ats", "at", "it", "its", "dd", "tt", "ors", "ers", "ars", "ning", "ningen", "ningar", "ningarna"},
    key=len, reverse=True))
MAX_WORD_LEN = 40  # longer runs of letters are glued garbage, not words
MIN_STEM = 3  # a stem or compound part shorter than this proves nothing
LINKS = ("", "s", "e", "a", "u", "o")  # fogemorfem between compound parts ("personalsektionens", "kommunstyrelse")
SUFFIX_SET = frozenset(SUFFIXES)
SUFFIX_LENGTHS = tuple(sorted({len(s) for s in SUFFIXES}))
LINK_LETTERS = frozenset(link for link in LINKS if link)
assert all(len(link) == 1 for link in LINK_LETTERS), "Lexicon._listed_stem tests one linking letter"

WORD_RE = re.compile(r"[^\W\d_]+")
CID_RE = re.compile(r"\(cid:\d+\)")

URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|\(/\S*\)")
# Finnish words in Nykarleby's bilingual appendices are unknown but not damage; OCR would
# read them the same. An unknown word with a Finnish shape is left out of the share.
FINNISH_RE = re.compile(
    r"(ää|öö|yy|uu|ii|aa|oo|uo|yö)|(ssa|ssä|sta|stä|lla|llä|lle|ltä|lta|ksi|inen|isen|uus|yys|ttä|tta"
    r"|ista|istä|ään|aan|iin|een|nen)$|y.*[äö]|[äö].*y"
)

# Thresholds from the five Nykarleby PDFs (240 pages; table in the PR note). Shares count
# lower-case words only: names are mostly unknown and say nothing about the encoding.
# Clean Swedish pages: 0.82-0.97; pages with dropped ligatures: 0.60-0.86 before repair and
# +0.03..+0.17 after; bilingual Swedish/Finnish appendices: 0.70-0.78; broken encodings and
# substituted glyphs: below 0.45 (a few partly broken pages sit at 0.55-0.70 and are missed).
GARBAGE_SHARE = 0.60  # known share (after repair) below which no repair helps: OCR
REPAIR_GAIN = 0.03  # repair must lift the share this much for the verdict "repairable"
OCR_BETTER_BY = 0.10  # OCR text replaces a text layer only when its share is this much higher
DOUBTFUL_SHARE = 0.80  # below this a page that is not garbage may still be partly broken: worth an OCR check
MAX_CID_SHARE = 0.05  # more (cid:NN) glyphs per word than this: the encoding is lost
MIN_WORDS = 8  # fewer words than this: too little text to judge; the text is kept as is
MIN_TEXT_CHARS = 20  # as in extract.py: fewer non-blank characters is no text layer at all
SCANNED_IMAGE_SHARE = 0.5  # an image over half the page ...
SCANNED_MAX_CHARS = 200  # ... with only a stamp of text on it is a scanned page


class Lexicon:
    """A set of lower-case Swedish word forms with stem and compound look-up."""

    def __init__(self, words: set[str]):
        self.words = words
        self._seen: dict[str, int | None] = {}  # compound look-up is slow; pages repeat words
        # Per-word answers of this module's functions, which depend on the word and this
        # lexicon only (``words`` is never changed after loading): ``repair_word``'s result,
        # the words it leaves alone, and how ``known_share`` counts a word (``_share_class``).
        self._repairs: dict[str, str] = {}
        self._unrepaired: set[str] = set()
        self._classes: dict[str, int] = {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> Lexicon:
        """Read a word list (one word a line, ``#`` comments; gzip'ed if it ends in .gz)."""
        if path is None:
            data = resources.files("pipeline").joinpath("data", "sv_words.txt.gz").read_bytes()
        else:
            data = Path(path).read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        words = {ln.strip() for ln in data.decode("utf-8").splitlines() if ln.strip() and not ln.startswith("#")}
        return cls(words)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.known(word)

    def __len__(self) -> int:
        return len(self.words)

    def known(self, word: str) -> bool:
        """Whether ``word`` (any case) is a listed form, a stem + ending, or a compound of those."""
        return self.cost(word) is not None

    def cost(self, word: str) -> int | None:
        """How far ``word`` is from the list: 0 listed, 1 stem + ending, 2/3 compound of 2/3 parts; None unknown."""
        w = word.lower()
        if w in self._seen:
            return self._seen[w]
        cost: int | None
        if w in self.words:
            cost = 0
        elif len(w) > MAX_WORD_LEN:
            cost = None
        elif self._inflected(w):
            cost = 1
        elif len(w) >= 2 * MIN_STEM:
            cost = self._compound_cost(w)
        else:
            cost = None
        if len(self._seen) < 500_000:
            self._seen[w] = cost
        return cost

    def _inflected(self, w: str) -> bool:
        if w in self.words:
            return True
        # "w ends with one of SUFFIXES" asked as "w's last n letters are one", for each suffix
        # length n: a set look-up per length instead of an ``endswith`` per suffix, same answer.
        for n in SUFFIX_LENGTHS:
            if len(w) - n >= MIN_STEM and w[-n:] in SUFFIX_SET and w[:-n] in self.words:
                return True
        return False

    def _compound_cost(self, w: str) -> int | None:
        """2 when ``_compound(w, depth=1)``, else 3 when ``_compound(w, depth=2)``, else None.

        One scan for listed stems serves both depths: at depth 2 the same splits are asked
        whether the head is a compound itself (whether it is inflected, depth 1 already said no).
        """
        stems = self._stems(w)
        if any(self._inflected(w[i:]) for i in stems):
            return 2
        if len(w) >= 3 * MIN_STEM and any(len(w) - i >= 2 * MIN_STEM and self._compound(w[i:], 1) for i in stems):
            return 3
        return None

    def _compound(self, w: str, depth: int = 2) -> bool:
        # The stem test (a few set look-ups) comes before the head test (every suffix, or a
        # compound again): the answer is the same, and most splits fail the cheap test first.
        for i in self._stems(w):
            head = w[i:]
            if self._inflected(head) or (depth > 1 and len(head) >= 2 * MIN_STEM and self._compound(head, depth - 1)):
                return True
        return False

    def _stems(self, w: str) -> list[int]:
        """Where ``w`` splits after a stem: each ``i`` (``MIN_STEM`` to ``len(w) - MIN_STEM``) with
        ``_listed_stem(w[:i])``, the prefixes taken in one pass.

        Each prefix is looked up once: its test with a linking letter asks for the prefix one
        letter shorter, which the step before looked up (a first-time word's compound test was
        mostly these look-ups, each a slice and a hash).
        """
        words = self.words
        found = []
        shorter = False  # w[:i - 1] is listed (a stem before a link must itself be MIN_STEM long)
        for i in range(MIN_STEM, len(w) - MIN_STEM + 1):
            listed = w[:i] in words
            if listed or (shorter and w[i - 1] in LINK_LETTERS):
                found.append(i)
            shorter = listed
        return found

    def _listed_stem(self, stem: str) -> bool:
        """Whether ``stem`` is a listed word, alone or before a linking letter (``LINKS``)."""
        if stem in self.words:
            return True
        # every link but "" is one letter (LINK_LETTERS): its test is the stem's last letter
        return stem[-1:] in LINK_LETTERS and len(stem) - 1 >= MIN_STEM and stem[:-1] in self.words


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped Swedish lexicon, loaded once."""
    return Lexicon.load()


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def ligature_candidates(word: str) -> set[str]:
    """Every reading of ``word`` (lower case) with dropped ligature letters put back."""
    w = word.lower()
    slots = [i for i, ch in enumerate(w) if ch in LIGATURE_TAILS]
    found: set[str] = set()
    for k in range(1, min(MAX_INSERTIONS, len(slots)) + 1):
        if k > 1 and len(found) * len(slots) > MAX_CANDIDATES:
            break
        for positions in itertools.combinations(slots, k):
            for tails in itertools.product(*(LIGATURE_TAILS[w[p]] for p in positions)):
                out = w
                for p, tail in sorted(zip(positions, tails, strict=True), reverse=True):
                    out = out[: p + 1] + tail + out[p + 1 :]
                found.add(out)
    return found


def repair_word(word: str, lexicon: Lexicon | None = None) -> str:
    """``word`` with its dropped ligature restored when exactly one reading is a known word; else unchanged."""
    lex = lexicon or default_lexicon()
    if not MIN_REPAIR_LEN <= len(word) <= MAX_REPAIR_LEN or lex.known(word) or not any(c in LIGATURE_TAILS for c in word.lower()):
        return word
    # Compounds make more readings "known"; the closest to the list wins, and only when it is alone.
    costs = {c: lex.cost(c) for c in ligature_candidates(word)}
    known = {c: k for c, k in costs.items() if k is not None}
    if not known:
        return word
    best = min(known.values())
    winners = [c for c, k in known.items() if k == best]
    if len(winners) != 1:
        return word
    return _match_case(word, winners[0])


MAX_MEMO = 200_000  # per-word answers kept per lexicon (some 20 MB); past it a memo starts over


def _repaired(word: str, lex: Lexicon) -> str:
    """``repair_word(word, lex)``, remembered: a page repeats its words and a document its pages."""
    fixed = lex._repairs.get(word)
    if fixed is None:
        if len(lex._repairs) >= MAX_MEMO:
            lex._repairs.clear()
            lex._unrepaired.clear()
        fixed = lex._repairs[word] = repair_word(word, lex)
        if fixed == word:
            lex._unrepaired.add(word)
    return fixed


def _repairs_nothing(words: list[str], lex: Lexicon) -> bool:
    """Whether ``repair_word`` leaves every one of ``words`` as it is (most pages: then the
    repaired text is the text itself). Words already known to stay are skipped as a set."""
    todo = set(words).difference(lex._unrepaired)
    return all(_repaired(w, lex) == w for w in todo)


def repair_ligatures(text: str, lexicon: Lexicon | None = None) -> str:
    """Re-insert dropped ``ti``/``tt``/``fi``/``fl``/``ff``/``ft`` ligatures in unknown words.

    A word is changed only when it is not in the lexicon and exactly one
    reading with ligature letters put back is ("underskrifer" -> "underskrifter",
    "Martn" -> "Martin", "at" -> "att"); case is kept. Everything that is not a
    word (spacing, digits, punctuation) is left exactly as it was.
    """
    lex = lexicon or default_lexicon()
    return WORD_RE.sub(lambda m: _repaired(m.group(0), lex), text)


@dataclass(frozen=True)
class PageQuality:
    """How usable a page's text layer is.

    ``words`` counts the lower-case words judged; ``known_share`` and
    ``repaired_share`` are the shares of them the lexicon knows before and
    after ``repair_ligatures`` (see ``known_share``);
    ``cid_count`` counts unmapped ``(cid:NN)`` glyphs.
    """

    words: int
    known_share: float
    repaired_share: float
    cid_count: int
    verdict: Verdict

    @property
    def doubtful(self) -> bool:
        """Not garbage, but low enough that OCR may read it better (decide with ``prefer_ocr``)."""
        return self.verdict != "garbage" and self.words >= MIN_WORDS and self.repaired_share < DOUBTFUL_SHARE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageQuality:
        return cls(**data)


def _without_links(text: str) -> str:
    """``text`` with links and (cid:NN) glyphs blanked out.

    The substitutions are skipped when the text holds none of the strings every match
    contains ("://" or "www." or "@" or "(/" for ``URL_RE``, "(cid:" for ``CID_RE``):
    ``URL_RE``'s ``\\S+@`` branch otherwise tries every position of the page.
    """
    if "@" in text or "://" in text or "www." in text or "(/" in text:
        text = URL_RE.sub(" ", text)
    if "(cid:" in text:
        text = CID_RE.sub(" ", text)
    return text


# How ``known_share`` counts a letter run of a text (``_share_class``).
NOT_JUDGED, KNOWN, UNKNOWN, FINNISH = 0, 1, 2, 3


def _share_class(word: str, lex: Lexicon) -> int:
    """How ``known_share`` counts ``word`` (a ``WORD_RE`` match): not a lower-case word of two
    letters or more (NOT_JUDGED), known, unknown, or unknown with a Finnish shape (left out)."""
    if len(word) < 2 or not word[0].islower():
        return NOT_JUDGED
    if lex.known(word):
        return KNOWN
    return FINNISH if len(word) >= 4 and FINNISH_RE.search(word) else UNKNOWN


def _tally(runs: list[str], lex: Lexicon) -> Counter[int]:
    """How many of the letter runs ``runs`` fall in each ``_share_class``.

    Each distinct run is classed once per lexicon and remembered (a pure function of the
    run and the lexicon); the count per class is then a C-level ``Counter`` over the page.
    """
    classes = lex._classes
    new = set(runs).difference(classes)
    if len(classes) + len(new) > MAX_MEMO:
        classes.clear()
        new = set(runs)
    for w in new:
        classes[w] = _share_class(w, lex)
    return Counter(map(classes.__getitem__, runs))


def _share(tally: Counter[int]) -> float:
    """The known share of a ``_tally``: known / (known + unknown), 1.0 when nothing is judged."""
    judged = tally[KNOWN] + tally[UNKNOWN]
    return tally[KNOWN] / judged if judged else 1.0


def known_share(text: str, lexicon: Lexicon | None = None) -> float:
    """The share of lower-case words of ``text`` that the lexicon knows; 1.0 for no words.

    Unknown words with a Finnish shape are left out (see ``FINNISH_RE``).
    """
    lex = lexicon or default_lexicon()
    return _share(_tally(WORD_RE.findall(_without_links(text)), lex))


def page_quality(text: str, lexicon: Lexicon | None = None) -> PageQuality:
    """Measure a page's text and judge it: 'good', 'repairable' (ligatures) or 'garbage' (send to OCR).

    Pages with fewer than ``MIN_WORDS`` words are 'good' unless they are
    mostly ``(cid:NN)`` glyphs: a signature line or a page number cannot be
    judged, and whether a nearly empty page needs OCR is ``needs_ocr``'s call.
    """
    lex = lexicon or default_lexicon()
    cids = len(CID_RE.findall(text)) if "(cid:" in text else 0
    clean = _without_links(text)
    runs = WORD_RE.findall(clean)
    tally = _tally(runs, lex)
    words = tally[KNOWN] + tally[UNKNOWN] + tally[FINNISH]  # the lower-case words of two letters or more
    before = _share(tally)
    if not words:
        after = 1.0
    elif _repairs_nothing(runs if clean is text else WORD_RE.findall(text), lex):
        # the repaired text is the text (its runs are those of ``clean`` when nothing was blanked)
        after = before
    else:
        after = known_share(repair_ligatures(text, lex), lex)
    verdict: Verdict
    if cids > MAX_CID_SHARE * max(words, 1) and cids >= 3:
        verdict = "garbage"
    elif words < MIN_WORDS:
        verdict = "good"
    elif after < GARBAGE_SHARE:
        verdict = "garbage"
    elif after - before >= REPAIR_GAIN:
        verdict = "repairable"
    else:
        verdict = "good"
    return PageQuality(words, round(before, 3), round(after, 3), cids, verdict)


def needs_ocr(text: str, image_share: float = 0.0, lexicon: Lexicon | None = None) -> bool:
    """Whether a page should be OCR'd rather than read from its text layer.

    True when there is no text layer (fewer than ``MIN_TEXT_CHARS`` non-blank
    characters), when the text is garbage, or when an image covers most of the
    page (``image_share``, 0..1, see ``image_share``) and the text is only a
    stamp on it ("Bilaga Stadsstyrelsen, 26.09.2022 § 199" on a scanned letter).
    """
    chars = sum(not c.isspace() for c in text)
    if chars < MIN_TEXT_CHARS:
        return True
    if image_share >= SCANNED_IMAGE_SHARE and chars < SCANNED_MAX_CHARS:
        return True
    return page_quality(text, lexicon).verdict == "garbage"


def image_share(page: Any) -> float:
    """The share (0..1) of a pdfplumber page's area covered by its largest image."""
    width, height = float(page.width), float(page.height)
    if width <= 0 or height <= 0:
        return 0.0
    best = 0.0
    for im in page.images:
        w = max(0.0, min(float(im["x1"]), width) - max(float(im["x0"]), 0.0))
        h = max(0.0, min(float(im["bottom"]), height) - max(float(im["top"]), 0.0))
        best = max(best, w * h / (width * height))
    return round(best, 3)


def prefer_ocr(layer_text: str, ocr_text: str, lexicon: Lexicon | None = None) -> bool:
    """Whether OCR text should replace a page's (repaired) text layer: its known share is clearly higher.

    For pages the verdict cannot settle (a share between ``GARBAGE_SHARE`` and
    about 0.8 may be a partly broken encoding or a Finnish appendix), OCR the
    page and let this decide; a tie keeps the text layer, which has exact glyphs.
    """
    lex = lexicon or default_lexicon()
    layer = known_share(repair_ligatures(layer_text, lex), lex)
    return known_share(ocr_text, lex) >= layer + OCR_BETTER_BY
