"""Validate the protocol gold set and print every entity's text.

Checks, per passage: the file exists under the shared root and the passage range is
inside it; each entity lies inside the passage, has no leading/trailing whitespace,
does not overlap another entity and has a known label; MONEY, DATE and PERCENT carry
a value (int SEK, ISO date, number); ``ignore`` ranges are inside the passage.
Prints the entities (``--quiet`` for the summary only) and a summary of passages,
whitespace tokens and entities per label. Exit code 1 if anything is wrong.

  python training/gold/check_gold.py [--gold training/gold/protocol_gold.jsonl] [--quiet]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = {"PERSON", "ORG", "LOC", "PARTY", "MONEY", "DATE", "PERCENT"}
VALUED = {"MONEY", "DATE", "PERCENT"}


def check(gold: Path, shared: Path, quiet: bool) -> int:
    """Return the number of problems found; print entities unless ``quiet``."""
    problems = 0
    labels: Counter[str] = Counter()
    tokens = seed_tokens = passages = 0

    def bad(msg: str) -> None:
        nonlocal problems
        problems += 1
        print(f"ERROR {msg}", file=sys.stderr)

    for n, line in enumerate(gold.read_text(encoding="utf8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        passages += 1
        path = shared / rec["file"]
        if not path.exists():
            bad(f"line {n}: {path} not found")
            continue
        full = path.read_text(encoding="utf8")
        s, e = rec["start"], rec["end"]
        if not 0 <= s < e <= len(full):
            bad(f"line {n}: passage {s}-{e} outside {rec['file']} ({len(full)} chars)")
            continue
        text = full[s:e]
        ntok = len(text.split())
        tokens += ntok
        if rec["file"].startswith("seed/"):
            seed_tokens += ntok
        if not quiet:
            print(f"== {rec['file']} {s}-{e} ({ntok} tokens)")
        prev_end = -1
        for ent in sorted(rec["entities"], key=lambda x: (x[0], x[1])):
            a, b, lab = ent[0], ent[1], ent[2]
            span = text[a:b] if 0 <= a < b <= len(text) else None
            if span is None:
                bad(f"line {n}: entity {ent} outside passage")
                continue
            if lab not in LABELS:
                bad(f"line {n}: unknown label {lab} for {span!r}")
            if span != span.strip():
                bad(f"line {n}: whitespace at edge of {span!r}")
            if a < prev_end:
                bad(f"line {n}: overlapping entity {span!r} at {a}")
            prev_end = max(prev_end, b)
            if lab in VALUED:
                if len(ent) < 4:
                    bad(f"line {n}: {lab} {span!r} has no value")
                elif lab == "DATE":
                    try:
                        dt.date.fromisoformat(ent[3])
                    except (TypeError, ValueError):
                        bad(f"line {n}: DATE {span!r} value {ent[3]!r} is not an ISO date")
                elif not isinstance(ent[3], (int, float)):
                    bad(f"line {n}: {lab} {span!r} value {ent[3]!r} is not a number")
            labels[lab] += 1
            if not quiet:
                value = f"\t= {ent[3]}" if len(ent) > 3 else ""
                print(f"{a}\t{b}\t{lab}\t{span!r}{value}")
        for a, b in rec.get("ignore", []):
            if not 0 <= a < b <= len(text):
                bad(f"line {n}: ignore range {a}-{b} outside passage")
            elif not quiet:
                print(f"{a}\t{b}\tIGNORE\t{text[a:b]!r}")
    print(f"passages: {passages}; whitespace tokens: {tokens} (seed {seed_tokens}, "
          f"beyond seed {tokens - seed_tokens})")
    print("entities: " + ", ".join(f"{k} {v}" for k, v in sorted(labels.items())) + f"; total {sum(labels.values())}")
    print("OK" if not problems else f"{problems} problem(s)")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Validate the protocol gold set.")
    ap.add_argument("--gold", type=Path, default=HERE / "protocol_gold.jsonl")
    ap.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    ap.add_argument("--quiet", action="store_true", help="summary only")
    args = ap.parse_args(argv)
    return 1 if check(args.gold, args.shared, args.quiet) else 0


if __name__ == "__main__":
    raise SystemExit(main())
