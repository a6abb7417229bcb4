"""Throughput of the model alone: tokens per second on one core.

Runs ``nlp.pipe`` over the Göteborg protocol texts in ``../shared/corpus/txt``
(repeated until at least ``--min-tokens`` tokens), single-threaded BLAS, after one
warm-up pass, and prints tokens/s (best of ``--repeat`` runs).

  OMP_NUM_THREADS=1 python training/bench_ner.py models/sv_protokoll
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import spacy  # noqa: E402

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Tokens/s of a spaCy model on one core.")
    ap.add_argument("model")
    ap.add_argument("--texts", type=Path, default=HERE.parents[1] / "shared/corpus/txt")
    ap.add_argument("--min-tokens", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    nlp = spacy.load(args.model, exclude=["protokoll_rules"])  # the model alone, without the tag stage's rules
    # Paragraph-sized chunks, as the tag stage sends sections.
    chunks = []
    for path in sorted(args.texts.glob("*.txt")):
        chunks += [c for c in path.read_text(encoding="utf8").split("\n\n") if c.strip()]
    n_once = sum(len(d) for d in nlp.tokenizer.pipe(chunks))
    texts = chunks * max(1, -(-args.min_tokens // n_once))
    list(nlp.pipe(chunks[:200]))  # warm-up
    best = 0.0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        n = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
        best = max(best, n / (time.perf_counter() - t0))
    print(f"{args.model}: pipes {nlp.pipe_names}, {n} tokens per run, {best:,.0f} tokens/s (1 thread, best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
