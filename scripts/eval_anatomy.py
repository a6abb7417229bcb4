"""Score protocol anatomy against the hand-annotated gold in tests/data/anatomy_gold/.

Usage: python scripts/eval_anatomy.py [--shared ../shared] [--split tune|blind] [--no-tag] [--json]

Each gold file was annotated by reading the text of a real protocol (``../shared/corpus``,
never committed); ``split`` says whether the rules may be tuned on it (``tune``) or not
(``blind``: scored, never read while writing rules). The PDF read is the rendered PDF of
that text (``corpus/pdf-rendered/<file>.pdf``), so gold page k is PDF page k.

Figures, per split (docs/accuracy.md reports them):
- items: precision/recall/F1 by § number; pages right = start and end page both right;
- sections: F1 over (item, heading, kind) of the headed sections;
- recipients: F1 over (item, addressee), case-insensitive;
- persons: PERSON precision (and recall) per item over the item's sections, appendix text excluded;
- body / organisation / date: right on how many documents (case-insensitive);
- votes: gold votes found with the same ja and nej counts in the same item;
- attachments: F1 over (kind, item, first page); page kinds: pages whose region kind is right;
- furniture: lines of section text that are a running header/footer line (must be 0).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.decide import decide  # noqa: E402
from pipeline.extract import ExtractOptions, extract  # noqa: E402
from pipeline.segment import segment  # noqa: E402
from pipeline.types import Protocol  # noqa: E402

GOLD = ROOT / "tests" / "data" / "anatomy_gold"


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace("\t", " ").lower().rstrip(":").split())


def _f1(gold: Counter[Any], pred: Counter[Any]) -> tuple[int, int, int]:
    """(true positives, gold count, predicted count) of two multisets."""
    return sum((gold & pred).values()), sum(gold.values()), sum(pred.values())


def _person_key(name: str) -> tuple[str, ...]:
    words = [w.lower() for w in re.findall(r"[\wÅÄÖåäöéü-]+", name)]
    return tuple(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def _person_match(pred: str, gold: list[str]) -> bool:
    """A predicted name is right when its words (genitive s dropped) are among one gold person's
    words, or it is that person's name misspelt (the gold lists a person once, correctly spelt:
    ``Charlott Enocsson`` in the text is ``Charlott Enocson``)."""
    p = _person_key(pred)
    if not p:
        return False
    for g in gold:
        key = _person_key(g)
        if set(p) <= set(key) and len(p) >= min(2, len(key)):
            return True
        if len(p) == len(key) and difflib.SequenceMatcher(None, " ".join(p), " ".join(key)).ratio() >= 0.85:
            return True
    return False


def score_document(gold: dict[str, Any], protocol: Protocol) -> dict[str, Any]:
    """Counts for one document (added up per split by ``main``)."""
    out: Counter[str] = Counter()
    if gold.get("items_from") or gold.get("items_to"):  # only part of the document was annotated
        lo, hi = gold.get("items_from") or 0, gold.get("items_to") or 10**6
        protocol.items = [i for i in protocol.items if lo <= i.number <= hi]
        protocol.decisions.votes = [v for v in protocol.decisions.votes if lo <= v.item_number <= hi]
        protocol.attachments = [a for a in protocol.attachments if a.item_number and lo <= a.item_number <= hi]
    by_number = {i.number: i for i in protocol.items}
    gold_numbers = Counter(i["number"] for i in gold["items"])
    tp, g, p = _f1(gold_numbers, Counter(i.number for i in protocol.items))
    out.update(items_tp=tp, items_gold=g, items_pred=p)
    for gi in gold["items"]:
        item = by_number.get(gi["number"])
        if item and (item.page_start, item.page_end) == (gi["page_start"], gi["page_end"]):
            out["pages_right"] += 1
    gold_secs = Counter((i["number"], _norm(s["heading"]), s["kind"]) for i in gold["items"] for s in i["sections"])
    pred_secs = Counter((i.number, _norm(s.heading), s.kind) for i in protocol.items for s in i.sections if s.heading)
    out.update(dict(zip(("sec_tp", "sec_gold", "sec_pred"), _f1(gold_secs, pred_secs), strict=True)))
    gold_rec = Counter((i["number"], _norm(r)) for i in gold["items"] for r in i["recipients"])
    pred_rec = Counter((i.number, _norm(r)) for i in protocol.items for r in i.recipients)
    out.update(dict(zip(("rec_tp", "rec_gold", "rec_pred"), _f1(gold_rec, pred_rec), strict=True)))
    per_item_precision: list[float] = []
    for gi in gold["items"]:
        item = by_number.get(gi["number"])
        if item is None or not protocol.tagged:
            continue
        names = {e.norm or e.text for s in item.sections for e in s.entities if e.label == "PERSON"}
        right = sum(_person_match(n, gi["persons"]) for n in names)
        out["person_pred"] += len(names)
        out["person_right"] += right
        out["person_gold"] += len(gi["persons"])
        out["person_found"] += sum(any(_person_match(n, [gp]) for n in names) for gp in gi["persons"])
        if names:
            per_item_precision.append(right / len(names))
    m = protocol.meeting
    out["docs"] += 1
    out["body_right"] += _norm(m.body) == _norm(gold["body"])
    out["org_right"] += _norm(m.organisation) == _norm(gold["organisation"])
    out["date_right"] += m.meeting_date == gold["meeting_date"]
    out["place_right"] += _place(m.place, m.organisation) == _place(gold.get("place"), gold.get("organisation"))
    for gi in gold["items"]:
        pred_votes = [(v.ja, v.nej) for v in protocol.decisions.votes if v.item_number == gi["number"]]
        for gv in gi["votes"]:
            out["votes_gold"] += 1
            if (gv["ja"], gv["nej"]) in pred_votes:
                out["votes_found"] += 1
                pred_votes.remove((gv["ja"], gv["nej"]))
    out["votes_pred"] += len(protocol.decisions.votes)
    gold_att = Counter((a["kind"], a["item_number"], a["page_start"]) for a in gold["attachments"])
    pred_att = Counter((a.kind, a.item_number, a.page_start) for a in protocol.attachments)
    out.update(dict(zip(("att_tp", "att_gold", "att_pred"), _f1(gold_att, pred_att), strict=True)))
    kinds = _page_kinds(protocol)
    for page, kind in (gold.get("page_types") or {}).items():
        out["pages"] += 1
        out["page_kind_right"] += kinds.get(int(page)) == kind
    furniture = [re.compile("^" + re.escape(f).replace("N", r"\d+") + "$", re.IGNORECASE) for f in gold["furniture"]]
    for item in protocol.items:
        for s in item.sections:
            for line in s.text.split("\n"):
                cells = [c.strip() for c in line.split("\t")]
                out["furniture_lines"] += any(rx.match(c) for c in cells for rx in furniture)
    return {"counts": dict(out), "per_item_precision": per_item_precision}


def _place(place: str | None, organisation: str | None) -> str:
    """A place without the organisation in front of it: annotators differ on whether
    ``Lomma kommun, Strandskolans matsal`` or ``Strandskolans matsal`` is the place."""
    text = _norm(place)
    org = _norm(organisation)
    return text[len(org) + 1 :].strip() if org and text.startswith(org + ",") else text


def _page_kinds(protocol: Protocol) -> dict[int, str]:
    """The region kind of each page: an item wins over the cover it shares a page with."""
    kinds: dict[int, str] = {}
    rank = {"item": 3, "attachment": 2, "agenda": 1}
    for r in protocol.regions:
        for page in range(r.page_start, r.page_end + 1):
            if rank.get(r.kind, 0) >= rank.get(kinds.get(page, ""), 0):
                kinds[page] = r.kind
    return kinds


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def summarise(counts: Counter[str], precisions: list[float]) -> dict[str, Any]:
    """The figures of one split."""

    def f1(prefix: str) -> dict[str, float]:
        tp, g, p = counts[f"{prefix}_tp"], counts[f"{prefix}_gold"], counts[f"{prefix}_pred"]
        pr, rc = _ratio(tp, p), _ratio(tp, g)
        return {"precision": round(pr, 3), "recall": round(rc, 3),
                "f1": round(2 * pr * rc / (pr + rc), 3) if pr + rc else 0.0, "gold": g}

    return {
        "documents": counts["docs"],
        "items": f1("items"),
        "item_pages_right": f"{counts['pages_right']}/{counts['items_gold']}",
        "sections": f1("sec"),
        "recipients": f1("rec"),
        "person_precision": round(_ratio(counts["person_right"], counts["person_pred"]), 3),
        "person_precision_mean_per_item": round(sum(precisions) / len(precisions), 3) if precisions else None,
        "person_recall": round(_ratio(counts["person_found"], counts["person_gold"]), 3),
        "body_right": f"{counts['body_right']}/{counts['docs']}",
        "organisation_right": f"{counts['org_right']}/{counts['docs']}",
        "date_right": f"{counts['date_right']}/{counts['docs']}",
        "place_right": f"{counts['place_right']}/{counts['docs']}",
        "votes_found": f"{counts['votes_found']}/{counts['votes_gold']} (predicted {counts['votes_pred']})",
        "attachments": f1("att"),
        "page_kinds_right": f"{counts['page_kind_right']}/{counts['pages']}",
        "furniture_lines_in_sections": counts["furniture_lines"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--split", default=None, help="score one split only (tune, blind, blind2)")
    ap.add_argument("--no-tag", action="store_true", help="skip the tag stage (no PERSON figures)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--source", choices=["pdf", "txt"], default="pdf",
                    help="read the rendered PDFs (default) or the pdftotext -layout texts")
    ap.add_argument("--detail", action="store_true", help="per document counts")
    args = ap.parse_args(argv)
    nlp = None
    if not args.no_tag:
        from pipeline.tag import build_nlp

        nlp = build_nlp(ROOT / "models" / "sv_protokoll")
    splits: dict[str, tuple[Counter[str], list[float]]] = {}
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if args.split and gold["split"] != args.split:
            continue
        if gold.get("source"):  # a protocol read as published (a PDF, or a text file)
            pdf = args.shared / "corpus" / gold["source"]
        else:  # a Lomma text: its rendered PDF, or the text itself with --source txt
            pdf = args.shared / "corpus" / ("txt" if args.source == "txt" else "pdf-rendered") / f"{gold['file']}.{args.source}"
        if not pdf.exists():
            print(f"{pdf}: missing, skipped", file=sys.stderr)
            continue
        protocol = decide(segment(extract(pdf, options=ExtractOptions(ocr=True))))
        if nlp is not None:
            from pipeline.tag import tag_protocol

            protocol = tag_protocol(protocol, nlp)
        result = score_document(gold, protocol)
        if args.detail:
            print(gold["file"], json.dumps(summarise(Counter(result["counts"]), result["per_item_precision"]),
                                           ensure_ascii=False), file=sys.stderr)
        counts, precisions = splits.setdefault(gold["split"], (Counter(), []))
        counts.update(result["counts"])
        precisions.extend(result["per_item_precision"])
    figures = {split: summarise(c, p) for split, (c, p) in sorted(splits.items())}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        for split, fig in figures.items():
            print(f"== {split}")
            for key, value in fig.items():
                print(f"  {key:32} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
