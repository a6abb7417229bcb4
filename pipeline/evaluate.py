"""Accuracy of the tag stage on the protocol gold set: per-label precision, recall, F1.

The gold set (``training/gold/protocol_gold.jsonl``) holds passages of real
protocols by file name and character offsets, with hand-annotated entities;
the texts are read from ``../shared`` at run time. The full tagging pipeline
(trained model plus rules, as ``protokoll tag`` runs it) is run on each
passage with the meeting date as the date anchor. An entity counts when its
start, end and label match exactly; for MONEY, PERCENT and DATE the value
must match too (``value_errors`` counts exact spans with a wrong value).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .types import ENTITY_LABELS

Span = tuple[int, int, str]


@dataclass
class Scores:
    """Counts per label and the derived precision, recall and F1."""

    tp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fn: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    value_errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, gold: dict[Span, Any], pred: dict[Span, Any], text: str) -> None:
        for span, value in pred.items():
            if span in gold and _same_value(gold[span], value):
                self.tp[span[2]] += 1
                continue
            if span in gold:
                self.value_errors[span[2]] += 1
                self.errors.append(("VALUE", span[2], f"{text[span[0]:span[1]]!r}: {value} != {gold[span]}"))
            self.fp[span[2]] += 1
            self.errors.append(("FP", span[2], text[span[0] : span[1]]))
        for span in gold:
            if span not in pred or not _same_value(gold[span], pred[span]):
                self.fn[span[2]] += 1
                if span not in pred:
                    self.errors.append(("FN", span[2], text[span[0] : span[1]]))

    def table(self, labels: list[str]) -> dict[str, dict[str, float]]:
        rows: dict[str, dict[str, float]] = {}
        for lab in [*labels, "micro"]:
            keys = labels if lab == "micro" else [lab]
            tp = sum(self.tp[k] for k in keys)
            fp = sum(self.fp[k] for k in keys)
            fn = sum(self.fn[k] for k in keys)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            rows[lab] = {"p": p, "r": r, "f": f, "gold": tp + fn, "predicted": tp + fp,
                         "value_errors": sum(self.value_errors[k] for k in keys)}
        return rows


def _same_value(gold: Any, pred: Any) -> bool:
    if gold is None:
        return True  # labels without a value (PERSON, ORG, ...)
    if isinstance(gold, (int, float)) and isinstance(pred, (int, float)):
        return abs(float(gold) - float(pred)) < 1e-6
    return bool(gold == pred)


def load_gold(path: Path, shared: Path) -> list[tuple[dict[str, Any], str]]:
    """Gold passages with their text read from ``shared``."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            text = (shared / rec["file"]).read_text(encoding="utf-8")[rec["start"] : rec["end"]]
            out.append((rec, text))
    return out


def gold_splits(path: Path) -> list[str]:
    """The split names the gold file's passages carry (``dev``, ``blind``, ...), sorted: what ``--split`` accepts."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted({str(r["split"]) for r in records if "split" in r})


def _overlaps(s: int, e: int, ranges: list[list[int]]) -> bool:
    return any(s < b and a < e for a, b in ranges)


def evaluate_gold(nlp: Any, gold_path: Path, shared: Path, labels: list[str] | None = None,
                  split: str | None = None) -> Scores:
    """Score the tagging pipeline ``nlp`` on the gold set (only passages of ``split`` if given)."""
    labels = labels or list(ENTITY_LABELS)
    scores = Scores()
    for rec, text in load_gold(gold_path, shared):
        if split is not None and rec.get("split") != split:
            continue
        ignore = rec.get("ignore", [])
        doc = nlp.make_doc(text)
        doc._.anchor = rec.get("meeting_date")
        doc = nlp(doc)
        gold = {
            (e[0], e[1], e[2]): (e[3] if len(e) > 3 else None)
            for e in rec["entities"]
            if e[2] in labels and not _overlaps(e[0], e[1], ignore)
        }
        pred: dict[Span, Any] = {}
        for ent in doc.ents:
            if ent.label_ not in labels or _overlaps(ent.start_char, ent.end_char, ignore):
                continue
            value = ent._.value_date if ent.label_ == "DATE" else ent._.value_num
            pred[(ent.start_char, ent.end_char, ent.label_)] = value if ent.label_ in ("MONEY", "PERCENT", "DATE") else None
        scores.add(gold, pred, text)
    return scores


def format_table(title: str, rows: dict[str, dict[str, float]]) -> str:
    """A Markdown table of per-label scores."""
    lines = [
        f"## {title}", "",
        "| label | precision | recall | F1 | gold | predicted | wrong values |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for lab, r in rows.items():
        lines.append(
            f"| {lab} | {r['p']:.3f} | {r['r']:.3f} | {r['f']:.3f} | {r['gold']:.0f} | {r['predicted']:.0f} "
            f"| {r['value_errors']:.0f} |"
        )
    return "\n".join(lines)
