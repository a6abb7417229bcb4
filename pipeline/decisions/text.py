"""Text helpers of the decision chain: running headers out, passages flattened, where sentences start.

Protocol text keeps page furniture inside sections (``4 (108)``, ``Justerandes sign``) and wraps
sentences over lines; every reader in this package first cleans and then cuts text with these.
"""

from __future__ import annotations

import re

# Running headers and footers that the text files keep inside sections.
NOISE_LINE_RES = [
    re.compile(rx, re.IGNORECASE)
    for rx in (
        r"^.{0,80},\s*(?:sammanträdes)?protokoll$",  # "Göteborgs Stad Kommunfullmäktige, protokoll"
        r"^(?:sida\s+)?\d+\s*(?:\(\d+\)|av\s+\d+)$",  # "4 (108)", "Sida 3 av 28"
        r"^(?:sammanträdes)?protokoll(?:\s*\(?nr\.?\s*\d+\)?)?$",  # "Protokoll (nr 6)", "Protokoll nr 21"
        r"^sammanträdesdatum:?\s*\S*$",
        r"^justerandes?(?:\s+sign(?:atur)?)?.*$",
        r"^utdragsbestyrkande$",
        r"^[-–—_]+$",
        r"^[A-ZÅÄÖ][a-zåäö-]*(?:styrelsen|fullmäktige|nämnden|utskottet|beredningen)$",  # a lone body name
    )
]
# All of them in one expression, tried once per line (they are anchored and hold no groups: ``^A$|^B$``
# matches a line exactly when one of them does).
NOISE_LINE_RE = re.compile("|".join(rx.pattern for rx in NOISE_LINE_RES), re.IGNORECASE)
SENTENCE_END_RE = re.compile(r"[.!?:;”\"»]\)?$")


def clean_text(text: str, body: str | None = None) -> str:
    """``text`` without running header/footer lines (and lines that repeat the body's name)."""
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and (
            NOISE_LINE_RE.match(stripped) or (body and stripped.lower() == body.lower())
        ):
            continue
        out.append(line.rstrip())
    return "\n".join(out).strip()


def flat(text: str) -> str:
    """Whitespace as single spaces, bullets on their own line: a passage as written, without line wrapping."""
    text = re.sub(r"\s*\n\s*(?=[•\uf0b7▪●◦*]|\d{1,2}[.)]\s)", "\x00", text.strip())
    text = re.sub(r"\s+", " ", text).replace("\x00", "\n")
    return text.strip()


def _unit_starts(text: str) -> list[int]:
    """Offsets where a sentence may start: the start, after sentence punctuation, after a heading-like line."""
    starts = [0]
    pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        nxt = pos + len(line) + 1
        stripped = line.strip()
        if stripped and i + 1 < len(lines):
            if SENTENCE_END_RE.search(stripped) or (len(stripped.split()) <= 3 and not stripped[-1].isalpha()) or (
                len(stripped.split()) <= 3 and re.search(r"\d$", stripped)
            ):
                starts.append(nxt)
        pos = nxt
    for m in re.finditer(r"(?<=[.!?:;])[”\"»)]?[ \t]+(?=\S)", text):
        starts.append(m.end())
    # ``text[s:].strip()`` is not empty exactly when ``s`` lies before the end of ``text.rstrip()``
    last = len(text.rstrip())
    return sorted({s for s in starts if s < last})

SENTENCE_STOP_RE = re.compile(r"[.!?](?=[”\"»)]?(?:\s+[A-ZÅÄÖÉ\d•§]|\s*$))")


def _heading_like(text: str, pos: int) -> bool:
    """Whether the line at ``pos`` is a short heading (at most three words, no closing punctuation)."""
    end = text.find("\n", pos)
    if end < 0 or (pos and text[pos - 1] != "\n"):
        return False
    line = text[pos:end].strip()
    return bool(line) and len(line.split()) <= 3 and not SENTENCE_END_RE.search(line) and not line.startswith(("•", "-"))
