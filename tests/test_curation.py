"""The curator's decisions (protokoll persons merge|split|rename), the persons file, and the person views."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.curation import read_curation

from .conftest import RAW
from .test_persons import KF, KS, LOMMA

BJORKVIK = "Björkviks kommun"
# every person-bearing row of the three protocols, with the person it names and how
LINKS = """SELECT t, written, p.name, p.organisation, method FROM (
  SELECT 'attendees' AS t, a.name AS written, a.person_id, a.match_method AS method FROM attendees a
  UNION ALL SELECT 'proposals', x.person, x.person_id, x.match_method FROM proposals x) r
JOIN persons p ON p.id = r.person_id"""
ALIASES = """SELECT a.name, a.source FROM person_aliases a JOIN persons p ON p.id = a.person_id
WHERE p.organisation = 'Björkviks kommun' AND p.name = '{}' ORDER BY 1, 2"""
MEMBERSHIPS = """SELECT m.body, m.role, m.party, m.source FROM memberships m JOIN persons p ON p.id = m.person_id
WHERE p.organisation = 'Björkviks kommun' AND p.name = '{}' ORDER BY 1, 2, 4"""
PERSONS = "SELECT name, organisation FROM persons ORDER BY organisation, name"


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def _rows(db_url: str, sql: str) -> list[tuple[Any, ...]]:
    result = _run("query", sql, "--db", db_url, "--format", "json")
    assert result.exit_code == 0, result.output
    return [tuple(r.values()) for r in json.loads(result.stdout)]


def _links(db_url: str) -> list[tuple[Any, ...]]:
    """LINKS by organisation, table, spelling, person and method (sorted here: PostgreSQL collates otherwise)."""
    return sorted(_rows(db_url, LINKS), key=lambda r: (r[3], r[0], r[1], r[2], r[4]))


def _texts(tmp_path: Path) -> list[str]:
    files = []  # in name order: the KF of 2024-06-10 first (as tests/test_persons.py imports them)
    for name, text in (("bjorkvik-kf-2024-06-10.txt", KF), ("bjorkvik-ks-2024-05-14.txt", KS), ("lomma-kf-2024-06-11.txt", LOMMA)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(str(tmp_path / name))
    return files


def _ingest(db_url: str, tmp_path: Path, *extra: str) -> Any:
    return _run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", db_url, "--model", "blank",
                *extra, *_texts(tmp_path))


# What resolution alone gives (tests/test_persons.py): "Anna Anderson" of the KS is another person than
# "Anna Andersson" (both attend that meeting), "Siw Frostdahl-Blomkvist" is "Siw Frostdahl-Blomqvist".
RESOLVED = [
    ("attendees", "Anna Anderson", "Anna Anderson", BJORKVIK, "new"),
    ("attendees", "Anna Andersson", "Anna Andersson", BJORKVIK, "exact"),
    ("attendees", "Anna Andersson", "Anna Andersson", BJORKVIK, "new"),
    ("attendees", "Lisa Larsson", "Lisa Larsson", BJORKVIK, "new"),
    ("attendees", "Per Persson", "Per Persson", BJORKVIK, "new"),
    ("attendees", "Siw Frostdahl-Blomkvist", "Siw Frostdahl-Blomqvist", BJORKVIK, "similar"),
    ("attendees", "Siw Frostdahl-Blomqvist", "Siw Frostdahl-Blomqvist", BJORKVIK, "new"),
    ("proposals", "Anna Anderson", "Anna Anderson", BJORKVIK, "new"),
    ("proposals", "Frostdahl-Blomqvist Siw", "Siw Frostdahl-Blomqvist", BJORKVIK, "similar"),
    ("proposals", "Lisa Larsson", "Lisa Larsson", BJORKVIK, "new"),
    ("proposals", "Siw Frostdahl-Blomqvist", "Siw Frostdahl-Blomqvist", BJORKVIK, "new"),
    ("attendees", "Anna Andersson", "Anna Andersson", "Lomma kommun", "new"),
    ("attendees", "Siw Frostdahl-Blomqvist", "Siw Frostdahl-Blomqvist", "Lomma kommun", "new"),
    ("proposals", "Anna Andersson", "Anna Andersson", "Lomma kommun", "new"),
]


def _with(rows: list[tuple[Any, ...]], changes: dict[tuple[str, str, str], tuple[str, str]]) -> list[tuple[Any, ...]]:
    """RESOLVED with the rows (table, written, person) of Björkvik naming another person by another method."""
    out = []
    for t, written, person, org, method in rows:
        person, method = changes.get((t, written, person), (person, method)) if org == BJORKVIK else (person, method)
        out.append((t, written, person, org, method))
    return sorted(out, key=lambda r: (r[3], r[0], r[1], r[2], r[4]))


def test_a_merge_is_written_to_the_file_and_survives_ingest_force(db_url: str, tmp_path: Path) -> None:
    assert _ingest(db_url, tmp_path).exit_code == 0
    assert _links(db_url) == RESOLVED
    persons_file = tmp_path / "curator" / "persons.toml"  # a folder that does not exist yet
    result = _run("persons", "merge", "Anna Andersson", "Anna Anderson", "--organisation", BJORKVIK, "--db", db_url,
                  "--persons", str(persons_file))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"protokoll: merged Anna Anderson (id 4) into Anna Andersson (id 3); recorded in {persons_file}\n"
    text = persons_file.read_text(encoding="utf-8")
    assert text.startswith("# The curator's decisions on the person registry")
    assert text.endswith('[[merge]]\norganisation = "Björkviks kommun"\nkeep = "Anna Andersson"\nabsorb = ["Anna Anderson"]\n')
    merged = _with(RESOLVED, {("attendees", "Anna Anderson", "Anna Anderson"): ("Anna Andersson", "curator"),
                              ("proposals", "Anna Anderson", "Anna Anderson"): ("Anna Andersson", "curator")})
    aliases = [("Anna Anderson", "attendees"), ("Anna Anderson", "cover_entities"), ("Anna Anderson", "entities"),
               ("Anna Anderson", "proposals"), ("Anna Andersson", "attendees"), ("Anna Andersson", "cover_entities")]
    memberships = [("Kommunfullmäktige", "ledamot", "M", "attendance"), ("Kommunstyrelsen", "ledamot", "M", "attendance"),
                   ("Kommunstyrelsen", "vice ordförande", "M", "attendance")]
    persons = [("Anna Andersson", BJORKVIK), ("Lisa Larsson", BJORKVIK), ("Per Persson", BJORKVIK),
               ("Siw Frostdahl-Blomqvist", BJORKVIK), ("Anna Andersson", "Lomma kommun"),
               ("Siw Frostdahl-Blomqvist", "Lomma kommun")]
    for step in ("merged", "imported again", "a new database"):
        if step == "imported again":
            again = _ingest(db_url, tmp_path, "--force", "--persons", str(persons_file))
            assert (again.exit_code, again.stderr) == (0, ""), again.output
        if step == "a new database":  # the file alone gives the same registry from the same protocols
            db_url = str(tmp_path / "fresh.db")
            assert _ingest(db_url, tmp_path, "--persons", str(persons_file)).exit_code == 0
        assert _links(db_url) == merged, step
        assert _rows(db_url, PERSONS) == persons, step
        assert _rows(db_url, ALIASES.format("Anna Andersson")) == aliases, step
        assert _rows(db_url, MEMBERSHIPS.format("Anna Andersson")) == memberships, step
        assert _rows(db_url, "SELECT count(*) FROM person_aliases WHERE person_id NOT IN (SELECT id FROM persons)") == [(0,)]


def test_a_split_and_a_rename_survive_ingest_force(db_url: str, tmp_path: Path) -> None:
    assert _ingest(db_url, tmp_path).exit_code == 0
    persons_file = tmp_path / "persons.toml"
    common = ("--organisation", BJORKVIK, "--db", db_url, "--persons", str(persons_file))
    split = _run("persons", "split", "Siw Frostdahl-Blomqvist", "--name", "Siw Frostdahl-Blomkvist", *common)
    assert split.exit_code == 0, split.output
    assert split.stderr == ("protokoll: the rows of Siw Frostdahl-Blomqvist (id 1) written as Siw Frostdahl-Blomkvist "
                            f"are another person; recorded in {persons_file}\n")
    rename = _run("persons", "rename", "Per Persson", "Per-Olof  Persson", *common)
    assert rename.exit_code == 0, rename.output
    assert rename.stderr == f"protokoll: renamed Per Persson (id 5) to Per-Olof Persson; recorded in {persons_file}\n"
    text = persons_file.read_text(encoding="utf-8")
    assert ('[[split]]\norganisation = "Björkviks kommun"\nperson = "Siw Frostdahl-Blomqvist"\n'
            'names = ["Siw Frostdahl-Blomkvist"]\n') in text
    assert text.endswith('[[rename]]\norganisation = "Björkviks kommun"\nperson = "Per Persson"\nto = "Per-Olof Persson"\n')
    assert [(e.kind, e.person, e.names, e.to) for e in read_curation(persons_file, required=True).entries] == [
        ("split", "Siw Frostdahl-Blomqvist", ("Siw Frostdahl-Blomkvist",), None), ("rename", "Per Persson", (), "Per-Olof Persson")]
    changes = {
        ("attendees", "Siw Frostdahl-Blomkvist", "Siw Frostdahl-Blomqvist"): ("Siw Frostdahl-Blomkvist", "curator"),
        ("attendees", "Per Persson", "Per Persson"): ("Per-Olof Persson", "new"),
    }
    assert _links(db_url) == _with(RESOLVED, changes)
    assert _rows(db_url, ALIASES.format("Siw Frostdahl-Blomkvist")) == [
        ("Siw Frostdahl-Blomkvist", "attendees"), ("Siw Frostdahl-Blomkvist", "cover_entities")]
    assert _rows(db_url, MEMBERSHIPS.format("Siw Frostdahl-Blomkvist")) == [("Kommunstyrelsen", "ordförande", "S", "attendance")]
    assert _rows(db_url, "SELECT given_name, family_name, sort_name FROM persons WHERE name = 'Per-Olof Persson'") == [
        ("Per-Olof", "Persson", "Persson, Per-Olof")]
    again = _ingest(db_url, tmp_path, "--force", "--persons", str(persons_file))
    assert again.exit_code == 0, again.output
    # imported again, resolution ties the KS's Siw (attendee and proposal) to the person split off, whose
    # spelling it is; the split gives the proposal written "Frostdahl-Blomqvist Siw" back, as the curator's
    changes[("proposals", "Frostdahl-Blomqvist Siw", "Siw Frostdahl-Blomqvist")] = ("Siw Frostdahl-Blomqvist", "curator")
    assert _links(db_url) == _with(RESOLVED, changes)
    assert _rows(db_url, ALIASES.format("Siw Frostdahl-Blomkvist")) == [
        ("Siw Frostdahl-Blomkvist", "attendees"), ("Siw Frostdahl-Blomkvist", "cover_entities")]
    assert _rows(db_url, "SELECT count(*) FROM persons WHERE organisation = 'Björkviks kommun'") == [(6,)]


def _digest(path: Path) -> str:
    """The bytes of an SQLite database and its write-ahead log, once the engines of earlier commands are closed.

    (Closing the last connection of an engine checkpoints the log into the file: the ingest's, not a read command's.)
    """
    import gc

    gc.collect()
    wal = path.with_name(path.name + "-wal")
    return hashlib.sha256(path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")).hexdigest()


def test_list_and_show_are_exact_and_read_only(db_url: str, tmp_path: Path) -> None:
    assert _ingest(db_url, tmp_path).exit_code == 0
    before = _digest(Path(db_url)) if "://" not in db_url else None
    listed = _run("persons", "list", "--organisation", BJORKVIK, "--name", "ANNA", "--db", db_url, "--json")
    assert listed.exit_code == 0, listed.output
    # Anna Anderson: KS attendee, cover entity, entity and proposal; Anna Andersson: KF and KS attendee
    # and cover entity; sorted by family name
    assert [(r["name"], r["parties"], r["meetings"], r["mentions"]) for r in json.loads(listed.stdout)] == [
        ("Anna Anderson", "M", 1, 4), ("Anna Andersson", "M", 2, 4)]
    table = _run("persons", "list", "--name", "persson", "--db", db_url)
    assert table.stdout == ("id  name         organisation      parties  meetings  mentions\n"
                            "--  -----------  ----------------  -------  --------  --------\n"
                            "5   Per Persson  Björkviks kommun  M        1         2\n")
    shown = _run("persons", "show", "Persson Per", "--db", db_url)
    assert (shown.exit_code, shown.stdout) == (0, (
        "5  Per Persson  (Björkviks kommun)\n"
        "aliases: Per Persson (attendees); Per Persson (cover_entities)\n"
        "membership: Kommunstyrelsen, ersättare, M, 2024-05-14 to 2024-05-14 (attendance)\n"
        "2024: 1 meetings (0 as ledamot, 1 as ersättare), 0 proposals, 0 reservations, 0 recusals, 0 votes\n"))
    detail = json.loads(_run("persons", "show", "5", "--db", db_url, "--json").stdout)
    assert (detail["name"], detail["given_name"], detail["family_name"], detail["sort_name"]) == (
        "Per Persson", "Per", "Persson", "Persson, Per")
    ambiguous = _run("persons", "show", "Anna Andersson", "--db", db_url)
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr.splitlines()[-1] == (
        "Error: Invalid value for PERSON: 'Anna Andersson' names 2 persons: 3 Anna Andersson (Björkviks kommun); "
        "6 Anna Andersson (Lomma kommun); give the id")
    nobody = _run("persons", "show", "Nils Nilsson", "--db", db_url)
    assert (nobody.exit_code, nobody.stderr.splitlines()[-1]) == (
        2, "Error: Invalid value for PERSON: no person 'Nils Nilsson'; see 'protokoll persons list'")
    if before is not None:
        assert _digest(Path(db_url)) == before


def test_read_commands_never_create_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    for args in (("list",), ("show", "1"), ("merge", "1", "2")):
        result = _run("persons", *args, "--db", str(missing))
        assert result.exit_code == 3, args
        assert result.stderr.count("\n") == 1 and str(missing) in result.stderr, result.stderr
        assert not missing.exists()


def test_a_bad_persons_file_stops_ingest_naming_file_and_line(tmp_path: Path) -> None:
    db = str(tmp_path / "protocols.db")
    bad = tmp_path / "persons.toml"
    bad.write_text('# comment\n[[merge]]\nkeep = "Anna Berg"\nabsorb = "Anna Berj"\n', encoding="utf-8")
    result = _ingest(db, tmp_path, "--persons", str(bad))
    assert (result.exit_code, result.stderr) == (
        3, f'protokoll: {bad}:2: [[merge]] absorb must be a list of names, like absorb = ["Anna Berg"]\n')
    bad.write_text('[[merge]]\nkeep = "Anna Berg\n', encoding="utf-8")
    result = _ingest(db, tmp_path, "--persons", str(bad))
    assert (result.exit_code, result.stderr) == (
        3, f"protokoll: {bad}: not valid TOML: Illegal character '\\n' (at line 2, column 18); fix the file or "
           "remove the entry\n")
    bad.write_text('[[rename]]\nperson = "Anna Berg"\nto = "Anna Bergh"\nsurname = "Bergh"\n', encoding="utf-8")
    result = _ingest(db, tmp_path, "--persons", str(bad))
    assert (result.exit_code, result.stderr) == (
        3, f"protokoll: {bad}:1: [[rename]] has an unknown key 'surname'; it takes organisation, person, to\n")
    bad.write_text('merge = [{keep = "Anna Berg", absorb = ["Anna Berj"]}]\n', encoding="utf-8")  # no line of its own
    result = _ingest(db, tmp_path, "--persons", str(bad))
    assert (result.exit_code, result.stderr) == (
        3, f"protokoll: {bad}: write each merge as a table of its own, [[merge]] on a line, then its keys one a line "
           "(see the comments on top of data/persons.toml)\n")
    result = _ingest(db, tmp_path, "--persons", str(tmp_path / "missing.toml"))
    assert (result.exit_code, result.stderr) == (
        3, f"protokoll: {tmp_path / 'missing.toml'}: no such persons file; create it with 'protokoll persons merge' "
           "(or give an existing file with --persons)\n")
    assert not Path(db).exists()  # stopped before the database was made


def test_an_entry_naming_nobody_is_a_warning(tmp_path: Path) -> None:
    db = str(tmp_path / "protocols.db")
    curated = tmp_path / "persons.toml"
    curated.write_text('[[merge]]\norganisation = "Björkviks kommun"\nkeep = "Anna Andersson"\nabsorb = ["Anna Anderson"]\n'
                       '\n[[rename]]\nperson = "Nils Nilsson"\nto = "Nils Nilsén"\n', encoding="utf-8")
    result = _ingest(db, tmp_path, "--persons", str(curated))
    assert (result.exit_code, result.stderr) == (
        0, f'protokoll: {curated}:6: [[rename]] person = "Nils Nilsson" names nobody; check the spelling, or import '
           "the documents that name the person\n")
    assert _rows(db, "SELECT count(*) FROM persons WHERE name = 'Anna Anderson'") == [(0,)]  # the merge applied


def test_an_edited_file_applies_at_the_next_run_of_ingest_and_load(tmp_path: Path) -> None:
    db = str(tmp_path / "protocols.db")
    assert _ingest(db, tmp_path).exit_code == 0
    curated = tmp_path / "persons.toml"
    curated.write_text('[[merge]]\norganisation = "Björkviks kommun"\nkeep = "Anna Andersson"\nabsorb = ["Anna Anderson"]\n',
                       encoding="utf-8")
    # every document unchanged: the run applies the file (named by the environment) to the database
    again = CliRunner().invoke(main, ["--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", db,
                                      "--model", "blank", *_texts(tmp_path)], env={"PROTOKOLL_PERSONS": str(curated)})
    assert (again.exit_code, again.stderr) == (0, "")
    anna = "SELECT name FROM persons WHERE organisation = 'Björkviks kommun' AND name LIKE 'Anna%' ORDER BY name"
    assert _rows(db, anna) == [("Anna Andersson",)]
    # load (stage 5 alone) applies it to each document it writes again
    curated.write_text('[[rename]]\norganisation = "Björkviks kommun"\nperson = "Lisa Larsson"\nto = "Lisa Larsson Berg"\n',
                       encoding="utf-8")
    loaded = _run("--processed", str(tmp_path / "p"), "load", "--force", "--db", db, "--persons", str(curated))
    assert (loaded.exit_code, loaded.stderr) == (0, "protokoll: 3 document(s): 3 replaced\n")
    assert _rows(db, anna) == [("Anna Anderson",), ("Anna Andersson",)]  # the merge is no longer in the file
    assert _rows(db, "SELECT name, given_name, family_name FROM persons WHERE name LIKE 'Lisa%'") == [
        ("Lisa Larsson Berg", "Lisa", "Larsson Berg")]


def test_the_example_file_changes_nothing() -> None:
    from pipeline.curation import DEFAULT_PERSONS, HEADER, read_curation

    from .conftest import ROOT

    example = ROOT / DEFAULT_PERSONS
    assert example.read_text(encoding="utf-8") == HEADER
    assert read_curation(example, required=True).entries == []


# ---------------------------------------------------------------- the views, on the sample PDFs


def test_person_views_count_what_the_sample_protocol_says(db_url: str, tmp_path: Path) -> None:
    result = _run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", db_url, "--model", "blank",
                  str(RAW))
    assert result.exit_code == 0, result.output
    activity = """SELECT name, organisation, year, meetings, as_ledamot, as_ersattare, proposals, reservations, recusals,
        votes_cast FROM person_activity WHERE name IN ('Anna Berg', 'Peter Wallin', 'Fatima Ali', 'Lars Nyström',
        'Jonna Tingberg', 'Elin Nordin') ORDER BY organisation, name"""
    # Björkvik KS 2024-03-12: Anna Berg (S) chairs, yrkar bifall in § 47 and § 48, votes Ja; Peter Wallin (M)
    # yrkar återremiss (§ 48), votes Nej, reserves himself (§ 48) and anmäler jäv (§ 49); Fatima Ali (S) is the
    # tjänstgörande ersättare and votes Ja; Lars Nyström (M), 1:e vice ordförande and justerare (one meeting),
    # votes Nej and reserves himself; Elin Nordin, kommunsekreterare, attends. Region Västerbotten 2023-05-12:
    # Jonna Tingberg (M) ersätter Emma Köster (M).
    assert _rows(db_url, activity) == [
        ("Anna Berg", BJORKVIK, 2024, 1, 1, 0, 2, 0, 0, 1),
        ("Elin Nordin", BJORKVIK, 2024, 1, 0, 0, 0, 0, 0, 0),
        ("Fatima Ali", BJORKVIK, 2024, 1, 0, 1, 0, 0, 0, 1),
        ("Lars Nyström", BJORKVIK, 2024, 1, 1, 0, 0, 1, 0, 1),
        ("Peter Wallin", BJORKVIK, 2024, 1, 1, 0, 1, 1, 1, 1),
        ("Jonna Tingberg", "Region Västerbotten", 2024 - 1, 1, 0, 1, 0, 0, 0, 0),
    ]
    # § 48's Omröstning: eleven members, 7 ja and 4 nej; the item's outcome is bifall
    votes = "SELECT name, party, vote, number, outcome, ja, nej, avstar FROM person_votes ORDER BY vote, name"
    sale = [("ja", "Anna Berg", "S"), ("ja", "Erik Sandberg", "C"), ("ja", "Fatima Ali", "S"), ("ja", "Gunnar Öberg", "V"),
            ("ja", "Helena Forsberg", "BP"), ("ja", "Johan Ek", "S"), ("ja", "Karin Holmberg", "S"),
            ("nej", "Lars Nyström", "M"), ("nej", "Linnea Strand", "SD"), ("nej", "Mats Olofsson", "SD"),
            ("nej", "Peter Wallin", "M")]
    assert _rows(db_url, votes) == [(name, party, vote, 48, "bifall", 7, 4, 0) for vote, name, party in sale]
