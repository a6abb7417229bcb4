"""Score the decide step against the hand-annotated outcome gold (tests/data/outcome_gold/).

    .venv/bin/python scripts/eval_outcomes.py --split tune            # the part the rules may be tuned on
    .venv/bin/python scripts/eval_outcomes.py --split blind           # once, for the report
    .venv/bin/python scripts/eval_outcomes.py --segmented DIR         # reuse segment outputs (<source>.json)

Reads every gold file (format: tests/data/outcome_gold/README.md) whose ``split`` is asked for,
runs extract and segment on its source in ../shared/corpus (or takes the segmented protocol from
``--segmented`` and reads its decisions again with the current code), and reports:

- outcome accuracy, recall per gold class, and the confusion matrix (gold rows, predicted columns);
  a gold item the program did not find counts as predicted ``(missing)``;
- stance accuracy over the gold proposals (matched by person within the item, in order; a gold
  proposal with no predicted one counts as wrong), and ``won`` / ``vote_method`` accuracy
  (``--errors`` lists every wrong outcome, clause, stance, ``won`` and vote method);
- clause-boundary precision, recall and F1: a predicted clause is right when its whitespace-normalised
  text equals a gold clause of the item, hyphens and the whitespace after them left out on both sides
  (the gold keeps a word broken at a line end as printed, ``f- klass``, while extraction may join it,
  ``fklass`` or ``f-klass``: that is no boundary); PDF sources, whose text the gold took from an older
  extraction: difflib ratio >= 0.9.

Exit 0; exit 3 when the gold folder or the corpus is missing (with the path).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.decisions import extract_decisions  # noqa: E402
from pipeline.types import OUTCOMES, Decisions, Protocol  # noqa: E402

GOLD = ROOT / "tests" / "data" / "outcome_gold"
CORPUS = ROOT.parent / "shared" / "corpus"
FUZZY = 0.9


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class Score:
    """Counts gathered over the items of one split."""

    outcome_pairs: list[tuple[str, str]] = field(default_factory=list)
    stance_right: int = 0
    stance_total: int = 0
    stance_matched: int = 0
    won_right: int = 0
    won_total: int = 0
    method_right: int = 0
    method_total: int = 0
    clause_tp: int = 0
    clause_pred: int = 0
    clause_gold: int = 0
    errors: list[str] = field(default_factory=list)


def gold_files(split: str) -> list[dict[str, Any]]:
    """The gold documents of ``split`` ('all': every one); the others are not looked at."""
    if not GOLD.is_dir():
        sys.exit(f"{GOLD}: outcome gold folder missing (it is part of the repository; restore it)")
    docs = []
    for path in sorted(GOLD.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if split == "all" or data.get("split") == split:
            docs.append(data)
    return docs


def protocol_for(source: str, segmented: Path | None) -> Protocol:
    """The segmented protocol of a corpus file, its decisions read by the current code."""
    if segmented is not None:
        for name in (f"{source}.json", f"{Path(source).stem}.json"):
            path = segmented / name
            if path.is_file():
                protocol = Protocol.from_dict(json.loads(path.read_text(encoding="utf-8")))
                protocol.decisions = extract_decisions(protocol) if protocol.doc_type == "protokoll" else Decisions()
                return protocol
    from pipeline.decide import decide
    from pipeline.extract import extract
    from pipeline.segment import segment

    folder = CORPUS / ("txt" if source.endswith(".txt") else "pdf")
    path = folder / source
    if not path.is_file():
        print(f"{path}: corpus file missing (set up ../shared/corpus)", file=sys.stderr)
        sys.exit(3)
    return decide(segment(extract(path)))


def _unhyphenated(text: str) -> str:
    """``text`` without hyphens and the whitespace after them: how a broken word was joined does not matter."""
    return re.sub(r"-\s*", "", text)


def _same_clause(pred: str, gold: str, fuzzy: bool) -> bool:
    if _unhyphenated(pred) == _unhyphenated(gold):
        return True
    return fuzzy and difflib.SequenceMatcher(None, pred, gold, autojunk=False).ratio() >= FUZZY


def score_item(gold: dict[str, Any], decisions: Decisions, fuzzy: bool, score: Score, source: str) -> None:
    number = gold["number"]
    outcome = next((o for o in decisions.outcomes if o.item_number == number), None)
    predicted = outcome.outcome if outcome else "(missing)"
    score.outcome_pairs.append((gold["outcome"], predicted))
    if predicted != gold["outcome"]:
        score.errors.append(f"{source} § {number}: outcome gold {gold['outcome']}, got {predicted} "
                            f"({norm(outcome.basis if outcome else None)[:100]!r})")
    if gold.get("vote_method") is not None or outcome is not None:
        score.method_total += 1
        method = outcome.vote_method if outcome else None
        score.method_right += method == gold.get("vote_method")
        if method != gold.get("vote_method"):
            score.errors.append(f"{source} § {number}: vote_method gold {gold.get('vote_method')}, got {method}")

    pred_clauses = [norm(c.text) for c in decisions.clauses if c.item_number == number]
    gold_clauses = [norm(c) for c in gold.get("clauses", [])]
    score.clause_pred += len(pred_clauses)
    score.clause_gold += len(gold_clauses)
    free = list(gold_clauses)
    for clause in pred_clauses:
        hit = next((g for g in free if _same_clause(clause, g, fuzzy)), None)
        if hit is not None:
            score.clause_tp += 1
            free.remove(hit)
    if free or len(pred_clauses) != len(gold_clauses):
        score.errors.append(f"{source} § {number}: clauses gold {len(gold_clauses)}, got {len(pred_clauses)}; "
                            f"unmatched gold {[g[:60] for g in free]}")

    by_person: dict[str, list[Any]] = defaultdict(list)
    for p in decisions.proposals:
        if p.item_number == number:
            by_person[(p.person or "").lower()].append(p)
    for g in gold.get("proposals", []):
        score.stance_total += 1
        candidates = by_person.get((g.get("person") or "").lower(), [])
        if not candidates:
            score.errors.append(f"{source} § {number}: proposal of {g.get('person')} ({g['stance']}) not found")
            continue
        p = candidates.pop(0)
        score.stance_matched += 1
        if p.stance == g["stance"]:
            score.stance_right += 1
        else:
            score.errors.append(f"{source} § {number}: stance of {g.get('person')} gold {g['stance']}, got {p.stance}")
        if g.get("won") is not None:
            score.won_total += 1
            score.won_right += p.won == g["won"]
            if p.won != g["won"]:
                score.errors.append(f"{source} § {number}: won of {g.get('person')} ({g['stance']}) gold {g['won']}, "
                                    f"got {p.won}")


def report(split: str, score: Score, verbose: bool) -> str:
    pairs = score.outcome_pairs
    total = len(pairs)
    right = sum(g == p for g, p in pairs)
    lines = [f"split {split}: {total} items"]
    lines.append(f"outcome accuracy {right}/{total} = {right / total:.3f}" if total else "outcome accuracy: no items")
    gold_counts = Counter(g for g, _p in pairs)
    lines.append("recall per gold class:")
    for cls in [c for c in OUTCOMES if gold_counts[c]]:
        hit = sum(1 for g, p in pairs if g == cls and p == cls)
        lines.append(f"  {cls:<14} {hit:>3}/{gold_counts[cls]:<3} = {hit / gold_counts[cls]:.3f}")
    predicted = sorted({p for _g, p in pairs}, key=lambda c: (OUTCOMES + ("(missing)",)).index(c))
    rows = [c for c in OUTCOMES if gold_counts[c]]
    width = max([len(c) for c in predicted] + [5])
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(" " * 16 + " ".join(f"{c[:width]:>{width}}" for c in predicted))
    confusion = Counter(pairs)
    for g in rows:
        lines.append(f"  {g:<14}" + " ".join(f"{confusion[(g, p)] or '.':>{width}}" for p in predicted))
    if score.stance_total:
        lines.append(f"stance accuracy {score.stance_right}/{score.stance_total} = "
                     f"{score.stance_right / score.stance_total:.3f} ({score.stance_matched} proposals matched by person)")
    if score.won_total:
        lines.append(f"won accuracy {score.won_right}/{score.won_total} = {score.won_right / score.won_total:.3f}")
    if score.method_total:
        lines.append(f"vote_method accuracy {score.method_right}/{score.method_total} = "
                     f"{score.method_right / score.method_total:.3f}")
    p = score.clause_tp / score.clause_pred if score.clause_pred else 0.0
    r = score.clause_tp / score.clause_gold if score.clause_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    lines.append(f"clauses: precision {p:.3f} recall {r:.3f} F1 {f1:.3f} "
                 f"({score.clause_tp} right of {score.clause_pred} predicted, {score.clause_gold} gold)")
    if verbose:
        lines.append("errors:")
        lines.extend(f"  {e}" for e in score.errors)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("tune", "blind", "all"), default="tune")
    parser.add_argument("--segmented", type=Path, help="folder of segmented protocols named <source>.json")
    parser.add_argument("--errors", action="store_true", help="list every wrong outcome, clause and stance")
    args = parser.parse_args(argv)
    score = Score()
    for doc in gold_files(args.split):
        source = doc["source"]
        protocol = protocol_for(source, args.segmented)
        fuzzy = source.endswith(".pdf")
        for item in doc["items"]:
            score_item(item, protocol.decisions, fuzzy, score, source)
    print(report(args.split, score, args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
