"""Stage 4, tag: ``Protocol`` -> ``Protocol`` with entities on every section and on the cover.

One spaCy ``nlp`` object: the trained Swedish pipeline ``sv_protokoll``
(statistical NER for PERSON, ORG, LOC; found by ``find_model``, its absence is an
error) or, asked for by name, ``spacy.blank("sv")``, followed by the rule component
``protokoll_rules`` that adds what rules do best and normalises values: persons
written ``Name (S)`` with their party, party codes (PARTY), MONEY in SEK, PERCENT,
DATE as ISO anchored to the meeting date, and the meeting place of a ``Plats och
tid`` line (LOC). Rule spans win over overlapping statistical ones.

``protokoll_rules`` is a registered spaCy factory (entry point
``spacy_factories`` in pyproject.toml) saved in the model with its place list, so
``spacy.load("models/sv_protokoll")`` in any program gives the whole tag pipeline.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import sys
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from .errors import ProtokollError
from .names import persons_in
from .types import ENTITY_LABELS, Attendee, Entity, Protocol
from .values import (
    BARE_MILLION_NEXT,
    MONEY_RE,
    PARTIES,
    PARTY_NAMES,
    PERCENT_RE,
    find_dates,
    money_value,
    parse_date,
    place_end,
    to_decimal,
)

log = logging.getLogger(__name__)

MODEL_PACKAGE = "sv_protokoll"
ENV_MODEL = "PROTOKOLL_MODEL"
# The model's one source folder, in a source checkout. Installed, the same files are the
# package ``sv_protokoll`` (pyproject.toml maps it from here; an editable install points back here).
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / MODEL_PACKAGE
RULES = "protokoll_rules"
PLACES_FILE = "places_sv.txt"

# The person grammar (PERSON_PARTY_RE, NOT_NAME_WORDS) is pipeline/names.py, shared with segment and decide.
# Party codes standing alone: "Yrkande från V, S och MP", "Ledamöterna för SD", "(S)-gruppen"
PARTY_CODES_RE = "|".join(sorted(PARTIES, key=len, reverse=True))
# A code counts after "från", "för", "till", "av", "yttrande", a comma or "och", and only when
# what follows ends the list or the clause: punctuation, a line end, "och", or a word that
# goes on with the party as subject or object ("från SD i kommunstyrelsen", "från M avslås",
# "för D på 25 %", "ledamöterna från KD inte deltar").
# "(?=[SMV...])" first: a code starts with one of these letters, and re then tries the seven
# lookbehinds only where one stands, not at every position of the text (9x faster, same matches).
PARTY_CODE_FIRST = "(?=[" + "".join(sorted({code[0] for code in PARTIES})) + "])"
PARTY_LIST_RE = re.compile(
    rf"{PARTY_CODE_FIRST}(?:(?<=\bfrån\s)|(?<=\bför\s)|(?<=\btill\s)|(?<=,\s)|(?<=\soch\s)|(?<=\bav\s)|(?<=\b[yY]ttrande\s))"
    rf"(?P<code>{PARTY_CODES_RE})"
    r"(?=[ \t]*(?:[,.:;)”\"’]|\n|$)|\s+(?:och|den|i|inte|angående|avslås|bifalls|på|om|har|reserverar|yrkar"
    r"|antecknar|deltar|röstar|lämnar|särskilt)\b)"
)
# The meeting place on a cover: "Plats och tid<TAB>Regionens hus, Umeå, kl. 09.00–11.30". A bare
# "Plats" or "Lokal" is a label only with a tab or a colon after it ("Plats för ..." is running text).
PLACE_LINE_RE = re.compile(
    r"(?im)^[ \t]*(?:plats och tid|sammanträdesplats|(?:plats|lokal)(?=[ \t]*:|\t))[ \t]*:?[ \t]*(?P<value>\S[^\n]*)"
)
# Where a meeting held (also) online stops naming a place: "Stadshuset och som e-möte", "Digitalt via Teams".
ONLINE_RE = re.compile(
    r"(?:[\s/&]+(?:och|samt|eller|som)\b)*[\s/&]*\b(?:teams|zoom|skype|digital\w*|distans\w*|videolänk\w*|via|online|e-möte\w*)\b",
    re.I,
)
# "(?=[KMS...])" first, the names' first letters, for the reason PARTY_CODE_FIRST is there.
PARTY_NAME_RE = re.compile(
    "(?=[" + "".join(sorted({re.escape(n.capitalize()[0]) for n in PARTY_NAMES})) + r"])\b(?P<name>"
    + "|".join(sorted((re.escape(n.capitalize()) for n in PARTY_NAMES), key=len, reverse=True)) + r")s?\b"
)


@dataclass
class RuleSpan:
    """A span the rules found, with its normalised attributes."""

    start: int
    end: int
    label: str
    party: str | None = None
    value_num: float | None = None
    value_date: str | None = None
    unit: str | None = None


def rule_spans(text: str, anchor: str | None) -> list[RuleSpan]:
    """All rule entities in ``text``, without overlaps."""
    spans: list[RuleSpan] = []
    for person in persons_in(text):
        spans.append(RuleSpan(person.start, person.end, "PERSON", party=person.party))
        spans.append(RuleSpan(person.party_start, person.party_end, "PARTY", party=person.party))
    for m in PARTY_LIST_RE.finditer(text):
        spans.append(RuleSpan(m.start("code"), m.end("code"), "PARTY", party=m.group("code")))
    for m in PARTY_NAME_RE.finditer(text):
        spans.append(RuleSpan(m.start("name"), m.end(), "PARTY", party=PARTY_NAMES[m.group("name").lower()]))
    for m in MONEY_RE.finditer(text):
        if m.group("rate"):
            continue  # kr/invånare, kronor per timme: a rate, not an amount
        unit = re.sub(r"\s+", " ", m.group("unit").lower())
        if unit in ("miljoner", "miljon", "miljarder"):
            after = text[m.end() :].lstrip()
            nxt = re.match(r"[\wåäöÅÄÖ]+", after)
            if nxt and nxt.group(0).lower() not in BARE_MILLION_NEXT:
                continue  # "2 miljoner invånare"
        value, currency = money_value(m.group("num"), m.group("unit"))
        spans.append(RuleSpan(m.start("num"), m.end("unit"), "MONEY", value_num=value, unit=currency))
    for m in PERCENT_RE.finditer(text):
        spans.append(RuleSpan(m.start(), m.end(), "PERCENT", value_num=float(to_decimal(m.group("num")))))
    for start, end, raw in find_dates(text):
        iso = parse_date(re.sub(r"\s+", " ", raw), anchor)
        if iso:
            spans.append(RuleSpan(start, end, "DATE", value_date=iso))
    spans.extend(RuleSpan(start, end, "LOC") for start, end in place_spans(text))
    spans.sort(key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[RuleSpan] = []
    for s in spans:
        if kept and s.start < kept[-1].end:
            continue
        kept.append(s)
    return kept


def place_spans(text: str) -> list[tuple[int, int]]:
    """The places of every ``Plats och tid`` line in ``text``, one span per comma-separated part.

    "Regionens hus, Umeå, kl. 09.00–11.30" gives "Regionens hus" and "Umeå": the
    value is cut where the time or the date starts, as ``Meeting.place`` is, and a
    part where a meeting online is named ("Stadshuset och som e-möte" gives
    "Stadshuset", "Digitalt via Teams" nothing). A part must start with a capital letter.
    """
    out: list[tuple[int, int]] = []
    for m in PLACE_LINE_RE.finditer(text):
        value = m.group("value")
        for part in re.finditer(r"[^,;]+", value[: place_end(value)]):
            raw = part.group()
            online = ONLINE_RE.search(raw)
            if online:
                raw = raw[: online.start()]
            start = m.start("value") + part.start() + (len(raw) - len(raw.lstrip()))
            end = m.start("value") + part.start() + len(raw.rstrip())
            if start < end and text[start].isupper():
                out.append((start, end))
    return out


class ModelNotFoundError(ProtokollError):
    """No spaCy model where one was named or expected (the CLI exits 3).

    Tagging without the model finds far fewer PERSON, ORG and LOC and would still look
    like a good run, so nothing falls back to the blank pipeline unless asked to.
    """


def find_model(model: str | Path | None = None) -> Path | None:
    """The model folder to load, or None for ``"blank"`` (rules only, asked for by name).

    ``model`` (the --model option), else ``$PROTOKOLL_MODEL``, else the installed
    package ``sv_protokoll`` (the wheel ships it), else ``models/sv_protokoll`` next to
    this source checkout. A named model may also be an installed package's name.
    Found without importing spaCy, so that a command stops early and fast.
    Raises ``ModelNotFoundError`` naming the places looked at and the fix.
    """
    named = model if model is not None else os.environ.get(ENV_MODEL) or None
    if named is not None:
        return None if str(named) == "blank" else _named_model(named, "--model" if model is not None else f"${ENV_MODEL}")
    installed = _package_dir(MODEL_PACKAGE)
    for path in (installed, DEFAULT_MODEL):
        if path is not None and (path / "config.cfg").is_file():
            return path.resolve()
    looked = ", ".join([
        f"${ENV_MODEL} (not set)",
        f"the installed package {MODEL_PACKAGE} ({f'{installed}: no config.cfg' if installed else 'not installed'})",
        str(DEFAULT_MODEL) + (" (not a spaCy model: no config.cfg)" if DEFAULT_MODEL.exists() else " (missing)"),
    ])
    raise ModelNotFoundError(
        f"no spaCy model found; looked at {looked}. Fix: run 'make model' in the source checkout, "
        f"or 'pip install' a protokoll wheel (it ships {MODEL_PACKAGE}), or pass --model PATH; "
        "--model blank tags with the rules only"
    )


def _named_model(named: str | Path, source: str) -> Path:
    """The folder of a model named by path (or by installed package name); ModelNotFoundError if none."""
    path = Path(named).expanduser()
    if (path / "config.cfg").is_file():
        return path
    package = _package_dir(str(named)) if str(named).isidentifier() else None
    if package is not None and (package / "config.cfg").is_file():
        return package.resolve()
    reason = "not a spaCy model folder (no config.cfg)" if path.is_dir() else "no such model folder or installed model package"
    raise ModelNotFoundError(
        f"{named}: {reason} (from {source}). Fix: give the folder of a trained spaCy model "
        f"(e.g. models/{MODEL_PACKAGE}, built by 'make model'), or 'blank' for the rules only"
    )


def _package_dir(name: str) -> Path | None:
    """The folder of an importable package ``name``, found without importing it; None if there is none."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else None


def build_nlp(model: str | Path | None = None) -> Any:
    """The tagging pipeline: the trained model (see ``find_model``) with the rule component.

    ``model="blank"`` gives ``spacy.blank("sv")`` with the rules only. A model saved
    without ``protokoll_rules`` (an older one, or another spaCy pipeline) gets the
    component added with the place list of this package.
    """
    import spacy

    path = find_model(model)
    register_rules()
    if path is None:
        nlp = spacy.blank("sv")
        nlp.meta["protokoll_model"] = "blank"
    else:
        try:
            nlp = spacy.load(path, exclude=["parser", "lemmatizer", "tagger", "morphologizer", "attribute_ruler"])
        except (OSError, ValueError) as exc:  # a folder with config.cfg but broken or missing weights
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelNotFoundError(
                f"{path}: cannot be loaded as a spaCy model ({first}). Fix: rebuild it with 'make model', "
                "or give another --model; --model blank tags with the rules only"
            ) from None
        nlp.meta["protokoll_model"] = str(path)
        use_numpy_blas(nlp)
    if RULES not in nlp.pipe_names:
        nlp.add_pipe(RULES, last=True)
    return nlp


def use_numpy_blas(nlp: Any) -> None:
    """Run the model's matrix products on NumPy's BLAS (OpenBLAS), one thread, instead of thinc's BLIS.

    The BLIS of the ``blis`` wheels on PyPI is built for the 'generic' sub-configuration
    only (``BLIS_ARCH_DEBUG=1`` prints it): no SIMD kernels, 3-4x slower than OpenBLAS
    for the tok2vec's and the NER's products, which were more than half of the tag
    stage's CPU time. The answers are the same products summed in another order; the
    entities of the corpus and the bench protocols came out identical (docs/performance.md).
    One thread: ingest's parallelism is its worker processes, and a second BLAS thread
    per worker only spins on the other core. The NER's per-step products stay in BLIS
    (spaCy calls them from Cython).
    """
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


def register_rules() -> Callable[..., RulesComponent]:
    """Register the Doc/Span extensions and the ``protokoll_rules`` factory with spaCy (once); returns the factory.

    Called by ``build_nlp``; by spaCy through the ``spacy_factories`` entry point
    (``rules_factory`` below), so that ``spacy.load`` of a model holding the
    component works in any program; and on import of this module when spaCy is
    already imported. Not on every import: the CLI imports this module for commands
    that never tag (status, query), and importing spaCy costs them about a second.
    """
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    for name in ("party", "value_num", "value_date", "unit", "rule"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    for name in ("anchor", "source_text"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Language.has_factory(RULES):
        Language.factory(RULES)(make_rules)
    return make_rules


def make_rules(nlp: Any, name: str) -> RulesComponent:
    """The spaCy factory of ``protokoll_rules``: a new component reads this package's place list.

    A component loaded with a model reads the list saved with it instead (``from_disk``).
    """
    return RulesComponent(package_places())


def __getattr__(name: str) -> Any:
    """``pipeline.tag:rules_factory``, the entry point spaCy loads: registers the factory first.

    A module attribute of its own would not do: when this module was imported
    before spaCy (by the CLI), loading the entry point would import nothing and
    register nothing.
    """
    if name == "rules_factory":
        return register_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class RulesComponent:
    """The ``protokoll_rules`` pipe, with the place list it uses for ``listed_places``.

    The list is saved with the model (``protokoll_rules/places_sv.txt``, a copy of
    ``pipeline/data/places_sv.txt``) so that a model folder tags the same wherever it
    is loaded; ``training/train.py --rules-only`` writes it again after the list changed.
    """

    def __init__(self, places: str):
        self.places = places
        self.index = places_index_of(places)

    def __call__(self, doc: Any) -> Any:
        return apply_rules(doc, self.index)

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.places.encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RulesComponent:
        self.places = data.decode("utf-8")
        self.index = places_index_of(self.places)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / PLACES_FILE).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RulesComponent:
        return self.from_bytes((Path(path) / PLACES_FILE).read_bytes())


def apply_rules(doc: Any, index: dict[str, list[tuple[str, ...]]] | None = None) -> Any:
    """Merge rule spans into ``doc.ents``; rule spans win over overlapping model spans.

    Model labels outside ``ENTITY_LABELS`` are dropped here: the model also predicts
    MISC (events, products, works), which it is trained on only to tell those apart
    from people and organisations (models/README.md). ``index``: the listed places
    (``places_index_of``), by default this package's list.
    """
    from spacy.util import filter_spans

    # doc.text joins every token again on each access (a Python object per token): the text the
    # Doc was made from when the caller gives it (tag does), the same string, as spaCy's tokenizer
    # loses nothing (tests/test_speed_contract.py); else doc.text, once.
    text = doc._.source_text
    if text is None:
        text = doc.text
    rules = []
    for rs in rule_spans(text, doc._.anchor):
        span = doc.char_span(rs.start, rs.end, label=rs.label, alignment_mode="expand")
        if span is None:
            continue
        ext = span._  # a new object on every access: once
        ext.party = rs.party
        ext.value_num = rs.value_num
        ext.value_date = rs.value_date
        ext.unit = rs.unit
        ext.rule = True
        rules.append(span)
    taken = [(s.start, s.end) for s in rules]
    model_ents = [_trimmed(e) for e in doc.ents
                  if e.label_ in ENTITY_LABELS and not any(e.start < b and a < e.end for a, b in taken)]
    ents = filter_spans(rules + [e for e in model_ents if e is not None])
    doc.ents = ents
    places = listed_places(doc, index, ents)
    if places:
        exact = {(p.start, p.end) for p in places}
        kept = [e for e in ents if (e.start, e.end) not in exact]
        for span in places:
            span._.rule = True
        doc.ents = sorted([*kept, *places], key=lambda e: e.start)
    return doc


COMPANY_SUFFIXES = {"AB", "HB", "KB", "Ab", "Oy", "Oyj", "Ltd", "AS", "ASA", "ApS", "GmbH", "ek.", "förening"}
PROPERTY_NUMBER_RE = re.compile(r"^\d{1,4}:\d{1,4}$")
TRAILING_NOT_NAME = {"m.fl", "m. fl", "mfl", "m", "fl", "m.m", "mm", "m.fl."}


def _trimmed(ent: Any) -> Any:
    """A model span without the line-break tokens it may take in at either end ("Kilsgatan\\n"); None if nothing is left."""
    from spacy.tokens import Span

    start, end = ent.start, ent.end
    while start < end and ent.doc[start].is_space:
        start += 1
    while end > start and ent.doc[end - 1].is_space:
        end -= 1
    # "Bert Larssons m.fl. yrkande": the abbreviation for "and others" is no part of the name
    while end - start > 1 and ent.doc[end - 1].lower_.rstrip(".") in TRAILING_NOT_NAME:
        end -= 1
    while end > start and ent.doc[end - 1].is_space:
        end -= 1
    if start == end:
        return None
    label = ent.label_
    if label == "PERSON" and ent.doc[end - 1].text in COMPANY_SUFFIXES:
        label = "ORG"  # "Minnesberg Sverige AB"
    elif label == "PERSON" and end < len(ent.doc) and PROPERTY_NUMBER_RE.match(ent.doc[end].text):
        label = "LOC"  # a property designation: "Lomma Fjelie 2:12", "Björkvik Norrby 3:14"
    if (start, end, label) == (ent.start, ent.end, ent.label_):
        return ent
    return Span(ent.doc, start, end, label=label)


def listed_places(doc: Any, index: dict[str, list[tuple[str, ...]]] | None = None, ents: list[Any] | None = None) -> list[Any]:
    """LOC spans for listed places (``index``; by default ``pipeline/data/places_sv.txt``).

    The model knows municipalities and the places it was trained on, but not every
    district, lake or arena ("Gullbergsvass", "Mjörn", "Scandinavium"). A listed name
    (case as written, whole tokens, also in the genitive) becomes a LOC where no
    entity is yet, or where the model found exactly that span under another label
    ("Mjörn" as PERSON). It never cuts into a longer entity or a rule's span, so
    "Lindholmen Science Park AB" found as ORG stays ORG. ``ents``: ``doc.ents``, when the caller has them.

    Python looks only at the words that can start a listed name (``_name_starts``), not at every token.
    """
    from spacy.tokens import Span

    index = places_index() if index is None else index
    words_at, starts = _name_starts(doc, index)  # a name may run over a line break: words skip the spaces
    if not starts:
        return []
    ents = list(doc.ents) if ents is None else ents
    out: list[Any] = []
    free = 0  # the first word not inside a place already found
    for p in starts:
        if p < free:
            continue
        text = doc[words_at[p]].text
        candidates = (index.get(text) or index.get(text[:-1])) if text[:1].isupper() else None
        for words in candidates or ():
            q = p + len(words)
            if q > len(words_at):
                continue
            start, end = int(words_at[p]), int(words_at[q - 1]) + 1
            *head, last = words
            if (all(doc[words_at[p + k]].text == w for k, w in enumerate(head))
                    and doc[words_at[q - 1]].text in (last, last + "s")
                    and _free_or_exact_model_span(ents, start, end)):
                out.append(Span(doc, start, end, label="LOC"))
                free = q
                break
    return out


def _name_starts(doc: Any, index: dict[str, list[tuple[str, ...]]]) -> tuple[Any, list[int]]:
    """(token numbers of the words, i.e. the tokens that are not white space; the places among them where a listed name can start).

    A name starts at a word written as the name's first word, or as it plus "s" (the genitive):
    found by comparing spaCy's string hashes in numpy, without a Python object per token.
    Most texts have no token so written (180 of the 5087 texts of the equivalence inputs had
    one): for those, a first look at the hashes of all the tokens in a set answers ``([], [])``
    without sorting out the words (half the time; a white-space token is never a first word).
    """
    import numpy
    from spacy.attrs import IS_SPACE, ORTH

    if not index:
        return [], []
    names, name_set = _first_word_hashes(index)  # sorted: a binary search per word (numpy.isin sorts the words each time, 10x slower)
    if name_set.isdisjoint(doc.to_array(ORTH).tolist()):
        return [], []
    table = doc.to_array([ORTH, IS_SPACE])
    words_at = numpy.flatnonzero(table[:, 1] == 0)
    words = table[words_at, 0]
    at = numpy.minimum(numpy.searchsorted(names, words), len(names) - 1)
    return words_at, numpy.flatnonzero(names[at] == words).tolist()


_FIRST_WORDS: dict[int, tuple[dict[str, list[tuple[str, ...]]], Any, frozenset[int]]] = {}


def _first_word_hashes(index: dict[str, list[tuple[str, ...]]]) -> tuple[Any, frozenset[int]]:
    """The string hashes of every first word of ``index`` and of its genitive, sorted in numpy and as a set; worked out once per index."""
    cached = _FIRST_WORDS.get(id(index))
    if cached is None or cached[0] is not index:
        import numpy
        from spacy.strings import get_string_id

        hashes = numpy.array(sorted({get_string_id(w + end) for w in index for end in ("", "s")}), dtype=numpy.uint64)
        cached = _FIRST_WORDS[id(index)] = (index, hashes, frozenset(hashes.tolist()))  # the index is kept, so its id is not reused
    return cached[1], cached[2]


# Sections the model tags at once. The model's working memory grows with the batch: on a 500-page
# protocol 64 sections took a peak of 355 MiB, 16 took 250 MiB, at the same speed (docs/performance.md).
BATCH_SIZE = 16


def tag(protocols: Iterable[Protocol], nlp: Any, batch_size: int = BATCH_SIZE) -> Iterator[Protocol]:
    """Tag every section and the cover of every protocol; yields each protocol as soon as its last text is tagged.

    All texts of all the protocols go through one ``nlp.pipe`` stream, so that the model's
    batches run across document boundaries: a run of small documents fills them (6-11 %
    less CPU than one stream each, docs/performance.md). Protocols are read lazily and each
    tagged Doc is dropped once its entities are read (its tensor: 190 MiB for the sections of
    a 500-page protocol if all were kept).
    """
    waiting: deque[_Tagging] = deque()  # protocols with texts in the stream, oldest first

    def docs() -> Iterator[Any]:
        for protocol in protocols:
            job = _Tagging(protocol)
            waiting.append(job)
            for text in job.texts:
                # the text as it is: the model was trained on text with line breaks, and the rules
                # treat one line break as a space and a blank line as a boundary
                doc = nlp.make_doc(text)
                doc._.anchor = protocol.meeting.meeting_date
                doc._.source_text = text
                yield doc

    model = nlp.meta.get("protokoll_model")
    for doc in nlp.pipe(docs(), batch_size=batch_size):
        job = waiting[0]  # the stream keeps the order, and every protocol has a text (its cover)
        job.read(doc)
        if job.done():
            waiting.popleft()
            yield job.finish(model)


def tag_protocol(protocol: Protocol, nlp: Any, batch_size: int = BATCH_SIZE) -> Protocol:
    """Fill ``Section.entities`` and the cover's ``Meeting.entities`` of one protocol in place and return it."""
    return next(iter(tag([protocol], nlp, batch_size)))


class _Tagging:
    """One protocol in the tag stream: its texts (the cover first, at offset 0, then every section) and the entities read so far."""

    def __init__(self, protocol: Protocol):
        self.protocol = protocol
        self.sections = [s for item in protocol.items for s in item.sections]
        self.texts = [protocol.meeting.cover_text] + [s.text for s in self.sections]
        self.offsets = [0] + [s.offset for s in self.sections]
        self.page_at = page_finder(protocol)
        self.found: list[list[Entity]] = []

    def read(self, doc: Any) -> None:
        """Take the entities of the next tagged text."""
        n = len(self.found)
        self.found.append(_entities(self.page_at, doc, self.texts[n], self.offsets[n]))

    def done(self) -> bool:
        return len(self.found) == len(self.texts)

    def finish(self, model: str | None) -> Protocol:
        """Put the entities in place, tie the people to the attendance list, and mark the protocol tagged."""
        protocol = self.protocol
        protocol.meeting.entities = self.found[0]
        for section, entities in zip(self.sections, self.found[1:], strict=True):
            section.entities = entities
        link_people(protocol)
        protocol.tagged = True
        protocol.model = model
        return protocol


def page_finder(protocol: Protocol) -> Callable[[int], int]:
    """``protocol.page_at`` as a binary search, for the many entities of one protocol.

    ``page_at`` walks the page map up to the first page that starts after the offset, and
    gives the page before it (the first page if there is none before). The first page that
    starts after the offset is the first where the greatest start so far exceeds it: a
    binary search over those running maxima, whatever the order of the map. The same
    answers (tests/test_speed_contract.py); ``page_at`` took 2 µs an entity on the bench
    inputs, more the longer the protocol.
    """
    page_map = protocol.page_map
    if not page_map:
        return protocol.page_at
    reach = list(accumulate((start for _page, start, _end in page_map), max))

    def page_at(offset: int) -> int:
        after = bisect_right(reach, offset)  # the first page that starts after the offset
        return page_map[after - 1][0] if after else page_map[0][0]

    return page_at


def _entities(page_at: Callable[[int], int], doc: Any, text: str, offset: int) -> list[Entity]:
    """The entities of a tagged ``text`` (a section, or the cover) that starts at ``offset`` in the document.

    ``page_at``: the protocol's ``page_finder``.

    ``text`` is passed in because ``doc.text`` joins every token again on each access; ``ent._``
    and ``ent.label_`` are read once, as each access makes a new object.
    """
    found = []
    for ent in doc.ents:
        label = ent.label_
        if label not in ENTITY_LABELS:
            continue
        start, end, ext = ent.start_char, ent.end_char, ent._
        found.append(Entity(
            label=label,
            text=text[start:end],
            start=start,
            end=end,
            page=page_at(offset + start),
            party=ext.party,
            value_num=ext.value_num,
            value_date=ext.value_date,
            unit=ext.unit,
            source="rule" if ext.rule else "model",
        ))
    return found


def _free_or_exact_model_span(ents: list[Any], start: int, end: int) -> bool:
    """No entity (of ``ents``) on tokens ``start:end``, or exactly one model (not rule) entity with those bounds."""
    over = [e for e in ents if e.start < end and start < e.end]
    return not over or (len(over) == 1 and (over[0].start, over[0].end) == (start, end) and not over[0]._.rule)


def package_places() -> str:
    """The text of ``pipeline/data/places_sv.txt``, the place list a new ``protokoll_rules`` starts from."""
    return (Path(__file__).resolve().parent / "data" / PLACES_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def places_index() -> dict[str, list[tuple[str, ...]]]:
    """This package's listed places by first word (``places_index_of``)."""
    return places_index_of(package_places())


def places_index_of(places: str) -> dict[str, list[tuple[str, ...]]]:
    """Listed places (one a line, ``#`` comments) by first word, longest name first: {"Gamla": [("Gamla", "Ullevi"), ...]}."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for line in places.splitlines():
        words = tuple(line.split())
        if words and not line.startswith("#"):
            index.setdefault(words[0], []).append(words)
    for names in index.values():
        names.sort(key=len, reverse=True)
    return index


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Common first names (pipeline/data/first_names.txt), to read surname-first lists."""
    path = Path(__file__).resolve().parent / "data" / "first_names.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def natural_order(name: str, text: str) -> str:
    """A name as "First Last": "Frostdahl-Blomqvist Siw" -> "Siw Frostdahl-Blomqvist" when the list was surname first.

    The order the protocol's own text uses decides; failing that, a known first name at the end.
    """
    words = name.split()
    if len(words) < 2:
        return name
    flipped = " ".join(words[1:] + words[:1])
    as_written = _mentions(name, text)
    reversed_ = _mentions(flipped, text)
    if reversed_ != as_written:
        return flipped if reversed_ > as_written else name
    names = first_names()
    if words[-1] in names and words[0] not in names:
        return flipped
    return name


def _mentions(name: str, text: str) -> int:
    r"""How often ``name`` stands in ``text`` as whole words; the regular expression only when the name is there at all.

    ``\bAnna Berg\b`` is written ``A(?<!\w\w)nna Berg\b``: after a first letter that is a word
    character, "no word character before it" is the boundary. re then runs its fast scan for
    the letter instead of trying ``\b`` at every position of the protocol's text (the search was
    most of ``link_people``'s time); the same count (tests/test_values_scan.py).
    """
    if name not in text:
        return 0
    if re.match(r"\w", name):
        return len(re.findall(rf"{name[0]}(?<!\w\w){re.escape(name[1:])}\b", text))
    return len(re.findall(rf"\b{re.escape(name)}\b", text))


def link_people(protocol: Protocol) -> None:
    """Tie PERSON mentions, in the sections and on the cover, to the meeting's attendance list.

    Sets ``Attendee.norm`` (name as "First Last") and, for a PERSON entity that is
    an attendee (also in the genitive, "Richard Carstedts förslag"), ``Entity.norm``
    to that name and ``Entity.party`` from the list when the text gives none.
    Other PERSON entities get their text, whitespace normalised, as ``norm``.
    The name order is read from the sections only: the cover holds the list itself,
    and would vote for the order the list is written in.
    """
    text = "\n".join(s.text for item in protocol.items for s in item.sections)
    index: dict[str, Attendee] = {}
    for a in protocol.meeting.attendees:
        a.norm = natural_order(a.name, text)
        words = a.name.split()
        for key in (a.name, a.norm, " ".join(words[1:] + words[:1])):
            index.setdefault(key.lower(), a)
    mentions = protocol.meeting.entities + [e for item in protocol.items for s in item.sections for e in s.entities]
    for e in mentions:
        if e.label != "PERSON":
            continue
        key = " ".join(e.text.split())
        found = index.get(key.lower())
        if found is None and key.endswith("s"):
            found = index.get(key[:-1].lower())
        if found is not None:
            e.norm = found.norm
            if e.party is None and found.party:
                e.party = found.party
        else:
            e.norm = key


if "spacy" in sys.modules:  # the entry point imports this module from within spaCy: register at once
    register_rules()
