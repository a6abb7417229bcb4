"""Pairwise precision and recall of person resolution against the hand gold of tests/data/person_gold/.

Usage: python scripts/eval_persons.py [--db DB] [--shared ../shared] [--split tune|blind] [--errors N] [--json]

Without ``--db`` the four Göteborg texts the gold names are imported into a temporary SQLite
database first (``protokoll ingest``, the installed model). Every PERSON row of ``entities`` and
``cover_entities`` of those documents whose text (white space collapsed) is a name the gold lists
for that document is a scored mention; over the pairs of scored mentions of one split:
precision = pairs in one person for both the program and the gold / pairs in one person for the
program, recall = the same / pairs in one person for the gold. tests/data/person_gold/README.md
says how the gold was made and which split is blind.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "person_gold" / "gold.tsv"
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from pipeline import db  # noqa: E402


@dataclass(frozen=True)
class Mention:
    split: str
    document: str
    name: str
    gold: str
    person_id: int | None


def read_gold(path: Path = GOLD) -> dict[tuple[str, str], tuple[str, str]]:
    """(document, name) -> (split, gold person)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    gold = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=False))
        gold[(row["document"], row["name"])] = (row["split"], row["person"])
    return gold


def import_texts(shared: Path, documents: list[str], folder: Path) -> str:
    """Import the gold's documents into a new SQLite database in ``folder``; its URL."""
    database = folder / "persons.db"
    paths = [str(shared / "corpus" / "txt" / d) for d in documents]
    command = [sys.executable, "-m", "pipeline", "-q", "--processed", str(folder / "processed"),
               "ingest", "--db", str(database), *paths]
    subprocess.run(command, check=True, cwd=ROOT)
    return str(database)


def mentions(url: str, gold: dict[tuple[str, str], tuple[str, str]]) -> list[Mention]:
    """The scored mentions: PERSON rows whose text the gold names for their document."""
    engine = db.make_engine(url)
    e, ce, i, m, d = db.entities.c, db.cover_entities.c, db.items.c, db.meetings.c, db.documents.c
    queries = [
        sa.select(d.path, e.text, e.person_id).select_from(
            db.entities.join(db.items, i.id == e.item_id).join(db.meetings, m.id == i.meeting_id)
            .join(db.documents, d.id == m.document_id)
        ).where(e.label == "PERSON").order_by(e.id),
        sa.select(d.path, ce.text, ce.person_id).select_from(
            db.cover_entities.join(db.meetings, m.id == ce.meeting_id).join(db.documents, d.id == m.document_id)
        ).where(ce.label == "PERSON").order_by(ce.id),
    ]
    found = []
    with engine.connect() as conn:
        for query in queries:
            for path, text, person_id in conn.execute(query):
                name = " ".join(text.split())
                hit = gold.get((Path(path).name, name))
                if hit:
                    found.append(Mention(hit[0], Path(path).name, name, hit[1], person_id))
    return found


def score(found: list[Mention]) -> dict[str, float | int]:
    """Pairwise precision and recall of the program's persons against the gold's."""
    both = program = truth = 0
    for a, b in combinations(found, 2):
        same_program = a.person_id is not None and a.person_id == b.person_id
        same_gold = a.gold == b.gold
        program += same_program
        truth += same_gold
        both += same_program and same_gold
    precision = both / program if program else 1.0
    recall = both / truth if truth else 1.0
    return {"mentions": len(found), "persons": len({f.gold for f in found}), "program_pairs": program,
            "gold_pairs": truth, "precision": round(precision, 4), "recall": round(recall, 4)}


def errors(found: list[Mention], limit: int) -> list[str]:
    """Gold persons split over several program persons, and program persons joining several gold persons."""
    by_gold: dict[str, Counter[int | None]] = defaultdict(Counter)
    by_program: dict[int, Counter[str]] = defaultdict(Counter)
    names: dict[str, set[str]] = defaultdict(set)
    for f in found:
        by_gold[f.gold][f.person_id] += 1
        names[f.gold].add(f.name)
        if f.person_id is not None:
            by_program[f.person_id][f.gold] += 1
    out = [f"split: {g} -> persons {dict(c)} ({', '.join(sorted(names[g]))})" for g, c in sorted(by_gold.items()) if len(c) > 1]
    out += [f"merged: person {p} <- {dict(c)}" for p, c in sorted(by_program.items()) if len(c) > 1]
    return out[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database with the four texts imported (default: import them now)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--split", choices=("tune", "blind"), help="only this split (default: both)")
    parser.add_argument("--errors", type=int, default=0, help="print up to N resolution errors per split")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    gold = read_gold()
    documents = sorted({doc for doc, _ in gold})
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or import_texts(args.shared, documents, Path(tmp))
        found = mentions(url, gold)
    splits = [args.split] if args.split else ["tune", "blind"]
    report = {s: score([f for f in found if f.split == s]) for s in splits}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print("| split | mentions | persons | precision | recall |\n| --- | ---: | ---: | ---: | ---: |")
        for s, r in report.items():
            print(f"| {s} | {r['mentions']} | {r['persons']} | {r['precision']:.3f} | {r['recall']:.3f} |")
    for s in splits:
        for line in errors([f for f in found if f.split == s], args.errors):
            print(f"{s}: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
