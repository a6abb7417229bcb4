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

A page is read by arrays (``_page_by_arrays``, issue 15): PDFium is asked in
C loops (``map`` over a ctypes function writing into NumPy arrays; the codes of
the whole page in one call), boxes, lines and word breaks are worked out on
whole arrays, and Python runs per word and line, giving the ``Line`` and
``Word`` objects and the character count of ``extract._lines_of`` directly,
2x faster than the char path. Per character PDFium is called without ctypes
argument types and without releasing the GIL (``_bare``), and the word boxes
are rounded on arrays (``round_cents``), each giving exactly what it replaced.
Pages it declines (rotated or skewed text, a glyph
whose text starts with a space) take the char path: one pass over the characters
(``_fast_chars``) makes pdfplumber's char dicts, what depends only on the text
object (font, size, matrix, descent) worked out once per object; a page with a
character without a loose box is read by the general two-pass code (``_chars``,
``_pdfminer_chars``), which gives the same dicts (``tests/test_speed_contract.py``).
Both paths give the same lines and words (``tests/test_extractors.py``).

One page is open at a time.
"""

from __future__ import annotations

import collections
import ctypes
import functools
import itertools
import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

import numpy as np

from .extract import (
    CID_BULLET_RE,
    COLUMN_GAP,
    PUA_BULLETS,
    Line,
    _lines_of,
    _mark_columns,
    distinct_chars,
)
from .types import Word

log = logging.getLogger(__name__)

X_TOLERANCE = 3.0  # pdfplumber's defaults: a larger gap starts a new word ...
Y_TOLERANCE = 3.0  # ... and tops closer than this are one line
BOLD_WEIGHT = 600
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}  # as pdfplumber
LIGATURE_SET = frozenset(LIGATURES)
GENERATED_CANDIDATES = frozenset((0x20, 0x0D, 0x0A))  # what PDFium may insert on its own
DEFAULT_SPACE = 0.25  # a space's advance per unit of font size, for fonts whose spaces were not seen yet
SPACE_SHARE = 0.75  # a gap this share of a space wide, where PDFium generated a space, held a real one

FontInfo = tuple[str, bool, float]


class OpenError(Exception):
    """PDFium could not open the document; ``encrypted`` says whether a password is missing."""

    def __init__(self, message: str, encrypted: bool):
        super().__init__(message)
        self.encrypted = encrypted


@dataclass
class RawPage:
    """One page read: its size (rotation applied), its lines, words and count of visible characters as
    ``extract._lines_of`` makes them (``made``), and, for a page read char by char, the text lines in
    pdfplumber's shape they were made of (``lines``; empty for a page read by arrays)."""

    width: float
    height: float
    made: tuple[list[Line], list[Word], int]
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


def page_count(data: bytes) -> int | None:
    """The number of pages PDFium finds in the page tree (no page is loaded); None when it cannot open the file."""
    try:
        pdf = open_document(data)
    except OpenError:
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def iter_pages(pdf: Any, share: Callable[[Any], Any] = lambda v: v, arrays: bool = True) -> Iterator[RawPage]:
    """Read the pages of an open document one at a time; each page is closed when the next is asked for.

    A page is read by arrays (``_page_by_arrays``) unless it declines or ``arrays``
    is False; then char by char. Both give the same lines and words
    (``tests/test_extractors.py``). ``share`` is ``extract._sharer``'s.
    """
    fonts: dict[int, FontInfo] = {}  # font handle -> (name, bold, descent per unit of size)
    spaces: dict[int, float] = {}  # font handle -> advance of its space per unit of size
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = None
        try:
            textpage = page.get_textpage()
            width, height, ctm = _page_frame(page)
            lines: list[dict[str, Any]] = []
            try:
                if not arrays:
                    raise _Declined
                made = _page_by_arrays(textpage, ctm, height, fonts, spaces, share)
            except _Declined:
                lines = text_lines(_page_chars(textpage, ctm, height, fonts, spaces))
                made = _lines_of(lines, share)
            yield RawPage(width, height, made, lines, functools.partial(_image_share, page))
        finally:
            if textpage is not None:
                textpage.close()
            page.close()


def _page_chars(textpage: Any, ctm: tuple[float, ...], height: float, fonts: dict[int, FontInfo],
                spaces: dict[int, float]) -> list[dict[str, Any]]:
    """The char path: a page's char dicts, in one pass unless it has rotated text."""
    try:
        return _fast_chars(textpage, ctm, height, fonts, spaces)
    except _Rotated:
        return _chars(textpage, ctm, height, fonts, spaces)


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


def _font_info(font: Any, cache: dict[int, FontInfo]) -> FontInfo:
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


class _Rotated(Exception):
    """A character without a loose box (rotated text): the page needs the general path."""


def _fast_chars(textpage: Any, ctm: tuple[float, ...], height: float, fonts: dict[int, FontInfo],
                spaces: dict[int, float]) -> list[dict[str, Any]]:
    """``_chars`` and ``_pdfminer_chars`` in one pass: the same char dicts, for pages without rotated text.

    What depends only on the text object (font, size, matrix in device space,
    descent) is worked out once per object, so a character costs its PDFium
    calls, a few additions and one dict. A space PDFium generated between two
    text objects is decided at the end, when the page has shown its real spaces
    (``spaces``), as the two-pass path does. Raises ``_Rotated`` for a character
    without a loose box (its advance needs the next character).
    """
    import pypdfium2.raw as c

    api = _api()
    tp = _address(ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0)  # ``_bare`` calls
    count = c.FPDFText_CountChars(textpage)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect = c.FS_RECTF()
    at_x, at_y, at_rect = ctypes.byref(ox), ctypes.byref(oy), ctypes.byref(rect)
    get_unicode, is_generated, map_error = api.bare_unicode, api.bare_generated, api.bare_map_error
    get_origin, get_loose, get_obj = api.bare_origin, api.bare_loose, api.bare_object
    ca, cb, cc, cd, ce, cf = ctm
    objects: dict[int, tuple[Any, ...]] = {}
    chars: list[dict[str, Any]] = []
    append = chars.append
    candidates: list[tuple[int, int, float]] = []  # (position in chars, font key, size): generated spaces
    last_key = info_key = 0  # text object of the last char appended, and of ``info``
    last_x = last_y = 0.0
    after_generated = False  # a generated space since the last char: no merging, maybe a dropped space
    info: tuple[Any, ...] = ()
    for i in range(count):
        code = get_unicode(tp, i)
        if code in GENERATED_CANDIDATES and is_generated(tp, i):
            if code == 0x20:
                after_generated = bool(chars)
            continue  # a generated line break: lines are found from positions
        key = get_obj(tp, i)
        if not key:
            continue
        if key != info_key:
            info = objects.get(key) or _object_info(textpage, i, key, fonts, objects, ctm)
            info_key = key
        if code == 0x02:
            text = "-"
        elif map_error(tp, i):
            text = f"(cid:{code})"
        else:
            text = chr(code) if code < 0x110000 else "\ufffd"
        get_origin(tp, i, at_x, at_y)
        x_o, y_o = ox.value, oy.value
        if key == last_key and not after_generated and x_o == last_x and y_o == last_y:
            chars[-1]["text"] += text  # one glyph, several characters (see ``_chars``)
            continue
        name, bold, fs, ua, font_key, a, b, cm, d, c_lo, c_hi, d_lo, d_hi, upright, plain = info
        if not ua or not get_loose(tp, i, at_rect):
            raise _Rotated
        adv = (rect.right - x_o) / ua
        if text == " " and adv and fs > 0:
            spaces.setdefault(font_key, adv / fs)
        x = x_o * ca + y_o * cc + ce
        y = x_o * cb + y_o * cd + cf
        if plain:
            x0, x1 = x, x + a * adv
            if x1 < x0:
                x0, x1 = x1, x0
            y0, y1 = y + d_lo, y + d_hi
            if y1 < y0:
                y0, y1 = y1, y0
        else:
            xa, yb = x + a * adv, y + b * adv
            x0, x1 = min(x + c_lo, xa + c_lo, x + c_hi, xa + c_hi), max(x + c_lo, xa + c_lo, x + c_hi, xa + c_hi)
            y0, y1 = min(y + d_lo, yb + d_lo, y + d_hi, yb + d_hi), max(y + d_lo, yb + d_lo, y + d_hi, yb + d_hi)
        if after_generated and key != last_key:
            candidates.append((len(chars), font_key, fs))
        append({"text": text, "x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0,
                "size": y1 - y0, "upright": upright, "fontname": name, "bold": bold})
        last_key, last_x, last_y, after_generated = key, x_o, y_o, False
    for pos, font_key, fs in reversed(candidates):
        prev, char = chars[pos - 1], chars[pos]
        if _dropped_space(prev, char, spaces.get(font_key, DEFAULT_SPACE) * fs):
            chars.insert(pos, {**prev, "text": " ", "x0": prev["x1"], "x1": char["x0"]})
    return chars


def _object_info(textpage: Any, index: int, key: int, fonts: dict[int, FontInfo],
                 objects: dict[int, tuple[Any, ...]], ctm: tuple[float, ...]) -> tuple[Any, ...]:
    """What ``_fast_chars`` needs of a text object, computed with the same operations as ``_pdfminer_chars``."""
    import pypdfium2.raw as c

    obj = ctypes.cast(key, c.FPDF_PAGEOBJECT)
    font = c.FPDFTextObj_GetFont(obj)
    size, matrix = ctypes.c_float(), c.FS_MATRIX()
    c.FPDFTextObj_GetFontSize(obj, size)
    c.FPDFText_GetMatrix(textpage, index, matrix)
    info = objects[key] = _info_of(_font_info(font, fonts), ctypes.cast(font, ctypes.c_void_p).value or 0,
                                   size.value, (matrix.a, matrix.b, matrix.c, matrix.d), ctm)
    return info


def _info_of(font: FontInfo, font_key: int, fs: float, matrix: tuple[float, ...], ctm: tuple[float, ...]
             ) -> tuple[Any, ...]:
    """A text object's name, bold, size, advance factor, font key, matrix in device space, box offsets,
    upright and unrotated flags: ``_pdfminer_chars``'s operations, done once per object."""
    name, bold, descent = font
    ua, ub, uc, ud = matrix
    ca, cb, cc, cd = ctm[:4]
    a, b = ua * ca + ub * cc, ua * cb + ub * cd
    cm, d = uc * ca + ud * cc, uc * cb + ud * cd
    desc = descent * fs
    return (name, bold, fs, ua if abs(ua) > 1e-6 else 0.0, font_key,
            a, b, cm, d, cm * desc, cm * (desc + fs), d * desc, d * (desc + fs),
            a * d > 0 and b * cm <= 0, b == 0 and cm == 0)


def _chars(textpage: Any, ctm: tuple[float, ...], height: float, fonts: dict[int, FontInfo],
           spaces: dict[int, float]) -> list[dict[str, Any]]:
    """The page's characters as pdfplumber char dicts (text, x0, x1, top, bottom, size, upright, bold).

    ``spaces`` maps a font handle to the advance of its space character (per unit of font
    size), learnt from the real spaces seen so far in the document.
    """
    import pypdfium2.raw as c

    api = _api()
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    count = c.FPDFText_CountChars(textpage)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect = c.FS_RECTF()
    matrix = c.FS_MATRIX()
    fsize = ctypes.c_float()
    get_unicode, is_generated, map_error = api.unicode, api.generated, api.map_error
    get_origin, get_loose, get_obj = api.origin, api.loose, api.text_object
    objects: dict[int, tuple[Any, ...]] = {}
    # [text, text object (None: a generated space), object info, origin x, origin y, advance or None, index]
    found: list[list[Any]] = []
    for i in range(count):
        code = get_unicode(tp, i)
        if code in GENERATED_CANDIDATES and is_generated(tp, i):
            if code == 0x20:
                found.append([" ", None, None, 0.0, 0.0, None, i])
            continue  # a generated line break: lines are found from positions
        key = get_obj(tp, i)
        if not key:
            continue  # a character without a text object is PDFium's own
        info = objects.get(key)
        if info is None:
            obj = ctypes.cast(key, c.FPDF_PAGEOBJECT)
            font = c.FPDFTextObj_GetFont(obj)
            name, bold, descent = _font_info(font, fonts)
            c.FPDFTextObj_GetFontSize(obj, fsize)
            c.FPDFText_GetMatrix(textpage, i, matrix)
            info = objects[key] = (name, bold, descent, fsize.value, matrix.a, matrix.b, matrix.c, matrix.d,
                                   ctypes.cast(font, ctypes.c_void_p).value or 0)
        if code == 0x02:
            text = "-"  # PDFium turns a hyphen at the end of a line into U+0002
        elif map_error(tp, i):
            text = f"(cid:{code})"  # no Unicode mapping: PDFium gives the character code, as pdfminer does
        else:
            text = chr(code) if code < 0x110000 else "\ufffd"
        get_origin(tp, i, ox, oy)
        prev = found[-1] if found else None
        if prev is not None and prev[1] == key and prev[3] == ox.value and prev[4] == oy.value:
            # one glyph mapped to several characters ("ti", "§\0"): PDFium lists each at the same
            # origin, pdfminer gives one char with all of them
            prev[0] += text
            continue
        # the advance in text space: PDFium's loose box runs from the origin along the
        # baseline for the glyph's width times the matrix's ``a`` (zero for rotated text)
        ua = info[4]
        adv = None
        if abs(ua) > 1e-6 and get_loose(tp, i, rect):
            adv = (rect.right - ox.value) / ua
        found.append([text, key, info, ox.value, oy.value, adv, i])
        if text == " " and adv and info[3] > 0:
            spaces.setdefault(info[8], adv / info[3])
    return _pdfminer_chars(textpage, found, ctm, height, spaces)


@functools.cache
def _api() -> SimpleNamespace:
    """The PDFium calls made for every character, typed to take and return plain addresses.

    Through pypdfium2's own prototypes each call converts a wrapper object and
    returns a pointer object; on pages of 3,000 characters that is most of the time.
    The ``bare_`` ones, which both paths use per character, skip the argument
    types too (``_bare``).
    """
    import pypdfium2.raw as c

    def proto(name: str, restype: Any, *argtypes: Any) -> Any:
        return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(getattr(c, name), ctypes.c_void_p).value or 0)

    ptr, num, dbl = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_double)
    return SimpleNamespace(
        unicode=proto("FPDFText_GetUnicode", ctypes.c_uint, ptr, num),
        generated=proto("FPDFText_IsGenerated", num, ptr, num),
        map_error=proto("FPDFText_HasUnicodeMapError", num, ptr, num),
        text_object=proto("FPDFText_GetTextObject", ptr, ptr, num),
        origin=proto("FPDFText_GetCharOrigin", num, ptr, num, dbl, dbl),
        loose=proto("FPDFText_GetLooseCharBox", num, ptr, num, ctypes.POINTER(c.FS_RECTF)),
        # for ``map`` over a page: the results go to addresses in an array, a NULL object is 0
        text=proto("FPDFText_GetText", num, ptr, num, num, ptr),
        font_of=proto("FPDFTextObj_GetFont", ctypes.c_size_t, ptr),
        font_size=proto("FPDFTextObj_GetFontSize", num, ptr, ptr),
        matrix=proto("FPDFText_GetMatrix", num, ptr, num, ptr),
        # the per-character calls of both paths, about half the cost of the typed ones (see ``_bare``)
        bare_unicode=_bare(c.FPDFText_GetUnicode, ctypes.c_uint),
        bare_generated=_bare(c.FPDFText_IsGenerated, num),
        bare_object=_bare(c.FPDFText_GetTextObject, ctypes.c_size_t),
        bare_map_error=_bare(c.FPDFText_HasUnicodeMapError, num),
        bare_origin=_bare(c.FPDFText_GetCharOrigin, num),
        bare_loose=_bare(c.FPDFText_GetLooseCharBox, num),
    )


def _bare(function: Any, restype: Any) -> Any:
    """A PDFium function for calls with ready-made arguments: without argument types, keeping the GIL.

    ctypes then converts no argument through a type's ``from_param`` (which
    makes an object per argument and call) and does not release and retake the
    GIL around a call of well under a microsecond: 120-170 ns a call instead of
    300-500. The caller passes exactly what the C function takes: a character
    index as a Python int (a C ``int``), and every pointer (the text page, where
    the results go) as a ready ``byref`` object (``_address``, ``_slots``); a
    Python int for a pointer would be cut to a C ``int``. PDFium's text calls
    touch no Python object, so holding the GIL is safe.
    """
    return ctypes.PYFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value or 0)


def _address(address: int) -> Any:
    """``address`` as a pointer argument of ``_bare`` calls: a ``byref`` to a ``c_char`` there.

    ctypes passes the value of a ``byref`` object as it is, whereas a ``c_void_p``
    argument is first converted into such an object, made anew on every call
    (a quarter of a call's cost, per pointer). Nothing is read at ``address``.
    """
    return ctypes.byref(ctypes.c_char.from_address(address))


class _Scratch(threading.local):
    """Per thread, a buffer that per-character PDFium calls write into and pointers to its 16-byte slots."""

    buffer: Any = None
    starts: list[Any] = []  # pointer argument (``byref``) to the start of slot k
    middles: list[Any] = []  # ... to byte 8 of slot k


_SCRATCH = _Scratch()


def _slots(n: int) -> tuple[Any, list[Any], list[Any]]:
    """A buffer of at least ``n`` 16-byte slots (as 2n float64) and pointer arguments to each slot's
    bytes 0 and 8 (``byref``, see ``_address``), grown when a page needs more; for ``_bare`` calls (an
    origin's x and y, a loose box). The pointers keep the buffer alive.

    The buffer is scratch space only: a caller copies what the calls wrote before the next use, so
    no result outlives the page it was read for.
    """
    scratch = _SCRATCH
    if scratch.buffer is None or len(scratch.starts) < n:
        size = max(4096, 1 << (n - 1).bit_length())
        buffer = np.zeros(2 * size, dtype=np.float64)
        cells = (ctypes.c_char * (16 * size)).from_buffer(buffer.data)
        scratch.starts = [ctypes.byref(cells, k) for k in range(0, 16 * size, 16)]
        scratch.middles = [ctypes.byref(cells, k) for k in range(8, 16 * size, 16)]
        scratch.buffer = buffer
    return scratch.buffer, scratch.starts, scratch.middles


def _pdfminer_chars(textpage: Any, found: list[list[Any]], ctm: tuple[float, ...], height: float,
                    spaces: dict[int, float]) -> list[dict[str, Any]]:
    """Characters found on a page -> pdfplumber char dicts, with pdfminer's boxes in its device space."""
    ca, cb, cc, cd, ce, cf = ctm
    chars: list[dict[str, Any]] = []
    pending = False
    last_obj = None
    for k, (text, obj_key, info, x_o, y_o, adv, _index) in enumerate(found):
        if obj_key is None:
            pending = bool(chars)
            continue
        name, bold, descent, fsize, ua, ub, uc, ud, font_key = info
        if adv is None:
            adv = _advance(textpage, found, k)
        # the character's matrix in pdfminer's device space (page rotation applied)
        a, b = ua * ca + ub * cc, ua * cb + ub * cd
        cm, d = uc * ca + ud * cc, uc * cb + ud * cd
        desc = descent * fsize
        x = x_o * ca + y_o * cc + ce  # baseline origin in device space
        y = x_o * cb + y_o * cd + cf
        # pdfminer's box (0, descent, adv, descent + size) through the character matrix
        if b == 0 and cm == 0:  # unrotated text: no need for all four corners
            x0, x1 = sorted((x, x + a * adv))
            y0, y1 = sorted((y + d * desc, y + d * (desc + fsize)))
        else:
            xs = (x + cm * desc, x + a * adv + cm * desc, x + cm * (desc + fsize), x + a * adv + cm * (desc + fsize))
            ys = (y + d * desc, y + b * adv + d * desc, y + d * (desc + fsize), y + b * adv + d * (desc + fsize))
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        char = {"text": text, "x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0,
                "size": y1 - y0, "upright": a * d > 0 and b * cm <= 0, "fontname": name, "bold": bold}
        if pending:
            pending = False
            prev = chars[-1]
            # only a space PDFium generated between two text objects can have swallowed a real one
            if obj_key != last_obj and _dropped_space(prev, char, spaces.get(font_key, DEFAULT_SPACE) * fsize):
                chars.append({**prev, "text": " ", "x0": prev["x1"], "x1": x0})
        chars.append(char)
        last_obj = obj_key
    return chars


def _advance(textpage: Any, found: list[list[Any]], k: int) -> float:
    """The advance of rotated text (no loose box): up to the next character of the same text object, else the glyph."""
    import pypdfium2.raw as c

    _text, key, info, x_o, y_o, _adv, index = found[k]
    ua, ub = info[4], info[5]
    norm = ua * ua + ub * ub
    if not norm:
        return 0.0
    nxt = found[k + 1] if k + 1 < len(found) else None
    if nxt is not None and nxt[1] == key:
        return ((nxt[3] - x_o) * ua + (nxt[4] - y_o) * ub) / norm
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    if not c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
        return 0.0
    return max(((px - x_o) * ua + (py - y_o) * ub) / norm
               for px in (left.value, right.value) for py in (bottom.value, top.value))


def _dropped_space(prev: dict[str, Any], nxt: dict[str, Any], space: float) -> bool:
    """Whether a space PDFium generated between two characters stands for a real one it dropped.

    When a text object starts with a space, PDFium may first generate a space
    for the gap to the previous object and then delete the real one as its
    duplicate (same character code, same spot). On the sample and corpus PDFs
    such a real space leaves a gap of 0.8 to 1.3 space widths; a space PDFium
    generates for a mere gap between objects mostly leaves less (a hyphen set
    apart is the exception).
    """
    if not (prev["upright"] and nxt["upright"]) or abs(prev["top"] - nxt["top"]) > Y_TOLERANCE:
        return False
    return nxt["x0"] - prev["x1"] >= SPACE_SHARE * space


def _cluster(objs: list[dict[str, Any]], key: Callable[[dict[str, Any]], float], preserve_order: bool
             ) -> list[list[dict[str, Any]]]:
    """pdfplumber's ``cluster_objects``: values within the tolerance of their neighbour form one cluster."""
    ids = _cluster_ids({key(o) for o in objs})
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
    """Chars (in content order) -> pdfplumber's ``extract_text_lines(layout=False, strip=True, return_chars=True)``.

    A line's ``chars`` lists each char once (pdfplumber repeats a char once per
    letter of its text; ``extract._lines_of`` takes the distinct ones either way).
    """
    words: list[list[dict[str, Any]]] = []
    for upright, group in itertools.groupby(chars, key=itemgetter("upright")):
        members = list(group)
        if upright:
            lines = _cluster(members, itemgetter("top"), preserve_order=False)
            sort_key: Callable[[dict[str, Any]], Any] = itemgetter("x0")
        else:  # rotated text reads top to bottom, lines ordered left to right
            lines = _cluster(members, itemgetter("x0"), preserve_order=False)
            sort_key = itemgetter("top", "bottom")
        for line in lines:
            line.sort(key=sort_key)
            words.extend(_words(line, bool(upright)))
    tops = [min(ch["top"] for ch in w) for w in words]
    ids = _cluster_ids(set(tops))
    result: list[dict[str, Any]] = []
    start = 0
    for end in range(1, len(words) + 1):
        if end == len(words) or ids[tops[end]] != ids[tops[start]]:
            joined = _joined(words[start:end])
            if joined is not None:
                result.append(joined)
            start = end
    return result


def _joined(row: list[list[dict[str, Any]]]) -> dict[str, Any] | None:
    """The words of one text line joined by single spaces, stripped, with the line's box and chars."""
    line_chars = [ch for word in row for ch in word]
    text = " ".join("".join([LIGATURES.get(t, t) for t in [ch["text"] for ch in word]]) for word in row)
    if text[:1] == " " or text[-1:] == " ":  # a char whose text starts or ends with a space: strip letter by letter
        return _joined_slowly(row)
    return {
        "text": text,
        "x0": min(ch["x0"] for ch in line_chars), "top": min(ch["top"] for ch in line_chars),
        "x1": max(ch["x1"] for ch in line_chars), "bottom": max(ch["bottom"] for ch in line_chars),
        "chars": line_chars,
    }


def _joined_slowly(row: list[list[dict[str, Any]]]) -> dict[str, Any] | None:
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
        return None
    kept = letters[start:end]
    line_chars = [ch for _, ch in kept if ch is not None]
    return {
        "text": "".join(t for t, _ in kept),
        "x0": min(ch["x0"] for ch in line_chars), "top": min(ch["top"] for ch in line_chars),
        "x1": max(ch["x1"] for ch in line_chars), "bottom": max(ch["bottom"] for ch in line_chars),
        "chars": distinct_chars(line_chars),
    }


def _cluster_ids(values: set[float]) -> dict[float, int]:
    """pdfplumber's clustering of sorted values: one id per run of values within ``Y_TOLERANCE`` of the last."""
    ids: dict[float, int] = {}
    current, last = -1, None
    for v in sorted(values):
        if last is None or v > last + Y_TOLERANCE:
            current += 1
        ids[v] = current
        last = v
    return ids


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
                walk(c.FPDFFormObj_CountObjects(obj), functools.partial(c.FPDFFormObj_GetObject, obj), depth + 1)

    walk(c.FPDFPage_CountObjects(page), functools.partial(c.FPDFPage_GetObject, page), 0)
    return round(best, 3)


# ---------------------------------------------------------------------------------------------
# The array path (issue 15): the lines and words of ``_fast_chars`` + ``text_lines`` +
# ``extract._lines_of`` without a Python dict, loop or call per character.


# a row's text has a character of ``PUA_BULLETS`` only if a glyph's text has one (ligatures become letters)
PUA_RE = re.compile("[" + "".join(map(chr, PUA_BULLETS)) + "]")
IS_WHITE_SPACE = np.array([chr(k).isspace() for k in range(0x3002)])  # by code: str.isspace's, none past 0x3000


class _Declined(Exception):
    """A page the array path leaves to the char path: rotated or skewed text, a glyph whose text starts
    or ends with a space (" 1"), a code that is no Unicode scalar. The char path gives the same result."""


@dataclass
class _Glyphs:
    """The characters of a page as pdfplumber sees them, in content order, as parallel arrays.

    ``texts`` holds each one's text (several letters for a glyph mapped to several
    characters, ``(cid:NN)`` for an unmapped one); the arrays hold pdfminer's box
    in pdfplumber's coordinates, boldness, and whether the text is white space.
    """

    texts: list[str]
    x0: Any
    x1: Any
    top: Any
    bottom: Any
    size: Any
    bold: Any
    blank: Any


def _page_by_arrays(textpage: Any, ctm: tuple[float, ...], height: float, fonts: dict[int, FontInfo],
                    spaces: dict[int, float], share: Callable[[Any], Any]) -> tuple[list[Line], list[Word], int]:
    """A page's lines, words and count of visible characters, equal to the char path's.

    PDFium is asked in C loops (``map`` over a ctypes function, results written
    straight into arrays), the boxes are worked out on whole arrays, and Python
    runs once per word and line. Raises ``_Declined`` for a page it does not read.
    """
    glyphs = _glyphs(textpage, ctm, height, fonts, spaces)
    if glyphs is None:
        return [], [], 0
    return _lines_from(glyphs, share)


def _codes(tp: int, count: int) -> Any:
    """Every character's Unicode value, in one call (``FPDFText_GetText``) when it gives one unit per character.

    It writes U+FFFE where ``FPDFText_GetUnicode`` gives a control character
    (U+0002, PDFium's hyphen at a line end; U+0000 in "§\\0"): those are asked one
    by one. A page with surrogates (a code beyond the BMP) is asked a character at a time.
    """
    api = _api()
    buf = np.zeros(count + 1, dtype=np.uint16)
    written = api.text(tp, 0, count, buf.ctypes.data)
    codes = buf[:count].astype(np.uint32)
    if written != count + 1 or ((codes >= 0xD800) & (codes < 0xE000)).any():
        return np.fromiter(map(api.unicode, itertools.repeat(tp, count), range(count)), dtype=np.uint32, count=count)
    odd = np.flatnonzero(codes == 0xFFFE)
    if odd.size:
        codes[odd] = np.fromiter(map(api.unicode, itertools.repeat(tp), odd.tolist()), dtype=np.uint32, count=odd.size)
    return codes


def _shown(tp: int, count: int) -> tuple[Any, ...] | None:
    """The characters pdfplumber would see (not generated by PDFium, with a text object), in content order:
    their codes, character indices, text objects, origins, mapping errors, and whether a space PDFium
    generated comes right before each; None when there are none."""
    api = _api()
    rep = itertools.repeat(_address(tp))  # ``_bare`` calls
    codes = _codes(tp, count)
    generated = np.zeros(count, dtype=bool)
    maybe = np.flatnonzero((codes == 0x20) | (codes == 0x0D) | (codes == 0x0A))
    if maybe.size:
        generated[maybe] = np.fromiter(map(api.bare_generated, rep, maybe.tolist()), dtype=np.int32,
                                       count=maybe.size) != 0
    asked = np.flatnonzero(~generated)  # a generated character is dropped whatever its object
    objs = np.zeros(count, dtype=np.uint64)
    objs[asked] = np.fromiter(map(api.bare_object, rep, asked.tolist()), dtype=np.uint64, count=asked.size)
    kept = asked[objs[asked] != 0]
    n = kept.size
    if not n:
        return None
    idx = kept.tolist()
    buffer, xs, ys = _slots(n)
    buffer[:2 * n] = 0.0  # as before: an origin PDFium does not give is (0, 0)
    collections.deque(map(api.bare_origin, rep, idx, xs, ys), maxlen=0)
    xy = buffer[:2 * n].copy()
    unmapped = np.fromiter(map(api.bare_map_error, rep, idx), dtype=np.int32, count=n) != 0
    spaces_before = np.cumsum(generated & (codes == 0x20))[kept]
    after = np.zeros(n, dtype=bool)
    after[1:] = spaces_before[1:] != spaces_before[:-1]
    return codes[kept], kept, objs[kept], xy[0::2], xy[1::2], unmapped, after


def _glyphs(textpage: Any, ctm: tuple[float, ...], height: float, fonts: dict[int, FontInfo],
            spaces: dict[int, float]) -> _Glyphs | None:
    """``_fast_chars`` on arrays: the same characters with the same boxes; None for a page without any."""
    import pypdfium2.raw as c

    api = _api()
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0
    count = c.FPDFText_CountChars(textpage)
    found = _shown(tp, count) if count > 0 else None
    if found is None:
        return None
    codes, kept, objs, xo, yo, unmapped, after = found
    # one glyph, several characters at the same origin ("ti", "§\0"): one char with all of them
    merged = np.zeros(kept.size, dtype=bool)
    merged[1:] = (objs[1:] == objs[:-1]) & ~after[1:] & (xo[1:] == xo[:-1]) & (yo[1:] == yo[:-1])
    first = np.flatnonzero(~merged)
    texts, blank = _texts(codes, unmapped, first)
    obj, index = objs[first], kept[first]
    keys, at, where = _distinct(obj)
    font_keys, columns = _object_columns(textpage, keys, index[at], fonts, ctm)
    fs, ua, a, d_lo, d_hi, bold = columns[:, where]
    m = first.size
    buffer, boxes, _ = _slots(m)
    if not all(map(api.bare_loose, itertools.repeat(_address(tp)), index.tolist(), boxes)):
        raise _Declined
    rects = buffer[:2 * m].view(np.float32).copy()  # left, top, right, bottom per glyph (``FS_RECTF``)
    x_o, y_o = xo[first], yo[first]
    adv = (rects[2::4].astype(np.float64) - x_o) / ua
    _learn_spaces(spaces, (codes[first] == 0x20) & ~unmapped[first], adv, fs, where, font_keys)
    ca, cb, cc, cd, ce, cf = ctm
    x = x_o * ca + y_o * cc + ce
    y = x_o * cb + y_o * cd + cf
    xa = x + a * adv
    ya, yb = y + d_lo, y + d_hi
    y0, y1 = np.minimum(ya, yb), np.maximum(ya, yb)
    glyphs = _Glyphs(texts, np.minimum(x, xa), np.maximum(x, xa), height - y1, height - y0, y1 - y0, bold != 0,
                     blank)
    if np.isnan(glyphs.top).any() or np.isnan(glyphs.x0).any():
        raise _Declined
    new_object = np.zeros(m, dtype=bool)
    new_object[1:] = obj[1:] != obj[:-1]
    candidates = np.flatnonzero(after[first] & new_object).tolist()
    if candidates:
        _put_back_spaces(glyphs, candidates, spaces, [font_keys[w] for w in where[candidates].tolist()],
                         fs[candidates].tolist())
    return glyphs


def _texts(codes: Any, unmapped: Any, first: Any) -> tuple[list[str], Any]:
    """The text of each shown character (its letter, ``-`` for U+0002, ``(cid:NN)`` when unmapped, the
    letters of a glyph joined; ``first``: where each glyph starts among the characters) and whether
    it is white space."""
    if ((codes >= 0xD800) & (codes < 0xE000)).any() or (codes >= 0x110000).any():
        raise _Declined
    hyphen = codes == 0x02
    shown = np.where(hyphen, 0x2D, codes)
    cid = unmapped & ~hyphen
    letters = list(shown.astype("<u4").tobytes().decode("utf-32-le"))
    for k in np.flatnonzero(cid).tolist():
        letters[k] = f"(cid:{int(codes[k])})"
    blank = IS_WHITE_SPACE[np.minimum(shown, IS_WHITE_SPACE.size - 1)] & ~cid
    if first.size == len(letters):
        return letters, blank
    bounds = first.tolist() + [len(letters)]
    texts = [letters[k] for k in bounds[:-1]]
    blank = blank[first]
    for pos in np.flatnonzero(np.diff(bounds) > 1).tolist():
        text = texts[pos] = "".join(letters[bounds[pos]:bounds[pos + 1]])
        blank[pos] = text.isspace()
        if (text[:1] == " " or text[-1:] == " ") and not blank[pos]:
            raise _Declined  # pdfplumber strips such a line letter by letter (``_joined_slowly``)
    return texts, blank


def _distinct(values: Any) -> tuple[Any, Any, Any]:
    """``np.unique(values, return_index=True, return_inverse=True)`` found from the runs of equal values.

    A page's characters come object by object, so there are some 50 runs for 2,500
    characters: the distinct values and where each first occurs are those of the
    runs' first values (the first run of a value starts before its other runs), and
    each value's place among them is its run's, repeated over the run.
    """
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    keys, at, run_where = np.unique(values[starts], return_index=True, return_inverse=True)
    return keys, starts[at], np.repeat(run_where.reshape(-1), np.diff(np.append(starts, values.size)))


def _object_columns(textpage: Any, keys: Any, firsts: Any, fonts: dict[int, FontInfo],
                    ctm: tuple[float, ...]) -> tuple[list[int], Any]:
    """What the array path needs of each distinct text object (``keys``, sorted), taken at its first
    character (``firsts``: each one's character index): the font keys, and as rows of one array the
    font size, advance factor, ``a``, the box's bottom and top offsets and boldness of each object.

    They are ``_info_of``'s values (same float64 operations, on arrays, with the PDFium calls
    made in C loops); raises ``_Declined`` unless every object has an advance along x and
    upright, unrotated text (``_info_of``'s flags).
    """
    import pypdfium2.raw as c

    api = _api()
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0
    objs, n = keys.tolist(), keys.size
    font_ids = list(map(api.font_of, objs))
    sizes, matrices = np.zeros(n, dtype=np.float32), np.zeros(6 * n, dtype=np.float32)
    base = sizes.ctypes.data
    collections.deque(map(api.font_size, objs, range(base, base + 4 * n, 4)), maxlen=0)
    base = matrices.ctypes.data
    collections.deque(map(api.matrix, itertools.repeat(tp), firsts.tolist(), range(base, base + 24 * n, 24)),
                      maxlen=0)
    font = [fonts.get(font_id) or _font_info(ctypes.cast(font_id, c.FPDF_FONT), fonts) for font_id in font_ids]
    fs = sizes.astype(np.float64)
    ua, ub, uc, ud = matrices.reshape(n, 6)[:, :4].astype(np.float64).T
    ca, cb, cc, cd = ctm[:4]
    with np.errstate(all="ignore"):  # Python's float operations warn of nothing either; NaN compares False
        a, b = ua * ca + ub * cc, ua * cb + ub * cd
        cm, d = uc * ca + ud * cc, uc * cb + ud * cd
        if not ((np.abs(ua) > 1e-6) & (a * d > 0) & (b * cm <= 0) & (b == 0) & (cm == 0)).all():
            raise _Declined
        desc = np.array([f[2] for f in font], dtype=np.float64) * fs
        bottom, top = d * desc, d * (desc + fs)
    bold = np.array([f[1] for f in font], dtype=np.float64)
    return font_ids, np.stack((fs, ua, a, bottom, top, bold))


def _learn_spaces(spaces: dict[int, float], space: Any, adv: Any, fs: Any, where: Any,
                  font_keys: list[int]) -> None:
    """Remember each font's space advance (per unit of size) from its first real space (``space``: the
    glyphs that are one mapped U+0020), as ``_fast_chars`` does: only the first of each font's
    spaces on the page can be new, so only those are looked at."""
    found = np.flatnonzero(space & (adv != 0) & (fs > 0))
    if not found.size:
        return
    _fonts, first = np.unique(np.array(font_keys, dtype=np.uint64)[where[found]], return_index=True)
    for k in found[first].tolist():
        font_key = font_keys[int(where[k])]
        if font_key not in spaces:
            spaces[font_key] = float(adv[k]) / float(fs[k])


def _put_back_spaces(glyphs: _Glyphs, candidates: list[int], spaces: dict[int, float], font_keys: list[int],
                     sizes: list[float]) -> None:
    """Insert a space before each candidate (a new text object after a generated space) where
    ``_dropped_space`` says PDFium dropped a real one: from the previous char's end to this one's start."""
    top, x0, x1 = glyphs.top, glyphs.x0, glyphs.x1
    at = [pos for pos, font_key, fs in zip(candidates, font_keys, sizes, strict=True)
          if abs(float(top[pos - 1]) - float(top[pos])) <= Y_TOLERANCE
          and float(x0[pos]) - float(x1[pos - 1]) >= SPACE_SHARE * (spaces.get(font_key, DEFAULT_SPACE) * fs)]
    if not at:
        return
    prev = [pos - 1 for pos in at]
    source = np.insert(np.arange(x0.size), at, prev)  # each glyph's place before: a new space copies the previous
    new = np.flatnonzero(source[1:] == source[:-1]) + 1  # where the spaces now are
    for name in ("top", "bottom", "size", "bold", "blank"):
        setattr(glyphs, name, getattr(glyphs, name)[source])
    glyphs.x0, glyphs.x1 = x0[source], x1[source]
    glyphs.x0[new], glyphs.x1[new], glyphs.blank[new] = x1[prev], x0[at], True
    for pos in reversed(at):
        glyphs.texts.insert(pos, " ")


def _runs(texts: list[str], bounds: list[int]) -> list[str]:
    """``["".join(texts[a:b]) for a, b in itertools.pairwise(bounds)]``: slices of the whole text joined once."""
    whole = "".join(texts)
    if len(whole) != len(texts):  # some texts are not one letter: bounds in letters
        offsets = [0, *itertools.accumulate(map(len, texts))]
        bounds = [offsets[k] for k in bounds]
    return [whole[a:b] for a, b in itertools.pairwise(bounds)]


def _picked(items: list[str], positions: Any) -> list[str]:
    """``[items[k] for k in positions]``, in a C loop."""
    if positions.size < 2:
        return [items[k] for k in positions.tolist()]
    return list(itemgetter(*positions.tolist())(items))


def _clusters(values: Any) -> Any:
    """``_cluster_ids`` on an array: each value's cluster number.

    In sorted order a new cluster starts where a value exceeds the one before by
    more than ``Y_TOLERANCE``; an equal value never does, so walking all values
    gives the clusters of the distinct ones (one sort, no ``np.unique``).
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    ids = np.empty(values.size, dtype=np.int64)
    ids[order[:1]] = 0
    ids[order[1:]] = np.cumsum(ordered[1:] > ordered[:-1] + Y_TOLERANCE)
    return ids


def _starts(flags: Any) -> Any:
    """Positions where ``flags`` is set, the first position always among them."""
    flags[0] = True
    return np.flatnonzero(flags)


def _lines_from(g: _Glyphs, share: Callable[[Any], Any]) -> tuple[list[Line], list[Word], int]:
    """``text_lines`` then ``extract._lines_of`` on arrays: lines by top, words by gaps, rows by word tops."""
    line = _clusters(g.top)
    order = np.lexsort((g.x0, line))  # stable: a line's chars left to right, ties in content order
    blank = g.blank[order]
    x0, x1, top = g.x0[order], g.x1[order], g.top[order]
    step = np.zeros(order.size, dtype=bool)  # pdfplumber's word break before each char (``_words``)
    step[1:] = ((line[order][1:] != line[order][:-1]) | blank[:-1] | (x0[1:] > x1[:-1] + X_TOLERANCE)
                | (np.abs(top[1:] - top[:-1]) > Y_TOLERANCE))
    shown = np.flatnonzero(~blank)
    if not shown.size:
        return [], [], 0
    x0, x1, top, step = x0[shown], x1[shown], top[shown], step[shown]
    bottom, size, bold = g.bottom[order][shown], g.size[order][shown], g.bold[order][shown]
    texts = _picked(g.texts, order[shown])
    words = _starts(step)  # where each of pdfplumber's words starts
    word_top = np.minimum.reduceat(top, words)
    row_of_word = _clusters(word_top)
    new_row = np.zeros(words.size, dtype=bool)
    new_row[1:] = row_of_word[1:] != row_of_word[:-1]
    rows = words[_starts(new_row)]
    cut = np.zeros(shown.size, dtype=bool)  # extract's word breaks within a row (``_words_of``)
    cut[1:] = (x0[1:] - x1[:-1]) > 0.15 * np.maximum(size[1:], 1)
    cut[rows] = True
    pieces = np.flatnonzero(cut)
    lig = [LIGATURES.get(t, t) for t in texts] if not LIGATURE_SET.isdisjoint(texts) else texts
    return _assemble(texts, lig, (x0, x1, top, bottom, bold), (words, rows, pieces), share)



def _assemble(texts: list[str], lig: list[str], arrays: tuple[Any, ...], starts: tuple[Any, Any, Any],
              share: Callable[[Any], Any]) -> tuple[list[Line], list[Word], int]:
    """Lines and words from the shown chars in reading order and where words, rows and extract's words start.

    Every extract word is made at once (its corners rounded on arrays, the sharer
    and ``Word`` in C loops); a row whose text is empty drops its words, as
    ``_lines_of`` does, and only a row with a column gap goes to ``_mark_columns``.
    """
    x0, x1, top, bottom, bold = arrays
    words, rows, pieces = starts
    end = x0.size
    row_x0, row_top = np.minimum.reduceat(x0, rows).tolist(), np.minimum.reduceat(top, rows).tolist()
    row_bottom = np.maximum.reduceat(bottom, rows).tolist()
    row_bold = np.add.reduceat(bold.astype(np.int64), rows).tolist()
    corners = (x0[pieces], np.minimum.reduceat(top, pieces), x1[np.append(pieces[1:], end) - 1],
               np.maximum.reduceat(bottom, pieces))
    rounded = round_cents(np.concatenate(corners))
    x0s, tops, x1s, bottoms = _shared(rounded, share, 4)
    piece_texts = _runs(texts, pieces.tolist() + [end])
    bullets = PUA_RE.search("".join(piece_texts)) is not None  # else no text here changes by ``PUA_BULLETS``
    if bullets:
        piece_texts = [t.translate(PUA_BULLETS) for t in piece_texts]
    made = list(map(Word, map(share, piece_texts), x0s, tops, x1s, bottoms))
    if lig is texts and not bullets and np.array_equal(words, pieces):
        word_texts = piece_texts  # the same runs of the same texts
    else:
        word_texts = _runs(lig, words.tolist() + [end])
    row_words = np.searchsorted(words, rows).tolist() + [words.size]
    row_pieces = np.searchsorted(pieces, rows)
    columns = _column_rows(rounded.reshape(4, -1), row_pieces)
    row_pieces = row_pieces.tolist() + [pieces.size]
    row_starts = rows.tolist() + [end]
    lines: list[Line] = []
    out: list[Word] = []
    for r in range(len(row_starts) - 1):
        text = " ".join(word_texts[row_words[r]:row_words[r + 1]])
        text = CID_BULLET_RE.sub("• ", text.translate(PUA_BULLETS) if bullets else text).strip()
        if not text:
            continue
        line_words = made[row_pieces[r]:row_pieces[r + 1]]
        lines.append(Line(_mark_columns(text, line_words) if columns[r] else text, row_top[r], row_bottom[r], row_x0[r],
                          row_bold[r] > (row_starts[r + 1] - row_starts[r]) / 2))
        out.extend(line_words)
    return lines, out, end


def round_cents(values: Any) -> Any:
    """``round(v, 2)`` of every value of a float64 array, the same floats (``tests/test_extractors.py``).

    Python rounds the exact binary value of ``v`` to two decimals (halves to even)
    and returns the float nearest that decimal. ``rint(v * 100) / 100`` gives the
    same: the product is off the exact ``100 v`` by at most half a unit in its
    last place, so where it is farther than that from a half (``k + 0.5``) both
    round to the same integer ``N``, and dividing the integer ``N`` (exact in a
    double) by 100 is correctly rounded, so it is the float nearest ``N / 100``.
    Values near a half, huge or not finite are left to ``round`` itself.
    """
    scaled = values * 100.0
    result = np.rint(scaled) / 100.0
    with np.errstate(invalid="ignore"):
        off_half = np.abs(scaled - np.floor(scaled) - 0.5)
        sure = (np.abs(scaled) < 2.0 ** 50) & (off_half > 2.0 ** -40 * np.maximum(np.abs(scaled), 1.0))
    for k in np.flatnonzero(~sure).tolist():
        result[k] = round(float(values[k]), 2)
    return result


def _column_rows(corners: Any, row_pieces: Any) -> list[bool]:
    """Per row, whether ``extract._mark_columns`` may change its text: a gap of ``COLUMN_GAP`` or more
    between two of its words (``corners``: the words' rounded x0, top, x1, bottom, as in their ``Word``;
    ``row_pieces``: each row's first word). The gaps are the same float subtractions, on arrays."""
    x0, x1 = corners[0], corners[2]
    wide = np.zeros(x0.size, dtype=np.int64)  # wide[k]: the gap before word k is a column gap
    wide[1:] = (x0[1:] - x1[:-1]) >= COLUMN_GAP
    wide[row_pieces] = 0  # the gap before a row's first word lies between rows
    return (np.add.reduceat(wide, row_pieces) > 0).tolist() if row_pieces.size else []


def _shared(values: Any, share: Callable[[Any], Any], parts: int) -> list[list[float]]:
    """``share`` of every value (``values.tolist()``), cut into ``parts`` equal lists."""
    flat = list(map(share, values.tolist()))
    size = len(flat) // parts
    return [flat[k * size:(k + 1) * size] for k in range(parts)]
