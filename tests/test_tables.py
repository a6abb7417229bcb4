"""Member vote tables read from word positions (pipeline/tables.py), with exact expected members."""

from __future__ import annotations

from pipeline.extract import extract
from pipeline.tables import member_tables
from pipeline.types import ExtractedDocument, MemberTable, Page, PageSpan, VoteMember, Word

from .conftest import FIXTURES, RAW

VOTE_TABLE_PDF = FIXTURES / "vote-table-x-marks.pdf"

# A row of a hand-made page: the words with the x where each starts; all on one baseline.
Row = list[tuple[str, float]]


def doc_of(*pages: list[tuple[float, Row]]) -> ExtractedDocument:
    """A document whose pages hold the given rows (top, [(word, x0), ...]); 6 pt per character, 10 pt high."""
    text = ""
    spans: list[PageSpan] = []
    out_pages: list[Page] = []
    for number, rows in enumerate(pages, 1):
        words = [
            Word(word, x, top, x + 6.0 * len(word), top + 10.0)
            for top, row in rows
            for word, x in row
        ]
        page_text = "\n".join(" ".join(w for w, _x in row) for _top, row in rows)
        if text:
            text += "\n\n"
        spans.append(PageSpan(number, len(text), len(text) + len(page_text)))
        text += page_text
        out_pages.append(Page(number, 595.0, 842.0, len(page_text), True, words=words))
    return ExtractedDocument("t.pdf", "0" * 64, 0, len(out_pages), text, spans, out_pages)


HEAD: Row = [("Ledamot", 60), ("Ja", 330), ("Nej", 380), ("Avstår", 430)]
COL = {"ja": 332.0, "nej": 383.0, "avstår": 440.0, "frånvarande": 500.0}


def member(name: str, vote: str) -> Row:
    return [*((w, 60 + 40 * i) for i, w in enumerate(name.split())), ("X", COL[vote])]


def votes(table: MemberTable) -> list[tuple[str, str | None, str]]:
    return [(m.name, m.party, m.vote) for m in table.members]


# ---------------------------------------------------------------- the generated fixture


def test_fixture_inline_x_marks_and_attachment_val_column() -> None:
    doc = extract(VOTE_TABLE_PDF)
    inline, attached = member_tables(doc)
    assert (inline.page, attached.page) == (1, 2)
    assert doc.text[inline.offset :].startswith("Ledamot\tJa\tNej\tAvstår\nAnna Berg (S)")
    assert doc.text[attached.offset :].startswith("Nr Namn\tParti\tVal\n1 Anna Berg")
    # § 11's first vote as drawn by scripts/make_samples.py (VOTE_MEMBERS): Maria Lindqvist Eriksson's
    # name wraps over two lines with her X between them; no totals are printed with this table.
    assert votes(inline) == [
        ("Anna Berg", "S", "ja"),
        ("Erik Sandberg", "C", "ja"),
        ("Frostdahl-Blomqvist Siw", "S", "ja"),
        ("Per Ek", "M", "nej"),
        ("Karin Ståhl", "M", "nej"),
        ("Mats Olofsson", "SD", "nej"),
        ("Lena Nyström", "V", "ja"),
        ("Jonas Åkerlund", "KD", "ja"),
        ("Maria Lindqvist Eriksson", "L", "avstår"),
    ]
    assert inline.counts == {}
    # Bilaga A: Nr | Namn | Parti | Val, the party as a code in its own column, one name surname first
    # with a comma; the Resultat block under it (Totalt is no vote value).
    assert votes(attached) == [
        ("Anna Berg", "S", "ja"),
        ("Erik Sandberg", "C", "ja"),
        ("Siw Frostdahl-Blomqvist", "S", "ja"),
        ("Per Ek", "M", "nej"),
        ("Karin Ståhl", "M", "nej"),
        ("Mats Olofsson", "SD", "nej"),
        ("Lena Nyström", "V", "ja"),
        ("Jonas Åkerlund", "KD", "ja"),
        ("Maria Lindqvist Eriksson", "L", "ja"),
    ]
    assert attached.counts == {"ja": 6, "nej": 3, "avstår": 0}


def test_round_trip() -> None:
    (table, _) = member_tables(extract(VOTE_TABLE_PDF))
    assert MemberTable.from_dict(table.to_dict()) == table
    assert isinstance(MemberTable.from_dict(table.to_dict()).members[0], VoteMember)


def test_no_table_in_protocols_without_one() -> None:
    assert member_tables(extract(FIXTURES / "minimal-protocol.pdf")) == []
    assert member_tables(extract(RAW / "region-vasterbotten-run-au-2023-05-12.pdf")) == []


def test_ledamot_rost_table_of_the_bjorkvik_sample() -> None:
    (table,) = member_tables(extract(RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf"))
    assert table.page == 4
    # "Ledamot | Röst" in BJORKVIK_TEXT of scripts/make_samples.py
    assert votes(table) == [
        ("Anna Berg", "S", "ja"),
        ("Lars Nyström", "M", "nej"),
        ("Erik Sandberg", "C", "ja"),
        ("Karin Holmberg", "S", "ja"),
        ("Johan Ek", "S", "ja"),
        ("Helena Forsberg", "BP", "ja"),
        ("Gunnar Öberg", "V", "ja"),
        ("Peter Wallin", "M", "nej"),
        ("Mats Olofsson", "SD", "nej"),
        ("Linnea Strand", "SD", "nej"),
        ("Fatima Ali", "S", "ja"),
    ]
    assert table.counts == {}


# ---------------------------------------------------------------- hand-made pages


def test_rows_end_at_text_that_is_no_member_row() -> None:
    doc = doc_of([
        (100, [("Omröstning", 60)]),
        (120, HEAD),
        (134, member("Anna Berg (S)", "ja")),
        (148, member("Per Ek (M)", "nej")),
        (162, member("Eva Alm (C)", "avstår")),
        (190, [("Kommunfullmäktige", 60), ("beslutar", 170), ("att", 240), ("bifalla", 270), ("motionen.", 330)]),
        (204, member("Ola Ung (L)", "ja")),  # a name after the table's end is no member of it
    ])
    (table,) = member_tables(doc)
    assert votes(table) == [("Anna Berg", "S", "ja"), ("Per Ek", "M", "nej"), ("Eva Alm", "C", "avstår")]
    assert table.offset == doc.text.index("Ledamot Ja Nej Avstår")


def test_table_continues_on_the_next_page_with_and_without_its_header() -> None:
    first = [(700, HEAD), (714, member("Anna Berg (S)", "ja")), (728, member("Per Ek (M)", "nej"))]
    second_bare = [(100, member("Eva Alm (C)", "ja")), (114, [("Ja", 60), ("2", 200)]), (128, [("Nej", 60), ("1", 200)])]
    (table,) = member_tables(doc_of(first, second_bare))
    assert votes(table) == [("Anna Berg", "S", "ja"), ("Per Ek", "M", "nej"), ("Eva Alm", "C", "ja")]
    assert (table.page, table.counts) == (1, {"ja": 2, "nej": 1})
    second_headed = [(100, HEAD), (114, member("Eva Alm (C)", "ja"))]
    (table,) = member_tables(doc_of(first, second_headed))
    assert [m.name for m in table.members] == ["Anna Berg", "Per Ek", "Eva Alm"]


def test_two_tables_on_a_page_each_with_its_totals() -> None:
    doc = doc_of([
        (100, HEAD),
        (114, member("Anna Berg (S)", "ja")),
        (128, member("Per Ek (M)", "nej")),
        (142, [("Summa", 60), ("1", 332), ("1", 383), ("0", 440)]),  # totals under the vote columns
        (180, [("Beslut", 60)]),
        (220, [("Resultat:", 60), ("Ja", 120), ("1,", 140), ("Nej", 160), ("1", 190)]),
        (234, HEAD),
        (248, member("Anna Berg (S)", "nej")),
        (262, member("Per Ek (M)", "ja")),
    ])
    first, second = member_tables(doc)
    assert (votes(first), first.counts) == ([("Anna Berg", "S", "ja"), ("Per Ek", "M", "nej")],
                                           {"ja": 1, "nej": 1, "avstår": 0})
    assert (votes(second), second.counts) == ([("Anna Berg", "S", "nej"), ("Per Ek", "M", "ja")], {"ja": 1, "nej": 1})


def test_substitute_column_frånvarande_and_a_row_with_two_marks() -> None:
    head: Row = [("Ledamot", 60), ("Tjänstgörande", 180), ("ersättare", 265), ("Ja", 330), ("Nej", 380),
                 ("Avstår", 430), ("Frånvarande", 480)]
    doc = doc_of([
        (100, head),
        (114, [("Anna", 60), ("Berg", 90), ("(S)", 120), ("X", COL["ja"])]),
        (128, [("Per", 60), ("Ek", 84), ("(M)", 100), ("Eva", 180), ("Alm", 204), ("(M)", 228), ("X", COL["nej"])]),
        (142, [("Ola", 60), ("Ung", 84), ("(L)", 108), ("X", COL["frånvarande"])]),
        (156, [("Siv", 60), ("Ros", 84), ("(V)", 108), ("X", COL["ja"]), ("X", COL["nej"])]),
        (170, [("Bo", 60), ("Ek", 78), ("(KD)", 96)]),  # no mark: did not vote
    ])
    (table,) = member_tables(doc)
    # Eva Alm served for Per Ek and cast the vote; Siv Ros has two marks and is not read.
    assert votes(table) == [("Anna Berg", "S", "ja"), ("Eva Alm", "M", "nej"), ("Ola Ung", "L", "frånvarande")]


def test_val_column_with_party_names_and_seat_numbers() -> None:
    doc = doc_of([
        (100, [("Stol", 40), ("Namn", 80), ("Parti", 260), ("Röst", 400)]),
        (114, [("1", 40), ("Anna", 80), ("Berg", 110), ("Socialdemokraterna", 260), ("Ja", 400)]),
        (128, [("2", 40), ("Per", 80), ("Ek", 104), ("Moderaterna", 260), ("Nej", 400)]),
        (142, [("3", 40), ("Eva", 80), ("Alm", 104), ("Fokus", 260), ("Avstår", 400)]),
    ])
    (table,) = member_tables(doc)
    assert votes(table) == [("Anna Berg", "S", "ja"), ("Per Ek", "M", "nej"), ("Eva Alm", None, "avstår")]


def test_votes_on_no_member_row_leave_the_members_unread_but_keep_the_totals() -> None:
    # A text layer that lost the rows' alignment: the votes stand on lines of their own, far from any name.
    rows: list[tuple[float, Row]] = [
        (80, [("Ja", 60), ("3", 200)]), (94, [("Nej", 60), ("2", 200)]),
        (120, [("Namn", 60), ("Parti", 260), ("Val", 400)]),
    ]
    rows += [(134 + 14 * i, [(f"Person{i}", 60), (f"Nummer{i}", 120), ("(S)", 190)]) for i in range(5)]
    rows += [(250 + 30 * i, [("Socialdemokraterna", 260), ("Ja", 400)]) for i in range(5)]
    (table,) = member_tables(doc_of(rows))
    assert (table.members, table.counts) == ([], {"ja": 3, "nej": 2})


def test_text_file_read_as_a_monospaced_page() -> None:
    lines = [
        "Ledamot                        Ja    Nej   Avstår",
        "Anna Berg (S)                  X",
        "Per Ek (M)                           X",
        "Frostdahl-Blomqvist Siw (S)                 X",
        "",
        "Ordföranden förklarar att fullmäktige har beslutat enligt förslaget.",
    ]
    text = "\n".join(lines)
    doc = ExtractedDocument("t.txt", "0" * 64, 0, 1, text, [PageSpan(1, 0, len(text))],
                            [Page(1, 0.0, 100.0, len(text), True)], extractor="text")
    (table,) = member_tables(doc)
    assert votes(table) == [("Anna Berg", "S", "ja"), ("Per Ek", "M", "nej"), ("Frostdahl-Blomqvist Siw", "S", "avstår")]
    assert table.offset == 0


def test_text_whose_column_gaps_became_tabs_gives_totals_only() -> None:
    # Which column an X stood in is lost once the gap before it is a tab: no members rather than wrong ones.
    text = "Ja 2\nNej 1\nLedamot\tJa\tNej\tAvstår\nAnna Berg (S)\tX\nPer Ek (M)\tX\nEva Alm (C)\tX"
    doc = ExtractedDocument("t.txt", "0" * 64, 0, 1, text, [PageSpan(1, 0, len(text))],
                            [Page(1, 0.0, 100.0, len(text), True)], extractor="text")
    (table,) = member_tables(doc)
    assert (table.members, table.counts, table.offset) == ([], {"ja": 2, "nej": 1}, text.index("Ledamot"))
