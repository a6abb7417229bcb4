"""Generate a seeded synthetic corpus of protocol PDFs, good and broken, for stress tests and benchmarks.

Usage::

    python scripts/make_corpus.py OUT_DIR [--docs 50] [--items 8] [--broken 0] [--seed 1]

Every document is a plausible protocol (running header and footer, items with
Ärendebeskrivning, Yrkanden, Beslut and recipients) drawn with the layout code
of ``make_samples.py``. ``OUT_DIR/expected.json`` says, per file, what the
pipeline must find: the item numbers for a good file, the failure reason for a
broken one. Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import small_protocol, write_pdf  # noqa: E402

FIRST = ["Anna", "Erik", "Karin", "Lars", "Maria", "Johan", "Eva", "Per", "Sara", "Anders", "Lena", "Nils",
         "Ingrid", "Olof", "Helena", "Mats", "Elin", "Gustav", "Fatima", "Ahmed", "Linnea", "Jonas"]
LAST = ["Berg", "Nyström", "Sandberg", "Holm", "Lund", "Ek", "Forsberg", "Öberg", "Wallin", "Strand", "Ali",
        "Dahl", "Sjöberg", "Nordin", "Åberg", "Lindqvist", "Karlsson", "Persson", "Hägg", "Björk"]
PARTIES = ["S", "M", "SD", "C", "V", "KD", "L", "MP"]
BODIES = ["Kommunstyrelsen", "Socialnämnden", "Tekniska nämnden", "Barn- och utbildningsnämnden",
          "Kultur- och fritidsnämnden", "Miljö- och byggnämnden"]
TOPICS = ["Budgetuppföljning", "Revidering av taxa", "Investering i förskola", "Upphandling av skolskjuts",
          "Motion om cykelvägar", "Medborgarförslag om lekplats", "Detaljplan för bostäder",
          "Internkontrollplan", "Riktlinjer för bostadsanpassning", "Yttrande över remiss"]
SENTENCES = [
    "Förvaltningen har sett över verksamhetens lokaler, personal och avtal inför det kommande året.",
    "Nämnden har fått information om ärendet vid tidigare sammanträden och lämnat synpunkter.",
    "Kostnaden beräknas till {money} och ryms inom den befintliga budgetramen.",
    "Förslaget innebär att verksamheten kan genomföras senast den {day} {month} med nuvarande bemanning.",
    "Ekonomiavdelningen bedömer att underskottet motsvarar {pct} % av nämndens budget.",
    "Samråd har skett med berörda förvaltningar och med de fackliga organisationerna.",
    "Ärendet har beretts av arbetsutskottet som föreslår att förslaget godkänns.",
    "Uppföljning sker i samband med delårsrapporten och redovisas för nämnden i höst.",
]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "september", "oktober", "november"]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} ({rng.choice(PARTIES)})"


def paragraph(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        s = rng.choice(SENTENCES)
        out.append(s.format(money=f"{rng.randint(2, 90)} miljoner kronor", day=rng.randint(1, 28),
                            month=rng.choice(MONTHS), pct=rng.randint(2, 15)))
    return " ".join(out)


def protocol_text(rng: random.Random, first: int, items: int, paragraphs: int) -> str:
    """The body text of one protocol: ``items`` items numbered from ``first``."""
    blocks = []
    for number in range(first, first + items):
        blocks.append(f"§ {number} {rng.choice(TOPICS)} {number}\nDnr KS {rng.randint(2020, 2025)}/{rng.randint(10, 999)}")
        blocks.append("Ärendebeskrivning")
        blocks += [paragraph(rng, rng.randint(3, 6)) for _ in range(paragraphs)]
        blocks.append("Yrkanden")
        blocks.append(f"{person(rng)} yrkar bifall till arbetsutskottets förslag.")
        blocks.append("Beslut")
        blocks.append("Nämnden beslutar att godkänna förslaget.")
        blocks.append("Beslutet skickas till")
        blocks.append("Ekonomiavdelningen\nKommunkansliet")
    return "\n\n".join(blocks) + "\n"


def write_corpus(out: Path, docs: int, items: int, paragraphs: int, broken: int, seed: int) -> dict[str, object]:
    """Write ``docs`` good and ``broken`` broken PDFs into ``out`` and return the expectations."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    expected: dict[str, object] = {}
    good: list[Path] = []
    for k in range(docs):
        first = rng.randint(1, 400)
        body = rng.choice(BODIES)
        date = f"202{rng.randint(0, 5)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        pages = small_protocol(protocol_text(rng, first, items, paragraphs), body, date)
        path = out / f"protokoll-{k:04d}.pdf"
        write_pdf(path, pages, f"Protokoll {body} {date}", "protokoll scripts/make_corpus.py")
        expected[path.name] = {"items": list(range(first, first + items)), "body": body, "date": date,
                               "pages": len(pages)}
        good.append(path)
    reasons = {
        "zero": "empty file (0 bytes)",
        "truncated": "truncated PDF (no %%EOF marker at the end)",
        "html": "not a PDF",
    }
    for k in range(broken):
        kind = ("zero", "truncated", "html")[k % 3]
        path = out / f"broken-{k:04d}-{kind}.pdf"
        if kind == "zero":
            path.write_bytes(b"")
        elif kind == "truncated":
            data = good[k % len(good)].read_bytes() if good else b"%PDF-1.4\n"
            path.write_bytes(data[: int(len(data) * 0.6)] + f"%{k}".encode())
        else:
            path.write_text(f"<!DOCTYPE html><html><body>404 Not Found ({k})</body></html>\n", encoding="utf-8")
        expected[path.name] = {"error": reasons[kind]}
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    return expected


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=50)
    ap.add_argument("--items", type=int, default=8)
    ap.add_argument("--paragraphs", type=int, default=4, help="paragraphs of Ärendebeskrivning per item")
    ap.add_argument("--broken", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    expected = write_corpus(args.out, args.docs, args.items, args.paragraphs, args.broken, args.seed)
    pages = sum(int(v["pages"]) for v in expected.values() if isinstance(v, dict) and "pages" in v)
    print(f"{len(expected)} files, {pages} pages of good protocols -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
