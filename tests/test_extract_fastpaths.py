"""The fast paths of ``extract`` (issue 15) give exactly what the plain code gave.

The repeated-block search counts blocks with ``zip`` and judges each distinct block
once; the word sharer is a dict's own ``__getitem__``; ``_line_key`` is remembered;
``_dehyphenate`` skips its regex for lines not ending in a hyphen. Each is checked
against the plain code it replaced (kept here as the reference) on crafted inputs.
A PDF is read with the garbage collector paused, which changes nothing but when it runs.
"""

from __future__ import annotations

import copy
import gc
import random
import re
from collections import Counter, defaultdict
from typing import Any

import pytest

from pipeline import extract as E
from pipeline.errors import BadDocumentError
from pipeline.extract import (
    BLOCK_FURNITURE_RE,
    HEADER_TITLE_RE,
    REPEATED_BLOCK_MIN,
    Line,
    _after_removed,
    _dehyphenate,
    _line_key,
    _protected,
    _remove_repeated_blocks,
    _sharer,
    _stands_alone,
)
from pipeline.types import Page

from .conftest import FIXTURES


def _plain_remove_repeated_blocks(pages: list[Page], page_lines: list[list[Line]]) -> None:
    """``_remove_repeated_blocks`` before issue 15: every block built, counted and judged at each place."""
    seq = [(i, j, " ".join(ln.text.split())) for i, lines in enumerate(page_lines) for j, ln in enumerate(lines)]
    marked: set[tuple[int, int]] = set()
    for n in (4, 3, 2):
        counts = Counter(tuple(t for _, _, t in seq[k : k + n]) for k in range(len(seq) - n + 1))
        for k in range(len(seq) - n + 1):
            block = tuple(t for _, _, t in seq[k : k + n])
            if counts[block] < REPEATED_BLOCK_MIN or any((i, j) in marked for i, j, _ in seq[k : k + n]):
                continue
            if not any(BLOCK_FURNITURE_RE.search(t) for t in block) or any(
                    len(t.split()) > 8 or _protected(t) or not (BLOCK_FURNITURE_RE.search(t) or HEADER_TITLE_RE.search(t))
                    for t in block):
                continue
            marked.update((i, j) for i, j, _ in seq[k : k + n])
    if not marked:
        return
    where = [k for k, (i, j, _) in enumerate(seq) if (i, j) in marked]
    occurrences: dict[str, list[int]] = defaultdict(list)
    for k, (_i, _j, t) in enumerate(seq):
        occurrences[t].append(k)
    for t, ks in occurrences.items():
        if len(ks) < REPEATED_BLOCK_MIN or len(t.split()) > 4 or not HEADER_TITLE_RE.search(t):
            continue
        near = [k for k in ks if any(abs(k - w) <= 4 for w in where) and _stands_alone(page_lines, seq, k)]
        if len(near) >= 0.6 * len(ks) and len(near) >= REPEATED_BLOCK_MIN:
            marked.update((seq[k][0], seq[k][1]) for k in near)
    for i, lines in enumerate(page_lines):
        if not any((i, j) in marked for j in range(len(lines))):
            continue
        kept: list[Line] = []
        cut = False
        for j, ln in enumerate(lines):
            if (i, j) in marked:
                pages[i].header.append(ln.text)
                cut = True
                continue
            if cut:
                ln = _after_removed(kept, ln)
            cut = False
            kept.append(ln)
        page_lines[i] = kept


POOL = [
    "Protokoll nr 8", "Sammanträdesdatum: 2026-04-22", "Kommunstyrelsen", "Sida 3", "Justerandes signatur",
    "Utdragsbestyrkande", "§ 12 Budget 2026", "Dnr KS 2026/14", "Beslutet fattades enligt förslaget.",
    "Nämnden beslutar att godkänna rapporten", "Protokoll 15.09.2022", "Socialnämnden", "2026-04-22",
    "Ärendet bordläggs.", "Protokoll  nr 8",  # spacing differs: the same line for the block search
]


def _document(rng: random.Random) -> tuple[list[Page], list[list[Line]]]:
    pages, page_lines = [], []
    for number in range(1, rng.randint(1, 6) + 1):
        lines, y = [], 20.0
        for _ in range(rng.randint(0, 12)):
            lines.append(Line(rng.choice(POOL), y, y + 10.0, 40.0, False))
            y += rng.choice((12.0, 12.0, 30.0))
        pages.append(Page(number, 595.0, 842.0, 500, True))
        page_lines.append(lines)
    return pages, page_lines


def test_repeated_blocks_are_removed_as_by_the_plain_search() -> None:
    rng = random.Random(15)
    removed = 0
    for _ in range(400):
        pages, page_lines = _document(rng)
        plain_pages, plain_lines = copy.deepcopy(pages), copy.deepcopy(page_lines)
        _remove_repeated_blocks(pages, page_lines)
        _plain_remove_repeated_blocks(plain_pages, plain_lines)
        assert page_lines == plain_lines
        assert [p.header for p in pages] == [p.header for p in plain_pages]
        removed += sum(len(p.header) for p in pages)
    assert removed > 100  # the crafted documents do have repeated headers


def test_sharer_gives_the_first_equal_object_and_leaves_zeros_and_empty_texts() -> None:
    share = _sharer()
    a, b = "".join(["o", "ch"]), "".join(["oc", "h"])
    assert a is not b and share(a) is a and share(b) is a
    x, y = float("1.5"), float("3.0") / 2
    assert share(x) is x and share(y) is x
    assert share(1) == 1 and share(1.0) == 1  # equal values share one object, as with setdefault
    for zero in (0.0, -0.0, "", 0):
        assert share(zero) is zero
    assert str(share(-0.0)) == "-0.0" and str(share(0.0)) == "0.0"
    assert len(_sharer().__self__) == 0  # type: ignore[attr-defined]  # a pool per document


def test_line_key_is_the_same_remembered_or_not() -> None:
    texts = ["Sida 3 av 28", "Protokoll 39 § 15.09.2022 Sida", "  Kommun\tstyrelsen  ", "#1 # 2", "", "§§ 1-3"]
    first = [_line_key(t) for t in texts]
    E._line_key.cache_clear()
    assert [_line_key(t) for t in texts] == first == [E._line_key.__wrapped__(t) for t in texts]
    assert first[:4] == ["sida # av #", "protokoll # sida", "kommun styrelsen", "#"]


def test_dehyphenate_sees_a_hyphen_before_a_final_newline() -> None:
    # ``(\\w)-$`` matches before a final newline too; the quick test must let it through
    assert _dehyphenate("är lag-\n", "ligt sammankallad") == "join"
    assert _dehyphenate("är lag-\n\n", "ligt") is None
    assert _dehyphenate("lag -", "ligt") is None
    assert _dehyphenate("", "ligt") is None


def test_collector_is_paused_during_a_read_and_restored_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF is read with the cyclic collector off (``_collector_paused``); it is on again afterwards,
    also when the read fails, and stays off for a caller that had switched it off."""
    seen: list[bool] = []
    real = E._from_pdf

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(E, "_from_pdf", spy)
    options = E.ExtractOptions(ocr=False)
    assert gc.isenabled()
    doc = E.extract(FIXTURES / "minimal-protocol.pdf", options=options)
    assert seen == [False] and gc.isenabled() and doc.page_count >= 1
    with pytest.raises(BadDocumentError):
        E.extract_data(b"%PDF-1.4\n1 0 obj garbage endobj\n%%EOF\n", "bad.pdf", options=options)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        E.extract(FIXTURES / "minimal-protocol.pdf", options=options)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _plain_without_furniture(page: Page, lines: list[Line], strong: set[str]) -> list[Line]:
    """``_without_furniture`` before ``_furniture_probe``: every key of every line worked out."""
    kept: list[Line] = []
    cut = False
    for ln in lines:
        if cut:
            ln = _after_removed(kept, ln)
        cells = ln.text.split("\t")
        if E._shape_key(ln.text) in strong and not _protected(ln.text):
            cells, rest = cells, []
        else:
            rest = [c for c in cells if E._furniture_key(c) not in strong]
        cut = cut and len(rest) == 0
        if len(rest) == len(cells):
            last = cells[-1].rsplit(" ", 1)
            if len(last) == 2 and len(last[1]) >= 8 and last[1] in strong and re.search(r"[^\W\d]", last[1]):
                page.header.append(last[1])
                ln = Line("\t".join(cells[:-1] + [last[0]]), ln.top, ln.bottom, ln.x0, ln.bold)
            kept.append(ln)
            continue
        cut = not any(c.strip() for c in rest)
        dropped = [c for c in cells if c not in rest]
        (page.header if ln.top < page.height / 2 or not page.height else page.footer).extend(dropped)
        if any(c.strip() for c in rest):
            kept.append(Line("\t".join(rest), ln.top, ln.bottom, ln.x0, ln.bold))
    return kept


FURNITURE = ["Sida 3 av 17", "sida 4 (9)", "3 (12)", "# av #", "Protokoll 40 § 15.09.2022 Sida", "KOMMUNSTYRELSEN",
             "Sammanträdesdatum", "Justerandes sign", "Utdragsbestyrkande", "2023-05-12", "Lomma kommun", "ΟΔΟΣ 5",
             "Mark- och exploateringsavdelningen", "12", "Personalsektionen 45", "§ 12", "#7 av 9", "\x00key:x"]
BODY = ["Kommunstyrelsen beslutar att godkänna förslaget.", "Ärendet 2023/145 bereds av förvaltningen.",
        "sida vid sida", "Det blev 3 av 5 röster", "Planen antas Sammanträdesdatum", "protokoll 41 § 16.09.2022 sida",
        "SIDA 7 AV 9", "Justerandes sign\tUtdragsbestyrkande", "text\tSida 2 av 4", "ΟΔΟΣ 6 ligger", "  ", "",
        "KS 2023/12 § 4", "Beslut Utdragsbestyrkande", "personalsektionen 46", "§ 13", "a # b", "Lomma kommun\t2023-05-12"]


def test_furniture_probe_leaves_the_lines_it_passes_as_the_plain_search_does() -> None:
    """``_without_furniture`` with ``_furniture_probe`` keeps, cuts and moves to the header or footer
    exactly what the plain search did, for random sets of removed keys (as ``_remove_running_lines``
    makes them) and pages of body and furniture lines with digits, tabs, ``§``, ``#`` and case changed."""
    rng = random.Random(27)
    for _ in range(400):
        removed = rng.sample(FURNITURE, rng.randint(0, 6))
        strong: set[str] = set()
        for text in removed:
            strong.update(E._furniture_key(cell) for cell in text.split("\t"))
            strong.add(E._shape_key(text))
        strong.discard("")
        texts = [rng.choice(FURNITURE + BODY * 2) for _ in range(rng.randint(1, 12))]
        texts = [t.upper() if rng.random() < 0.1 else t.replace("3", "8") if rng.random() < 0.2 else t for t in texts]
        lines = [Line(t, 20.0 * k, 20.0 * k + 10.0, 50.0, False) for k, t in enumerate(texts)]
        page_a = Page(number=2, width=595.0, height=842.0, char_count=500, has_text=True)
        page_b = copy.deepcopy(page_a)
        fast = E._without_furniture(page_a, lines, strong)
        plain = _plain_without_furniture(page_b, lines, strong)
        assert (fast, page_a.header, page_a.footer) == (plain, page_b.header, page_b.footer), (strong, texts)
