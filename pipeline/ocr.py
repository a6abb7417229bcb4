"""OCR of pages without a usable text layer: PDF page -> lines with positions.

A page is rendered in memory with pypdfium2, sent as PNG on stdin to the
``tesseract`` command line program (Swedish data, TSV output on stdout), and
the words it finds are grouped into lines by tesseract's block / paragraph /
line numbers. Boxes are converted from pixels to PDF points with the origin
at the top left, as pdfplumber reports them, so the extractor can treat an
``OcrLine`` like a text-layer line: running header/footer removal and
paragraph joining work on the same positions.

By default lines that tesseract put in different blocks but that share a row
("Protokoll  14 §  28.03.2023  Sida") are joined left to right into one line,
as pdfplumber's ``extract_text_lines`` does for a text layer; pass
``join_rows=False`` for tesseract's own lines.

The command line program is used rather than pytesseract: one dependency
fewer, and stdin/stdout keep everything in memory (no temporary files). One
page is rendered and recognised at a time, so memory stays bounded by one
page image (A4 at 300 dpi, grayscale: about 9 MB). A page larger than
``max_pixels`` at the asked resolution is rendered at a lower one (a crafted
200-inch page at 300 dpi would be 3.6 billion pixels); below 72 dpi it is
refused with ``RenderLimitError``.

System requirement: the Debian packages ``tesseract-ocr`` and
``tesseract-ocr-swe``.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ProtokollError

log = logging.getLogger(__name__)

DEFAULT_DPI = 300  # tesseract's own sweet spot; 200 loses small print (see tests/test_ocr.py)
DEFAULT_LANG = "swe"
MAX_PIXELS = 40_000_000  # one page image: A2 at 300 dpi is 35 megapixels, A3 17
MIN_DPI = 72  # below this a page is not worth recognising
TIMEOUT_S = 180  # one page; a hung tesseract must not stall a batch
INSTALL_HINT = "install tesseract-ocr and tesseract-ocr-swe"
SECTION_LANG = "eng"  # reads "§", which the Swedish data turns into 8, $ or & (tesseract-ocr-eng comes with tesseract-ocr)
SUSPECT_RE = re.compile(r"^(?:\d{1,4}[.,]?[8$&]|[$&8S]|\d{0,4}[$&]\d{0,4})[.,:;]?$")  # a word that may be a misread "§"
SPECK_CONF = 50.0  # a word below this confidence and much smaller than the text is a speck
ROW_OVERLAP = 0.5  # two lines share a row when their boxes overlap by this share of the lower one


class OcrError(ProtokollError):
    """OCR of a page failed (tesseract exited with an error or timed out)."""

    def __init__(self, reason: str, hint: str | None = None, page: int | None = None):
        self.reason = reason
        self.hint = hint
        self.page = page
        where = f"page {page}: " if page else ""
        super().__init__(where + reason + (f" ({hint})" if hint else ""))


class OcrUnavailableError(OcrError):
    """tesseract or its Swedish language data is not installed."""


class RenderLimitError(OcrError):
    """A page too large to render within the pixel limit even at ``MIN_DPI``."""


@dataclass
class OcrWord:
    """A recognised word with its box in PDF points (origin top left) and tesseract's confidence (0-100)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float


@dataclass
class OcrLine:
    """A recognised line, positioned like a pdfplumber text line; ``conf`` is the mean word confidence."""

    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    conf: float
    words: list[OcrWord] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OcrLine:
        data = dict(data)
        data["words"] = [OcrWord(**w) for w in data.get("words", [])]
        return cls(**data)


def _tesseract() -> str | None:
    return shutil.which(os.environ.get("PROTOKOLL_TESSERACT", "tesseract"))


@lru_cache(maxsize=8)
def _languages(binary: str) -> frozenset[str]:
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    # The first line is 'List of available languages in "...":'; tesseract 4 prints it on stderr.
    lines = (out.stdout + "\n" + out.stderr).splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and " " not in ln.strip())


def ocr_available(lang: str = DEFAULT_LANG) -> bool:
    """Whether the tesseract program and its ``lang`` data (Swedish by default) are installed."""
    binary = _tesseract()
    return binary is not None and set(lang.split("+")) <= _languages(binary)


def check_ocr(lang: str = DEFAULT_LANG) -> str:
    """The path of the tesseract program; raises ``OcrUnavailableError`` saying what to install."""
    binary = _tesseract()
    if binary is None:
        raise OcrUnavailableError("OCR needs the tesseract program, which was not found", INSTALL_HINT)
    missing = sorted(set(lang.split("+")) - _languages(binary))
    if missing:
        raise OcrUnavailableError(f"tesseract has no language data {', '.join(missing)!r}", INSTALL_HINT)
    return binary


def render_dpi(width: float, height: float, dpi: int, max_pixels: int) -> int:
    """The resolution to render a page of ``width`` x ``height`` points at: ``dpi``, or the
    highest one at which the image has at most ``max_pixels`` pixels."""
    pixels = (width * dpi / 72) * (height * dpi / 72)
    if pixels <= max_pixels:
        return dpi
    lower = math.floor(dpi * math.sqrt(max_pixels / pixels))
    if lower < MIN_DPI:
        size = f"{round(width * MIN_DPI / 72):,} × {round(height * MIN_DPI / 72):,}"
        raise RenderLimitError(f"page would render at {size} pixels even at {MIN_DPI} dpi, more than the limit of "
                               f"{max_pixels / 1e6:g} megapixels", "raise --max-render-mpx")
    log.info("rendering a %.0f x %.0f pt page at %d dpi instead of %d (limit %g megapixels)",
             width, height, lower, dpi, max_pixels / 1e6)
    return lower


def render_page(pdf: str | Path | bytes, page_index: int, dpi: int = DEFAULT_DPI) -> Any:
    """Render page ``page_index`` (0-based) of a PDF to a grayscale PIL image at ``dpi``."""
    return render_page_within(pdf, page_index, dpi, None)[0]


def render_page_within(pdf: str | Path | bytes, page_index: int, dpi: int, max_pixels: int | None) -> tuple[Any, int]:
    """Render a page as ``render_page`` does, lowering ``dpi`` to keep within ``max_pixels`` (``render_dpi``).

    Returns the image and the resolution it was rendered at. The size is read from the
    page tree before the page is loaded.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        if not 0 <= page_index < len(doc):
            raise IndexError(f"page index {page_index} out of range (the PDF has {len(doc)} pages)")
        if max_pixels is not None:
            width, height = doc.get_page_size(page_index)
            dpi = render_dpi(width, height, dpi, max_pixels)
        page = doc[page_index]
        try:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = bitmap.to_pil()
            image.load()
            bitmap.close()
        finally:
            page.close()
    finally:
        doc.close()
    return image, dpi


def ocr_image(image: Any, dpi: int = DEFAULT_DPI, lang: str = DEFAULT_LANG, join_rows: bool = True,
              page: int | None = None) -> list[OcrLine]:
    """OCR a PIL image of a page rendered at ``dpi``; boxes come back in points (72 per inch)."""
    binary = check_ocr(lang)
    # tesseract's OpenMP threads fight each other on small machines; one page is one core.
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    tsv = _run_tsv(binary, image, dpi, lang, "3", env, page)
    lines = parse_tsv(tsv, dpi, join_rows=False)
    if lang == DEFAULT_LANG and SECTION_LANG in _languages(binary):
        _fix_section_signs(lines, image, dpi, binary, env, page)
    return _join_rows(lines) if join_rows else lines


def _run_tsv(binary: str, image: Any, dpi: int, lang: str, psm: str, env: dict[str, str], page: int | None) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    cmd = [binary, "stdin", "stdout", "-l", lang, "--dpi", str(dpi), "--psm", psm, "tsv"]
    try:
        proc = subprocess.run(cmd, input=buf.getvalue(), capture_output=True, timeout=TIMEOUT_S, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"tesseract did not finish within {TIMEOUT_S} s", "try a lower --dpi", page) from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed (exit {proc.returncode}): {err[-1] if err else 'no message'}", page=page)
    return proc.stdout.decode("utf-8", "replace")


def _fix_section_signs(lines: list[OcrLine], image: Any, dpi: int, binary: str, env: dict[str, str],
                       page: int | None) -> None:
    """Put back the "§" that the Swedish model reads as 8, $ or & ("14 §" -> "148", "6 §" -> "6 $").

    Tesseract's Swedish data barely knows "§", the most important glyph of a
    protocol; the English data reads it well but loses å ä ö. So the words
    that may hide a "§" are cut out, stacked into one small image and read
    again with the English data, one tesseract call per page; a reading is
    taken only when it has a "§" and the same digits.
    """
    from PIL import Image

    suspects = [(ln, i) for ln in lines for i, w in enumerate(ln.words) if SUSPECT_RE.match(w.text)]
    if not suspects:
        return
    px = dpi / 72.0
    pad = int(0.08 * dpi)  # white margin around each word: tesseract misreads glyphs that touch the edge
    crops = []
    for ln, i in suspects:
        w = ln.words[i]
        box = (max(0, int(w.x0 * px) - 2), max(0, int(w.top * px) - 2),
               min(image.width, int(w.x1 * px) + 2), min(image.height, int(w.bottom * px) + 2))
        word = image.crop(box)  # only the word's own box, so no neighbour's edge is read with it
        framed = Image.new("L", (word.width + 2 * pad, word.height + 2 * pad), 255)
        framed.paste(word, (pad, pad))
        crops.append(framed)
    gap = int(0.25 * dpi)
    sheet = Image.new("L", (max(c.width for c in crops) + 2 * gap, sum(c.height + gap for c in crops) + gap), 255)
    rows: list[tuple[int, int]] = []
    y = gap
    for crop in crops:
        sheet.paste(crop, (gap, y))
        rows.append((y, y + crop.height))
        y += crop.height + gap
    found: dict[int, list[tuple[float, str]]] = {}
    for row in csv.DictReader(io.StringIO(_run_tsv(binary, sheet, dpi, SECTION_LANG, "6", env, page)),
                              delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        mid = float(row["top"]) + float(row["height"]) / 2
        for n, (y0, y1) in enumerate(rows):
            if y0 - gap / 2 <= mid <= y1 + gap / 2:
                found.setdefault(n, []).append((float(row["left"]), text))
    for n, (ln, i) in enumerate(suspects):
        reading = "".join(t for _, t in sorted(found.get(n, [])))
        fixed = _section_reading(ln.words[i].text, reading)
        if fixed is not None:
            ln.words[i].text = fixed
            ln.text = " ".join(w.text for w in ln.words)


def _section_reading(swedish: str, english: str) -> str | None:
    """The word with its "§" restored, when the English reading has one and agrees on the digits."""
    english = re.sub(r"[^\d§]", "", english)  # stray marks read next to the glyph
    if "§" not in english or english.count("§") > 1:
        return None
    digits = re.sub(r"\D", "", english)
    ours = re.sub(r"\D", "", swedish)
    if digits not in (ours, ours[:-1]):
        return None
    m = re.fullmatch(r"(\d*)\s*§\s*(\d*)", english.strip())
    if not m:
        return None
    before, after = m.groups()
    return " ".join(x for x in (before, "§", after) if x)


def ocr_page(pdf: str | Path | bytes, page_index: int, dpi: int = DEFAULT_DPI, lang: str = DEFAULT_LANG,
             join_rows: bool = True, max_pixels: int = MAX_PIXELS) -> list[OcrLine]:
    """OCR page ``page_index`` (0-based) of a PDF (path or bytes) into lines in PDF points (see ``parse_tsv``).

    A page larger than ``max_pixels`` at ``dpi`` is rendered at a lower resolution.
    Raises ``OcrUnavailableError`` when tesseract or its Swedish data is
    missing, ``RenderLimitError`` when the page is too large even at ``MIN_DPI``, and
    ``OcrError`` when tesseract fails on the page.
    """
    check_ocr(lang)
    image, dpi = render_page_within(pdf, page_index, dpi, max_pixels)
    try:
        return ocr_image(image, dpi, lang, join_rows=join_rows, page=page_index + 1)
    finally:
        image.close()


def parse_tsv(tsv: str, dpi: int, join_rows: bool = True) -> list[OcrLine]:
    """Turn tesseract's TSV output into lines (pixels at ``dpi`` -> points).

    With ``join_rows`` the lines sharing a row are joined and sorted top to
    bottom (as pdfplumber gives a text layer); without, they keep tesseract's
    reading order (block by block).
    """
    scale = 72.0 / dpi
    groups: dict[tuple[int, int, int, int], list[OcrWord]] = {}
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        left, top = float(row["left"]), float(row["top"])
        width, height = float(row["width"]), float(row["height"])
        word = OcrWord(text, round(left * scale, 2), round(top * scale, 2), round((left + width) * scale, 2),
                       round((top + height) * scale, 2), round(float(row["conf"]), 1))
        key = (int(row["page_num"]), int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        groups.setdefault(key, []).append(word)
    heights = sorted(w.bottom - w.top for ws in groups.values() for w in ws)
    if heights:
        # specks on a scan come back as short words of low confidence ("ge" after a case number)
        small = 0.6 * heights[len(heights) // 2]
        groups = {k: kept for k, ws in groups.items()
                  if (kept := [w for w in ws if not (0 <= w.conf < SPECK_CONF and w.bottom - w.top < small)])}
    lines = [_line_of(words) for words in groups.values()]
    return _join_rows(lines) if join_rows else lines


def _line_of(words: list[OcrWord]) -> OcrLine:
    words = sorted(words, key=lambda w: w.x0)
    confs = [w.conf for w in words if w.conf >= 0]
    return OcrLine(
        text=" ".join(w.text for w in words),
        top=min(w.top for w in words),
        bottom=max(w.bottom for w in words),
        x0=words[0].x0,
        x1=max(w.x1 for w in words),
        conf=round(sum(confs) / len(confs), 1) if confs else -1.0,
        words=words,
    )


def _join_rows(lines: list[OcrLine]) -> list[OcrLine]:
    """Join lines that share a row (side-by-side blocks) into one, left to right."""
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        for row in rows:
            ref = row[0]
            overlap = min(ref.bottom, ln.bottom) - max(ref.top, ln.top)
            height = min(ref.bottom - ref.top, ln.bottom - ln.top)
            if height > 0 and overlap >= ROW_OVERLAP * height:
                row.append(ln)
                break
        else:
            rows.append([ln])
    joined = [_line_of([w for ln in row for w in ln.words]) if len(row) > 1 else row[0] for row in rows]
    return sorted(joined, key=lambda ln: (ln.top, ln.x0))


def lines_text(lines: list[OcrLine]) -> str:
    """The text of OCR lines, one line each, as a text layer would give it."""
    return "\n".join(ln.text for ln in lines)
