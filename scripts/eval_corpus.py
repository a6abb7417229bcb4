"""Run the whole pipeline over ../shared/corpus and report, per file, what it found.

Usage: python scripts/eval_corpus.py [--shared ../shared] [--no-ocr] [--markdown]

Per file: pages and pages OCR'd, the paragraphs expected (tests/data/corpus_expected.json:
the range the cover page declares for the PDFs, the § headings for the texts) against the
items found (missing / extra), attendees, proposals, votes (with warnings),
reservations/notes and recusals (jäv). The corpus itself is never committed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.decide import decide  # noqa: E402
from pipeline.extract import ExtractOptions, extract  # noqa: E402
from pipeline.segment import segment  # noqa: E402


def evaluate(shared: Path, ocr: bool) -> list[dict[str, object]]:
    expected = json.loads((ROOT / "tests" / "data" / "corpus_expected.json").read_text(encoding="utf-8"))
    rows: list[dict[str, object]] = []
    for kind in ("pdf", "txt"):
        for name, want in expected[kind].items():
            path = shared / "corpus" / kind / name
            if not path.exists():
                print(f"{path}: missing, skipped", file=sys.stderr)
                continue
            started = time.perf_counter()
            doc = extract(path, options=ExtractOptions(ocr=ocr))
            protocol = decide(segment(doc))
            numbers = [i.number for i in protocol.items]
            wanted = [n for n in range(want["first"], want["last"] + 1) if n not in want.get("missing", [])]
            votes = protocol.decisions.votes
            rows.append({
                "file": name,
                "type": protocol.doc_type,
                "pages": doc.page_count,
                "ocr_pages": sum(p.ocr for p in doc.pages),
                "repaired_pages": sum(p.quality == "repairable" and not p.ocr for p in doc.pages),
                "expected": len(wanted),
                "found": len(numbers),
                "missing": sorted(set(wanted) - set(numbers)),
                "extra": sorted(set(numbers) - set(wanted)),
                "titled": sum(bool(i.title) for i in protocol.items),
                "case_numbers": sum(bool(i.case_number) for i in protocol.items),
                "attendees": len(protocol.meeting.attendees),
                "proposals": len(protocol.decisions.proposals),
                "proposals_with_party": sum(bool(p.person and p.party) for p in protocol.decisions.proposals),
                "votes": len(votes),
                "vote_warnings": sum(v.warning is not None for v in votes),
                "stances": len(protocol.decisions.stances),
                "recusals": len(protocol.decisions.recusals),
                "seconds": round(time.perf_counter() - started, 1),
            })
    return rows


COLUMNS = ["file", "type", "pages", "ocr_pages", "repaired_pages", "expected", "found", "missing", "extra",
           "titled", "case_numbers", "attendees", "proposals", "proposals_with_party", "votes", "vote_warnings",
           "stances", "recusals", "seconds"]


def markdown(rows: list[dict[str, object]]) -> str:
    head = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n"
    body = "".join(
        "| " + " | ".join(", ".join(map(str, r[c])) if isinstance(r[c], list) else str(r[c]) for c in COLUMNS) + " |\n"
        for r in rows
    )
    return head + body


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"no corpus at {args.shared / 'corpus'}", file=sys.stderr)
        return 2
    rows = evaluate(args.shared, ocr=not args.no_ocr)
    print(json.dumps(rows, ensure_ascii=False, indent=1) if args.json else markdown(rows))
    return 0 if all(not r["missing"] and not r["extra"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
