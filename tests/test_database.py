"""The database for researchers, on SQLite always and on PostgreSQL when $PROTOKOLL_TEST_DB is set:
full-text search, views, read-only query, export, idempotent and concurrent imports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import FIXTURES, RAW, ROOT


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def ingest(db_url: str, tmp_path: Path, *paths: str) -> Any:
    return run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", db_url, "--model", "blank", *paths)


def scalar(db_url: str, sql: str) -> Any:
    url = db_url if "://" in db_url else f"sqlite:///{db_url}"
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        value = conn.exec_driver_sql(sql).scalar()
    engine.dispose()
    return value


def backend(db_url: str) -> str:
    return "postgresql" if db_url.startswith("postgresql") else "sqlite"


def test_ingest_search_and_reimport(db_url: str, tmp_path: Path) -> None:
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0
    counts = {t: scalar(db_url, f"SELECT count(*) FROM {t}") for t in ("documents", "items", "sections", "recipients")}
    assert counts == {"documents": 2, "items": 6, "sections": 31, "recipients": 14}
    result = run("search", "budget", "--db", db_url, "--format", "json")
    assert result.exit_code == 0
    hits = [(h["number"], h["section_kind"]) for h in json.loads(result.stdout)]
    # prefix search: "budget" finds budget, budgeten, budgetramen, budgetåret ...
    assert sorted(set(hits)) == [(47, "arendebeskrivning"), (76, "sammanfattning")]
    snippets = " ".join(h["snippet"] for h in json.loads(result.stdout))
    assert "[budgeten]" in snippets
    # å ä ö are letters of their own: "overenskommelse" is not "överenskommelse"
    assert json.loads(run("search", "overenskommelse", "--db", db_url, "--format", "json").stdout) == []
    found = json.loads(run("search", "överenskommelsen", "--db", db_url, "--format", "json").stdout)
    assert {h["number"] for h in found} == {76}
    # filters
    assert json.loads(run("search", "budget", "--db", db_url, "--from", "2024-01-01", "--format", "json").stdout)[0]["number"] == 47
    assert json.loads(run("search", "budget", "--db", db_url, "--body", "utskott", "--format", "json").stdout)[0]["number"] == 76
    # importing again changes nothing, and the search index does not double
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0
    again = json.loads(run("search", "budget", "--db", db_url, "--format", "json").stdout)
    assert [(h["number"], h["section_kind"]) for h in again] == hits


def test_title_search_and_csv(db_url: str, tmp_path: Path) -> None:
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0
    result = run("search", "fastigheten", "--db", db_url, "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == "meeting_date,body,number,title,section_kind,snippet,path,label"
    assert lines[1].startswith("2024-03-12,Kommunstyrelsen,48,Försäljning av del av fastigheten Björkvik Norrby 3:14,title,")


def test_views(db_url: str, tmp_path: Path) -> None:
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0
    q = lambda sql: json.loads(run("query", sql, "--db", db_url, "--format", "json").stdout)  # noqa: E731
    assert [(r["number"], r["case_number"]) for r in q("SELECT number, case_number FROM decisions ORDER BY number")] == [
        (45, "KS/2024:12"), (46, "KS/2024:13"), (47, "KS 2024/123"), (48, "KS/2024:67"), (49, "KS 2024/31"),
        (76, "RUN 560-2022"),
    ]
    people = q("SELECT person, party, count(*) AS n FROM person_mentions WHERE party IS NOT NULL "
               "GROUP BY person, party ORDER BY n DESC, person LIMIT 3")
    assert people == [
        {"person": "Peter Wallin", "party": "M", "n": 4},
        {"person": "Anna Berg", "party": "S", "n": 3},
        {"person": "Lars Nyström", "party": "M", "n": 3},
    ]
    assert q("SELECT sek, number FROM amounts ORDER BY sek DESC LIMIT 2") == [
        {"sek": 2100000000.0, "number": 47}, {"sek": 21000000.0, "number": 76}
    ]
    assert q("SELECT recipient FROM recipients_by_item WHERE number = 49 ORDER BY recipient") == [
        {"recipient": "Bygg- och miljönämnden"}, {"recipient": "Kommunfullmäktige"}, {"recipient": "Kommunkansliet"}
    ]


def test_query_is_read_only_and_formats(db_url: str, tmp_path: Path) -> None:
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0
    refused = run("query", "DELETE FROM items", "--db", db_url)
    assert refused.exit_code == 3
    assert refused.stderr.startswith("protokoll: query failed: ")
    assert scalar(db_url, "SELECT count(*) FROM items") == 6
    table = run("query", "SELECT number, case_number FROM items WHERE number < 47 ORDER BY number", "--db", db_url)
    assert table.stdout.splitlines() == [
        "number  case_number", "------  -----------", "45      KS/2024:12", "46      KS/2024:13"
    ]
    csv_out = run("query", "SELECT number FROM items ORDER BY number LIMIT 2", "--db", db_url, "--format", "csv")
    assert csv_out.stdout == "number\n45\n46\n"


def test_export_one_file_per_table(db_url: str, tmp_path: Path) -> None:
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0
    out = tmp_path / "export"
    assert run("export", str(out), "--db", db_url, "--format", "jsonl").exit_code == 0
    lines = {f.stem: f.read_text(encoding="utf-8").splitlines() for f in out.glob("*.jsonl")}
    # regions, attachments and document issues depend on the segmenter; their rows are tested in test_records.py
    anatomy = {"regions", "attachments", "document_issues"}
    assert anatomy <= set(lines)
    assert {k: len(v) for k, v in lines.items() if k != "schema_migrations" and k not in anatomy} == {
        "documents": 2, "pages": 14, "meetings": 2, "attendees": 25, "items": 6, "sections": 31,
        "entities": 110, "cover_entities": 51, "recipients": 14, "proposals": 7, "votes": 1, "vote_members": 11, "reservations": 3,
        "protocol_notes": 1, "recusals": 1, "runs": 1, "document_paths": 2,
    }
    first_item = json.loads(lines["items"][0])
    assert (first_item["number"], first_item["case_number"]) == (45, "KS/2024:12")
    assert run("export", str(tmp_path / "csv"), "--db", db_url, "--format", "csv").exit_code == 0
    assert (tmp_path / "csv" / "items.csv").read_text(encoding="utf-8").splitlines()[1] == "1,1,45,Val av justerare,KS/2024:12,2,2"


def test_concurrent_imports_lose_nothing(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for pdf in sorted(RAW.glob("*.pdf")) + [FIXTURES / "minimal-protocol.pdf", FIXTURES / "encrypted.pdf"]:
        shutil.copy(pdf, folder / pdf.name)
    for i in range(6):  # the same content under several names, and distinct small files
        shutil.copy(FIXTURES / "minimal-protocol.pdf", folder / f"copy-{i}.pdf")
    env = {**os.environ, "PROTOKOLL_DB": db_url}
    cmd = [sys.executable, "-m", "pipeline", "--quiet", "ingest", "--model", "blank", "--no-stage-files", "--no-lock",
           "--jobs", "1", str(folder)]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [1, 1], results  # the encrypted file fails in both runs
    assert all("Traceback" not in err for _, err in results)
    assert scalar(db_url, "SELECT count(*) FROM documents") == 4  # 3 distinct good contents + 1 failure
    assert scalar(db_url, "SELECT count(*) FROM documents WHERE status = 'ok'") == 3
    assert scalar(db_url, "SELECT count(*) FROM items") == 7
    assert scalar(db_url, "SELECT count(*) FROM meetings") == 3


def test_migrate_from_the_first_schema_version(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(ROOT / "tests" / "data" / "protocols-v1.db", db)
    assert scalar(str(db), "SELECT group_concat(name) FROM schema_migrations") == "0001_initial"
    result = run("migrate", "--db", str(db))
    assert result.exit_code == 0
    assert result.stderr == (
        "protokoll: applied 0002_search, 0003_views, 0004_decisions, 0005_runs, 0006_paths, 0007_ocr, 0008_cover, "
        "0009_people, 0010_cover_entities, 0011_recusals, 0012_anatomy\n"
    )
    assert scalar(str(db), "SELECT count(*) FROM schema_migrations") == 12
    # the tables are there, empty: documents imported before get cover entities, recusals, regions,
    # attachments and their self-check issues when imported again (--force)
    for table in ("cover_entities", "recusals", "recusals_by_item", "regions", "attachments", "document_issues"):
        assert scalar(str(db), f"SELECT count(*) FROM {table}") == 0, table
    check = run("check", "--db", str(db))
    assert (check.exit_code, check.stdout, check.stderr) == (0, "", "protokoll: 0 error(s), 0 warning(s) in 0 document(s)\n")
    assert scalar(str(db), "SELECT count(*) FROM document_paths") == 3
    hits = json.loads(run("search", "budget", "--db", str(db), "--format", "json").stdout)
    assert sorted({(h["number"], h["section_kind"]) for h in hits}) == [(47, "arendebeskrivning"), (76, "sammanfattning")]
    assert scalar(str(db), "SELECT count(*) FROM decisions") == 6
    assert run("migrate", "--db", str(db)).stderr == "protokoll: schema is up to date\n"


def test_cover_entities_survive_reimport_and_replacement_once(db_url: str, tmp_path: Path) -> None:
    umea = (
        "SELECT count(*) FROM cover_entities c JOIN meetings m ON m.id = c.meeting_id "
        "WHERE c.label = 'LOC' AND c.text = 'Umeå' AND c.page = 1 AND m.place = 'Regionens hus, Umeå'"
    )
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0
    assert scalar(db_url, umea) == 1
    assert scalar(db_url, "SELECT count(*) FROM cover_entities") == 51
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0  # unchanged: nothing written
    assert ingest(db_url, tmp_path, "--force", str(RAW)).exit_code == 0  # replaced: old rows deleted first
    assert scalar(db_url, umea) == 1
    assert scalar(db_url, "SELECT count(*) FROM cover_entities") == 51
    assert scalar(db_url, "SELECT count(*) FROM cover_entities c WHERE c.meeting_id NOT IN (SELECT id FROM meetings)") == 0


KF_TEXT = """Björkviks kommun
Protokoll
Kommunfullmäktige
Sammanträdesdatum 2024-04-22

§ 31 Revidering av taxa för bygglov och tillsyn enligt plan- och bygglagen
Dnr KS 2024/31

Beslut

Kommunfullmäktige antar reviderad taxa för bygglov och tillsyn att gälla från den 1 juli 2024.
"""


def test_case_history_follows_a_case_across_meetings(db_url: str, tmp_path: Path) -> None:
    kf = tmp_path / "bjorkvik-kf-2024-04-22.txt"
    kf.write_text(KF_TEXT, encoding="utf-8")
    assert ingest(db_url, tmp_path, str(RAW), str(kf)).exit_code == 0
    rows = json.loads(run("query", "SELECT case_number, meeting_date, body, number, decision FROM case_history "
                                   "WHERE case_number = 'KS 2024/31'", "--db", db_url, "--format", "json").stdout)
    assert [(r["meeting_date"], r["body"], r["number"]) for r in rows] == [
        ("2024-03-12", "Kommunstyrelsen", 49), ("2024-04-22", "Kommunfullmäktige", 31)
    ]
    assert rows[1]["decision"].startswith("Kommunfullmäktige antar reviderad taxa")


def test_decision_chain_tables(db_url: str, tmp_path: Path) -> None:
    assert ingest(db_url, tmp_path, str(RAW)).exit_code == 0
    q = lambda sql: [tuple(r.values()) for r in json.loads(run("query", sql, "--db", db_url, "--format", "json").stdout)]  # noqa: E731
    assert q("SELECT i.number, p.person, p.party, p.kind FROM proposals p JOIN items i ON i.id = p.item_id "
             "ORDER BY i.number, p.id") == [
        (47, "Anna Berg", "S", "bifall"),
        (48, "Anna Berg", "S", "bifall"),
        (48, "Erik Sandberg", "C", "bifall"),
        (48, "Mats Olofsson", "SD", "avslag"),
        (48, "Peter Wallin", "M", "återremiss"),
        (76, "Richard Carstedt", "S", "bifall"),
        (76, "Åsa Ågren Wikström", "M", "other"),
    ]
    assert q("SELECT ja, nej, avstar, franvarande, warning FROM votes") == [(7, 4, 0, 0, None)]
    assert q("SELECT vote, count(*) FROM vote_members GROUP BY vote ORDER BY vote") == [("ja", 7), ("nej", 4)]
    assert q("SELECT person, party FROM reservations ORDER BY id") == [
        (None, "SD"), ("Lars Nyström", "M"), ("Peter Wallin", "M")
    ]
    assert q("SELECT person, party FROM protocol_notes") == [("Helena Forsberg", "BP")]


JAV_TEXT = """Björkviks kommun
Protokoll
Kommunstyrelsen
Sammanträdesdatum 2024-05-14

§ 60 Anmälan av jäv
Beslut

Lars Nyström (M) anmäler jäv under paragraf 62: Markanvisning för kvarteret Smeden.
Anna Berg (S) anmäler jäv i § 75 på grund av släktskap.

§ 61 Val av justerare
Beslut

Erik Sandberg (C) utses att justera protokollet.

§ 62 Markanvisning för kvarteret Smeden
Dnr KS 2024/40

Beslut

Kommunstyrelsen godkänner markanvisningen.

Jäv

Lars Nyström (M) deltar inte i handläggningen av ärendet på grund av jäv.
"""


def test_recusals_land_once_and_are_replaced_not_doubled(db_url: str, tmp_path: Path) -> None:
    jav = tmp_path / "bjorkvik-ks-2024-05-14.txt"
    jav.write_text(JAV_TEXT, encoding="utf-8")
    q = lambda sql: [tuple(r.values()) for r in json.loads(run("query", sql, "--db", db_url, "--format", "json").stdout)]  # noqa: E731
    rows = (
        "SELECT m.meeting_date, i.number, r.person, r.party, r.reason, r.for_item_number, r.text, r.page, "
        "s.kind AS read_from, si.number AS read_in "
        "FROM recusals r JOIN items i ON i.id = r.item_id JOIN meetings m ON m.id = i.meeting_id "
        "JOIN sections s ON s.id = r.section_id JOIN items si ON si.id = s.item_id "
        "ORDER BY m.meeting_date, i.number, r.id"
    )
    expected = [
        ("2024-03-12", 49, "Peter Wallin", "M", None, None, "Peter Wallin (M) anmäler jäv och deltar inte i handläggningen.",
         5, "jav", 49),
        # § 75 is not in that protocol: the row stays in § 60, where it was written, with the number kept
        ("2024-05-14", 60, "Anna Berg", "S", "släktskap", 75, "Anna Berg (S) anmäler jäv i § 75 på grund av släktskap.",
         1, "beslut", 60),
        # declared in § 60 and again in § 62's Jäv section: one row, in § 62
        ("2024-05-14", 62, "Lars Nyström", "M", None, None,
         "Lars Nyström (M) deltar inte i handläggningen av ärendet på grund av jäv.", 1, "jav", 62),
    ]
    assert ingest(db_url, tmp_path, str(RAW), str(jav)).exit_code == 0
    assert q(rows) == expected
    assert ingest(db_url, tmp_path, str(RAW), str(jav)).exit_code == 0  # unchanged: nothing written
    assert ingest(db_url, tmp_path, "--force", str(RAW), str(jav)).exit_code == 0  # replaced: old rows deleted first
    assert q(rows) == expected
    assert scalar(db_url, "SELECT count(*) FROM recusals") == 3
    jav.write_text(JAV_TEXT.replace("Anna Berg (S) anmäler jäv i § 75 på grund av släktskap.\n", ""), encoding="utf-8")
    assert ingest(db_url, tmp_path, str(jav)).exit_code == 0  # a new version of the file replaces its rows
    assert q("SELECT person FROM recusals ORDER BY id") == [("Peter Wallin",), ("Lars Nyström",)]
    assert q("SELECT meeting_date, number, title, person, party, reason, page FROM recusals_by_item "
             "ORDER BY meeting_date, number") == [
        ("2024-03-12", 49, "Revidering av taxa för bygglov och tillsyn enligt plan- och bygglagen", "Peter Wallin", "M", None, 5),
        ("2024-05-14", 62, "Markanvisning för kvarteret Smeden", "Lars Nyström", "M", None, 1),
    ]


REFUSED_FILES = "protokoll: query refused: ATTACH and VACUUM INTO write files; 'protokoll query' only reads the database\n"


def _empty_db(db_url: str) -> None:
    from pipeline import db

    engine = db.make_engine(db_url)
    db.migrate(engine)
    engine.dispose()


def test_sqlite_query_refuses_statements_that_write_files(tmp_path: Path) -> None:
    database = tmp_path / "protocols.db"
    _empty_db(str(database))
    target = tmp_path / "x.db"
    for sql in (f"ATTACH DATABASE '{target}' AS x", f"VACUUM INTO '{target}'"):
        result = run("query", sql, "--db", str(database))
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", REFUSED_FILES)
        assert not target.exists()
    result = run("query", "PRAGMA user_version = 7", "--db", str(database))
    assert (result.exit_code, result.stderr) == (1, REFUSED_FILES)
    assert scalar(str(database), "PRAGMA user_version") == 0
    # reading PRAGMAs still work
    result = run("query", "PRAGMA table_info(runs)", "--db", str(database), "--format", "csv")
    assert (result.exit_code, result.stdout.splitlines()[:2]) == (0, ["cid,name,type,notnull,dflt_value,pk", "0,id,INTEGER,1,,1"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["protocols.db", "protocols.db-shm", "protocols.db-wal"]


def test_query_takes_one_statement(db_url: str) -> None:
    _empty_db(db_url)
    for sql, n in (("SET TRANSACTION READ WRITE; DELETE FROM recipients; COMMIT", 3),
                   ("SELECT 1; SELECT 2", 2), ("", 0), (" ; -- nothing\n", 0)):
        result = run("query", sql, "--db", db_url)
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, "", f"protokoll: query refused: {n} statements; give exactly one\n")
    result = run("query", "SELECT ';' AS a, 'it''s; x' AS \"b;\" -- c; d\n;", "--db", db_url, "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [{"a": ";", "b;": "it's; x"}])


def test_statements_counts_what_the_database_would_run() -> None:
    from pipeline.query import _statements

    assert _statements("SELECT 1") == 1
    assert _statements("SELECT 1;") == 1
    assert _statements("SELECT 1;;") == 1
    assert _statements("SELECT 1; SELECT 2") == 2
    assert _statements("SELECT 'a;b'") == 1
    assert _statements("SELECT 'it''s'; SELECT 2") == 2
    assert _statements('SELECT 1 AS "x;y"') == 1
    assert _statements("SELECT 1 /* ; */") == 1
    assert _statements("SELECT 1 -- ; DELETE\n") == 1
    assert _statements("SELECT $$a;b$$") == 1
    assert _statements("SELECT $t$a;b$t$; COMMIT") == 2
    assert _statements("/* only */ -- comments\n") == 0
