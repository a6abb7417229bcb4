"""The database for researchers, on SQLite always and on PostgreSQL when $PROTOKOLL_TEST_DB is set:
full-text search, views, read-only query, export, idempotent and concurrent imports."""

from __future__ import annotations

import datetime as dt
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
    # refused before it reaches the database (test_read_commands.py: the database refuses writes too)
    assert (refused.exit_code, refused.stderr) == (1, "protokoll: query refused: DELETE is not a query; 'protokoll query' "
                                                      "runs one SELECT, WITH, VALUES, TABLE, EXPLAIN, SHOW or PRAGMA "
                                                      "statement on a read-only connection\n")
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
        # the decision clauses the samples print: §§ 45, 46, 49 and 76 one each, §§ 47 and 48 two numbered points
        "decision_clauses": 8,
        # 0014_persons: Björkvik's 15 attendees and the member an ersättare replaced (16), Region Västerbotten's
        # 8 attendees, the replaced member and 5 people named only in the text (14); 12 + 6 seats held;
        # every spelling of a person per table it is written in
        "persons": 30, "memberships": 18, "person_aliases": 80,
    }
    first_item = json.loads(lines["items"][0])
    assert (first_item["number"], first_item["case_number"]) == (45, "KS/2024:12")
    assert run("export", str(tmp_path / "csv"), "--db", db_url, "--format", "csv").exit_code == 0
    assert (tmp_path / "csv" / "items.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "1,1,45,Val av justerare,KS/2024:12,2,2,val,"
        "Kommunstyrelsen utser Lars Nyström (M) att jämte ordföranden justera dagens protokoll.,1,0,86,0.95,"
        ",2,62.0,98.04,206.42,112.04,"  # 0015_boxes: § 45's heading at the left margin of page 2, one line
    )


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
        "0009_people, 0010_cover_entities, 0011_recusals, 0012_anatomy, 0013_outcome, 0014_persons, 0015_boxes, "
        "0016_person_views, 0017_fts_declared\n"
    )
    assert scalar(str(db), "SELECT count(*) FROM schema_migrations") == 17
    # the tables are there, empty: documents imported before get cover entities, recusals, regions,
    # attachments and their self-check issues when imported again (--force)
    for table in ("cover_entities", "recusals", "recusals_by_item", "regions", "attachments", "document_issues",
                  "decision_clauses", "party_votes", "contested_items", "person_activity", "person_votes"):
        assert scalar(str(db), f"SELECT count(*) FROM {table}") == 0, table
    check = run("check", "--db", str(db))
    assert (check.exit_code, check.stdout, check.stderr) == (0, "", "protokoll: 0 error(s), 0 warning(s) in 0 document(s)\n")
    assert scalar(str(db), "SELECT count(*) FROM document_paths") == 3
    hits = json.loads(run("search", "budget", "--db", str(db), "--format", "json").stdout)
    assert sorted({(h["number"], h["section_kind"]) for h in hits}) == [(47, "arendebeskrivning"), (76, "sammanfattning")]
    assert scalar(str(db), "SELECT count(*) FROM decisions") == 6
    assert run("migrate", "--db", str(db)).stderr == "protokoll: schema is up to date\n"
    # the upgraded database has exactly the schema of a new one
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert schema_of(conn) == expected_schema("sqlite")
    engine.dispose()


# What migrating to head must give besides the tables of pipeline.db.metadata: the full-text search.
SQLITE_FTS_TABLES = sorted(f"{t}_fts{part}" for t in ("sections", "items", "attachments")
                           for part in ("", "_config", "_data", "_docsize", "_idx"))
SQLITE_FTS_TRIGGERS = sorted(f"{t}_fts_{event}" for t in ("sections", "items", "attachments")
                             for event in ("insert", "delete", "update"))
POSTGRES_SEARCH_INDEXES = ["attachments_search_idx", "items_search_idx", "sections_search_idx"]


def _type(type_: Any, dialect: Any) -> str:
    """A column type as the database reports it: PostgreSQL keeps FLOAT as DOUBLE PRECISION."""
    name = str(type_.compile(dialect=dialect))
    return "DOUBLE PRECISION" if (dialect.name, name) == ("postgresql", "FLOAT") else name


def expected_schema(dialect_name: str) -> dict[str, Any]:
    """The schema pipeline.db describes (metadata, VIEWS) plus full-text search, in schema_of's shape."""
    from sqlalchemy.dialects import postgresql, sqlite

    from pipeline import db

    dialect = sqlite.dialect() if dialect_name == "sqlite" else postgresql.dialect()
    tables = {}
    for t in db.metadata.sorted_tables:
        tables[t.name] = {
            "columns": [(c.name, _type(c.type, dialect), c.nullable) for c in t.columns],
            "primary_key": [c.name for c in t.primary_key],
            "indexes": sorted((i.name, tuple(c.name for c in i.columns), bool(i.unique)) for i in t.indexes),
            "unique": sorted(tuple(c.name for c in u.columns) for u in t.constraints if isinstance(u, sa.UniqueConstraint)),
            "foreign_keys": sorted((tuple(f.column_keys), f.referred_table.name, tuple(e.column.name for e in f.elements),
                                    f.ondelete) for f in t.foreign_key_constraints),
            "checks": sorted(str(c.name) for c in t.constraints if isinstance(c, sa.CheckConstraint)),
        }
    return {
        "tables": tables,
        "search": (SQLITE_FTS_TABLES, SQLITE_FTS_TRIGGERS) if dialect_name == "sqlite" else (POSTGRES_SEARCH_INDEXES,),
        "views": sorted(db.VIEWS),
    }


def schema_of(conn: Any) -> dict[str, Any]:
    """The schema of a database as the SQLAlchemy inspector reads it, normalised for comparison."""
    from pipeline import db

    inspector = sa.inspect(conn)
    names = inspector.get_table_names()
    tables, expression_indexes = {}, []
    for name in names:
        if name not in db.metadata.tables:
            continue
        indexes = inspector.get_indexes(name)
        expression_indexes += [i["name"] for i in indexes if None in i["column_names"]]
        tables[name] = {
            "columns": [(c["name"], _type(c["type"], conn.dialect), c["nullable"]) for c in inspector.get_columns(name)],
            "primary_key": inspector.get_pk_constraint(name)["constrained_columns"],
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in indexes
                              if None not in i["column_names"] and not i.get("duplicates_constraint")),
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)),
            "foreign_keys": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
                                    f["options"].get("ondelete")) for f in inspector.get_foreign_keys(name)),
            "checks": sorted(c["name"] for c in inspector.get_check_constraints(name)),
        }
    if conn.dialect.name == "sqlite":
        triggers = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
        search: tuple[list[str], ...] = (sorted(set(names) - set(db.metadata.tables)), triggers)
    else:
        assert sorted(names) == sorted(db.metadata.tables)
        search = (sorted(expression_indexes),)
    return {"tables": tables, "search": search, "views": sorted(inspector.get_view_names())}


def test_a_new_database_has_exactly_the_described_schema(db_url: str) -> None:
    from pipeline import db

    engine = db.make_engine(db_url)
    assert db.migrate(engine) == [name for name, _ in db.MIGRATIONS]
    with engine.connect() as conn:
        assert schema_of(conn) == expected_schema(backend(db_url))
        if backend(db_url) == "sqlite":  # PostgreSQL rewrites a view's text; SQLite keeps it as created
            views = {name: " ".join(sql.split()) for name, sql in
                     conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'view'")}
            assert views == {name: " ".join(f"CREATE VIEW {name} AS {body}".split()) for name, body in db.VIEWS.items()}
    engine.dispose()


def test_search_reads_the_attachment_index_the_migration_made() -> None:
    """query.py searches attachments with db.attachment_tsvector() so that 0012's GIN index is used."""
    from pipeline import migrations
    from pipeline.db import attachment_tsvector

    anatomy = migrations.MIGRATIONS[11]
    assert anatomy.name == "0012_anatomy"
    assert anatomy.statements["postgresql"][-1] == (
        f"CREATE INDEX IF NOT EXISTS attachments_search_idx ON attachments USING GIN ({attachment_tsvector()})"
    )


V1_ROWS: dict[str, dict[str, Any]] = {
    "documents": {"path": "bjorkvik-ks-2024-03-12.pdf", "sha256": "a" * 64, "size": 1234, "page_count": 2, "status": "ok",
                  "ingested_at": dt.datetime(2024, 3, 12, 10, 0, 0)},
    "pages": {"document_id": 1, "number": 2, "char_count": 500, "has_text": True},
    "meetings": {"document_id": 1, "organisation": "Björkviks kommun", "body": "Kommunstyrelsen",
                 "meeting_date": dt.date(2024, 3, 12), "place": "Kommunhuset", "first_item": 47, "last_item": 47},
    "attendees": {"meeting_id": 1, "name": "Anna Berg", "party": "S", "role": "ordförande", "kind": "ledamot"},
    "items": {"meeting_id": 1, "number": 47, "title": "Ekonomisk uppföljning", "case_number": "KS 2024/123",
              "page_start": 1, "page_end": 2},
    "sections": {"item_id": 1, "position": 0, "kind": "beslut", "heading": "Beslut",
                 "text": "Anna Berg (S) föreslår att budgeten godkänns.", "page_start": 2, "page_end": 2},
    "entities": {"item_id": 1, "section_id": 1, "label": "PERSON", "text": "Anna Berg", "start_char": 0, "end_char": 9,
                 "page": 2, "party": "S", "source": "rule"},
    "recipients": {"item_id": 1, "name": "Ekonomiavdelningen"},
}


def test_rows_written_at_the_first_version_survive_every_migration(db_url: str) -> None:
    from pipeline import db

    names = [name for name, _ in db.MIGRATIONS]
    engine = db.make_engine(db_url)
    assert db.migrate(engine, upto="0001_initial") == ["0001_initial"]
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert sorted(inspector.get_table_names()) == sorted([*V1_ROWS, "schema_migrations"])
        # 0001 states its own DDL: today's documents.run_id (added by 0005) is not there yet
        assert [c["name"] for c in inspector.get_columns("documents")] == [
            "id", "path", "sha256", "size", "page_count", "status", "error", "failed_stage", "doc_type", "extractor",
            "model", "ingested_at",
        ]
    with db.write_transaction(engine) as conn:
        for table, row in V1_ROWS.items():
            conn.execute(sa.insert(db.metadata.tables[table]).values(**row))
    assert [db.migrate(engine, upto=name) for name in names[1:]] == [[name] for name in names[1:]]
    assert db.migrate(engine) == []
    with engine.connect() as conn:
        for table, row in V1_ROWS.items():
            # every row as written, and null in the columns later migrations added (documents.run_id ...)
            columns = db.metadata.tables[table].c.keys()
            rows = [dict(r._mapping) for r in conn.execute(sa.select(db.metadata.tables[table]))]
            assert rows == [dict.fromkeys(columns) | {"id": 1} | row], table
        # 0006 filled document_paths from documents
        assert conn.execute(sa.select(db.document_paths)).all() == [
            (1, 1, "bjorkvik-ks-2024-03-12.pdf", 1234, None, dt.datetime(2024, 3, 12, 10, 0, 0), None)
        ]
        assert conn.exec_driver_sql("SELECT number, decision FROM decisions").all() == [
            (47, "Anna Berg (S) föreslår att budgeten godkänns.")
        ]
        assert conn.exec_driver_sql("SELECT person, person_norm, party FROM person_mentions").all() == [("Anna Berg", None, "S")]
        for table in ("runs", "proposals", "cover_entities", "recusals", "regions", "attachments", "document_issues"):
            assert conn.execute(sa.select(sa.func.count()).select_from(db.metadata.tables[table])).scalar() == 0, table
        assert schema_of(conn) == expected_schema(backend(db_url))
    engine.dispose()
    # 0002 indexed the section written before it: search finds it by prefix
    hits = json.loads(run("search", "budget", "--db", db_url, "--format", "json").stdout)
    assert [(h["number"], h["title"], h["section_kind"]) for h in hits] == [(47, "Ekonomisk uppföljning", "beslut")]


# sha256 (first 16 hex digits) of each released migration's statements (Migration.checksum). A new
# migration adds its line here; a changed checksum means someone edited a released migration, which
# databases out there already ran: revert the edit and write a new migration instead.
FROZEN_CHECKSUMS = {
    "0001_initial": "3e633ea74ebb58cc",
    "0002_search": "8a68f5dd1eef28cb",
    "0003_views": "da65f1942fb6cc71",
    "0004_decisions": "5afa1ddd275620cc",
    "0005_runs": "105e64d075405455",
    "0006_paths": "30607eae4fe41727",
    "0007_ocr": "5eb500d805827258",
    "0008_cover": "bca5c4643c06f7fb",
    "0009_people": "1e24f77b2d7a2dcf",
    "0010_cover_entities": "6e0a0fe4109b3c43",
    "0011_recusals": "f6a9ccc4ce0be0a4",
    "0012_anatomy": "f7421b2f6d4a4aea",
    "0013_outcome": "66408a735fcba066",
    "0014_persons": "377b21595bb91db4",
    "0015_boxes": "560bf26acbf7106d",
    "0016_person_views": "87178a5269ed6b7d",
    "0017_fts_declared": "f2749a58b7ce3fbd",
}


def test_released_migrations_are_never_edited() -> None:
    from pipeline import migrations

    assert {m.name: m.checksum() for m in migrations.MIGRATIONS} == FROZEN_CHECKSUMS


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
