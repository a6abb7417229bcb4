"""Write tests/fixtures/scanned-protocol-page.pdf: a protocol page as a scan, with no text layer.

Usage (from the repo root)::

    python scripts/make_scanned_fixture.py [--out tests/fixtures/scanned-protocol-page.pdf] [--png page.png]

A protocol page (running header, an item heading "47 § ...", a case number,
Ärendebeskrivning, Yrkanden with "Anna Berg (S) yrkar bifall", Beslut with
numbered points, the footer) is laid out with reportlab, rendered to a
grayscale image at 200 dpi with pypdfium2, tilted by 0.4 degrees and
sprinkled with specks as a scanner would, and wrapped as a JPEG in a new PDF
that has no text at all. ``tests/test_ocr.py`` OCRs it. Everything is seeded
and reportlab runs with ``invariant=1``, so running the script twice gives
identical bytes (for the same Pillow, pypdfium2 and reportlab).
"""

from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "scanned-protocol-page.pdf"
DPI = 200
SEED = 47
TILT_DEGREES = 0.4
SPECKS = 600
JPEG_QUALITY = 70

WIDTH, HEIGHT = A4
LEFT = 62.0

# (font size, bold, text, extra space before) — one line each, top to bottom.
BODY: list[tuple[float, bool, str, float]] = [
    (13, True, "47 § Ekonomisk uppföljning per februari 2024", 0),
    (11, False, "Dnr KS 2024/123", 4),
    (11, True, "Ärendebeskrivning", 14),
    (11, False, "Barn- och utbildningsnämnden har lämnat en ekonomisk uppföljning per februari", 4),
    (11, False, "2024. Nämnden prognostiserar ett underskott på 13,8 miljoner kronor för helåret.", 0),
    (11, False, "Underskottet förklaras främst av att fler barn går i förskolan än vad budgeten", 0),
    (11, False, "bygger på och av att kostnaderna för skolskjuts har ökat.", 0),
    (11, True, "Yrkanden", 14),
    (11, False, "Anna Berg (S) yrkar bifall till arbetsutskottets förslag.", 4),
    (11, False, "Per Öström (M) yrkar avslag.", 0),
    (11, True, "Beslut", 14),
    (11, False, "Kommunstyrelsen beslutar att", 4),
    (11, False, "1. uppföljningen läggs till handlingarna,", 0),
    (11, False, "2. barn- och utbildningsnämnden uppdras att senast den 15 juni redovisa", 0),
    (11, False, "åtgärder som bringar verksamheten i ekonomisk balans.", 0),
]


def layout_pdf() -> bytes:
    """The page as a vector PDF (the 'original' that was printed and scanned)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(LEFT, HEIGHT - 50, "Björkviks kommun")
    c.drawString(LEFT + 190, HEIGHT - 50, "Sammanträdesprotokoll")
    c.drawRightString(WIDTH - 56, HEIGHT - 50, "Sida 3 av 6")
    c.drawString(LEFT, HEIGHT - 63, "Kommunstyrelsen")
    c.drawString(LEFT + 190, HEIGHT - 63, "2024-03-12")
    c.line(LEFT, HEIGHT - 70, WIDTH - 56, HEIGHT - 70)
    y = HEIGHT - 110
    for size, bold, text, before in BODY:
        y -= before
        c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        c.drawString(LEFT, y, text)
        y -= size * 1.35
    c.line(LEFT, 70, WIDTH - 56, 70)
    c.setFont("Helvetica", 9)
    c.drawString(LEFT, 56, "Justerandes sign")
    c.drawString(LEFT + 190, 56, "Utdragsbestyrkande")
    c.showPage()
    c.save()
    return buf.getvalue()


def scan(pdf_bytes: bytes) -> Image.Image:
    """Render at DPI in grayscale, tilt slightly and add specks, all seeded."""
    doc = pdfium.PdfDocument(pdf_bytes)
    page = doc[0]
    image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    page.close()
    doc.close()
    image = image.rotate(TILT_DEGREES, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    rng = random.Random(SEED)
    pixels = image.load()
    for _ in range(SPECKS):
        x, y = rng.randrange(image.width - 2), rng.randrange(image.height - 2)
        shade = rng.randrange(60, 180)
        for dx in range(rng.choice((1, 2))):
            for dy in range(rng.choice((1, 2))):
                pixels[x + dx, y + dy] = shade
    return image


def wrap(image: Image.Image) -> bytes:
    """A one-page A4 PDF holding only the image (no text layer)."""
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    jpeg.seek(0)
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(jpeg), 0, 0, width=WIDTH, height=HEIGHT)
    c.showPage()
    c.save()
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--png", type=Path, help="also write the scanned image here, for a look")
    args = parser.parse_args()
    image = scan(layout_pdf())
    if args.png:
        image.save(args.png)
    data = wrap(image)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"{args.out} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
