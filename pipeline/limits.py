"""Resource limits for untrusted PDFs, checked before a PDF library parses the file.

A PDF is a container of compressed streams, and both text backends (PDFium and
pdfminer) inflate a page's content stream whole when the page is read: a
1 MB file whose content stream inflates to 1 GiB peaks at over 2 GB of memory,
and nested filters (a Flate stream inside a Flate stream) go a thousand times
further. Neither library takes a size limit, so ``check_streams`` measures every
stream of the file first: it finds each ``<< dict >> stream`` in the bytes,
reads the filter chain from the dictionary (names with ``#xx`` escapes, the
abbreviations PDFium also accepts, an indirect ``/Filter``), and decodes the
stream in bounded chunks, counting the output and stopping as soon as a limit
is passed. Memory stays at a few chunks whatever the stream holds. Most files
need no inflate at all: what each filter can give at most per stored byte
(``size_bound``) already keeps them within the limits; the others cost at most
one extra inflate of the file, for a protocol a few milliseconds.

Every stream, whatever its kind, counts against ``max_stream_mb``; all streams
except images (contents, forms, fonts, object streams) count together against
``max_content_mb``, since PDFium reads them when the pages are read, whereas an
image is only decoded when a page is rendered for OCR (and is then bounded by
``ocr.render_dpi``). Image codecs (DCT, JPX, CCITT, JBIG2) are not decoded here:
what is counted is what reaches them.

Not covered: streams of an encrypted PDF (their bytes are ciphertext until
decrypted, so they count as stored) and inline images inside a content stream.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

MIB = 1 << 20
CHUNK = 1 << 20  # bytes decoded at a time: the memory a stream costs here, whatever it inflates to
DICT_WINDOW = 1 << 16  # a stream dictionary is searched for this far back from its ``stream`` keyword

STREAM_RE = re.compile(rb">>(?:\s|%[^\r\n]*[\r\n])*stream(?:\r\n|\r|\n)?")
NAME_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
FILTER_RE = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()%]+|\d+\s+\d+\s+R)")
LENGTH_RE = re.compile(rb"/Length\s+(\d+)(\s+(\d+)\s+R)?")
NAME_RE = re.compile(rb"/([^\s/\[\]<>()%]+)")
OBJ_HEADER_RE = re.compile(rb"(\d+)\s+\d+\s+obj\s*$")
ENDSTREAM = b"endstream"
IMAGE_RE = re.compile(rb"/Subtype\s*/Image\b")
STRUCTURE_RE = re.compile(rb"/Type\s*/(?:ObjStm|XRef)\b")


@dataclass(frozen=True)
class StreamTooLarge:
    """A stream (or all streams together) inflating beyond a limit."""

    objnum: int | None  # the stream's object number, when its ``N G obj`` header was found
    limit_mb: int
    total: bool  # the document's streams together, not this stream alone
    structural: bool  # an object stream or cross-reference stream (not a page's content)


def check_streams(data: bytes, max_stream_mb: int, max_content_mb: int) -> StreamTooLarge | None:
    """The first limit the file's streams pass when inflated, or None when every stream fits.

    Most files are settled without inflating anything (``_bounded_within``); the others are
    measured stream by stream (``_measured``).
    """
    stream_limit, content_limit = max_stream_mb * MIB, max_content_mb * MIB
    if _bounded_within(data, stream_limit, content_limit):
        return None
    return _measured(data, max_stream_mb, max_content_mb)


# What each decoder here gives at most per stored byte (``size_bound``): a deflate symbol takes at least
# one bit and a match at most 258 bytes with a distance code of at least one bit, so 258 bytes per
# two bits; a run-length pair gives at most 128 bytes; ``z`` is four zero bytes in ASCII85; two hex
# digits are one byte. LZW has no such bound here (its table keeps growing): a stream with it is measured.
MAX_RATIO = {"FlateDecode": 1032, "RunLengthDecode": 64, "ASCII85Decode": 4, "ASCIIHexDecode": 1}
BOUND_SLACK = 1024  # bytes added after each filter: the bound need not be tight, only never too low


def size_bound(stored: int, filters: list[str]) -> int | None:
    """An upper bound of ``decoded_size`` for ``stored`` bytes decoded by ``filters``; None for none known.

    Decoding stops at the first filter not handled here (``decoded_size``), so the bound does too.
    """
    bound = stored
    for name in filters:
        if name not in DECODERS:
            break
        ratio = MAX_RATIO.get(name)
        if ratio is None:
            return None
        bound = bound * ratio + BOUND_SLACK
    return bound


def _bounded_within(data: bytes, stream_limit: int, content_limit: int) -> bool:
    """Whether the streams' ``size_bound`` already keeps every limit (then ``_measured`` finds nothing).

    ``decoded_size`` never gives more than the bound, so a stream within its bound is within the
    limit, and the contents add up to at most the sum of their bounds. A protocol's streams
    inflate to at most a few hundred times their stored size: for it this is the answer,
    without the extra inflate of the whole file.
    """
    content = 0
    contents: list[tuple[int, int, int, list[str]]] = []  # bound, start and end of each non-image stream, filters
    for _objnum, head, start, end in _stream_spans(data):
        filters = _filters(data, head)
        bound = size_bound(end - start, filters)
        if bound is None or bound > stream_limit:
            return False
        if not IMAGE_RE.search(head):
            content += bound
            contents.append((bound, start, end, filters))
    # too much content by the bounds: the largest are measured (``decoded_size`` up to its bound is
    # its exact size) until the sum fits; a file whose content does not fit is measured in order
    for bound, start, end, filters in sorted(contents, key=itemgetter(0), reverse=True):
        if content <= content_limit:
            break
        content -= bound - decoded_size(data[start:end], filters, bound)
    return content <= content_limit


def _measured(data: bytes, max_stream_mb: int, max_content_mb: int) -> StreamTooLarge | None:
    """``check_streams`` by inflating each stream (up to the limit it may still take)."""
    stream_limit, content_limit = max_stream_mb * MIB, max_content_mb * MIB
    content = 0
    for objnum, head, raw in _streams(data):
        image = bool(IMAGE_RE.search(head))
        limit = stream_limit if image else min(stream_limit, content_limit - content)
        size = decoded_size(raw, _filters(data, head), limit)
        structural = bool(STRUCTURE_RE.search(head))
        if size > stream_limit:
            return StreamTooLarge(objnum, max_stream_mb, False, structural)
        if not image:
            content += size
            if content > content_limit:
                return StreamTooLarge(objnum, max_content_mb, True, structural)
    return None


def _streams(data: bytes) -> Iterator[tuple[int | None, bytes, bytes]]:
    """(object number, dictionary with name escapes decoded, stored bytes) of every stream in the file.

    Every ``>> stream`` is taken, even one that seems to lie inside another stream's
    data: a parser finds objects by the cross-reference table, not by reading the
    file in order, so skipping "nested" streams would let a crafted file hide one.
    """
    for objnum, head, start, end in _stream_spans(data):
        yield objnum, head, data[start:end]


def _stream_spans(data: bytes) -> Iterator[tuple[int | None, bytes, int, int]]:
    """``_streams`` with where each stream's stored bytes start and end instead of the bytes."""
    for m in STREAM_RE.finditer(data):
        start = _dict_start(data, m.start())
        if start is None:
            continue
        head = NAME_ESCAPE_RE.sub(lambda e: bytes([int(e.group(1), 16)]), data[start : m.start() + 2])
        header = OBJ_HEADER_RE.search(data[max(0, start - 40) : start])
        objnum = int(header.group(1)) if header else None
        yield objnum, head, m.end(), _stream_end(data, head, m.end())


def _dict_start(data: bytes, close: int) -> int | None:
    """The offset of the ``<<`` that the ``>>`` at ``close`` ends (nested dictionaries counted)."""
    depth = 0
    pos = close
    floor = max(0, close - DICT_WINDOW)
    while pos >= floor:
        # the nearest ">>" or "<<" starting at ``pos`` or before (a byte at a time, found in C);
        # after one, the search goes on two bytes before it, so ">>>" counts once
        opens, closes = data.rfind(b"<<", floor, pos + 2), data.rfind(b">>", floor, pos + 2)
        if closes > opens:
            depth += 1
            pos = closes - 2
        elif opens >= 0:
            depth -= 1
            if depth == 0:
                return opens
            pos = opens - 2
        else:
            return None
    return None


def _stream_end(data: bytes, head: bytes, start: int) -> int:
    """Where the stream's data ends: ``/Length`` when ``endstream`` follows it, else the next ``endstream``."""
    m = LENGTH_RE.search(head)
    length: int | None = None
    if m and m.group(2):
        length = _indirect_int(data, int(m.group(1)), int(m.group(3)))
    elif m:
        length = int(m.group(1))
    if length is not None and ENDSTREAM in data[start + length : start + length + 32]:
        return start + length
    found = data.find(ENDSTREAM, start)
    return len(data) if found < 0 else found


def _indirect(data: bytes, num: int, gen: int) -> bytes | None:
    m = re.search(rb"(?<!\d)%d\s+%d\s+obj\b(.{0,512}?)endobj" % (num, gen), data, re.DOTALL)
    return m.group(1) if m else None


def _indirect_int(data: bytes, num: int, gen: int) -> int | None:
    body = _indirect(data, num, gen)
    m = re.fullmatch(rb"\s*(\d+)\s*", body or b"")
    return int(m.group(1)) if m else None


def _filters(data: bytes, head: bytes) -> list[str]:
    """The stream's filter chain, in decoding order (``/Filter 9 0 R`` resolved when the object is plain)."""
    m = FILTER_RE.search(head)
    if not m:
        return []
    value = m.group(1)
    if value.endswith(b"R"):
        num, gen = map(int, value.split()[:2])
        value = NAME_ESCAPE_RE.sub(lambda e: bytes([int(e.group(1), 16)]), _indirect(data, num, gen) or b"")
    return [FILTER_NAMES.get(n.decode("latin-1"), "") for n in NAME_RE.findall(value)]


def _chunks(raw: bytes) -> Iterator[bytes]:
    view = memoryview(raw)
    for i in range(0, len(raw), CHUNK):
        yield bytes(view[i : i + CHUNK])


def decoded_size(raw: bytes, filters: list[str], limit: int) -> int:
    """The size of ``raw`` decoded by ``filters``, or a number just past ``limit`` once it is exceeded.

    Decoding stops at the first filter not handled here (an image codec) and at
    damaged data, as the parsers would: what was decoded until then is counted.
    """
    chunks: Iterable[bytes] = _chunks(raw)
    for name in filters:
        decoder = DECODERS.get(name)
        if decoder is None:
            break
        chunks = decoder(chunks)
    total = 0
    try:
        for chunk in chunks:
            total += len(chunk)
            if total > limit:
                break
    except (zlib.error, ValueError):
        pass
    return total


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """FlateDecode, never more than ``CHUNK`` bytes of output at a time."""
    d = zlib.decompressobj()
    for chunk in chunks:
        data = chunk
        while data and not d.eof:
            out = d.decompress(data, CHUNK)
            if out:
                yield out
            data = d.unconsumed_tail
        if d.eof:
            return
    while out := d.decompress(b"", CHUNK):  # output zlib still holds for input already given
        yield out


def _lzw(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """LZWDecode (9 to 12 bit codes, early change), one code at a time."""
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    width, bits, nbits = 9, 0, 0
    prev: bytes | None = None
    out = bytearray()
    for chunk in chunks:
        for byte in chunk:
            bits, nbits = (bits << 8) | byte, nbits + 8
            if nbits < width:
                continue
            nbits -= width
            code = bits >> nbits
            bits &= (1 << nbits) - 1
            if code == 256:
                del table[258:]
                width, prev = 9, None
                continue
            if code == 257:
                break
            if code < len(table):
                entry = table[code]
                if prev is not None:
                    table.append(prev + entry[:1])
            elif prev is not None:
                entry = prev + prev[:1]
                table.append(entry)
            else:
                return  # damaged: a code beyond the table right after a clear
            out += entry
            prev = entry
            width = 9 if len(table) < 511 else 10 if len(table) < 1023 else 11 if len(table) < 2047 else 12
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
        else:
            continue
        break
    yield bytes(out)


def _run_length(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """RunLengthDecode: a length byte, then literal bytes (< 128) or one byte repeated (> 128); 128 ends."""
    pending = bytearray()
    out = bytearray()
    for chunk in chunks:
        pending += chunk
        i = 0
        while i < len(pending):
            n = pending[i]
            if n == 128:
                yield bytes(out)
                return
            need = n + 2 if n < 128 else 2
            if i + need > len(pending):
                break
            out += pending[i + 1 : i + need] if n < 128 else pending[i + 1 : i + 2] * (257 - n)
            i += need
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
        del pending[:i]
    yield bytes(out)


def _ascii_hex(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """ASCIIHexDecode: hex digits, white space ignored, ``>`` ends."""
    carry = b""
    for chunk in chunks:
        end = chunk.find(b">")
        digits = carry + re.sub(rb"[^0-9A-Fa-f]", b"", chunk if end < 0 else chunk[:end])
        even = len(digits) - len(digits) % 2
        yield bytes.fromhex(digits[:even].decode("ascii"))
        carry = digits[even:]
        if end >= 0:
            break
    if carry:
        yield bytes.fromhex((carry + b"0").decode("ascii"))


def _ascii85(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """ASCII85Decode: groups of five characters (``z`` for four zero bytes), ``~>`` ends."""
    carry = b""
    for chunk in chunks:
        end = chunk.find(b"~")
        text = carry + re.sub(rb"\s", b"", chunk if end < 0 else chunk[:end]).replace(b"z", b"!!!!!")
        whole = len(text) - len(text) % 5
        yield _a85_groups(text[:whole])
        carry = text[whole:]
        if end >= 0:
            break
    if len(carry) > 1:
        yield base64.a85decode(carry)


A85_MAX = 0xFFFFFFFF  # a group of five digits is four bytes: more is an overflow


def _a85_groups(text: bytes) -> bytes:
    """``base64.a85decode(text)`` for whole groups of five digits without ``z`` and white space,
    as ``_ascii85`` passes them, on arrays: the same bytes, and a ``ValueError`` for the same texts.

    ``a85decode`` reads a character at a time in Python (a reportlab PDF is all ASCII85, so that
    was most of ``check_streams``' time). For such a text it fails on a byte outside ``!``..``u``
    and on a group worth more than four bytes, else gives each group's value as four big-endian bytes.
    """
    codes = np.frombuffer(text, dtype=np.uint8)
    if codes.size and (codes.min() < 33 or codes.max() > 117):
        raise ValueError("Non-Ascii85 digit found")
    digits = codes.reshape(-1, 5) - 33  # 0..84, still one byte each
    value = digits[:, 0].astype(np.uint64)
    for k in range(1, 5):
        value = value * 85 + digits[:, k]  # at most 85**5 - 1: no uint64 overflow
    if value.size and value.max() > A85_MAX:
        raise ValueError("Ascii85 overflow")
    return value.astype(">u4").tobytes()


DECODERS: dict[str, Callable[[Iterable[bytes]], Iterator[bytes]]] = {
    "FlateDecode": _inflate, "LZWDecode": _lzw, "RunLengthDecode": _run_length,
    "ASCIIHexDecode": _ascii_hex, "ASCII85Decode": _ascii85,
}
FILTER_NAMES = {name: name for name in DECODERS} | {
    "Fl": "FlateDecode", "LZW": "LZWDecode", "RL": "RunLengthDecode", "AHx": "ASCIIHexDecode", "A85": "ASCII85Decode",
}


MAP_STRUCTURE_MB = 16  # object and cross-reference streams pdfminer may inflate to read the page tree


def page_of_stream(data: bytes, objnum: int) -> int | None:
    """The number (1-based) of the first page whose content is stream ``objnum``, read with pdfminer.

    Only asked after ``check_streams`` found that stream too large, to name the page
    in the error. pdfminer reads the page tree without inflating page contents, but it
    inflates object and cross-reference streams whole, so it is only asked when those
    are small.
    """
    import io

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef, resolve1

    for _objnum, head, raw in _streams(data):
        if STRUCTURE_RE.search(head) and decoded_size(raw, _filters(data, head), MAP_STRUCTURE_MB * MIB) > MAP_STRUCTURE_MB * MIB:
            return None
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        for number, page in enumerate(PDFPage.create_pages(doc), start=1):
            value = page.attrs.get("Contents")
            resolved = resolve1(value)
            refs = [value, *(resolved if isinstance(resolved, list) else [])]
            if any(isinstance(r, PDFObjRef) and r.objid == objnum for r in refs):
                return number
    except Exception:  # a page tree pdfminer cannot read: the error names the object instead
        return None
    return None
