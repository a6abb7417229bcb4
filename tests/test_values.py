"""Value formats: dates anchored to the meeting, amounts in SEK, case numbers, party codes."""

from __future__ import annotations

import pytest

from pipeline.values import case_number, find_dates, money_value, parse_date, party_code


@pytest.mark.parametrize(
    ("text", "anchor", "iso"),
    [
        ("15 juni", "2023-05-12", "2023-06-15"),
        ("5 april", "2023-05-12", "2023-04-05"),
        ("2025-12-31", "2023-05-12", "2025-12-31"),
        ("15.9.2022", None, "2022-09-15"),
        ("22.09.2022", None, "2022-09-22"),
        ("22 juni 2017", "2024-03-12", "2017-06-22"),
        ("31 december", "2024-03-12", "2024-12-31"),
    ],
)
def test_parse_date_is_anchored_to_the_meeting(text: str, anchor: str | None, iso: str) -> None:
    assert parse_date(text, anchor) == iso


def test_date_without_year_and_without_anchor_is_unresolved() -> None:
    assert parse_date("15 juni", None) is None


def test_find_dates_skips_periods_and_keeps_den_outside() -> None:
    text = "Torsdagen den 22 juni 2017 och för 2023-2026, senast 2025-12-31 samt 15.9.2022."
    assert [raw for _s, _e, raw in find_dates(text)] == ["22 juni 2017", "2025-12-31", "15.9.2022"]


@pytest.mark.parametrize(
    ("num", "unit", "value", "currency"),
    [
        ("8", "miljoner kronor", 8_000_000.0, "SEK"),
        ("4", "mkr", 4_000_000.0, "SEK"),
        ("13,8", "miljoner kronor", 13_800_000.0, "SEK"),
        ("387 120", "kronor", 387_120.0, "SEK"),
        ("140", "tkr", 140_000.0, "SEK"),
        ("2,1", "miljarder kronor", 2_100_000_000.0, "SEK"),
        ("−1 250", "tkr", -1_250_000.0, "SEK"),
        ("25 450", "€", 25_450.0, "EUR"),
    ],
)
def test_money_value(num: str, unit: str, value: float, currency: str) -> None:
    assert money_value(num, unit) == (value, currency)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RUN 560-2022", "RUN 560-2022"),
        ("Dnr KS/2024:67", "KS/2024:67"),
        ("Dnr KS 2024/123", "KS 2024/123"),
        ("Ärendenummer SLK-2025-00144", "SLK-2025-00144"),
        ("NKBY/482/01.01.01.07/2022", "NKBY/482/01.01.01.07/2022"),
        ("Diarienummer: RS 2023/45", "RS 2023/45"),
        ("2023-05-12", None),
        ("Sammanfattning", None),
        ("SKR 2020", None),
    ],
)
def test_case_number(line: str, expected: str | None) -> None:
    assert case_number(line) == expected


@pytest.mark.parametrize(
    ("raw", "code"), [("S", "S"), ("s", "S"), ("mp", "MP"), ("FB", "FB"), ("D", "D"), ("EU", None), ("Abc", None)]
)
def test_party_code(raw: str, code: str | None) -> None:
    assert party_code(raw) == code
