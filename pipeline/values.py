"""Value formats of Swedish protocols: party codes, dates, amounts, case numbers, meeting places.

Shared by segment (meeting date, attendance) and tag (entities). Pure
functions over strings; no spaCy here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

# Riksdag parties and common local ones; codes compare upper-case.
PARTIES = {
    "S": "Socialdemokraterna",
    "M": "Moderaterna",
    "SD": "Sverigedemokraterna",
    "C": "Centerpartiet",
    "V": "Vänsterpartiet",
    "KD": "Kristdemokraterna",
    "L": "Liberalerna",
    "MP": "Miljöpartiet",
    "FP": "Folkpartiet",
    "D": "Demokraterna",
}
PARTY_NAMES = {name.lower(): code for code, name in PARTIES.items()} | {
    "socialdemokratiska arbetarepartiet": "S",
    "miljöpartiet de gröna": "MP",
    "folkpartiet liberalerna": "FP",
}
# Bracketed upper-case codes that are not parties (so "Xxx Yyy (EU)" is no person).
NOT_PARTIES = {
    "EU", "SKR", "RUS", "KF", "KS", "AU", "AB", "HB", "KB", "PM", "IT", "VD", "RUN", "RS", "RF", "NN",
    "ESF", "FN", "LSS", "SFS", "SOL", "PBL", "LOU", "GDPR", "TKR", "MKR", "SEK", "EUR", "ST", "ANM",
}

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
    "september", "oktober", "november", "december",
)
MONTH_RE = "|".join(MONTHS) + "|sept"

DATE_RES = (
    # 2023-05-12 (not part of a longer number or a period like 2023-2026)
    re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])"),
    # 15.9.2022, 22.09.2022 (Finland-Swedish)
    re.compile(r"(?<![\d.])(?P<d>0?[1-9]|[12]\d|3[01])\.(?P<m>0?[1-9]|1[0-2])\.(?P<y>(?:19|20)\d{2})(?![\d])"),
    # 15 juni, 5 april 2023, 22 juni 2017 ("den" and the weekday stay outside the span)
    re.compile(
        rf"(?<![\d,.])(?P<d>[1-9]|[12]\d|3[01])\s+(?P<mon>{MONTH_RE})(?:\s+(?P<y>(?:19|20)\d{{2}}))?(?![\wåäö])",
        re.IGNORECASE,
    ),
)

_NUM = r"(?<![\d,.])(?P<num>[-−–]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|[-−–]?\d+(?:,\d+)?)"
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
PERCENT_RE = re.compile(
    r"(?<![\d,.])(?P<num>[-−–]?\d+(?:,\d+)?)\s*(?P<unit>%|procent(?![\wåäö]))", re.IGNORECASE
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
    if code.upper() in PARTIES:
        return code.upper()
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
    ``parse_date("15 juni", "2023-05-12") == "2023-06-15"``.
    """
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
    if data.date_obj is None:
        return None
    if anchor is None and not re.search(r"\d{4}", text):
        return None  # no year anywhere: cannot be resolved
    return data.date_obj.date().isoformat()


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
