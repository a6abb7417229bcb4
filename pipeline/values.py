"""Value formats of Swedish protocols: party codes, dates, amounts, case numbers, meeting places.

Shared by segment (meeting date, attendance) and tag (entities). Pure
functions over strings; no spaCy here. The parties are read at import from
``pipeline/vocab/parties.tsv``, which training/ reads too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .vocabulary import VOCAB_DIR, read_tsv

# Bracketed upper-case codes that are not parties (so "Xxx Yyy (EU)" is no person).
NOT_PARTIES = {
    "EU", "SKR", "RUS", "KF", "KS", "AU", "AB", "HB", "KB", "PM", "IT", "VD", "RUN", "RS", "RF", "NN",
    "ESF", "FN", "LSS", "SFS", "SOL", "PBL", "LOU", "GDPR", "TKR", "MKR", "SEK", "EUR", "ST", "ANM",
}

PARTY_FILE = "parties.tsv"
PARTIES_TSV = VOCAB_DIR / PARTY_FILE
PARTY_COLUMNS = ("code", "name", "kind", "other_names", "forms")
PARTY_KINDS = ("riksdag", "local", "historical")


@dataclass(frozen=True)
class Party:
    """One row of ``pipeline/vocab/parties.tsv``."""

    code: str  # "S", as printed after a name: "Anna Berg (S)"
    name: str  # "Socialdemokraterna"
    kind: str  # one of PARTY_KINDS
    other_names: tuple[str, ...] = ()  # further full names, tagged as PARTY like the name
    forms: tuple[str, ...] = ()  # inflected forms ("Socialdemokraternas"), for training


def _names(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split(",") if x.strip())


def _party(row: dict[str, str]) -> Party:
    """One row of the party file; ValueError with the reason when it is malformed."""
    code, name, kind = (row[c].strip() for c in PARTY_COLUMNS[:3])
    # PERSON_PARTY_RE of tag and decisions reads 1-4 letters in the brackets.
    if not (code.isalpha() and len(code) <= 4):
        raise ValueError(f"party code {code!r} is not 1-4 letters")
    if code.upper() in NOT_PARTIES:
        raise ValueError(f"party code {code!r} is in NOT_PARTIES (pipeline/values.py)")
    if not name:
        raise ValueError(f"party {code!r} has no name")
    if kind not in PARTY_KINDS:
        raise ValueError(f"party {code!r}: kind {kind!r} is not one of {', '.join(PARTY_KINDS)}")
    return Party(code, name, kind, _names(row["other_names"]), _names(row["forms"]))


def parties_from_rows(rows: Sequence[dict[str, str]], source: Path = PARTIES_TSV) -> list[Party]:
    """Checked parties from the rows of a party file; an error names ``source`` and the row."""
    if rows and tuple(rows[0]) != PARTY_COLUMNS:
        want, got = "\t".join(PARTY_COLUMNS), "\t".join(rows[0])
        raise ValueError(f"{source}: the header must be {want!r}, not {got!r}")
    parties: list[Party] = []
    codes: set[str] = set()
    names: set[str] = set()
    for number, row in enumerate(rows, 1):
        try:
            party = _party(row)
            full_names = [f.lower() for f in (party.name, *party.other_names)]
            if party.code.upper() in codes:
                raise ValueError(f"party code {party.code!r} is listed twice (codes compare upper-case)")
            if names.intersection(full_names) or len(set(full_names)) < len(full_names):
                raise ValueError(f"a name of {party.code!r} is listed twice")
        except ValueError as e:
            raise ValueError(f"{source}: party {number}: {e}") from None
        codes.add(party.code.upper())
        names.update(full_names)
        parties.append(party)
    if not parties:
        raise ValueError(f"{source}: no parties")
    return parties


def read_parties() -> list[Party]:
    """The parties of ``pipeline/vocab/parties.tsv``, in file order (Riksdag parties first).

    ``training/lexicon.py`` reads them here too, so the pipeline and the training data
    share one list.
    """
    return parties_from_rows(read_tsv(PARTY_FILE))


PARTY_LIST = read_parties()
# Code -> name ("S" -> "Socialdemokraterna"), in file order: the Riksdag parties first.
PARTIES = {p.code: p.name for p in PARTY_LIST}
# Every full name, lower case -> code ("miljöpartiet de gröna" -> "MP"); forms stay out (see the file).
PARTY_NAMES = {full.lower(): p.code for p in PARTY_LIST for full in (p.name, *p.other_names)}
_CODE_BY_UPPER = {code.upper(): code for code in PARTIES}

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
    "september", "oktober", "november", "december",
)
MONTH_RE = "|".join(MONTHS) + "|sept"

# Python's re runs its fast scan (a C loop over the characters) only for a pattern that starts
# with a character or a character set; one that starts with a lookbehind or an optional character
# is tried at every position of the text. So the patterns below that must not follow a digit take
# their first character and then look back over it: "[1-9](?<![\d,.][1-9])" is "(?<![\d,.])[1-9]",
# the character before the match being no digit, comma or point (at the text's start the wider
# lookbehind does not fit, and the negative one holds, as the plain one does there). A lookbehind
# "(?<=1)" after the first character picks the rest that the plain pattern allows after it. The
# tag stage's rules ran 3-6x faster for the same matches; tests/test_values.py keeps the plain forms
# (PLAIN_*) and compares the matches on the corpus and on random strings.
DATE_RES = (
    # 2023-05-12 (not part of a longer number or a period like 2023-2026)
    re.compile(r"(?P<y>(?:19|20)(?<![\d-]\d\d)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])"),
    # 15.9.2022, 22.09.2022 (Finland-Swedish); the day is 0?[1-9]|[12]\d|3[01], not after a digit or a point
    re.compile(
        r"(?P<d>[0-9](?<![\d.][0-9])(?:(?<=0)[1-9]|(?<=[1-9])|(?<=[12])\d|(?<=3)[01]))"
        r"\.(?P<m>0?[1-9]|1[0-2])\.(?P<y>(?:19|20)\d{2})(?![\d])"
    ),
    # 15 juni, 5 april 2023, 22 juni 2017 ("den" and the weekday stay outside the span);
    # the day is [1-9]|[12]\d|3[01], not after a digit, a comma or a point
    re.compile(
        r"(?P<d>[1-9](?<![\d,.][1-9])(?:|(?<=[12])\d|(?<=3)[01]))"
        rf"\s+(?P<mon>{MONTH_RE})(?:\s+(?P<y>(?:19|20)\d{{2}}))?(?![\wåäö])",
        re.IGNORECASE,
    ),
)

# An amount: [-−–]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)? or [-−–]?\d+(?:,\d+)?, not after a digit,
# a comma or a point; first character first (see DATE_RES), then the rest after a sign or after a digit.
_GROUPED, _PLAIN = r"(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?", r"(?:,\d+)?"
_NUM = (
    r"(?P<num>[-−–\d](?<![\d,.][-−–\d])"
    rf"(?:(?<=[-−–])(?:\d{{1,3}}{_GROUPED}|\d+{_PLAIN})|(?<=\d)(?:\d{{0,2}}{_GROUPED}|\d*{_PLAIN})))"
)
_UNITS = {
    "miljarder kronor": Decimal(10**9), "miljard kronor": Decimal(10**9), "mdkr": Decimal(10**9),
    "mdr kr": Decimal(10**9), "miljarder": Decimal(10**9), "miljoner kronor": Decimal(10**6),
    "miljon kronor": Decimal(10**6), "mnkr": Decimal(10**6), "mkr": Decimal(10**6), "msek": Decimal(10**6),
    "mn kr": Decimal(10**6), "miljoner": Decimal(10**6), "miljon": Decimal(10**6),
    "tusen kronor": Decimal(1000), "tkr": Decimal(1000), "kkr": Decimal(1000), "kronor": Decimal(1),
    "kr": Decimal(1), "sek": Decimal(1), "miljoner euro": Decimal(10**6), "miljon euro": Decimal(10**6),
    "euro": Decimal(1), "eur": Decimal(1), "€": Decimal(1),
}
_UNIT_RE = "|".join(sorted((re.escape(u).replace(r"\ ", r"\s+") for u in _UNITS), key=len, reverse=True))
MONEY_RE = re.compile(rf"{_NUM}\s*(?P<unit>{_UNIT_RE})(?![\wåäö€])(?P<rate>\s*(?:/|per\s))?", re.IGNORECASE)
# "7 miljoner" without "kronor" is money unless a noun follows ("2 miljoner invånare")
BARE_MILLION_NEXT = {
    "", "till", "för", "i", "per", "under", "från", "år", "och", "eller", "som", "av", "att", "på",
    "inom", "mer", "mindre", "ytterligare", "årligen", "totalt", "netto", "brutto",
}
# (?<![\d,.])(?P<num>[-−–]?\d+(?:,\d+)?), first character first (see DATE_RES)
PERCENT_RE = re.compile(
    r"(?P<num>[-−–\d](?<![\d,.][-−–\d])(?:(?<=[-−–])\d+|(?<=\d)\d*)(?:,\d+)?)\s*(?P<unit>%|procent(?![\wåäö]))",
    re.IGNORECASE,
)

CASE_LABEL_RE = re.compile(
    r"^(?:Dnr|Diarienr|Diarienummer|Ärendenummer|Ärendenr|Ärende\s+nr|Ärende-?\s?nr)\.?:?\s*(?P<num>\S.*?)\s*$",
    re.IGNORECASE,
)
CASE_BARE_RE = re.compile(
    r"^(?P<num>[A-ZÅÄÖ]{1,8}(?:[ -][A-ZÅÄÖ]{1,4})?[ /-]?\d{1,5}(?:[-/:.]\d{1,6}){1,6})$"
)


def case_number(line: str) -> str | None:
    """The case number a line consists of (``Dnr KS/2024:67`` -> ``KS/2024:67``), else None."""
    line = line.strip().rstrip(".")
    m = CASE_LABEL_RE.match(line)
    if m:
        return m.group("num")
    m = CASE_BARE_RE.match(line)
    return m.group("num") if m else None


def party_code(raw: str) -> str | None:
    """Normalise a bracketed party code: ``s`` -> ``S``; None when it is not a plausible party."""
    code = raw.strip()
    known = _CODE_BY_UPPER.get(code.upper())
    if known:
        return known  # the code as the vocabulary writes it: "s" -> "S", "LPO" -> "LPo"
    if code.isupper() and 1 <= len(code) <= 4 and code.isalpha() and code not in NOT_PARTIES:
        return code  # a local party such as (FB) or (BP)
    return None


def to_decimal(num: str) -> Decimal:
    """``387 120`` -> 387120, ``13,8`` -> 13.8, ``−1 250`` -> -1250."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", num).replace(",", ".").replace("−", "-").replace("–", "-")
    return Decimal(cleaned)


def money_value(num: str, unit: str) -> tuple[float, str]:
    """Amount and currency of ``num unit``: (8000000.0, 'SEK') for ``8 miljoner kronor``."""
    key = re.sub(r"\s+", " ", unit.lower())
    value = to_decimal(num) * _UNITS[key]
    currency = "EUR" if ("euro" in key or key in ("eur", "€")) else "SEK"
    return float(value), currency


def month_number(name: str) -> int:
    name = name.lower()
    return 9 if name == "sept" else MONTHS.index(name) + 1


@lru_cache(maxsize=4096)
def parse_date(text: str, anchor: str | None = None) -> str | None:
    """ISO date of a date expression, with the year taken from ``anchor`` (ISO) when the text has none.

    Uses dateparser, anchored to the meeting date, never to today:
    ``parse_date("15 juni", "2023-05-12") == "2023-06-15"``. The forms of ``DATE_RES``
    with a real calendar date are read directly (``_plain_date``): dateparser takes
    about 2 ms a call and was a sixth of the tag stage's time (docs/performance.md).
    """
    plain = _plain_date(text, anchor)
    return plain if plain is not None else _dateparser_date(text, anchor)


def _dateparser_date(text: str, anchor: str | None) -> str | None:
    """``parse_date`` by dateparser alone."""
    if anchor is None and not re.search(r"\d{4}", text):
        return None  # no year anywhere: cannot be resolved (asked before dateparser, which takes its time)
    from dateparser.date import DateDataParser

    base = dt.datetime.fromisoformat(anchor) if anchor else dt.datetime(1900, 1, 1)
    parser = DateDataParser(
        languages=["sv"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "current_period",
            "REQUIRE_PARTS": ["day", "month"],
            "DATE_ORDER": "DMY",
        },
    )
    data = parser.get_date_data(text)
    return None if data.date_obj is None else data.date_obj.date().isoformat()


def _plain_date(text: str, anchor: str | None) -> str | None:
    """ISO date of ``text`` when it is one whole ``DATE_RES`` form naming a date that exists, else None.

    Gives what dateparser gives for these (tested over every day of every month, with
    and without a year and an anchor); "29 februari" without a year, "31 juni" and
    anything else go on to dateparser.
    """
    m = DATE_RES[0].fullmatch(text) or DATE_RES[1].fullmatch(text)
    if m is not None:
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    else:
        m = DATE_RES[2].fullmatch(text)
        if m is None or not (m["y"] or anchor):
            return None
        year = int(m["y"]) if m["y"] else dt.datetime.fromisoformat(str(anchor)).year
        month, day = month_number(m["mon"]), int(m["d"])
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """All date expressions in ``text`` as (start, end, matched text), without overlaps."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for rx in DATE_RES:
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), m.group(0)))
    return sorted(found)


def first_date(text: str, anchor: str | None = None) -> str | None:
    """The ISO value of the first date expression with a year in ``text``."""
    for _start, _end, raw in find_dates(text):
        iso = parse_date(re.sub(r"\s+", " ", raw), anchor)
        if iso and (anchor or re.search(r"\d{4}", raw)):
            return iso
    return None


# Where the place in a "Plats och tid" value ends: at the time or the date
# ("Kommunhuset, Björkvik, tisdagen den 12 mars 2024 kl. 13.00").
PLACE_END_RE = re.compile(
    r",?\s*(?:\b(?:kl\.?|klockan)\s*\d|\b(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(?:en)?\b|"
    r"\bden\s+\d|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})",
    re.IGNORECASE,
)


def place_end(value: str) -> int:
    """Length of the place at the start of a ``Plats och tid`` value, before its time or date."""
    m = PLACE_END_RE.search(value)
    return m.start() if m else len(value)
