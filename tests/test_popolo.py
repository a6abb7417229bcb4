"""``protokoll export --format popolo``: the Popolo JSON of the sample protocols, validated against the Popolo schemas.

The two protocols of ``data/raw`` are imported (rules only) into SQLite and, when
$PROTOKOLL_TEST_DB is set, into PostgreSQL; every object of ``popolo.json`` is validated against
the Popolo JSON Schemas vendored in ``tests/data/popolo/schemas`` (resolved locally, never over
the network), and the values are checked against what the protocols say:

Björkviks kommun, Kommunstyrelsen 2024-03-12 (6 pages): Beslutande Anna Berg (S) ordförande, Lars
Nyström (M) 1:e vice ordförande, Erik Sandberg (C) 2:e vice ordförande and 7 more; "Fatima Ali (S)
ersätter Mikael Dahl (S)"; four officials; Lars Nyström justerar. § 48 (pages 3-5): yrkanden on
page 4 (bifall by Anna Berg and Erik Sandberg, avslag by Mats Olofsson, återremiss by Peter
Wallin, which lost), an omröstning with 11 named votes, "Med 7 ja-röster mot 4 nej-röster"; SD and
two M members reserve themselves. § 49: Peter Wallin (M) declares jäv, Helena Forsberg (BP) a
protocol note.
Region Västerbotten, the regional development committee's working committee 2023-05-12: five
decision makers (Jonna Tingberg (M) ersätter Emma Köster (M)), three officials, and five more
politicians named in § 76's text.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from pipeline import popolo
from pipeline.cli import main

from .conftest import BACKENDS, BJORKVIK_PDF, RAW, ROOT, SEED_PDF, _reset_postgres

SCHEMAS = ROOT / "tests" / "data" / "popolo" / "schemas"
# popolo.json's arrays and the schema file of their class
CLASS_SCHEMAS = {"persons": "person", "organizations": "organization", "memberships": "membership",
                 "events": "event", "motions": "motion", "vote_events": "vote_event"}
BJORKVIK = "bjorkviks-kommun"
KS = "org/bjorkviks-kommun/kommunstyrelsen"
MEETING = "event/bjorkviks-kommun/kommunstyrelsen/2024-03-12"
BJORKVIK_URL = BJORKVIK_PDF.resolve().as_uri()
SEED_URL = SEED_PDF.resolve().as_uri()
EXPORTED: dict[str, bytes] = {}  # backend -> the popolo.json its export wrote


def validators() -> dict[str, Draft3Validator]:
    """A validator per schema file; every ``$ref`` resolves to a vendored file (the registry retrieves nothing)."""
    schemas = {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in sorted(SCHEMAS.glob("*.json"))}
    registry: Registry[Any] = Registry().with_resources(
        (s["id"].rstrip("#"), Resource.from_contents(s, default_specification=DRAFT3)) for s in schemas.values()
    )
    return {name: Draft3Validator(s, registry=registry, format_checker=Draft3Validator.FORMAT_CHECKER)
            for name, s in schemas.items()}


def errors(validator: Draft3Validator, obj: dict[str, Any]) -> list[str]:
    """Each error as ``path: message``."""
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj))


@pytest.fixture(scope="module", params=BACKENDS)
def export(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """(database URL, the folder ``protokoll export --format popolo`` wrote) for the samples of data/raw."""
    work = tmp_path_factory.mktemp(f"popolo-{request.param}")
    if request.param == "sqlite":
        url = str(work / "protocols.db")
    else:
        url = os.environ["PROTOKOLL_TEST_DB"]
        _reset_postgres(url)
    curator = work / "persons.toml"  # no curator decisions: the registry is what resolution makes of the protocols
    curator.write_text("")
    runner = CliRunner()
    result = runner.invoke(main, ["--quiet", "--processed", str(work / "processed"), "ingest", "--jobs", "1",
                                  "--db", url, "--model", "blank", "--persons", str(curator), str(RAW)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["export", "--format", "popolo", "--db", url, str(work / "out")])
    assert result.exit_code == 0, result.output
    EXPORTED[request.param] = (work / "out" / "popolo.json").read_bytes()
    return url, work / "out"


@pytest.fixture(scope="module")
def data(export: tuple[str, Path]) -> dict[str, list[dict[str, Any]]]:
    return json.loads((export[1] / "popolo.json").read_text(encoding="utf-8"))


def by_id(data: dict[str, list[dict[str, Any]]], cls: str) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in data[cls]}


def test_every_object_of_every_class_validates(data: dict[str, list[dict[str, Any]]]) -> None:
    checks = validators()
    assert sorted(data) == sorted(popolo.CLASSES)
    for cls, schema in CLASS_SCHEMAS.items():
        for obj in data[cls]:
            assert errors(checks[schema], obj) == [], (cls, obj["id"])


def test_a_broken_object_fails_validation(data: dict[str, list[dict[str, Any]]]) -> None:
    """The validation can fail: each defect, in the object itself or in what it refers to by $ref, is reported."""
    checks = validators()
    vote = json.loads(json.dumps(by_id(data, "vote_events")[f"vote/{MEETING[6:]}/48/1"]))
    vote["counts"][0]["value"] = "7"
    del vote["counts"][1]["option"]
    vote["votes"][0]["option"] = 1
    vote["sources"][0]["url"] = "page 4 of the protocol"
    assert errors(checks["vote_event"], vote) == [
        "counts/0/value: '7' is not of type 'integer'",
        "counts/1/option: 'option' is a required property",
        "sources/0/url: 'page 4 of the protocol' is not a 'uri'",
        "votes/0/option: 1 is not of type 'string', 'null'",
    ]
    membership = dict(data["memberships"][0], start_date="12 mars 2024")
    assert [e.split(":")[0] for e in errors(checks["membership"], membership)] == ["start_date"]
    event = dict(by_id(data, "events")[MEETING], attendees=[{"name": ["Anna", "Berg"]}])
    assert errors(checks["event"], event) == ["attendees/0/name: ['Anna', 'Berg'] is not of type 'string', 'null'"]


def test_persons_are_the_people_the_protocols_name(data: dict[str, list[dict[str, Any]]]) -> None:
    persons = by_id(data, "persons")
    bjorkvik = [p for p in persons.values() if p["id"].startswith(f"person/{BJORKVIK}/")]
    # 10 beslutande, Fatima Ali and the member she replaces, 4 officials; nobody else is named
    assert len(bjorkvik) == 16
    # 5 beslutande, Emma Köster whom Jonna Tingberg replaces, 3 officials, 5 politicians named in § 76
    assert len(persons) == 16 + 14
    dahl = persons["person/bjorkviks-kommun/dahl-mikael"]
    assert (dahl["name"], dahl["given_name"], dahl["family_name"], dahl["sort_name"]) == (
        "Mikael Dahl", "Mikael", "Dahl", "Dahl, Mikael")
    assert dahl["extras"] == {"organization_id": "org/bjorkviks-kommun"}
    assert dahl["sources"] == [{"url": f"{BJORKVIK_URL}#page=1", "note": "Kommunstyrelsen 2024-03-12, page 1"}]
    # named on the cover (page 1) and in § 76: one source per meeting, its first page
    carstedt = persons["person/region-vasterbotten/carstedt-richard"]
    assert carstedt["sources"] == [{"url": f"{SEED_URL}#page=1",
                                    "note": "Regionala utvecklingsnämndens arbetsutskott 2023-05-12, page 1"}]
    assert "other_names" not in carstedt  # written one way only


def test_memberships_carry_body_party_role_and_dates(data: dict[str, list[dict[str, Any]]]) -> None:
    memberships = data["memberships"]
    # 10 beslutande, Fatima Ali as ersättare, Mikael Dahl whom she replaces; 5 + Emma Köster in the region
    assert len(memberships) == 12 + 6

    def of(person: str) -> list[tuple[Any, ...]]:
        return [(m["organization_id"], m["role"], m.get("on_behalf_of_id"), m["start_date"], m["end_date"],
                 m["extras"]["source"]) for m in memberships if m["person_id"] == f"person/{BJORKVIK}/{person}"]

    assert of("anna-berg") == [(KS, "ordförande", "org/bjorkviks-kommun/party/s", "2024-03-12", "2024-03-12", "attendance")]
    assert of("lars-nystrom") == [(KS, "vice ordförande", "org/bjorkviks-kommun/party/m", "2024-03-12", "2024-03-12",
                                   "attendance")]
    assert of("ali-fatima") == [(KS, "ersättare", "org/bjorkviks-kommun/party/s", "2024-03-12", "2024-03-12", "attendance")]
    assert of("dahl-mikael") == [(KS, "ledamot", "org/bjorkviks-kommun/party/s", "2024-03-12", "2024-03-12", "ersätter")]
    assert of("maria-sjoberg") == []  # the kommundirektör holds no seat
    anna = next(m for m in memberships if m["person_id"] == f"person/{BJORKVIK}/anna-berg")
    assert anna["sources"] == [{"url": f"{BJORKVIK_URL}#page=1", "note": "Kommunstyrelsen 2024-03-12, page 1"}]
    assert anna["label"] == "chair"


def test_organizations_are_municipalities_bodies_and_parties(data: dict[str, list[dict[str, Any]]]) -> None:
    orgs = by_id(data, "organizations")
    assert {k: (o["name"], o["classification"], o.get("parent_id")) for k, o in orgs.items() if "/party/" not in k} == {
        "org/bjorkviks-kommun": ("Björkviks kommun", "municipality", None),
        KS: ("Kommunstyrelsen", "committee", "org/bjorkviks-kommun"),
        "org/region-vasterbotten": ("Region Västerbotten", "region", None),
        "org/region-vasterbotten/regionala-utvecklingsnamndens-arbetsutskott": (
            "Regionala utvecklingsnämndens arbetsutskott", "committee", "org/region-vasterbotten"),
    }
    parties = sorted(k.rsplit("/", 1)[1] for k in orgs if k.startswith("org/bjorkviks-kommun/party/"))
    assert parties == ["bp", "c", "m", "s", "sd", "v"]  # the codes of the attendance list
    assert orgs["org/bjorkviks-kommun/party/s"]["name"] == "Socialdemokraterna"
    # a local party the vocabulary does not know keeps its code as its name
    assert orgs["org/bjorkviks-kommun/party/bp"]["name"] == "BP"
    assert "other_names" not in orgs["org/bjorkviks-kommun/party/bp"]


def test_the_vote_event_of_section_48(data: dict[str, list[dict[str, Any]]]) -> None:
    [vote] = data["vote_events"]
    assert vote["id"] == f"vote/{MEETING[6:]}/48/1"
    assert (vote["organization_id"], vote["legislative_session_id"], vote["extras"]["item_id"]) == (KS, MEETING, f"{MEETING}/48")
    assert vote["counts"] == [{"option": "yes", "value": 7}, {"option": "no", "value": 4},
                              {"option": "abstain", "value": 0}, {"option": "absent", "value": 0}]
    assert len(vote["votes"]) == 11
    options = {v["voter_id"].rsplit("/", 1)[1]: v["option"] for v in vote["votes"]}
    assert sorted(p for p, o in options.items() if o == "no") == ["lars-nystrom", "linnea-strand", "mats-olofsson",
                                                                   "peter-wallin"]
    assert options["ali-fatima"] == "yes"
    assert vote["extras"]["note"] is None  # the counts agree with the votes
    assert vote["result"] == "yes"
    assert vote["extras"]["question"] == "Ja-röst för bifall till arbetsutskottets förslag, nej-röst för avslag."
    assert vote["sources"] == [{"url": f"{BJORKVIK_URL}#page=4", "note": "Kommunstyrelsen 2024-03-12, § 48, page 4"}]


def test_motions_are_the_yrkanden_with_their_page(data: dict[str, list[dict[str, Any]]]) -> None:
    motions = by_id(data, "motions")
    assert len(motions) == 7  # 1 in § 47, 4 in § 48, 2 in the region's § 76
    wallin = motions[f"motion/{MEETING[6:]}/48/4"]
    assert (wallin["creator_id"], wallin["classification"], wallin["result"]) == (
        f"person/{BJORKVIK}/peter-wallin", "aterremiss", "fail")
    assert wallin["text"].startswith("Peter Wallin (M) yrkar återremiss av ärendet")
    assert wallin["sources"] == [{"url": f"{BJORKVIK_URL}#page=4", "note": "Kommunstyrelsen 2024-03-12, § 48, page 4"}]
    assert wallin["extras"]["party_id"] == "org/bjorkviks-kommun/party/m"
    berg = motions[f"motion/{MEETING[6:]}/47/1"]
    assert (berg["creator_id"], berg["result"], berg["sources"][0]["url"]) == (
        f"person/{BJORKVIK}/anna-berg", "pass", f"{BJORKVIK_URL}#page=3")


def test_the_meeting_event_and_its_items(data: dict[str, list[dict[str, Any]]]) -> None:
    events = by_id(data, "events")
    meeting = events[MEETING]
    assert (meeting["start_date"], meeting["location"], meeting["organization_id"]) == ("2024-03-12", "Kommunhuset, Björkvik", KS)
    # 16 attendance rows; Lars Nyström is on two lists (1:e vice ordförande and justerare): one attendee
    assert len(meeting["attendees"]) == 15
    lars = next(a for a in meeting["attendees"] if a["name"] == "Lars Nyström")
    assert lars["extras"]["kind"] == "ledamot" and lars["extras"]["justerare"] is True
    fatima = next(a for a in meeting["attendees"] if a["name"] == "Fatima Ali")
    assert fatima["extras"]["replaces_id"] == f"person/{BJORKVIK}/dahl-mikael"
    items = sorted(k for k, e in events.items() if e.get("parent_id") == MEETING)
    assert items == [f"{MEETING}/{n}" for n in (45, 46, 47, 48, 49)]
    s48, s49 = events[f"{MEETING}/48"]["extras"], events[f"{MEETING}/49"]["extras"]
    assert [(r["person_id"], r["party"]) for r in s48["reservations"]] == [
        (None, "SD"), (f"person/{BJORKVIK}/lars-nystrom", "M"), (f"person/{BJORKVIK}/peter-wallin", "M")]
    assert [(r["person_id"], r["source"]["url"]) for r in s49["recusals"]] == [
        (f"person/{BJORKVIK}/peter-wallin", f"{BJORKVIK_URL}#page=5")]
    assert [r["person_id"] for r in s49["protocol_notes"]] == [f"person/{BJORKVIK}/forsberg-helena"]
    assert events[f"{MEETING}/48"]["identifiers"] == [{"scheme": "diarienummer", "identifier": "KS/2024:67"}]


def test_every_reference_names_an_object_of_the_export(data: dict[str, list[dict[str, Any]]]) -> None:
    known = {o["id"] for objects in data.values() for o in objects}
    refs: list[str | None] = []
    for m in data["memberships"]:
        refs += [m["person_id"], m["organization_id"], m.get("on_behalf_of_id")]
    for e in data["events"]:
        refs += [e["organization_id"], e.get("parent_id"), *(a.get("id") for a in e.get("attendees", []))]
    for o in data["organizations"]:
        refs += [o.get("parent_id")]
    for x in data["motions"] + data["vote_events"]:
        refs += [x["organization_id"], x["legislative_session_id"], x["extras"]["item_id"], x.get("creator_id")]
        refs += [v["voter_id"] for v in x.get("votes", [])] + [v.get("group_id") for v in x.get("votes", [])]
    assert {r for r in refs if r is not None} - known == set()


def test_the_output_is_deterministic_utf8_and_read_only(export: tuple[str, Path], tmp_path: Path) -> None:
    url, out = export
    first = (out / "popolo.json").read_bytes()
    assert "Björkviks kommun".encode() in first  # UTF-8, not \\u escapes
    before = Path(url).read_bytes() if "://" not in url else None
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["export", "--format", "popolo", "--db", url, str(again)])
    assert result.exit_code == 0, result.output
    assert (again / "popolo.json").read_bytes() == first
    if before is not None:
        assert Path(url).read_bytes() == before
    assert sorted(p.name for p in again.iterdir()) == ["popolo.json"]


def test_sqlite_and_postgresql_give_the_same_file(export: tuple[str, Path]) -> None:
    """Ids come from names, keys and dates, not from the backend: both databases of the samples export the same bytes."""
    url, out = export
    if "://" not in url:
        pytest.skip("compared in the PostgreSQL run, with the file of the SQLite run")
    if "sqlite" not in EXPORTED:
        pytest.skip("the SQLite run did not run first")
    assert (out / "popolo.json").read_bytes() == EXPORTED["sqlite"]


def test_a_symlink_at_the_file_is_replaced_not_written_through(export: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = export
    folder, elsewhere = tmp_path / "out", tmp_path / "precious.txt"
    folder.mkdir()
    elsewhere.write_text("keep me\n")
    (folder / "popolo.json").symlink_to(elsewhere)
    result = CliRunner().invoke(main, ["export", "--format", "popolo", "--db", url, str(folder)])
    assert result.exit_code == 0, result.output
    assert elsewhere.read_text() == "keep me\n"
    assert not (folder / "popolo.json").is_symlink()
    assert json.loads((folder / "popolo.json").read_text(encoding="utf-8"))["persons"]


def test_a_missing_database_is_exit_3_and_nothing_is_created(tmp_path: Path) -> None:
    db, out = tmp_path / "none.db", tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "export", "--format", "popolo", "--db", str(db), str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert (proc.returncode, proc.stderr) == (3, f"protokoll: no database at {db}; run 'protokoll ingest' first\n")
    assert not db.exists() and not out.exists()


def test_an_older_database_asks_for_migrate(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    db.write_bytes((ROOT / "tests" / "data" / "protocols-v1.db").read_bytes())
    before = db.read_bytes()
    result = CliRunner().invoke(main, ["export", "--format", "popolo", "--db", str(db), str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "was made by an older version" in result.output and "run 'protokoll migrate' first" in result.output
    assert db.read_bytes() == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'persons'").fetchone() == (0,)


def edited_copy(export: tuple[str, Path], tmp_path: Path, *statements: str) -> Path:
    """A copy of the SQLite sample database with ``statements`` run on it (the PostgreSQL run is skipped)."""
    url, _ = export
    if "://" in url:
        pytest.skip("edits a copy of the SQLite database")
    copy = tmp_path / "copy.db"
    with sqlite3.connect(url) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
        for sql in statements:
            dst.execute(sql)
    return copy


def test_a_vote_whose_counts_and_votes_disagree_carries_a_note(export: tuple[str, Path], tmp_path: Path) -> None:
    copy = edited_copy(export, tmp_path, "UPDATE vote_members SET vote = 'avstår' WHERE name = 'Fatima Ali'")
    result = CliRunner().invoke(main, ["export", "--format", "popolo", "--db", str(copy), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    [vote] = json.loads((tmp_path / "out" / "popolo.json").read_text(encoding="utf-8"))["vote_events"]
    assert vote["counts"][0] == {"option": "yes", "value": 7}  # as the protocol states it
    assert vote["extras"]["note"] == (
        "the stated counts differ from the listed votes: abstain 0 stated, 1 listed, yes 7 stated, 6 listed")
    assert errors(validators()["vote_event"], vote) == []


def test_two_persons_of_one_key_get_distinct_ids(export: tuple[str, Path], tmp_path: Path) -> None:
    """A second Anna Berg of Björkvik (as a curator's split makes one) is ``-2``; the first keeps her id."""
    copy = edited_copy(export, tmp_path, "INSERT INTO persons (id, name, given_name, family_name, organisation, sort_name, "
                       "identifiers) VALUES (1000, 'Anna Berg', 'Anna', 'Berg', 'Björkviks kommun', 'Berg, Anna', "
                       "'{\"key\": \"anna berg\"}')")
    result = CliRunner().invoke(main, ["export", "--format", "popolo", "--db", str(copy), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    persons = by_id(json.loads((tmp_path / "out" / "popolo.json").read_text(encoding="utf-8")), "persons")
    assert persons[f"person/{BJORKVIK}/anna-berg"]["identifiers"][0]["identifier"] != "1000"
    assert persons[f"person/{BJORKVIK}/anna-berg-2"]["identifiers"] == [{"scheme": "protokoll:persons.id", "identifier": "1000"}]
    assert persons[f"person/{BJORKVIK}/anna-berg-2"]["sources"] == []  # no row names her


def test_the_party_of_a_replaced_member_is_an_organization(export: tuple[str, Path], tmp_path: Path) -> None:
    """``Fatima Ali (S) ersätter Mikael Dahl (KD)``: KD is named only there, and Dahl's membership is on its behalf."""
    copy = edited_copy(export, tmp_path, "UPDATE attendees SET replaces = 'Mikael Dahl (KD)' WHERE name = 'Fatima Ali'",
                       "UPDATE memberships SET party = 'KD' WHERE source = 'ersätter' AND body = 'Kommunstyrelsen'")
    result = CliRunner().invoke(main, ["export", "--format", "popolo", "--db", str(copy), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "popolo.json").read_text(encoding="utf-8"))
    [dahl] = [m for m in data["memberships"] if m["person_id"] == f"person/{BJORKVIK}/dahl-mikael"]
    assert dahl["on_behalf_of_id"] == "org/bjorkviks-kommun/party/kd"
    assert by_id(data, "organizations")["org/bjorkviks-kommun/party/kd"]["name"] == "Kristdemokraterna"


def test_counts_note_says_why_counts_and_votes_disagree() -> None:
    counts = [{"option": "yes", "value": 7}, {"option": "no", "value": 4}]
    listed = [{"option": "yes"}] * 6 + [{"option": "no"}] * 4 + [{"option": "absent"}]
    assert popolo.counts_note(counts, listed) == (
        "the stated counts differ from the listed votes: absent not stated, 1 listed, yes 7 stated, 6 listed")
    assert popolo.counts_note(counts, [{"option": "yes"}] * 7 + [{"option": "no"}] * 4) is None
    assert popolo.counts_note(counts, []) == "the protocol lists no member's vote: the counts are as the protocol states them"


def test_ids_are_slugs_and_collisions_get_a_suffix_in_key_order() -> None:
    assert popolo.slug("Regionala utvecklingsnämndens arbetsutskott") == "regionala-utvecklingsnamndens-arbetsutskott"
    assert popolo.slug(None) == "unknown"
    assert popolo.unique_ids([(7, "person/x/anna-berg"), (3, "person/x/anna-berg"), (5, "person/x/lars")]) == {
        3: "person/x/anna-berg", 7: "person/x/anna-berg-2", 5: "person/x/lars"}
    assert popolo.vote_result(7, 4) == "yes" and popolo.vote_result(3, 8) == "no" and popolo.vote_result(5, 5) is None
