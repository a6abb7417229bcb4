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

One pass over a page's characters (``_fast_chars``) makes the char dicts: what
depends only on the text object (font, size, matrix, descent) is worked out
once per object, and a space PDFium generated between two objects is decided
when the page is read. A page with rotated text (a character without a loose
box) is read again by the general two-pass code (``_chars``, ``_pdfminer_chars``),
which gives the same dicts (``tests/test_speed_contract.py``).

Only the PDFium calls live here; ``extract.py`` turns the lines into ``Line`` and
``Word`` objects for both backends. One page is open at a time.
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

from .extract import distinct_chars

log = logging.getLogger(__name__)

X_TOLERANCE = 3.0  # pdfplumber's defaults: a larger gap starts a new word ...
Y_TOLERANCE = 3.0  # ... and tops closer than this are one line
BOLD_WEIGHT = 600
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}  # as pdfplumber
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


def iter_pages(pdf: Any) -> Iterator[RawPage]:
    """Read the pages of an open document one at a time; each page is closed when the next is asked for."""
    fonts: dict[int, FontInfo] = {}  # font handle -> (name, bold, descent per unit of size)
    spaces: dict[int, float] = {}  # font handle -> advance of its space per unit of size
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = None
        try:
            textpage = page.get_textpage()
            width, height, ctm = _page_frame(page)
            try:
                chars = _fast_chars(textpage, ctm, height, fonts, spaces)
            except _Rotated:
                chars = _chars(textpage, ctm, height, fonts, spaces)
            yield RawPage(width, height, text_lines(chars), functools.partial(_image_share, page))
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
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    count = c.FPDFText_CountChars(textpage)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect = c.FS_RECTF()
    get_unicode, is_generated, map_error = api.unicode, api.generated, api.map_error
    get_origin, get_loose, get_obj = api.origin, api.loose, api.text_object
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
        get_origin(tp, i, ox, oy)
        x_o, y_o = ox.value, oy.value
        if key == last_key and not after_generated and x_o == last_x and y_o == last_y:
            chars[-1]["text"] += text  # one glyph, several characters (see ``_chars``)
            continue
        name, bold, fs, ua, font_key, a, b, cm, d, c_lo, c_hi, d_lo, d_hi, upright, plain = info
        if not ua or not get_loose(tp, i, rect):
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
    name, bold, descent = _font_info(font, fonts)
    size, matrix = ctypes.c_float(), c.FS_MATRIX()
    c.FPDFTextObj_GetFontSize(obj, size)
    c.FPDFText_GetMatrix(textpage, index, matrix)
    fs, ua, ub, uc, ud = size.value, matrix.a, matrix.b, matrix.c, matrix.d
    ca, cb, cc, cd = ctm[:4]
    a, b = ua * ca + ub * cc, ua * cb + ub * cd
    cm, d = uc * ca + ud * cc, uc * cb + ud * cd
    desc = descent * fs
    info = (name, bold, fs, ua if abs(ua) > 1e-6 else 0.0, ctypes.cast(font, ctypes.c_void_p).value or 0,
            a, b, cm, d, cm * desc, cm * (desc + fs), d * desc, d * (desc + fs),
            a * d > 0 and b * cm <= 0, b == 0 and cm == 0)
    objects[key] = info
    return info


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
    )


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
