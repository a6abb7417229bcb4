"""Stage 1, extract: a protocol PDF -> ``ExtractedDocument``.

A text backend reads every page into lines with positions: pdfplumber, or
PDFium through ``pdfium_backend.py`` (the same lines, about 20 times faster).
OCR, ligature repair and everything below are the same for both. Running headers and
footers are found by repetition across pages at the top or bottom of the page
(digits normalised, so "Sida 3 av 28" and "Sida 4 av 28" are one line), not by
a list of strings, and removed. Lines are then re-joined into paragraphs: a
vertical gap larger than a line marks a paragraph break; a page break is only
a paragraph break when the sentence before it ended. Words hyphenated at a
line end are joined, private-use bullet glyphs become "•", and a bare URL line
that repeats a link already in the text is dropped. The page of every
character range is kept in ``spans``.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gc
import hashlib
import io
import itertools
import logging
import math
import os
import re
import stat
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import limits
from .errors import BadDocumentError
from .types import ExtractedDocument, Page, PageSpan, Word

log = logging.getLogger(__name__)

HEADER_ZONE = 0.16  # running headers start in the top 16 % of the page
FOOTER_ZONE = 0.86  # running footers end in the bottom 14 %
ZONE_LINES = 7  # ... and are among the first / last lines of the page
MIN_TEXT_CHARS = 20  # fewer non-blank characters than this: the page has no usable text layer

PUA_BULLETS = dict.fromkeys(map(ord, "\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0e0\uf06e\uf0a8\uf02d"), "•")
CID_BULLET_RE = re.compile(r"^\(cid:\d+\)\s+")  # an unmapped glyph opening a line is a bullet
URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SEPARATOR_RE = re.compile(r"^[_\-–=.\s]{4,}$")
HYPHEN_KEEP_NEXT = {"och", "eller", "samt", "respektive", "som", "till", "resp.", "resp"}
SENTENCE_END = tuple(".!?:;”\")»")


@dataclass
class Line:
    """A line of text on a page, as pdfplumber groups it (the pdfium backend groups the same way)."""

    text: str
    top: float
    bottom: float
    x0: float
    bold: bool


@dataclass(frozen=True)
class ExtractOptions:
    """How to read PDFs: the text backend, OCR for pages without a usable text layer, and the
    limits that fail a crafted or absurd file before it takes the machine's memory (``limits.py``).

    The default limits are far beyond any protocol: a 500-page protocol inflates to about
    5 MB of content, an A3 page is 0.125 m², and an A3 page at 300 dpi is 17 megapixels.
    """

    extractor: str = "pdfium"  # same items, sections and entities as pdfplumber, 3x faster (tests/test_extractors.py)
    ocr: bool = True  # OCR pages without (or with a garbage) text layer, when Tesseract is installed
    ocr_dpi: int = 300
    max_pages: int = 5000
    max_stream_mb: int = 256  # one stream (a page's content, an image, a font) inflated
    max_content_mb: int = 1024  # all streams but images, inflated, together
    max_page_area: float = 5.0  # square metres (A0 is 1 m²)
    max_render_mpx: int = 40  # pixels of one page rendered for OCR; a larger page is rendered at a lower dpi

    def __post_init__(self) -> None:
        if self.extractor not in EXTRACTORS:
            raise ValueError(f"unknown extractor {self.extractor!r}; choose one of {', '.join(EXTRACTORS)}")
        if not 72 <= self.ocr_dpi <= 600:
            raise ValueError("ocr_dpi must be between 72 and 600")
        for name in ("max_pages", "max_stream_mb", "max_content_mb", "max_page_area", "max_render_mpx"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")


EXTRACTORS = ("pdfplumber", "pdfium")


def extract(
    path: str | Path, display_path: str | None = None, options: ExtractOptions | None = None
) -> ExtractedDocument:
    """Read a PDF (or a pdftotext .txt file) into an ``ExtractedDocument``.

    Raises ``BadDocumentError`` naming the file and the reason when it cannot be read.
    """
    path = Path(path)
    shown = display_path or str(path)
    _check_regular(path, shown)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadDocumentError(shown, f"cannot read file: {exc.strerror or exc}") from exc
    return extract_data(data, shown, text_file=path.suffix.lower() == ".txt", options=options)


def extract_data(
    data: bytes, shown: str, text_file: bool = False, options: ExtractOptions | None = None
) -> ExtractedDocument:
    """``extract`` for a document's bytes (sent to another machine, say); ``shown`` names it in errors."""
    options = options or ExtractOptions()
    sha = hashlib.sha256(data).hexdigest()
    if text_file:
        return _from_text(data, shown, sha)
    _check_pdf_bytes(data, shown)
    _check_streams(data, shown, options)
    with _collector_paused():
        return _from_pdf(data, shown, sha, options)


@contextlib.contextmanager
def _collector_paused() -> Generator[None, None, None]:
    """Pause Python's cyclic garbage collector while a document is read, and let it run after.

    Reading a page makes some 300 ``Word``s and 40 ``Line``s that live as long as the
    document: each of them counts towards the next collection, so the collector
    ran every few hundred words, and every tenth or hundredth time went through every
    object of the process (in a worker, the tagger's model and the documents before):
    5-8 % of extract's time for nothing, since a read makes no garbage cycles (what it
    drops is freed by reference counting). Paused, it runs once when the read is done
    (the counts have grown meanwhile). Nothing the read gives depends on it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes: the identity of a document in the database.

    Raises ``BadDocumentError`` for a FIFO, a device or a folder (see ``_check_regular``).
    """
    _check_regular(Path(path), str(path))
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


FILE_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
              (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _check_regular(path: Path, shown: str) -> None:
    """Refuse anything but a regular file (a symlink counts as what it points to) before opening it.

    Reading a FIFO blocks until a writer comes, and ``/dev/zero`` never ends: either hangs
    the run. ``stat`` tells without opening.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise BadDocumentError(shown, f"cannot read file: {exc.strerror or exc}") from exc
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in FILE_KINDS if test(mode)), "not a regular file")
    raise BadDocumentError(shown, f"not a regular file: {kind}", "name the PDF file itself")


def _check_streams(data: bytes, shown: str, options: ExtractOptions) -> None:
    """Fail a file whose streams inflate beyond the limits, before a PDF library inflates them whole."""
    found = limits.check_streams(data, options.max_stream_mb, options.max_content_mb)
    if found is None:
        return
    if found.total:
        raise BadDocumentError(shown, f"its streams together inflate beyond {found.limit_mb} MiB",
                               "raise --max-content-mb")
    page = None if found.structural or found.objnum is None else limits.page_of_stream(data, found.objnum)
    what = (f"content stream of page {page}" if page else "object stream" if found.structural
            else "stream" if found.objnum is None else f"stream object {found.objnum}")
    raise BadDocumentError(shown, f"{what} inflates beyond {found.limit_mb} MiB", "raise --max-stream-mb")


def _check_pdf_bytes(data: bytes, shown: str) -> None:
    """Fail early, with a precise reason, on files that are not whole PDFs."""
    if not data:
        raise BadDocumentError(shown, "empty file (0 bytes)", "the download or copy was probably interrupted")
    if b"%PDF-" not in data[:1024]:
        start = data[:16].decode("latin-1", "replace").strip()
        raise BadDocumentError(shown, f"not a PDF (the file starts with {start!r})")
    if b"%%EOF" not in data[-2048:]:
        raise BadDocumentError(
            shown, "truncated PDF (no %%EOF marker at the end)", "the file is incomplete; fetch it again"
        )


@dataclass
class _PageText:
    """One page as a backend read it; ``image_share`` may only be called before the next page is read."""

    width: float
    height: float
    lines: list[Line]
    words: list[Word]
    chars: int
    image_share: Callable[[], float]
    total: int  # pages in the document


PROGRESS_PAGES = 200  # a long document logs its progress every this many pages


def _check_page_count(count: int, shown: str, max_pages: int) -> None:
    """Fail a document with more pages than ``max_pages`` before reading any of them."""
    if count > max_pages:
        raise BadDocumentError(shown, f"{count:,} pages, more than the limit of {max_pages:,}", "raise --max-pages")


ENCRYPTED = ("encrypted PDF, no password given", "try qpdf --decrypt in.pdf out.pdf")


def _open_pdf(data: bytes, shown: str) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # forces the page tree to be read
        return pdf
    except Exception as exc:  # pdfplumber wraps pdfminer errors; name the cause
        cause: BaseException = exc
        while getattr(cause, "__cause__", None) is not None or getattr(cause, "__context__", None) is not None:
            nxt = cause.__cause__ or cause.__context__
            if nxt is None:
                break
            cause = nxt
        text = f"{type(exc).__name__} {exc} {type(cause).__name__} {cause}"
        if isinstance(cause, PDFPasswordIncorrect) or "PDFPasswordIncorrect" in text or "password" in text.lower():
            raise BadDocumentError(shown, *ENCRYPTED) from exc
        raise BadDocumentError(shown, f"damaged PDF: {type(cause).__name__}: {cause}".rstrip(": ")) from exc


def _pages_pdfplumber(data: bytes, shown: str, max_pages: int) -> Generator[_PageText, None, None]:
    """Pages read by pdfplumber, one at a time, each closed when the next is asked for."""
    from . import pdfium_backend, textlayer

    quick = pdfium_backend.page_count(data)  # pdfplumber builds all pages first: 80 s for 100,000 pages
    if quick is not None:
        _check_page_count(quick, shown, max_pages)
    pdf = _open_pdf(data, shown)
    share = _sharer()
    try:
        total = len(pdf.pages)
        _check_page_count(total, shown, max_pages)
        for number, pdf_page in enumerate(pdf.pages, start=1):
            try:
                try:
                    raw = pdf_page.extract_text_lines(layout=False, strip=True, return_chars=True)
                    for item in raw:
                        for c in item["chars"]:
                            c["bold"] = "bold" in (c.get("fontname") or "").lower()
                    lines, words, chars = _lines_of(raw, share)
                except Exception as exc:
                    raise _damaged_page(shown, number, exc) from exc
                yield _PageText(float(pdf_page.width), float(pdf_page.height), lines, words, chars,
                                functools.partial(textlayer.image_share, pdf_page), total)
            finally:
                pdf_page.close()  # releases the page's cached objects
                _release_contents(pdf, pdf_page)
    finally:
        pdf.close()


def _release_contents(pdf: Any, pdf_page: Any) -> None:
    """Let go of a page's decoded content streams once the page is read.

    pdfminer keeps them, inflated, on the page and in the document's object cache for
    as long as the document is open, and pdfplumber's ``Page.close`` leaves them: on a
    long document the memory would grow with every page read.
    """
    cache = getattr(pdf.doc, "_cached_objs", None)
    for stream in pdf_page.page_obj.contents:
        if cache is not None:
            cache.pop(getattr(stream, "objid", None), None)
    pdf_page.page_obj.contents = []


def _pages_pdfium(data: bytes, shown: str, max_pages: int) -> Generator[_PageText, None, None]:
    """Pages read by PDFium (``pdfium_backend``), one at a time, each closed when the next is asked for."""
    from . import pdfium_backend

    try:
        pdf = pdfium_backend.open_document(data)
    except pdfium_backend.OpenError as exc:
        if exc.encrypted:
            raise BadDocumentError(shown, *ENCRYPTED) from exc
        raise BadDocumentError(shown, f"damaged PDF: PdfiumError: {exc}") from exc
    try:
        total = len(pdf)
        _check_page_count(total, shown, max_pages)
        share = _sharer()
        pages = pdfium_backend.iter_pages(pdf, share)
        for number in itertools.count(1):
            try:
                raw = next(pages, None)
                if raw is None:
                    break
                lines, words, chars = raw.made
            except Exception as exc:
                raise _damaged_page(shown, number, exc) from exc
            yield _PageText(raw.width, raw.height, lines, words, chars, raw.image_share, total)
    finally:
        pdf.close()


BACKENDS: dict[str, Callable[[bytes, str, int], Generator[_PageText, None, None]]] = {
    "pdfplumber": _pages_pdfplumber,
    "pdfium": _pages_pdfium,
}


def _damaged_page(shown: str, number: int, exc: Exception) -> BadDocumentError:
    return BadDocumentError(shown, f"damaged page: {type(exc).__name__}: {exc}", page=number)


def _from_pdf(data: bytes, shown: str, sha: str, options: ExtractOptions) -> ExtractedDocument:
    from . import ocr, textlayer

    use_ocr = options.ocr and ocr.ocr_available()
    page_lines: list[list[Line]] = []
    pages: list[Page] = []
    reads = BACKENDS[options.extractor](data, shown, options.max_pages)
    with contextlib.closing(reads):  # closes the PDF on errors too
        for number, read in enumerate(reads, start=1):
            _check_page_area(read, number, shown, options.max_page_area)
            if number % PROGRESS_PAGES == 0:
                log.info("extract: page %d/%d of %s", number, read.total, shown)
            lines, words, chars = read.lines, read.words, read.chars
            if any(CONTROL_RE.search(ln.text) for ln in lines):  # NULs and other controls some text layers carry
                lines = [Line(CONTROL_RE.sub("", ln.text), ln.top, ln.bottom, ln.x0, ln.bold) for ln in lines]
                lines = [ln for ln in lines if ln.text.strip()]
            try:
                text = "\n".join(ln.text for ln in lines)
                quality = textlayer.page_quality(text)
                page = Page(
                    number=number, width=round(read.width, 2), height=round(read.height, 2),
                    char_count=chars, has_text=chars >= MIN_TEXT_CHARS,
                    quality=quality.verdict if chars >= MIN_TEXT_CHARS else "none",
                )
                if use_ocr and (textlayer.needs_ocr(text, read.image_share()) or quality.doubtful):
                    found = ocr.ocr_page(data, number - 1, dpi=options.ocr_dpi,
                                         max_pixels=options.max_render_mpx * 1_000_000)
                    if not quality.doubtful or textlayer.prefer_ocr(text, ocr.lines_text(found)):
                        lines = [Line(o.text, o.top, o.bottom, o.x0, False) for o in found]
                        words = [Word(w.text, round(w.x0, 2), round(w.top, 2), round(w.x1, 2), round(w.bottom, 2))
                                 for o in found for w in o.words]
                        page.ocr = True
                        page.char_count = sum(len(ln.text.replace(" ", "")) for ln in lines)
                        page.has_text = page.char_count >= MIN_TEXT_CHARS
                if not page.ocr and quality.verdict == "repairable":
                    lines = [Line(textlayer.repair_ligatures(ln.text), ln.top, ln.bottom, ln.x0, ln.bold) for ln in lines]
                    words = [Word(textlayer.repair_ligatures(w.text), w.x0, w.top, w.x1, w.bottom) for w in words]
            except ocr.RenderLimitError as exc:
                raise BadDocumentError(shown, exc.reason, exc.hint, page=number) from exc
            except ocr.OcrError as exc:
                raise BadDocumentError(shown, f"OCR failed: {exc.reason}", exc.hint, page=number) from exc
            except Exception as exc:
                raise _damaged_page(shown, number, exc) from exc
            page.words = words
            page_lines.append(lines)
            pages.append(page)
    if not pages:
        raise BadDocumentError(shown, "PDF has no pages")
    if not any(p.has_text for p in pages):
        hint = (
            "install tesseract-ocr and tesseract-ocr-swe to OCR it" if options.ocr and not use_ocr
            else "OCR is switched off by --no-ocr" if not options.ocr else "OCR found no text either"
        )
        raise BadDocumentError(shown, f"no text layer on any of its {len(pages)} page(s) (scanned PDF)", hint)
    _remove_running_lines(pages, page_lines)
    text, spans, bold = _join_pages(pages, page_lines)
    return ExtractedDocument(
        path=shown, sha256=sha, size=len(data), page_count=len(pages), text=text,
        spans=spans, pages=pages, bold_lines=bold, extractor=options.extractor,
    )


POINTS_PER_METRE = 72 / 0.0254


def _check_page_area(read: _PageText, number: int, shown: str, max_area: float) -> None:
    """Fail a page larger than ``max_area`` square metres: no protocol is printed on one, and OCR
    would have to render it (a 200-inch page at 300 dpi is 3.6 billion pixels)."""
    width, height = read.width / POINTS_PER_METRE, read.height / POINTS_PER_METRE
    if width * height > max_area:
        raise BadDocumentError(
            shown, f"page is {width:.2f} × {height:.2f} m ({width * height:.1f} m²), larger than the limit of {max_area:g} m²",
            "raise --max-page-area", page=number)


def _sharer() -> Callable[[Any], Any]:
    """A function giving one object per distinct value, for the words of one document.

    A document keeps every word with its box (``Page.words``): on a 2,000-page
    protocol 1.5 million words, most of whose texts ("och", "§") and coordinates
    (the line's top and bottom) repeat. Sharing them halves what the words take.
    Zero is left alone: 0.0 and -0.0 are equal as keys but not written alike.

    The function is the pool's own ``__getitem__`` (``_Pool``): a value seen before is
    answered in C, without a Python call per word; only a new value reaches ``__missing__``.
    """
    return _Pool().__getitem__


class _Pool(dict[Any, Any]):
    """``_sharer``'s pool: ``pool[value]`` is the first object equal to ``value``.

    The same as ``pool.setdefault(value, value) if value else value`` for the values shared
    (str and float): a falsy one ("", 0.0, -0.0) is never stored and no stored truthy str or
    float equals it, so it always misses and comes back as it is.
    """

    def __missing__(self, value: Any) -> Any:
        if value:
            self[value] = value
        return value


def _lines_of(raw: list[dict[str, Any]], share: Callable[[Any], Any] = lambda v: v
              ) -> tuple[list[Line], list[Word], int]:
    """Text lines in pdfplumber's ``extract_text_lines`` shape -> lines, words with boxes, count of non-blank chars.

    A char dict has ``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``size`` and ``bold``.
    pdfplumber lists a char once per letter of its text (a ``(cid:NN)`` glyph or
    a ligature several times); it is counted, and put into a word, once. ``share``
    (``_sharer``) lets the words of a document share equal texts and coordinates.
    """
    lines: list[Line] = []
    words: list[Word] = []
    count = 0
    for item in raw:
        chars = distinct_chars(item["chars"])
        text = CID_BULLET_RE.sub("• ", item["text"].translate(PUA_BULLETS)).strip()
        visible = [c for c in chars if not c["text"].isspace()]
        count += len(visible)
        if not text:
            continue
        bold = sum(bool(c["bold"]) for c in visible) > len(visible) / 2
        line_words = _words_of(chars, share)
        text = _mark_columns(text, line_words)
        lines.append(Line(text, float(item["top"]), float(item["bottom"]), float(item["x0"]), bold))
        words.extend(line_words)
    return lines, words, count


CHAR_WIDTH = 5.0  # points per character of a pdftotext -layout text
LAYOUT_GAP_RE = re.compile(r"(?<=\S) {3,}(?=\S)")
COLUMN_GAP = 24.0  # points: a gap this wide inside a line separates columns (label | value, table cells)


def _mark_columns(text: str, words: list[Word]) -> str:
    """Replace the space between two columns of a line with a tab.

    A two-column cover page ("Beslutande" left, names right) comes out of the
    PDF as one line per baseline; the tab keeps label and value apart. The
    line is left alone unless its words match the spaces of its text one to one.
    """
    gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:], strict=False)]
    if not any(g >= COLUMN_GAP for g in gaps):
        return text
    parts = text.split(" ")
    if len(parts) != len(words):
        return text
    out = parts[0]
    for gap, part in zip(gaps, parts[1:], strict=True):
        out += ("\t" if gap >= COLUMN_GAP else " ") + part
    return out


def distinct_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chars without the repeats pdfplumber's text map makes of a multi-letter char."""
    out: list[dict[str, Any]] = []
    for c in chars:
        if not out or out[-1] is not c:
            out.append(c)
    return out


def _words_of(chars: list[dict[str, Any]], share: Callable[[Any], Any] = lambda v: v) -> list[Word]:
    """Split a line's characters into words at spaces and at visible gaps."""
    words: list[Word] = []
    current: list[dict[str, Any]] = []
    for c in chars:
        if c["text"].isspace():
            if current:
                words.append(_word(current, share))
                current = []
            continue
        if current and c["x0"] - current[-1]["x1"] > 0.15 * max(c.get("size", 10), 1):
            words.append(_word(current, share))
            current = []
        current.append(c)
    if current:
        words.append(_word(current, share))
    return words


def _word(chars: list[dict[str, Any]], share: Callable[[Any], Any]) -> Word:
    """One word from its characters: the text and the box around them, rounded to 0.01 pt."""
    if len(chars) == 1:
        c = chars[0]
        return Word(share(c["text"].translate(PUA_BULLETS)), share(round(c["x0"], 2)), share(round(c["top"], 2)),
                    share(round(c["x1"], 2)), share(round(c["bottom"], 2)))
    text = "".join([c["text"] for c in chars]).translate(PUA_BULLETS)
    return Word(share(text), share(round(chars[0]["x0"], 2)), share(round(min([c["top"] for c in chars]), 2)),
                share(round(chars[-1]["x1"], 2)), share(round(max([c["bottom"] for c in chars]), 2)))


NUMBER_RUN_RE = re.compile(r"[\d.,:;/()\-–]*\d[\d.,:;/()\-–]*")
SPACES_RE = re.compile(r"\s+")
NUMBERS_RE = re.compile(r"#(\s*#)+")


@functools.lru_cache(maxsize=4096)
def _line_key(text: str) -> str:
    """Normalise a line for repetition counting: case, digits and spacing do not matter.

    Remembered (a pure function of the text): the furniture search asks for the key of
    most lines twice, as a line (``_shape_key``) and as a cell (``_furniture_key``).
    """
    key = NUMBER_RUN_RE.sub("#", text.lower().replace("§", " "))
    return NUMBERS_RE.sub("#", SPACES_RE.sub(" ", key)).strip()


def _digit_groups(texts: list[str]) -> int:
    """How many groups of digits most of these lines have."""
    return Counter(len(re.findall(r"\d+", t)) for t in texts).most_common(1)[0][0]


def _is_running(texts: list[str], need: int) -> bool:
    """Whether the occurrences of one normalised line make a running header or footer.

    It must stand on ``need`` pages, and at most one group of digits may vary
    between them (a page number, or the § of the page in "Protokoll 39 §
    15.09.2022"); an item heading or a case number varies in several.
    """
    if len(texts) < need:
        return False
    groups = [re.findall(r"\d+", t) for t in texts]
    # the shape most pages print decides: a page or two may lack the § ("Protokoll 15.09.2022
    # Sida" on the appeal pages, "Protokoll 43 § 15.09.2022 Sida" elsewhere)
    size, count = Counter(len(g) for g in groups).most_common(1)[0]
    groups = [g for g in groups if len(g) == size]
    if count < need or count < 0.6 * len(texts):
        return False
    varying = sum(len({g[k] for g in groups}) > 1 for k in range(size))
    return varying <= 1


def _remove_running_lines(pages: list[Page], page_lines: list[list[Line]]) -> None:
    """Move lines repeated at the top or bottom of many pages to ``Page.header`` / ``Page.footer``.

    A line counts as running when its normalised text sits in the top (bottom)
    zone of at least ``need`` pages. It is removed only as part of a whole block
    of running lines at the very top (bottom) of a page, so that a case number
    printed just above an item heading, which repeats in shape from item to
    item, stays in the text. Pages without geometry (text files, width 0) use
    the line order alone.
    """
    text_pages = [i for i, p in enumerate(pages) if p.has_text]
    heights = [ln.bottom - ln.top for i in text_pages for ln in page_lines[i] if ln.bottom > ln.top]
    gap = 1.2 * (statistics.median(heights) if heights else 12.0)

    def zones(i: int) -> tuple[set[int], set[int]]:
        lines, page = page_lines[i], pages[i]
        if not page.width:  # no geometry: the first 4 and the last 2 lines
            return set(range(min(4, len(lines)))), set(range(max(0, len(lines) - 2), len(lines)))
        top = {j for j, ln in enumerate(lines[:ZONE_LINES]) if ln.top < HEADER_ZONE * page.height}
        first = max(0, len(lines) - ZONE_LINES)
        bottom = {j for j, ln in enumerate(lines) if j >= first and ln.bottom > FOOTER_ZONE * page.height}
        return top, bottom

    top_seen: dict[str, list[str]] = defaultdict(list)
    bottom_seen: dict[str, list[str]] = defaultdict(list)
    for i in text_pages:
        top, bottom = zones(i)
        for j in top:
            top_seen[_line_key(page_lines[i][j].text)].append(page_lines[i][j].text)
        for j in bottom:
            bottom_seen[_line_key(page_lines[i][j].text)].append(page_lines[i][j].text)
    need = max(2, min(3, math.ceil(0.5 * len(text_pages))))
    if text_pages and not pages[text_pages[0]].width:
        # without positions, ask for more evidence: on half the pages (a voting list in an
        # appendix repeats its first names at the top of a few pages too)
        need = max(2, math.ceil(0.5 * len(text_pages)))
    # a running key and the number of digit groups its lines have: "Personalsektionen 45" (the
    # page) is furniture, "Personalsektionen 29.5.2023, 32 §" of the same shape in letters is not
    top_running = {k: _digit_groups(texts) for k, texts in top_seen.items() if _is_running(texts, need)}
    bottom_running = {k: _digit_groups(texts) for k, texts in bottom_seen.items() if _is_running(texts, need)}
    page_no = re.compile(r"^(sida )?#( av #)?$")

    def running(ln: Line, keys: dict[str, int]) -> bool:
        key = _line_key(ln.text)
        if page_no.match(key):
            return True
        # fewer numbers than the header's shape is the header without its § ("Protokoll 15.09.2022 Sida")
        return key in keys and len(re.findall(r"\d+", ln.text)) <= keys[key]

    short = len(text_pages) < SHORT_DOCUMENT_PAGES

    def furniture(ln: Line, j: int, zone: set[int], keys: dict[str, int]) -> bool:
        if j not in zone:
            return False
        return running(ln, keys) or (short and all(_looks_like_furniture(c) for c in ln.text.split("\t")))

    removed: dict[str, set[int]] = defaultdict(set)  # furniture text -> pages it was removed from
    for i in text_pages:
        top, bottom = zones(i)
        numbered = list(enumerate(page_lines[i]))
        blocks: list[list[tuple[int, Line]]] = []
        for j, ln in numbered:
            if blocks and ln.top - blocks[-1][-1][1].bottom <= gap:
                blocks[-1].append((j, ln))
            else:
                blocks.append([(j, ln)])
        while blocks and all(furniture(ln, j, top, top_running) for j, ln in blocks[0]):
            pages[i].header.extend(ln.text for _, ln in blocks.pop(0))
        # a header set so close to the text that they make one block: its leading running lines
        # go, never a case number or an item heading (those repeat in shape from item to item)
        while blocks and len(blocks[0]) > 1 and furniture(blocks[0][0][1], blocks[0][0][0], top, top_running) \
                and not _protected(blocks[0][0][1].text):
            pages[i].header.append(blocks[0].pop(0)[1].text)
        footer: list[str] = []
        while blocks and all(furniture(ln, j, bottom, bottom_running) for j, ln in blocks[-1]):
            footer[:0] = [ln.text for _, ln in blocks.pop()]
        while blocks and len(blocks[-1]) > 1 and furniture(blocks[-1][-1][1], blocks[-1][-1][0], bottom, bottom_running) \
                and not _protected(blocks[-1][-1][1].text):
            footer.insert(0, blocks[-1].pop()[1].text)
        pages[i].footer = footer
        page_lines[i] = [ln for block in blocks for _, ln in block]
        for text in pages[i].header + footer:
            for cell in text.split("\t"):
                removed[_furniture_key(cell)].add(i)
            if len(text.split("\t")) == 1 and re.search(r"\d", text) and re.search(r"[^\W\d_]{3}", text):
                removed[_shape_key(text)].add(i)  # "Protokoll 40 § 15.09.2022 Sida": § varies
    _remove_ocr_running_lines(pages, page_lines, gap)
    strong = {key for key, on in removed.items() if key and len(on) >= need}
    # the first page is the cover: there a repeated text is a label or a value ("Sammanträdesdatum
    # 2023-05-12"), so only page numbers go; elsewhere every repeated header/footer text goes
    numbers = {key for key in strong if "#" in key and not key.startswith(KEY_PREFIX)}
    for i in text_pages:
        page_lines[i] = _without_furniture(pages[i], page_lines[i], strong if i != text_pages[0] else numbers)
    _remove_repeated_blocks(pages, page_lines)


REPEATED_BLOCK_MIN = 3  # a block of lines printed this often is the running header, wherever it stands
BLOCK_FURNITURE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|\bprotokoll\b|\bsida\b|\bsammanträdesdatum\b|\bjusterandes\b|"
    r"\butdragsbestyrkande\b",
    re.IGNORECASE,
)


# the title a running header carries: a body or an organisation (never a section heading)
HEADER_TITLE_RE = re.compile(
    r"^[A-ZÅÄÖ][\wåäöÅÄÖ -]*(?:nämnd|styrelse|fullmäktige|utskott|sektion|delegation|direktion|presidium|"
    r"kommun|stad|region)(?:en|et|ens|s|e|n)?$|^Region [A-ZÅÄÖ]\w+$",
    re.IGNORECASE,
)


def _remove_repeated_blocks(pages: list[Page], page_lines: list[list[Line]]) -> None:
    """Remove a block of 2–4 short lines that recurs at least ``REPEATED_BLOCK_MIN`` times and
    names a date, a page or the protocol (``Protokoll nr 8`` / ``Sammanträdesdatum: 2026-04-22``),
    wherever the text layer puts it: a text without page breaks keeps its running header where
    the pages broke. A short title line standing alone next to most of those blocks (the body,
    ``Kommunstyrelsen``) goes with them."""
    seq = [(i, j, " ".join(ln.text.split())) for i, lines in enumerate(page_lines) for j, ln in enumerate(lines)]
    marked: set[tuple[int, int]] = set()
    texts = [t for _, _, t in seq]
    for n in (4, 3, 2):
        # blocks[k] is the n lines from seq[k] on: tuple(texts[k : k + n]), built by zip
        blocks = list(zip(*(texts[s:] for s in range(n)), strict=False))
        # whether a block recurs and is furniture depends on its lines only: asked once per
        # distinct block; whether its lines are already taken, at each place it stands
        furniture = {block for block, count in Counter(blocks).items()
                     if count >= REPEATED_BLOCK_MIN and _furniture_block(block)}
        for k, block in enumerate(blocks):
            if block in furniture and not any((i, j) in marked for i, j, _ in seq[k : k + n]):
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


def _furniture_block(block: tuple[str, ...]) -> bool:
    """Whether every line of a repeated block names the protocol, a date, a page, the body or
    the organisation, and at least one the protocol, a date or a page."""
    if not any(BLOCK_FURNITURE_RE.search(t) for t in block):
        return False
    return not any(len(t.split()) > 8 or _protected(t) or not (BLOCK_FURNITURE_RE.search(t) or HEADER_TITLE_RE.search(t))
                   for t in block)


def _stands_alone(page_lines: list[list[Line]], seq: list[tuple[int, int, str]], k: int) -> bool:
    """Whether the line ``seq[k]`` has a blank line above and below it (a gap of more than a line)."""
    i, j, _ = seq[k]
    lines = page_lines[i]
    ln = lines[j]
    height = max(ln.bottom - ln.top, 1.0)
    above = j == 0 or ln.top - lines[j - 1].bottom > 0.8 * height
    below = j + 1 == len(lines) or lines[j + 1].top - ln.bottom > 0.8 * height
    return above and below


SHORT_DOCUMENT_PAGES = 4  # below this, repetition is too weak a signal: furniture is also known by its shape
FURNITURE_RE = re.compile(
    r"^(?:sida\s*\d+(?:\s*(?:av|\(|/)\s*\d+\)?)?|\d+\s*\(\d+\)|\d+\s+av\s+\d+|"
    r"justerandes?\s+sign(?:atur)?|justerare|justerande|utdragsbestyrkande|ordförandes\s+sign(?:atur)?|"
    r"sammanträdesprotokoll|protokoll|protokollsutdrag|utdrag\s+ur\s+protokoll(?:et)?|"
    r"sammanträdesdatum:?(?:\s+\d{4}-\d{2}-\d{2})?|\d{4}-\d{2}-\d{2}|"
    r"[A-ZÅÄÖ][\wåäö-]+\s+(?:kommun|stad|Stad)|Region\s+[A-ZÅÄÖ][\wåäö-]+)$",
    re.IGNORECASE,
)
FURNITURE_UPPER_RE = re.compile(r"^[A-ZÅÄÖ][A-ZÅÄÖ -]{3,60}$")


def _looks_like_furniture(text: str) -> bool:
    """A header/footer line known by its shape: a page number, a signature box label, the word
    Protokoll, a date, the organisation, or a title in capitals (``KOMMUNSTYRELSEN``)."""
    text = " ".join(text.split())
    if not text:
        return True
    if FURNITURE_UPPER_RE.match(text):
        return text.isupper() and len(text.split()) <= 4
    return bool(FURNITURE_RE.match(text))


PAGE_NUMBER_KEY_RE = re.compile(r"^(?:sida )?#(?: av #| \(#\))?$")


def _furniture_key(text: str) -> str:
    """What identifies a removed header/footer cell wherever the text layer puts it: the text
    itself, or with its digits generalised when it is a page number ("Sida 3 av 17")."""
    text = " ".join(text.split())
    key = _line_key(text)
    if PAGE_NUMBER_KEY_RE.match(key) and key != "#":
        return key
    return text  # case kept: "SOCIALNÄMNDEN" in the header is not "Socialnämnden" in a list


ASCII_NUMBER_RE = re.compile(r"[0-9]+")
KEY_PREFIX = "\x00key:"  # a removed line known by its digit-free shape (_line_key), not its text


def _shape_key(text: str) -> str:
    """A line known by its letters and how many numbers it has, not by the numbers themselves."""
    return f"{KEY_PREFIX}{len(ASCII_NUMBER_RE.findall(text))}:{_line_key(text)}"


def _protected(text: str) -> bool:
    """A case number or an item heading: never taken for running furniture by its shape."""
    from .values import case_number

    t = " ".join(text.split())
    return bool(case_number(t) or re.match(r"^(?:[A-ZÅÄÖ]{1,5}\s+)?§\s?\d|^\d{1,4}\s?§", t))


def _after_removed(kept: list[Line], ln: Line) -> Line:
    """The line after removed furniture: when the sentence the header interrupted goes on, the
    gap the header left is closed, so that joining the page keeps one paragraph."""
    if not kept or kept[-1].text.endswith(SENTENCE_END):
        return ln
    height = ln.bottom - ln.top
    return Line(ln.text, kept[-1].bottom + 1.0, kept[-1].bottom + 1.0 + height, ln.x0, ln.bold)


def _without_furniture(page: Page, lines: list[Line], strong: set[str]) -> list[Line]:
    """Drop header/footer lines (or tab-separated cells of a line) that the text layer put
    in the middle of the page: text that was removed as furniture on at least ``need`` pages."""
    kept: list[Line] = []
    cut = False  # furniture was removed since the last kept line
    untouched = _furniture_probe(frozenset(strong))
    for ln in lines:
        if not cut and untouched(ln.text):
            kept.append(ln)  # what the code below does with a line none of whose keys is in ``strong``
            continue
        if cut:
            ln = _after_removed(kept, ln)
        cells = ln.text.split("\t")
        if _shape_key(ln.text) in strong and not _protected(ln.text):
            cells, rest = cells, []  # the whole line has the shape of a removed header line
        else:
            rest = [c for c in cells if _furniture_key(c) not in strong]
        cut = cut and len(rest) == 0
        if len(rest) == len(cells):
            # the header word printed just after the text on one baseline, without a column gap
            # ("Mark- och exploateringsavdelningen Sammanträdesdatum"); words only, never a date
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


@functools.lru_cache(maxsize=64)
def _furniture_probe(strong: frozenset[str]) -> Callable[[str], bool]:
    """A quick test that ``_without_furniture`` leaves a line alone: True only when no key it asks of
    the line (``_shape_key`` of the line, ``_furniture_key`` of each cell, the last word) is in ``strong``.

    Working out those keys for every line of the body was most of the search's time. Each key
    in ``strong`` leaves a trace in the text of a line that has it: its first word (a cell's own
    text, normalised, or the last word); and, for a key that is a ``_line_key`` (the part of a
    shape key after its count, a page-number key), the first of its words without ``#`` in the
    lower-cased text (such a word is a whole word of it, untouched by the key's normalising), or,
    when all its words have a ``#``, a digit or a ``#``. A line holding none of these traces has
    none of the keys (``tests/test_extract_fastpaths.py``).
    """
    if not strong:
        return lambda text: True
    traces: set[str] = set()
    lowered: set[str] = set()
    numbers = False
    for key in strong:
        words = key.split()
        if not words:
            return lambda text: False  # no trace to look for: every line is asked in full
        traces.add(words[0])
        line_key = (key[len(KEY_PREFIX):].partition(":")[2] if key.startswith(KEY_PREFIX)
                    else key if PAGE_NUMBER_KEY_RE.match(key) else None)
        if line_key is not None:
            plain = [w for w in line_key.split(" ") if w and "#" not in w]
            if plain:
                lowered.add(plain[0])
            else:
                numbers = True
    found = re.compile("|".join([re.escape(t) for t in sorted(traces)] + ([r"[\d#]"] if numbers else []))).search
    if not lowered:
        return lambda text: found(text) is None
    found_lower = re.compile("|".join(re.escape(t) for t in sorted(lowered))).search
    return lambda text: found(text) is None and found_lower(text.lower()) is None


def _fuzzy_key(text: str) -> str:
    """A line's words of three letters or more, upper case: OCR noise around a logo falls away."""
    return " ".join(w for w in re.findall(r"[^\W\d_]+", text.upper()) if len(w) >= 3)


def _remove_ocr_running_lines(pages: list[Page], page_lines: list[list[Line]], gap: float) -> None:
    """On OCR'd pages, also remove a top block that is a running header read with OCR noise.

    OCR reads a letterhead differently from page to page ("SE NYKARLEBY", "ÖR NYKARLEBY",
    "= / NYKARLEBY", "CZ VUSIKAARLEPYY", "& j UUSIKAARLEPYY"), so the repetition count
    above misses some of its copies. A top block of an OCR'd page goes to the header when
    each of its lines is either noise (no word of three letters) or close to a header
    line already found on another page (difflib ratio >= 0.8 on ``_fuzzy_key``), and at
    least one line is such a match. Text-layer pages are left as they were.
    """
    refs = {(key, len(re.findall(r"\d+", h))) for p in pages for h in p.header if len(key := _fuzzy_key(h)) >= 5}
    if not refs:
        return

    def matches(text: str) -> bool | None:
        key = _fuzzy_key(text)
        if not key:
            return None  # noise
        # the same words with as many numbers: "Personalsektionen 45" is the header,
        # "Personalsektionen 29.5.2023, 32 §" (a handling round) is text
        groups = len(re.findall(r"\d+", text))
        return any(difflib.SequenceMatcher(None, key, r).ratio() >= 0.8 and n == groups for r, n in refs)

    for i, page in enumerate(pages):
        lines = page_lines[i]
        if not page.ocr or not page.height or not lines:
            continue
        removed, matched = 0, False
        k = 0
        while k < len(lines) and lines[k].top < HEADER_ZONE * page.height:
            # a block: lines no further apart than ``gap``
            end = k + 1
            while end < len(lines) and lines[end].top - lines[end - 1].bottom <= gap:
                end += 1
            verdicts = [matches(ln.text) for ln in lines[k:end]]
            if any(v is False for v in verdicts):
                break
            matched = matched or any(verdicts)
            k = end
            if matched:
                removed = k
        if removed:
            page.header.extend(ln.text for ln in lines[:removed])
            page_lines[i] = lines[removed:]


def _join_pages(pages: list[Page], page_lines: list[list[Line]]) -> tuple[str, list[PageSpan], list[int]]:
    """Join the kept lines of all pages into one text with paragraphs, a page map and bold-line offsets."""
    heights = [ln.bottom - ln.top for lines in page_lines for ln in lines if ln.bottom > ln.top]
    line_height = statistics.median(heights) if heights else 12.0
    parts: list[str] = []
    spans: list[PageSpan] = []
    bold: list[int] = []
    length = 0
    prev: Line | None = None
    pending_break = False
    seen = ""  # all text so far without whitespace, to recognise repeated link lines
    for page, lines in zip(pages, page_lines, strict=True):
        page_start: int | None = None
        for ln in lines:
            text = ln.text
            squashed = "".join(text.split())  # re's \s and str.split's white space are the same characters
            if SEPARATOR_RE.match(text):
                pending_break = prev is not None  # a rule line (______) only separates paragraphs
                continue
            if URL_RE.match(text) and squashed in seen:
                continue  # a link annotation repeated as text
            seen += squashed
            if prev is None:
                sep = ""
            elif pending_break:
                sep = "\n\n"
            elif page_start is None:
                sep = _page_break_separator(prev.text, text)
            elif ln.top - prev.bottom > 0.8 * line_height:
                sep = "\n\n"
            else:
                sep = "\n"
            if sep == "\n":
                hyphen = _dehyphenate(prev.text if prev else "", text)
                if hyphen == "join":
                    parts[-1] = parts[-1][:-1]
                    length -= 1
                    sep = ""
                elif hyphen == "keep":
                    sep = ""
            parts.append(sep)
            length += len(sep)
            if page_start is None:
                page_start = length
            if ln.bold:
                bold.append(length)
            parts.append(text)
            length += len(text)
            prev = ln
            pending_break = False
        if page_start is not None:
            spans.append(PageSpan(page.number, page_start, length))
    return "".join(parts), spans, bold


def _page_break_separator(before: str, after: str) -> str:
    """A page break continues the paragraph unless the text before it ended a sentence."""
    if not before:
        return "\n\n"
    if before.endswith(SENTENCE_END) or after.startswith(("§", "•")) or re.match(r"^\d+\s*§", after):
        return "\n\n"
    if len(before.split()) <= 4 and not before.endswith(","):
        return "\n\n"  # a heading or list line at the bottom of the page
    return "\n"


HYPHEN_END_RE = re.compile(r"(\w)-$")


def _dehyphenate(before: str, after: str) -> str | None:
    """Whether a line ending in a hyphen continues its word on the next line.

    "join" drops the hyphen ("lag-" + "ligt"), "keep" keeps it without a space
    ("EU-" + "projekt", "Mona-" + "Lisa"); None leaves the line break ("hälso- och").
    """
    if not before.endswith(("-", "-\n")):  # what ``(\w)-$`` needs; most lines end otherwise
        return None
    m = HYPHEN_END_RE.search(before)
    if not m or not after:
        return None
    nxt = after.split()[0]
    if nxt.lower() in HYPHEN_KEEP_NEXT or not nxt[0].isalpha():
        return None
    if m.group(1).isupper() or m.group(1).isdigit() or nxt[0].isupper():
        return "keep"
    return "join"


def _from_text(data: bytes, shown: str, sha: str) -> ExtractedDocument:
    """A pdftotext-style text file: form feeds separate pages, blank lines separate paragraphs.

    Lines get synthetic positions (one line = 14 pt, a blank line a gap), so running
    headers and footers are found and paragraphs joined exactly as for a PDF.
    """
    if not data.strip():
        raise BadDocumentError(shown, "empty text file")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raw = data.decode("latin-1")
    pages: list[Page] = []
    page_lines: list[list[Line]] = []
    for number, page_text in enumerate(raw.replace("\r\n", "\n").split("\f"), start=1):
        lines: list[Line] = []
        words: list[Word] = []
        y = 0.0
        for row in page_text.strip("\n").split("\n"):
            row = CID_BULLET_RE.sub("• ", row.translate(PUA_BULLETS))
            text = LAYOUT_GAP_RE.sub("\t", row.strip())  # pdftotext -layout: a wide gap separates columns
            if text:
                lines.append(Line(text, y, y + 12.0, 0.0, False))
                # words at their columns (one character = CHAR_WIDTH pt): a table's X marks keep
                # the column they stand in (pipeline/tables.py)
                words.extend(Word(m.group(), m.start() * CHAR_WIDTH, y, m.end() * CHAR_WIDTH, y + 12.0)
                             for m in re.finditer(r"\S+", row))
            y += 14.0
        count = sum(len(ln.text.replace(" ", "")) for ln in lines)
        page = Page(number, 0.0, y + 14.0, count, count > 0)
        if any("\t" in ln.text for ln in lines):
            page.words = words  # a layout page (columns); running text needs no positions
        pages.append(page)
        page_lines.append(lines)
    _remove_running_lines(pages, page_lines)
    text, spans, _bold = _join_pages(pages, page_lines)
    return ExtractedDocument(
        path=shown, sha256=sha, size=len(data), page_count=len(pages), text=text,
        spans=spans, pages=pages, extractor="text",
    )
