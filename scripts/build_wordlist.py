"""Build pipeline/data/sv_words.txt.gz, the Swedish lexicon of ``pipeline.textlayer``.

Usage (from the repo root)::

    python scripts/build_wordlist.py [--shared ../shared] [--out pipeline/data/sv_words.txt.gz]

Sources (all under ``shared/``), lower-cased word forms:

* ``nlp/swedish-ner-corpus/*.txt`` — Webbnyheter 2012, NER annotation by
  Andreas Klintberg, from Språkbanken; CC BY 4.0.
* ``nlp/ud-swedish-talbanken/*.conllu`` — UD Swedish-Talbanken, forms and
  lemmas; CC BY-SA 4.0.
* ``corpus/txt/*.txt`` — Göteborg municipal protocols (public records).

Short forms are where damaged text collides with noise: a news hapax "at" or
"td" would make the ligature repair leave "at" (for "att") alone. So a word of
three letters or fewer is kept only when it occurs at least ``SHORT_MIN``
times; longer words are kept from a single occurrence. The output is sorted
and gzip'ed with a fixed mtime, so running the script twice gives identical
bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD_RE = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")
SHORT_MIN = 3  # occurrences needed by a word of <= 3 letters
HEADER = (
    "# Swedish word forms for pipeline.textlayer (built by scripts/build_wordlist.py).\n"
    "# Sources: Swedish NER corpus (Webbnyheter 2012, Andreas Klintberg / Språkbanken, CC BY 4.0);\n"
    "# UD Swedish-Talbanken (CC BY-SA 4.0); Göteborg municipal protocols (public records).\n"
)


def count_words(shared: Path) -> Counter[str]:
    """Occurrences of every lower-cased alphabetic word form in the sources."""
    counts: Counter[str] = Counter()
    for path in sorted((shared / "nlp" / "swedish-ner-corpus").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.replace("\u00ad", "").split()
            if parts:
                counts[parts[0].lower()] += 1
    for path in sorted((shared / "nlp" / "ud-swedish-talbanken").glob("*.conllu")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line[:1].isdigit():
                cols = line.split("\t")
                if len(cols) > 2 and "-" not in cols[0] and "." not in cols[0]:
                    counts[cols[1].lower()] += 1
                    counts[cols[2].lower()] += 1  # the lemma: base forms the text may lack
    for path in sorted((shared / "corpus" / "txt").glob("*.txt")):
        for token in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", path.read_text(encoding="utf-8")):
            counts[token.lower()] += 1
    return counts


def select(counts: Counter[str]) -> list[str]:
    """The word forms worth keeping, sorted."""
    keep = []
    for word, n in counts.items():
        if not WORD_RE.match(word) or len(word) < 2:
            continue
        if len(word) <= 3 and n < SHORT_MIN:
            continue
        keep.append(word)
    return sorted(keep)


def write(words: list[str], out: Path) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write((HEADER + "\n".join(words) + "\n").encode("utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data" / "sv_words.txt.gz")
    args = parser.parse_args()
    words = select(count_words(args.shared))
    write(words, args.out)
    print(f"{len(words)} words -> {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
