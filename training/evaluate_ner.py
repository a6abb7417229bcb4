"""Entity-level precision/recall/F1 of a spaCy model, per label.

Two test sets:
  1. the Swedish NER corpus's own ``test_corpus.txt`` (never used for training or
     model selection), tokens as given in the file, labels mapped exactly as in
     training for the gold side (PER->PERSON, MISC->O, party names ORG->O; see
     build_data.py); the model's own MISC predictions are not scored;
  2. the hand-annotated protocol gold set ``training/gold/protocol_gold.jsonl``
     (offsets into texts under /work/shared, read at run time), model run on the raw
     passage text with its own tokenizer.

A predicted entity counts only if start, end and label match a gold entity exactly.
Only the labels asked for (default PERSON, ORG, LOC: what the statistical ner
produces) are scored; predictions with other labels are ignored. Gold passages may
carry ``ignore`` ranges (an entity cut in two by a page header); gold and predicted
entities overlapping them are not scored.

Usage:
  python training/evaluate_ner.py models/sv_protokoll [--json] [--labels PERSON,ORG,LOC]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import spacy
from spacy.tokens import Doc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build_data import read_conll, sentence_to_doc  # noqa: E402
from lexicon import Lexicon  # noqa: E402

from pipeline.evaluate import _overlaps, load_gold  # noqa: E402  (one reader of the gold set)

SHARED = HERE.parents[1] / "shared"
DEFAULT_GOLD = HERE / "gold" / "protocol_gold.jsonl"
Span = tuple[int, int, str]


class Counts:
    """True positives, false positives and false negatives per label."""

    def __init__(self) -> None:
        self.tp: dict[str, int] = defaultdict(int)
        self.fp: dict[str, int] = defaultdict(int)
        self.fn: dict[str, int] = defaultdict(int)
        self.errors: list[tuple[str, str, str]] = []

    def add(self, gold: set[Span], pred: set[Span], text: str = "") -> None:
        for s in pred & gold:
            self.tp[s[2]] += 1
        for s in pred - gold:
            self.fp[s[2]] += 1
            self.errors.append(("FP", s[2], text[s[0]:s[1]]))
        for s in gold - pred:
            self.fn[s[2]] += 1
            self.errors.append(("FN", s[2], text[s[0]:s[1]]))

    def table(self, labels: list[str]) -> dict[str, dict[str, float]]:
        rows: dict[str, dict[str, float]] = {}
        for lab in [*labels, "micro"]:
            if lab == "micro":
                tp = sum(self.tp[x] for x in labels)
                fp = sum(self.fp[x] for x in labels)
                fn = sum(self.fn[x] for x in labels)
            else:
                tp, fp, fn = self.tp[lab], self.fp[lab], self.fn[lab]
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            rows[lab] = {"p": p, "r": r, "f": f, "support": tp + fn, "predicted": tp + fp}
        return rows


def _score_docs(nlp, gold_docs: list[Doc], labels: list[str]) -> Counts:
    """Run ``nlp`` on the gold docs' own tokens and count exact-span matches."""
    bare = [Doc(nlp.vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d]) for d in gold_docs]
    counts = Counts()
    for gold, pred in zip(gold_docs, nlp.pipe(bare, batch_size=256), strict=True):
        g = {(e.start_char, e.end_char, e.label_) for e in gold.ents if e.label_ in labels}
        p = {(e.start_char, e.end_char, e.label_) for e in pred.ents if e.label_ in labels}
        counts.add(g, p, gold.text)
    return counts


def eval_corpus(nlp, path: Path, labels: list[str]) -> Counts:
    """Score ``nlp`` on a token<TAB>label corpus file, keeping its tokenisation."""
    party_names = Lexicon.load().party_names()
    return _score_docs(nlp, [sentence_to_doc(nlp, s, party_names) for s in read_conll(path)], labels)


def eval_docbin(nlp, path: Path, labels: list[str]) -> Counts:
    """Score ``nlp`` on annotated Docs in a DocBin (e.g. corpus/dev_news.spacy), same tokens."""
    from spacy.tokens import DocBin

    return _score_docs(nlp, list(DocBin().from_disk(path).get_docs(nlp.vocab)), labels)


def eval_gold(nlp, path: Path, shared: Path, labels: list[str], split: str | None = None) -> Counts:
    """Score ``nlp`` on the protocol gold set (character offsets, exact match).

    ``split`` restricts to passages with that ``split`` field ("dev": looked at while
    developing the training data; "blind": annotated before any model saw it and
    never used for tuning).
    """
    counts = Counts()
    passages = [(r, t) for r, t in load_gold(path, shared) if split is None or r.get("split") == split]
    docs = nlp.pipe([t for _, t in passages], batch_size=16)
    for (rec, text), doc in zip(passages, docs, strict=True):
        ign = rec.get("ignore", [])
        g = {(s, e, lab) for s, e, lab, *_ in rec["entities"] if lab in labels and not _overlaps(s, e, ign)}
        p = {(x.start_char, x.end_char, x.label_) for x in doc.ents
             if x.label_ in labels and not _overlaps(x.start_char, x.end_char, ign)}
        counts.add(g, p, text)
    return counts


def format_table(name: str, rows: dict[str, dict[str, float]]) -> str:
    lines = [f"## {name}", "", "| label | precision | recall | F1 | gold | predicted |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for lab, r in rows.items():
        lines.append(f"| {lab} | {r['p']:.3f} | {r['r']:.3f} | {r['f']:.3f} | {r['support']} | {r['predicted']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Per-label entity P/R/F1 of a spaCy model.")
    ap.add_argument("model", help="model directory or package name")
    ap.add_argument("--corpus-test", type=Path, default=SHARED / "nlp/swedish-ner-corpus/test_corpus.txt")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--shared", type=Path, default=SHARED, help="root the gold file paths are relative to")
    ap.add_argument("--labels", default="PERSON,ORG,LOC")
    ap.add_argument("--docbin", type=Path, action="append", default=[],
                    help="also score on an annotated DocBin, e.g. training/corpus/dev_news.spacy (repeatable)")
    ap.add_argument("--skip-corpus", action="store_true")
    ap.add_argument("--skip-gold", action="store_true")
    ap.add_argument("--errors", type=int, default=0, help="print up to N gold-set errors")
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = ap.parse_args(argv)
    labels = args.labels.split(",")
    nlp = spacy.load(args.model, exclude=["protokoll_rules"])  # the model alone, without the tag stage's rules
    result: dict[str, dict] = {}
    if not args.skip_corpus:
        result["corpus_test"] = eval_corpus(nlp, args.corpus_test, labels).table(labels)
    for db in args.docbin:
        result[f"docbin:{db.name}"] = eval_docbin(nlp, db, labels).table(labels)
    if not args.skip_gold:
        counts = eval_gold(nlp, args.gold, args.shared, labels)
        result["protocol_gold"] = counts.table(labels)
        for split in ("dev", "blind", "blind3"):
            result[f"protocol_gold_{split}"] = eval_gold(nlp, args.gold, args.shared, labels, split).table(labels)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        names = {"corpus_test": "Swedish NER corpus, test_corpus.txt", "protocol_gold": "Protocol gold set (all)",
                 "protocol_gold_dev": "Protocol gold set, dev part (seen while developing)",
                 "protocol_gold_blind": "Protocol gold set, blind part (annotated before any model ran on it)",
                 "protocol_gold_blind3": "Protocol gold set, blind3 part (annotated after the last change, never used)"}
        print("\n\n".join(format_table(names.get(k, k), v) for k, v in result.items()))
    if args.errors and not args.skip_gold:
        for kind, lab, txt in counts.errors[: args.errors]:
            print(f"{kind}\t{lab}\t{txt!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
