"""People: one name grammar for every stage (pipeline/names.py), the person registry and its resolution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from pipeline import names, persons
from pipeline.cli import main
from pipeline.decisions import extract_decisions, persons_in
from pipeline.segment import _person
from pipeline.tag import rule_spans
from pipeline.types import Item, Meeting, Protocol, Section

PERSLOW = "Jonas Attenius (S), Grith Fjeldmose (V) och AnnaSara Perslow (C) yrkar bifall till kommunstyrelsens förslag."


def _protocol(text: str) -> Protocol:
    section = Section(1, "yrkanden", "Yrkanden", text, 1, 1, 0, [])
    return Protocol("x.pdf", "0" * 64, 1, 1, "protokoll", Meeting(), [Item(5, "Titel", None, 1, 1, [section])], [])


def test_every_stage_reads_a_name_with_an_inner_capital_alike() -> None:
    # the example: the tagger said "Sara Perslow", the proposal reader "AnnaSara Perslow"
    tagged = [(PERSLOW[s.start : s.end], s.party) for s in rule_spans(PERSLOW, None) if s.label == "PERSON"]
    assert tagged == [("Jonas Attenius", "S"), ("Grith Fjeldmose", "V"), ("AnnaSara Perslow", "C")]
    assert persons_in(PERSLOW) == tagged
    proposals = extract_decisions(_protocol(PERSLOW)).proposals
    assert [(p.person, p.party) for p in proposals] == tagged
    attendee = _person("AnnaSara Perslow (C), ordförande", "ledamot")
    assert attendee is not None and (attendee.name, attendee.party, attendee.role) == ("AnnaSara Perslow", "C", "ordförande")


def test_words_before_a_name_are_no_part_of_it_in_any_stage() -> None:
    for text, name in [
        ("Ordföranden Jonas Attenius (S) yrkar bifall.", "Jonas Attenius"),
        ("Ärendebeskrivning\nArvid Strandberg (M) yrkar bifall.", "Arvid Strandberg"),  # a heading: from the data file
        ("Därefter Anna Berg (S) yrkar avslag.", "Anna Berg"),
    ]:
        assert [p.name for p in names.persons_in(text)] == [name], text
        spans = [s for s in rule_spans(text, None) if s.label == "PERSON"]
        assert [text[s.start : s.end] for s in spans] == [name], text
        assert persons_in(text) == [(name, names.persons_in(text)[0].party)]


def test_no_name_runs_over_a_tab_a_paragraph_break_or_an_organisation() -> None:
    assert [p.name for p in names.persons_in("Beslutande\tAnna Berg (S)")] == ["Anna Berg"]
    assert [p.name for p in names.persons_in("Yrkanden\n\nAxel Josefson (M) yrkar")] == ["Axel Josefson"]
    assert [p.name for p in names.persons_in("Anna\nBerg (S) yrkar")] == ["Anna Berg"]  # one line break inside: a flattened line
    assert names.persons_in("Kommunstyrelsen Ordförande (S)") == []
    assert names.persons_in("Berg (S) yrkar") == []  # one word is no full name
    assert names.persons_in("Anna Berg (EU) yrkar") == []  # no party code
    assert names.person_at("Yrkande Anna Berg (S)", 0) == names.PersonMention("Anna Berg", "S", 8, 17, 19, 20, 21)


def test_a_bare_name_on_an_attendance_list() -> None:
    assert names.is_full_name("Siw Frostdahl-Blomqvist")
    assert names.is_full_name("Carl af Ugglas")
    assert not names.is_full_name("Siw")
    assert not names.is_full_name("Anna\tBerg")
    assert _person("Stadshuset Rådhussalen", "ovrig") is None  # a place word opens the line: no person
    assert "stadshuset" in names.not_name_words("place")
    assert names.TITLE_WORDS <= names.NOT_NAME_WORDS and "ordföranden" in names.TITLE_WORDS


def test_normal_key_ignores_order_case_and_initial_dots() -> None:
    assert names.normal_key("Siw Frostdahl-Blomqvist") == names.normal_key("FROSTDAHL-BLOMQVIST Siw")
    assert names.name_words("S. Frostdahl-Blomqvist") == ["s", "frostdahl", "blomqvist"]
    assert names.normal_key("Lena Landén-Olsson") == names.normal_key("Lena Landén Olsson")
    assert names.strip_genitive("Frostdahl-Blomqvists") == "Frostdahl-Blomqvist"
    assert names.strip_genitive("Ek:s") == "Ek"
    assert names.strip_genitive("Bass") == "Bass"


# ---------------------------------------------------------------- resolution: the rules


def test_near_spellings_are_one_edit_in_a_long_word() -> None:
    key = names.normal_key
    assert persons.similar(key("Charlott Enocsson"), key("Charlott Enocson")) > 0.9
    assert persons.similar(key("Siw Frostdahl-Blomkvist"), key("Siw Frostdahl-Blomqvist")) > 0.9
    assert persons.similar(key("Anna Borg"), key("Anna Berg")) == 0.0  # four letters: another family
    assert persons.similar(key("Anna Andersson"), key("Anna Andersen")) == 0.0  # two edits
    assert persons.similar(key("Anna Andersson"), key("Anna Andersson Berg")) == 0.0  # another number of words
    assert persons.initials_match(key("S. Frostdahl-Blomqvist"), key("Siw Frostdahl-Blomqvist"))
    assert not persons.initials_match(key("A. Frostdahl-Blomqvist"), key("Siw Frostdahl-Blomqvist"))
    assert persons.key_forms("Siw Frostdahl-Blomqvists") == [key("Siw Frostdahl-Blomqvists"), key("Siw Frostdahl-Blomqvist")]


def test_a_meeting_never_joins_two_attendees_and_ties_mentions_to_them() -> None:
    mention = persons.Mention
    groups = persons.group_meeting([
        mention("attendees", 1, "Anna Andersson", "M", attendee=True, kind="ledamot"),
        mention("attendees", 2, "Anna Anderson", "M", attendee=True, kind="ledamot"),
        mention("attendees", 3, "Siw Frostdahl-Blomqvist", "S", attendee=True, kind="ledamot"),
        mention("attendees", 4, "Siw Frostdahl-Blomqvist", "S", attendee=True, kind="justerare"),
        mention("proposals", 1, "Anna Anderson", "M"),
        mention("entities", 1, "Frostdahl-Blomqvists", None),  # "Frostdahl-Blomqvists förslag": her surname
        mention("entities", 2, "S Frostdahl-Blomqvist", None),
        mention("entities", 3, "Frostdahl-Blomqvist Siw", "S"),
        mention("entities", 4, "Per Persson", "C"),
        mention("entities", 5, "Per Perssons", None),
        mention("entities", 6, "Pleijel", None),  # one word naming no attendee: no person
    ])
    got = [(g.name, g.attendee, [(m.table, m.row_id, method) for m, method, _ in g.mentions]) for g in groups]
    assert got == [
        ("Anna Andersson", True, [("attendees", 1, "exact")]),
        ("Anna Anderson", True, [("attendees", 2, "exact"), ("proposals", 1, "exact")]),
        ("Siw Frostdahl-Blomqvist", True, [
            ("attendees", 3, "exact"), ("attendees", 4, "exact"), ("entities", 1, "surname"),
            ("entities", 2, "initials"), ("entities", 3, "exact")]),
        ("Per Persson", False, [("entities", 4, "exact"), ("entities", 5, "exact")]),
    ]


def test_membership_roles_from_the_attendance_list() -> None:
    assert persons.membership_role("ledamot", "ordförande") == "ordförande"
    assert persons.membership_role("ledamot", "1:e vice ordförande") == "vice ordförande"
    assert persons.membership_role("ledamot", "Vice ordförande") == "vice ordförande"
    assert persons.membership_role("ersattare", None) == "ersättare"
    assert persons.membership_role("ovrig", "kommundirektör") is None  # an official holds no seat
    assert persons.membership_role("justerare", None) is None  # the same person's ledamot row says it


# ---------------------------------------------------------------- resolution at load time


KS = """Björkviks kommun
Protokoll
Kommunstyrelsen
Sammanträdesdatum 2024-05-14

Beslutande
Siw Frostdahl-Blomkvist (S), ordförande
Anna Andersson (M), vice ordförande
Anna Anderson (M)
Per Persson (M) ersätter Lisa Larsson (M)

§ 60 Budget för 2025
Dnr KS 2024/50

Yrkanden
Frostdahl-Blomqvist Siw (S) yrkar bifall till förslaget.
Anna Anderson (M) yrkar avslag.

Beslut
Kommunstyrelsen beslutar enligt förslaget.
"""
KF = """Björkviks kommun
Protokoll
Kommunfullmäktige
Sammanträdesdatum 2024-06-10

Beslutande
Siw Frostdahl-Blomqvist (S), ordförande
Lisa Larsson (M)
Anna Andersson (M)

§ 12 Budget för 2025
Dnr KS 2024/50

Yrkanden
Siw Frostdahl-Blomqvist (S) yrkar bifall till kommunstyrelsens förslag.
Lisa Larsson (M) yrkar avslag.

Beslut
Kommunfullmäktige beslutar enligt förslaget.
"""
LOMMA = """Lomma kommun
Protokoll
Kommunfullmäktige
Sammanträdesdatum 2024-06-11

Beslutande
Anna Andersson (M), ordförande
Siw Frostdahl-Blomqvist (S)

§ 5 Budget för 2025
Dnr KS 2024/9

Yrkanden
Anna Andersson (M) yrkar bifall till förslaget.

Beslut
Kommunfullmäktige beslutar enligt förslaget.
"""

ATTENDEES = """SELECT m.body, a.name, p.name AS person, p.organisation, a.match_method, a.match_score, r.name AS replaced
FROM attendees a JOIN meetings m ON m.id = a.meeting_id JOIN persons p ON p.id = a.person_id
LEFT JOIN persons r ON r.id = a.replaces_person_id ORDER BY m.meeting_date, a.id"""
EVERY_LINK = """SELECT 'a' AS t, name, person_id, match_method, match_score FROM attendees
UNION ALL SELECT 'e', text, person_id, match_method, match_score FROM entities WHERE label = 'PERSON'
UNION ALL SELECT 'c', text, person_id, match_method, match_score FROM cover_entities WHERE label = 'PERSON'
UNION ALL SELECT 'p', person, person_id, match_method, match_score FROM proposals ORDER BY 1, 2, 3"""


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def _rows(db_url: str, sql: str) -> list[tuple[Any, ...]]:
    result = _run("query", sql, "--db", db_url, "--format", "json")
    assert result.exit_code == 0, result.output
    return [tuple(r.values()) for r in json.loads(result.stdout)]


def _import(db_url: str, tmp_path: Path, *extra: str) -> None:
    files = []  # in name order: the KF of 2024-06-10 first
    for name, text in (("bjorkvik-kf-2024-06-10.txt", KF), ("bjorkvik-ks-2024-05-14.txt", KS), ("lomma-kf-2024-06-11.txt", LOMMA)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(str(tmp_path / name))
    result = _run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", db_url, "--model", "blank",
                  *extra, *files)
    assert result.exit_code == 0, result.output


def test_persons_are_resolved_across_meetings_of_one_municipality_only(db_url: str, tmp_path: Path) -> None:
    _import(db_url, tmp_path)
    # files in name order: the KF of 2024-06-10 first, so the KS's "Blomkvist" is the near spelling
    assert _rows(db_url, ATTENDEES) == [
        ("Kommunstyrelsen", "Siw Frostdahl-Blomkvist", "Siw Frostdahl-Blomqvist", "Björkviks kommun", "similar", 0.957, None),
        ("Kommunstyrelsen", "Anna Andersson", "Anna Andersson", "Björkviks kommun", "exact", 1.0, None),
        # one letter from Anna Andersson, and at the same meeting: another person
        ("Kommunstyrelsen", "Anna Anderson", "Anna Anderson", "Björkviks kommun", "new", 1.0, None),
        ("Kommunstyrelsen", "Per Persson", "Per Persson", "Björkviks kommun", "new", 1.0, "Lisa Larsson"),
        ("Kommunfullmäktige", "Siw Frostdahl-Blomqvist", "Siw Frostdahl-Blomqvist", "Björkviks kommun", "new", 1.0, None),
        ("Kommunfullmäktige", "Lisa Larsson", "Lisa Larsson", "Björkviks kommun", "new", 1.0, None),
        ("Kommunfullmäktige", "Anna Andersson", "Anna Andersson", "Björkviks kommun", "new", 1.0, None),
        # the same names in another municipality are other persons
        ("Kommunfullmäktige", "Anna Andersson", "Anna Andersson", "Lomma kommun", "new", 1.0, None),
        ("Kommunfullmäktige", "Siw Frostdahl-Blomqvist", "Siw Frostdahl-Blomqvist", "Lomma kommun", "new", 1.0, None),
    ]
    assert _rows(db_url, "SELECT organisation, count(*) FROM persons GROUP BY organisation ORDER BY organisation") == [
        ("Björkviks kommun", 5), ("Lomma kommun", 2)]
    # a surname-first proposal is tied to the attendee of its meeting; every person-bearing row has a person
    assert _rows(db_url, "SELECT p.person, s.name, p.match_method FROM proposals p JOIN persons s ON s.id = p.person_id "
                         "JOIN items i ON i.id = p.item_id ORDER BY i.number, p.id") == [
        ("Anna Andersson", "Anna Andersson", "new"),
        ("Siw Frostdahl-Blomqvist", "Siw Frostdahl-Blomqvist", "new"),
        ("Lisa Larsson", "Lisa Larsson", "new"),
        ("Frostdahl-Blomqvist Siw", "Siw Frostdahl-Blomqvist", "similar"),
        ("Anna Anderson", "Anna Anderson", "new"),
    ]
    assert _rows(db_url, "SELECT count(*) FROM (" + EVERY_LINK + ") x WHERE person_id IS NULL") == [(0,)]
    assert _rows(db_url, """SELECT p.name, ms.body, ms.role, ms.party, ms.start_date, ms.end_date, ms.source
        FROM memberships ms JOIN persons p ON p.id = ms.person_id WHERE p.organisation = 'Björkviks kommun'
        ORDER BY p.name, ms.body""") == [
        ("Anna Anderson", "Kommunstyrelsen", "ledamot", "M", "2024-05-14", "2024-05-14", "attendance"),
        ("Anna Andersson", "Kommunfullmäktige", "ledamot", "M", "2024-06-10", "2024-06-10", "attendance"),
        ("Anna Andersson", "Kommunstyrelsen", "vice ordförande", "M", "2024-05-14", "2024-05-14", "attendance"),
        ("Lisa Larsson", "Kommunfullmäktige", "ledamot", "M", "2024-06-10", "2024-06-10", "attendance"),
        ("Lisa Larsson", "Kommunstyrelsen", "ledamot", "M", "2024-05-14", "2024-05-14", "ersätter"),  # Per Persson stood in
        ("Per Persson", "Kommunstyrelsen", "ersättare", "M", "2024-05-14", "2024-05-14", "attendance"),
        ("Siw Frostdahl-Blomqvist", "Kommunfullmäktige", "ordförande", "S", "2024-06-10", "2024-06-10", "attendance"),
        ("Siw Frostdahl-Blomqvist", "Kommunstyrelsen", "ordförande", "S", "2024-05-14", "2024-05-14", "attendance"),
    ]
    assert _rows(db_url, """SELECT a.name, a.source FROM person_aliases a JOIN persons p ON p.id = a.person_id
        WHERE p.organisation = 'Björkviks kommun' AND p.name = 'Siw Frostdahl-Blomqvist' ORDER BY 1, 2""") == [
        ("Frostdahl-Blomqvist Siw", "entities"), ("Frostdahl-Blomqvist Siw", "proposals"),
        ("Siw Frostdahl-Blomkvist", "attendees"), ("Siw Frostdahl-Blomkvist", "cover_entities"),
        ("Siw Frostdahl-Blomqvist", "attendees"), ("Siw Frostdahl-Blomqvist", "cover_entities"),
        ("Siw Frostdahl-Blomqvist", "entities"), ("Siw Frostdahl-Blomqvist", "proposals"),
    ]


def test_importing_again_links_every_row_to_the_same_person(db_url: str, tmp_path: Path) -> None:
    _import(db_url, tmp_path)
    links = _rows(db_url, EVERY_LINK)
    registry = _rows(db_url, "SELECT id, name, given_name, family_name, organisation, sort_name FROM persons ORDER BY id")
    memberships = _rows(db_url, "SELECT person_id, body, role, party, start_date, end_date, source FROM memberships "
                                "ORDER BY 1, 2, 3, 7")
    aliases = _rows(db_url, "SELECT person_id, name, source FROM person_aliases ORDER BY 1, 2, 3")
    _import(db_url, tmp_path, "--force")  # every document's rows deleted and written again
    assert _rows(db_url, EVERY_LINK) == links
    assert _rows(db_url, "SELECT id, name, given_name, family_name, organisation, sort_name FROM persons ORDER BY id") == registry
    assert _rows(db_url, "SELECT person_id, body, role, party, start_date, end_date, source FROM memberships "
                         "ORDER BY 1, 2, 3, 7") == memberships
    assert _rows(db_url, "SELECT person_id, name, source FROM person_aliases ORDER BY 1, 2, 3") == aliases
    assert len(registry) == 7


def test_a_person_no_row_names_any_more_leaves_the_registry(db_url: str, tmp_path: Path) -> None:
    _import(db_url, tmp_path)
    lomma = tmp_path / "lomma-kf-2024-06-11.txt"
    lomma.write_text(LOMMA.replace("Siw Frostdahl-Blomqvist (S)\n", "Per Holm (S)\n"), encoding="utf-8")
    result = _run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", db_url, "--model", "blank",
                  str(lomma))
    assert result.exit_code == 0, result.output
    assert _rows(db_url, "SELECT name FROM persons WHERE organisation = 'Lomma kommun' ORDER BY name") == [
        ("Anna Andersson",), ("Per Holm",)]
    assert _rows(db_url, "SELECT count(*) FROM person_aliases a WHERE a.person_id NOT IN (SELECT id FROM persons)") == [(0,)]
    assert _rows(db_url, "SELECT count(*) FROM memberships m WHERE m.person_id NOT IN (SELECT id FROM persons)") == [(0,)]
