"""Load the hand-written name lists in ``training/lexicon/`` and the pipeline's party list.

The lists are the project's own (no downloads): Sweden's 290 municipalities, the 21
regions, state agencies, committees and offices, companies, places, street names and
common first names and surnames. The parties are not here: they come from
``pipeline/vocab/parties.tsv``, the file the pipeline reads, so the two never disagree.
``build_data.py`` fills protocol templates from them; ``Lexicon.split`` keeps some names
out of training so the synthetic dev set measures unseen names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.values import Party, read_parties

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"


def _lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a list file."""
    out = []
    for line in path.read_text(encoding="utf8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.rstrip("\n"))
    return out


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in _lines(path)]


@dataclass
class Municipality:
    name: str  # "Umeå" (LOC)
    county: str  # "Västerbottens län" (LOC)
    org: str  # "Umeå kommun" (ORG)


@dataclass
class Region:
    org: str  # "Region Västerbotten" (ORG)
    county: str  # "Västerbottens län" (LOC)
    short: str  # "Västerbotten" (LOC)


@dataclass
class Lexicon:
    municipalities: list[Municipality]
    regions: list[Region]
    parties: list[Party]
    agencies: list[str]
    committees: list[str]
    companies: list[str]
    places: list[str]
    streets: list[str]
    first_names: list[str]
    surnames: list[str]
    extra: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path = LEXICON_DIR) -> Lexicon:
        """Read every list from ``directory``, and the parties from the pipeline's vocabulary."""
        return cls(
            municipalities=[Municipality(*r[:3]) for r in _rows(directory / "municipalities.tsv")],
            regions=[Region(*r[:3]) for r in _rows(directory / "regions.tsv")],
            parties=read_parties(),
            agencies=_lines(directory / "agencies.txt"),
            committees=sorted(set(_lines(directory / "committees.txt"))),
            companies=_lines(directory / "companies.txt"),
            places=_lines(directory / "places.txt"),
            streets=_lines(directory / "streets.txt"),
            first_names=_lines(directory / "first_names.txt"),
            surnames=_lines(directory / "surnames.txt"),
        )

    def party_names(self) -> set[str]:
        """Every written-out party name and form, lower case and with a genitive s, for relabelling ORG->O."""
        names: set[str] = set()
        for p in self.parties:
            for form in [p.name, *p.other_names, *p.forms]:
                names.add(form.lower())
                names.add(form.lower() + "s")
        return names

    def split(self, seed: int, dev_share: float = 0.15) -> tuple[Lexicon, Lexicon]:
        """Split person names into train/dev parts so dev persons are unseen in training.

        Organisations and places are closed classes (there are 290 municipalities), so
        both parts keep all of them.
        """
        rng = random.Random(seed)

        def cut(items: list[str]) -> tuple[list[str], list[str]]:
            items = sorted(items)
            rng.shuffle(items)
            k = max(1, int(len(items) * dev_share))
            return items[k:], items[:k]

        f_train, f_dev = cut(self.first_names)
        s_train, s_dev = cut(self.surnames)
        base = dict(self.__dict__)
        train = Lexicon(**{**base, "first_names": f_train, "surnames": s_train})
        dev = Lexicon(**{**base, "first_names": f_dev, "surnames": s_dev})
        return train, dev
