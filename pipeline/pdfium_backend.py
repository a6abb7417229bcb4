"""The fast text backend: PDF pages read with pypdfium2 into the text lines pdfplumber would give.

pdfplumber (through pdfminer) lays out every page in Python, about 6 pages/s
on protocol pages; PDFium does the parsing in C. This module asks PDFium for
each character (its text, baseline origin, advance and font) and rebuilds what
``pdfplumber.Page.extract_text_lines(layout=False, strip=True, return_chars=True)``
returns, with pdfminer's geometry, so ``extract.py`` treats both alike:

* a character box is pdfminer's, not PDFium's: from the baseline down by the
  font's descent and up by the font size (pdfminer uses the AFM metrics for
  the 14 standard fonts and the font descriptor otherwise, and so does this);
* characters are grouped into lines by ``top`` (3 pt tolerance), sorted left to
  right, split into words at white space and at gaps over 3 pt, and the words of
  a line joined by one space, as pdfplumber's ``WordExtractor`` and ``TextMap`` do;
* spaces and line breaks PDFium invents (``FPDFText_IsGenerated``) are dropped,
  since pdfplumber only sees the characters in the content stream;
* a glyph without a Unicode mapping becomes ``(cid:NN)``, as in pdfminer.

Only the PDFium calls live here; ``extract.py`` turns the lines into ``Line`` and
``Word`` objects for both backends. One page is open at a time.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

log = logging.getLogger(__name__)

X_TOLERANCE = 3.0  # pdfplumber's defaults: a larger gap starts a new word ...
Y_TOLERANCE = 3.0  # ... and tops closer than this are one line
BOLD_WEIGHT = 600
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}  # as pdfplumber
GENERATED_CANDIDATES = frozenset((0x20, 0x0D, 0x0A, 0x02, 0xFFFE))  # what PDFium may insert on its own


class OpenError(Exception):
    """PDFium could not open the document; ``encrypted`` says whether a password is missing."""

    def __init__(self, message: str, encrypted: bool):
        super().__init__(message)
        self.encrypted = encrypted


@dataclass
class RawPage:
    """One page as text lines in pdfplumber's shape, with the page size (rotation applied)."""

    width: float
    height: float
    lines: list[dict[str, Any]]
    image_share: Callable[[], float]  # valid only until the next page is read


def open_document(data: bytes) -> Any:
    """A ``pypdfium2.PdfDocument`` over ``data``; ``OpenError`` when PDFium refuses it."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        encrypted = getattr(exc, "err_code", None) in (c.FPDF_ERR_PASSWORD, c.FPDF_ERR_SECURITY)
        raise OpenError(str(exc), encrypted) from exc


def iter_pages(pdf: Any) -> Iterator[RawPage]:
    """Read the pages of an open document one at a time; each page is closed when the next is asked for."""
    fonts: dict[int, tuple[str, bool, float]] = {}  # font handle -> (name, bold, descent per unit of size)
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = None
        try:
            textpage = page.get_textpage()
            width, height, ctm = _page_frame(page)
            chars = _chars(textpage, ctm, height, fonts)
            yield RawPage(width, height, text_lines(chars), lambda: _image_share(page))
        finally:
            if textpage is not None:
                textpage.close()
            page.close()


def _page_frame(page: Any) -> tuple[float, float, tuple[float, ...]]:
    """Page width and height as pdfplumber reports them, and the matrix pdfminer puts the page into."""
    x0, y0, x1, y1 = page.get_mediabox()
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    rotation = page.get_rotation() % 360
    # pdfminer's PDFPageInterpreter.process_page: device space has the origin at the lower left of
    # the page as displayed
    ctm: tuple[float, ...]
    if rotation == 90:
        ctm = (0, -1, 1, 0, -y0, x1)
    elif rotation == 180:
        ctm = (-1, 0, 0, -1, x1, y1)
    elif rotation == 270:
        ctm = (0, 1, -1, 0, y1, -x0)
    else:
        ctm = (1, 0, 0, 1, -x0, -y0)
    if rotation in (90, 270):
        return y1 - y0, x1 - x0, ctm
    return x1 - x0, y1 - y0, ctm


def _font_info(font: Any, cache: dict[int, tuple[str, bool, float]]) -> tuple[str, bool, float]:
    """Name, boldness and descent (negative, per unit of font size) of a PDFium font handle, cached."""
    import pypdfium2.raw as c

    key = ctypes.cast(font, ctypes.c_void_p).value or 0
    found = cache.get(key)
    if found is not None:
        return found
    size = c.FPDFFont_GetBaseFontName(font, None, 0)
    buf = ctypes.create_string_buffer(max(size, 1))
    c.FPDFFont_GetBaseFontName(font, buf, size)
    name = buf.value.decode("latin-1", "replace")
    weight = c.FPDFFont_GetWeight(font)
    bold = weight >= BOLD_WEIGHT or "bold" in name.lower()
    descent = _standard_descent(name)
    if descent is None:
        out = ctypes.c_float()
        descent = out.value / 1000.0 if c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), out) else 0.0
        descent = -abs(descent)  # pdfminer forces a positive /Descent negative
    cache[key] = found = (name, bold, descent)
    return found


def _standard_descent(name: str) -> float | None:
    """pdfminer reads the descent of the 14 standard fonts (and their aliases) from its AFM table."""
    from pdfminer.fontmetrics import FONT_METRICS

    metrics = FONT_METRICS.get(name)
    if metrics is None:
        return None
    return -abs(float(metrics[0].get("Descent", 0))) / 1000.0  # type: ignore[arg-type]


def _chars(textpage: Any, ctm: tuple[float, ...], height: float,
           fonts: dict[int, tuple[str, bool, float]]) -> list[dict[str, Any]]:
    """The page's characters as pdfplumber char dicts (text, x0, x1, top, bottom, size, upright, bold)."""
    import pypdfium2.raw as c

    count = c.FPDFText_CountChars(textpage)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect = c.FS_RECTF()
    matrix = c.FS_MATRIX()
    fsize = ctypes.c_float()
    get_unicode, is_generated, map_error = c.FPDFText_GetUnicode, c.FPDFText_IsGenerated, c.FPDFText_HasUnicodeMapError
    get_origin, get_loose, get_obj = c.FPDFText_GetCharOrigin, c.FPDFText_GetLooseCharBox, c.FPDFText_GetTextObject
    ca, cb, cc, cd, ce, cf = ctm
    objects: dict[int | None, tuple[Any, ...]] = {}
    chars: list[dict[str, Any]] = []
    for i in range(count):
        code = get_unicode(textpage, i)
        if code in GENERATED_CANDIDATES and is_generated(textpage, i):
            continue
        obj = get_obj(textpage, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value
        info = objects.get(key)
        if info is None:
            if not key:
                continue  # a character without a text object is PDFium's own
            name, bold, descent = _font_info(c.FPDFTextObj_GetFont(obj), fonts)
            c.FPDFTextObj_GetFontSize(obj, fsize)
            c.FPDFText_GetMatrix(textpage, i, matrix)
            # the character's matrix in pdfminer's device space (page rotation applied)
            a = matrix.a * ca + matrix.b * cc
            b = matrix.a * cb + matrix.b * cd
            cm = matrix.c * ca + matrix.d * cc
            d = matrix.c * cb + matrix.d * cd
            upright = a * d > 0 and b * cm <= 0
            info = objects[key] = (name, bold, descent * fsize.value, fsize.value, a, b, cm, d, upright,
                                   matrix.a, matrix.b)
        name, bold, desc, size, a, b, cm, d, upright, ua, ub = info
        if map_error(textpage, i):
            text = f"(cid:{code})"
        else:
            text = chr(code) if code < 0x110000 else "\ufffd"
        get_origin(textpage, i, ox, oy)
        get_loose(textpage, i, rect)
        # the advance along the baseline, in text space: PDFium's loose box starts at the origin
        # and runs the glyph's width (scaled by the matrix) along the writing direction
        scale = ua if abs(ua) >= abs(ub) else ub
        adv = ((rect.right - ox.value) if abs(ua) >= abs(ub) else (rect.top - oy.value)) / scale if scale else 0.0
        # baseline origin in device space
        x = ox.value * ca + oy.value * cc + ce
        y = ox.value * cb + oy.value * cd + cf
        # pdfminer's box (0, descent, adv, descent + size) through the character matrix
        xs = (x + a * 0 + cm * desc, x + a * adv + cm * desc, x + cm * (desc + size), x + a * adv + cm * (desc + size))
        ys = (y + b * 0 + d * desc, y + b * adv + d * desc, y + d * (desc + size), y + b * adv + d * (desc + size))
        x0, x1 = min(xs), max(xs)
        y0, y1 = min(ys), max(ys)
        chars.append({
            "text": text, "x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0,
            "size": y1 - y0,  # pdfminer's LTChar.size for a horizontal font
            "upright": upright, "fontname": name, "bold": bold,
        })
    return chars


def _cluster(objs: list[dict[str, Any]], key: Callable[[dict[str, Any]], float], preserve_order: bool
             ) -> list[list[dict[str, Any]]]:
    """pdfplumber's ``cluster_objects``: values within the tolerance of their neighbour form one cluster."""
    values = sorted({key(o) for o in objs})
    ids: dict[float, int] = {}
    current, last = -1, None
    for v in values:
        if last is None or v > last + Y_TOLERANCE:
            current += 1
        ids[v] = current
        last = v
    tagged = [(o, ids[key(o)]) for o in objs]
    if not preserve_order:
        tagged.sort(key=itemgetter(1))
    return [[o for o, _ in group] for _, group in itertools.groupby(tagged, key=itemgetter(1))]


def _words(line: list[dict[str, Any]], upright: bool) -> Iterator[list[dict[str, Any]]]:
    """pdfplumber's ``iter_chars_to_words``: split at white space and at gaps beyond ``X_TOLERANCE``."""
    a_key, b_key, y_key = ("x0", "x1", "top") if upright else ("top", "bottom", "x0")
    word: list[dict[str, Any]] = []
    for ch in line:
        if ch["text"].isspace():
            if word:
                yield word
            word = []
            continue
        if word:
            prev = word[-1]
            if (ch[a_key] < prev[a_key] or ch[a_key] > prev[b_key] + X_TOLERANCE
                    or abs(ch[y_key] - prev[y_key]) > Y_TOLERANCE):
                yield word
                word = [ch]
                continue
        word.append(ch)
    if word:
        yield word


def text_lines(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chars (in content order) -> pdfplumber's ``extract_text_lines(layout=False, strip=True, return_chars=True)``."""
    words: list[list[dict[str, Any]]] = []
    for upright, group in itertools.groupby(chars, key=itemgetter("upright")):
        members = list(group)
        if upright:
            lines = _cluster(members, itemgetter("top"), preserve_order=False)
            sort_key: Callable[[dict[str, Any]], Any] = lambda ch: ch["x0"]  # noqa: E731
        else:  # rotated text reads top to bottom, lines ordered left to right
            lines = _cluster(members, itemgetter("x0"), preserve_order=False)
            sort_key = lambda ch: (ch["top"], ch["bottom"])  # noqa: E731
        for line in lines:
            words.extend(_words(sorted(line, key=sort_key), bool(upright)))
    result: list[dict[str, Any]] = []
    tops = {id(w): min(ch["top"] for ch in w) for w in words}
    for row in _cluster_words(words, tops):
        letters: list[tuple[str, dict[str, Any] | None]] = []
        for k, word in enumerate(row):
            if k:
                letters.append((" ", None))
            for ch in word:
                letters.extend((letter, ch) for letter in LIGATURES.get(ch["text"], ch["text"]))
        start, end = 0, len(letters)
        while start < end and letters[start][0] == " ":
            start += 1
        while end > start and letters[end - 1][0] == " ":
            end -= 1
        if start == end:
            continue
        kept = letters[start:end]
        line_chars = [ch for _, ch in kept if ch is not None]
        result.append({
            "text": "".join(t for t, _ in kept),
            "x0": min(ch["x0"] for ch in line_chars), "top": min(ch["top"] for ch in line_chars),
            "x1": max(ch["x1"] for ch in line_chars), "bottom": max(ch["bottom"] for ch in line_chars),
            "chars": line_chars,
        })
    return result


def _cluster_words(words: list[list[dict[str, Any]]], tops: dict[int, float]) -> list[list[list[dict[str, Any]]]]:
    """Words into text lines by their top, keeping their order (pdfplumber's ``to_textmap(presorted=True)``)."""
    values = sorted(set(tops.values()))
    ids: dict[float, int] = {}
    current, last = -1, None
    for v in values:
        if last is None or v > last + Y_TOLERANCE:
            current += 1
        ids[v] = current
        last = v
    return [list(g) for _, g in itertools.groupby(words, key=lambda w: ids[tops[id(w)]])]


def _image_share(page: Any) -> float:
    """The share (0..1) of the page covered by its largest image, images inside forms included."""
    import pypdfium2.raw as c

    left, bottom, right, top = page.get_mediabox()
    left, right = sorted((left, right))
    bottom, top = sorted((bottom, top))
    area = (right - left) * (top - bottom)
    if area <= 0:
        return 0.0
    best = 0.0
    x0, y0, x1, y1 = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()

    def walk(count: int, get: Callable[[int], Any], depth: int) -> None:
        nonlocal best
        for k in range(count):
            obj = get(k)
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_IMAGE and c.FPDFPageObj_GetBounds(obj, x0, y0, x1, y1):
                # bounds of objects inside a form are already in page space
                w = max(0.0, min(x1.value, right) - max(x0.value, left))
                h = max(0.0, min(y1.value, top) - max(y0.value, bottom))
                best = max(best, w * h / area)
            elif kind == c.FPDF_PAGEOBJ_FORM and depth < 15:
                walk(c.FPDFFormObj_CountObjects(obj), lambda j, o=obj: c.FPDFFormObj_GetObject(o, j), depth + 1)

    walk(c.FPDFPage_CountObjects(page), lambda j: c.FPDFPage_GetObject(page, j), 0)
    return round(best, 3)
