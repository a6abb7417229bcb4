"""The fast paths of ``limits`` (issue 15) give exactly what the plain code gave.

ASCII85 groups are decoded on arrays instead of by ``base64.a85decode``, a stream
dictionary's start is found with ``bytes.rfind`` instead of a byte-at-a-time scan, and
a file is settled by upper bounds of its streams' sizes without inflating them when it
can be; each is checked here against the plain code on crafted inputs, errors included.
"""

from __future__ import annotations

import base64
import random
import zlib

import pytest

from pipeline import limits


def _outcome(decode: object, text: bytes) -> bytes | str:
    try:
        return decode(text)  # type: ignore[operator, no-any-return]
    except ValueError:
        return "ValueError"


@pytest.mark.parametrize("text", [
    b"", b"!!!!!", b"uuuuu", b"s8W-!", b's8W-"', b"s8W-!s8W-!", b"87cURD]i,\"Ebo80", b"!!!!v", b"!!!!~",
    b"!!!! ", b"!!!!z", b"!!!!y", b"\x80!!!!", b"J0f!!",
])
def test_ascii85_groups_are_a85decode(text: bytes) -> None:
    # whole groups of five, without white space and "z" (``_ascii85`` removes and expands those)
    if b" " in text or b"z" in text:
        assert _outcome(limits._a85_groups, text) == "ValueError"
        return
    assert _outcome(limits._a85_groups, text) == _outcome(base64.a85decode, text)


def test_ascii85_groups_are_a85decode_on_random_texts() -> None:
    rng = random.Random(15)
    other = [b for b in range(256) if b not in b" \t\n\r\x0b\x0cz"]
    for _ in range(3000):
        groups = rng.randint(0, 12)
        data = bytes(rng.choice(b"!\"#stu") if rng.random() < 0.5 else rng.randint(33, 117) for _ in range(5 * groups))
        if rng.random() < 0.2 and data:
            k = rng.randrange(len(data))
            data = data[:k] + bytes([rng.choice(other)]) + data[k + 1 :]
        assert _outcome(limits._a85_groups, data) == _outcome(base64.a85decode, data), data
    payload = bytes(rng.randrange(256) for _ in range(4000))
    text = base64.a85encode(payload).replace(b"z", b"!!!!!")
    assert limits._a85_groups(text) == payload


def test_ascii85_stream_is_measured_as_before() -> None:
    payload = bytes(range(256)) * 40 + b"\0" * 64
    stored = base64.a85encode(payload, wrapcol=70) + b"~>"
    assert limits.decoded_size(stored, ["ASCII85Decode"], 1 << 20) == len(payload)


def _plain_dict_start(data: bytes, close: int) -> int | None:
    depth = 0
    pos = close
    floor = max(0, close - limits.DICT_WINDOW)
    while pos >= floor:
        two = data[pos : pos + 2]
        if two == b">>":
            depth += 1
            pos -= 1
        elif two == b"<<":
            depth -= 1
            if depth == 0:
                return pos
            pos -= 1
        pos -= 1
    return None


def test_dict_start_is_the_plain_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    samples = [b"<< /Length 5 >>", b"<< /A << /B 1 >> >>", b"<<<< >>>>", b">>>", b"<<<", b"<< >>> >>", b"x >> <<"]
    samples += [bytes(rng.choice(b"<<>>> a/") for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    for window in (limits.DICT_WINDOW, 6):
        monkeypatch.setattr(limits, "DICT_WINDOW", window)
        for data in samples:
            for close in range(len(data) + 2):
                assert limits._dict_start(data, close) == _plain_dict_start(data, close), (data, close)


MIB = 1 << 20


# ``check_streams`` settles a file by ``size_bound`` when the bounds keep every limit, and measures
# (``_measured``) otherwise: the bound must never be below what ``decoded_size`` gives.

def _worst_cases() -> list[tuple[bytes, list[str]]]:
    """Streams decoding to the most bytes per stored byte each filter allows (and chains of them)."""
    zeros = zlib.compress(bytes(16 * MIB), 9)  # zlib's best: over 1028 bytes per stored byte
    return [
        (zeros, ["FlateDecode"]),
        (zlib.compress(zeros, 9), ["FlateDecode", "FlateDecode"]),
        (bytes([129, 0]) * 5000 + bytes([128]), ["RunLengthDecode"]),  # 128 bytes per pair
        (b"z" * 20000 + b"~>", ["ASCII85Decode"]),  # four bytes per "z"
        (b"zz!!~>", ["ASCII85Decode"]),
        (b"0" * 999 + b">", ["ASCIIHexDecode"]),
        (base64.a85encode(zeros).replace(b"!!!!!", b"z") + b"~>", ["ASCII85Decode", "FlateDecode"]),
        (zeros, ["FlateDecode", "DCTDecode"]),  # decoding stops at the image codec
        (zeros, ["", "FlateDecode"]),  # ... and at a filter it does not know
        (b"stored as it is", []),
    ]


def test_size_bound_is_never_below_the_decoded_size() -> None:
    for raw, filters in _worst_cases():
        size = limits.decoded_size(raw, filters, 1 << 40)
        bound = limits.size_bound(len(raw), filters)
        assert bound is not None and size <= bound, (filters, size, bound)
    assert limits.size_bound(100, ["LZWDecode"]) is None  # no bound: such a stream is measured
    assert limits.size_bound(100, ["DCTDecode", "LZWDecode"]) == 100


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"1 0 obj\n<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream\nendobj\n"


IMAGE = b"/Subtype /Image /Filter /FlateDecode"


@pytest.mark.parametrize("streams", [
    [_stream(zlib.compress(b"BT ET" * 100), b"/Filter /FlateDecode")],
    [_stream(zlib.compress(bytes(3 * MIB), 9), b"/Filter /FlateDecode")] * 3,
    [_stream(zlib.compress(b"x" * 1000), b"/Filter /FlateDecode")] * 2 + [_stream(zlib.compress(bytes(5 * MIB), 9), IMAGE)],
    [_stream(b"z" * 9000 + b"~>", b"/Filter /ASCII85Decode"), _stream(b"plain " * 500)],
    [_stream(bytes.fromhex("800B6050220C0C8501"), b"/Filter /LZWDecode"), _stream(zlib.compress(bytes(MIB)), b"/Filter /Fl")],
    # over the content limit by the bounds, within it once the two are measured
    [_stream(zlib.compress(random.Random(3).randbytes(2000)), b"/Filter /FlateDecode")] * 2 + [_stream(b"BT ET")],
])
def test_check_streams_is_the_measured_check(streams: list[bytes]) -> None:
    """Whether the bounds settle a file or not, the answer is that of measuring every stream in order."""
    data = b"%PDF-1.4\n" + b"".join(streams) + b"%%EOF\n"
    for stream_mb, content_mb in [(1, 1), (1, 2), (2, 3), (3, 1), (3, 8), (6, 10), (256, 1024), (1, 1024), (256, 1)]:
        assert limits.check_streams(data, stream_mb, content_mb) == limits._measured(data, stream_mb, content_mb)
    assert limits.check_streams(data, 256, 1024) is None
