"""The decide stage (issue 12): its own stage file and command between segment and tag, never failing a
document, and its outcomes, clauses, stances and vote methods in the database (SQLite and PostgreSQL).

Expected values are read from the sample PDFs' text (data/raw), quoted beside them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner

from pipeline import db, load
from pipeline.cli import main
from pipeline.decide import decide
from pipeline.extract import extract
from pipeline.ingest import display_path
from pipeline.segment import segment
from pipeline.types import Decisions, DocumentIssue, Protocol

from .conftest import BJORKVIK_PDF, FIXTURES, RAW, ROOT

SALE = "Försäljning av del av fastigheten Björkvik Norrby 3:14"

# Björkvik KS 2024-03-12, the first operative clause of each Beslut:
OUTCOMES = [
    # "Kommunstyrelsen utser Lars Nyström (M) att jämte ordföranden justera dagens protokoll."
    (45, "val", None),
    # "Kommunstyrelsen godkänner dagordningen."
    (46, "bifall", None),
    # "1. uppföljningen läggs till handlingarna," after "Ordföranden ställer proposition ... och finner att"
    (47, "antecknas", "acklamation"),
    # "1. godkänna försäljningen ..." after an Omröstning ("Med 7 ja-röster mot 4 nej-röster")
    (48, "bifall", "votering"),
    # "Kommunstyrelsen föreslår kommunfullmäktige besluta att anta reviderad taxa ...": the content, anta
    (49, "bifall", None),
]
CLAUSES = [
    (45, 1, "Kommunstyrelsen utser Lars Nyström (M) att jämte ordföranden justera dagens protokoll"),
    (46, 1, "Kommunstyrelsen godkänner dagordningen"),
    (47, 1, "uppföljningen läggs till handlingarna"),
    (47, 2, "barn- och utbildningsnämnden uppdras att senast den 15 juni redovisa åtgärder som bringar verksamheten "
            "i ekonomisk balans"),
    (48, 1, "godkänna försäljningen av del av fastigheten Björkvik Norrby 3:14 till Björkvik Industrifastigheter AB "
            "enligt upprättat förslag till köpeavtal"),
    (48, 2, "uppdra åt kommundirektören att underteckna köpeavtalet och övriga handlingar som behövs för försäljningen"),
    (49, 1, "anta reviderad taxa för bygglov och tillsyn enligt plan- och bygglagen att gälla från och med den 1 juli "
            "2024"),
]
# "Anna Berg (S) yrkar bifall till arbetsutskottets förslag" (§ 47 and § 48, with Erik Sandberg (C) in § 48),
# "Mats Olofsson (SD) yrkar avslag på arbetsutskottets förslag", "Peter Wallin (M) yrkar återremiss av ärendet";
# the chair finds that the item is decided today and that the committee's proposal is adopted.
PROPOSALS = [
    (47, "Anna Berg", "S", "bifall", "arbetsutskottets förslag", True),
    (48, "Anna Berg", "S", "bifall", "arbetsutskottets förslag", True),
    (48, "Erik Sandberg", "C", "bifall", "arbetsutskottets förslag", True),
    (48, "Mats Olofsson", "SD", "avslag", "arbetsutskottets förslag", False),
    (48, "Peter Wallin", "M", "aterremiss", "ärendet", False),
]


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def stage_files(processed: Path, stage: str) -> list[Path]:
    return sorted((processed / stage).glob("*.json"))


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_decide_is_a_stage_between_segment_and_tag(tmp_path: Path) -> None:
    processed, dbfile = tmp_path / "p", tmp_path / "t.db"
    base = ("--processed", str(processed))
    assert run(*base, "--quiet", "extract", str(BJORKVIK_PDF)).exit_code == 0
    assert run(*base, "--quiet", "segment").exit_code == 0
    (segmented,) = stage_files(processed, "segment")
    # segment no longer reads decisions: its output has none, and says it was not decided
    assert (read(segmented)["decisions"]["outcomes"], read(segmented)["decisions"]["votes"]) == ([], [])
    assert read(segmented)["decided"] is False

    # tag reads decide outputs: before decide ran there are none, and a segment file named directly is refused
    none_yet = run(*base, "tag", "--model", "blank")
    assert (none_yet.exit_code, none_yet.stderr) == (
        2, f"Usage: main tag [OPTIONS] [FILES]...\nTry 'main tag --help' for help.\n\nError: no decide outputs in "
           f"{processed / 'decide'}; run 'protokoll decide' first\n")
    refused = run(*base, "tag", "--model", "blank", str(segmented))
    assert (refused.exit_code, refused.stderr) == (
        3, f"protokoll: {segmented}: a segment output, not a decide output; run 'protokoll decide {segmented}' first\n")
    assert not (processed / "tag").exists()

    decided = run(*base, "decide")
    assert (decided.exit_code, decided.stderr) == (
        0, f"{display_path(BJORKVIK_PDF)}: 5 outcomes, 5 proposals, 1 votes\n")
    (decide_file,) = stage_files(processed, "decide")
    out = read(decide_file)
    assert out["decided"] is True
    assert [(o["item_number"], o["outcome"], o["vote_method"]) for o in out["decisions"]["outcomes"]] == OUTCOMES
    # the segment output is unchanged by the move: decide adds the decisions and nothing else
    before = read(segmented)
    assert {k: v for k, v in out.items() if k not in ("decisions", "decided")} == {
        k: v for k, v in before.items() if k not in ("decisions", "decided")
    }

    assert run(*base, "--quiet", "tag", "--model", "blank").exit_code == 0
    assert run(*base, "--quiet", "load", "--db", str(dbfile)).exit_code == 0
    assert [p.parent.name for p in sorted(processed.rglob("*.json"))] == ["decide", "extract", "segment", "tag"]
    engine = sa.create_engine(f"sqlite:///{dbfile}")
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT number, outcome, vote_method FROM items ORDER BY number").all()
    engine.dispose()
    assert [tuple(r) for r in rows] == OUTCOMES


def test_decide_passes_on_a_failed_document_and_has_usage_errors(tmp_path: Path) -> None:
    processed = tmp_path / "p"
    base = ("--processed", str(processed))
    assert run(*base, "decide").exit_code == 2  # no segment outputs yet
    bad = tmp_path / "not-a-pdf.pdf"
    bad.write_bytes((FIXTURES / "not-a-pdf.pdf").read_bytes())
    assert run(*base, "--quiet", "extract", str(bad)).exit_code == 1
    assert run(*base, "--quiet", "segment").exit_code == 1
    result = run(*base, "decide")
    assert (result.exit_code, result.stderr) == (
        1, f"{bad}: not a PDF (the file starts with '<!DOCTYPE html>')\n")
    (out,) = stage_files(processed, "decide")
    assert read(out)["type"] == "failure"


def test_a_failure_inside_decide_keeps_the_document(tmp_path: Path) -> None:
    """Any exception of the decision step is one warning; meeting, items and sections are still stored."""
    protocol = segment(extract(BJORKVIK_PDF))

    def broken(_p: Protocol) -> Decisions:
        raise KeyError("unexpected layout")

    decide(protocol, read=broken)
    issue = DocumentIssue(
        "warning", "decide_failed",
        "reading the decisions failed (KeyError: 'unexpected layout'); the meeting, items and sections are stored "
        "without proposals, votes, outcomes or clauses (report it with the file)",
    )
    assert protocol.decided is True
    assert protocol.decisions == Decisions(issues=[issue])
    assert protocol.issues == [issue]  # the sample passes every other self-check
    engine = db.make_engine(str(tmp_path / "t.db"))
    db.migrate(engine)
    assert load.save(engine, protocol) == "inserted"
    with engine.connect() as conn:
        count = lambda table: conn.execute(sa.select(sa.func.count()).select_from(db.metadata.tables[table])).scalar()  # noqa: E731
        assert {t: count(t) for t in ("meetings", "items", "sections", "proposals", "votes", "decision_clauses")} == {
            "meetings": 1, "items": 5, "sections": 25, "proposals": 0, "votes": 0, "decision_clauses": 0,
        }
        assert conn.exec_driver_sql("SELECT count(*) FROM items WHERE outcome IS NOT NULL").scalar() == 0
        assert conn.exec_driver_sql("SELECT severity, code, item_id, message FROM document_issues").all() == [
            ("warning", "decide_failed", None, issue.message)
        ]
    engine.dispose()


def test_an_agenda_gets_no_decisions() -> None:
    protocol = segment(extract(BJORKVIK_PDF))
    protocol.doc_type = "foredragningslista"
    assert decide(protocol).decisions == Decisions()
    assert protocol.decided is True


def ingest(db_url: str, tmp_path: Path, *extra: str) -> Any:
    return run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", db_url, "--model",
               "blank", *extra, str(RAW))


def engine_for(db_url: str) -> sa.Engine:
    return sa.create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}")


def doc_queries() -> list[str]:
    import re

    return re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / "schema.md").read_text(encoding="utf-8"), re.S)


def test_outcomes_clauses_and_stances_in_the_database(db_url: str, tmp_path: Path) -> None:
    assert ingest(db_url, tmp_path).exit_code == 0
    engine = engine_for(db_url)
    with engine.connect() as conn:
        sql = conn.exec_driver_sql
        assert [tuple(r) for r in sql(
            "SELECT number, outcome, vote_method FROM items WHERE number < 76 ORDER BY number")] == OUTCOMES
        # § 76: "Beslut/beredning på sammanträdet: Ärendet kompletteras ... med ett sammanfattande PM ...",
        # both proposals put by "Ordförande frågar om arbetsutskottet bifaller ... och finner"
        assert tuple(sql("SELECT outcome, vote_method FROM items WHERE number = 76").one()) == ("bifall", "acklamation")
        # the basis is the text between its offsets, line breaks removed
        bases = sql("SELECT i.number, i.outcome_basis, i.outcome_start, i.outcome_end, s.text, s.kind FROM items i "
                    "JOIN sections s ON s.id = i.outcome_section_id ORDER BY i.number").all()
        assert [(n, kind) for n, *_rest, kind in bases] == [(n, "beslut") for n in (45, 46, 47, 48, 49, 76)]
        assert all(" ".join(text[start:end].split()) == basis for _n, basis, start, end, text, _k in bases)
        assert bases[2][1] == "uppföljningen läggs till handlingarna,"
        assert [tuple(r) for r in sql(
            "SELECT i.number, c.position, c.text FROM decision_clauses c JOIN items i ON i.id = c.item_id "
            "WHERE i.number < 76 ORDER BY i.number, c.position")] == CLAUSES
        # each clause is the text between its offsets (Björkvik; § 76's span also holds the stray "-" line the
        # PDF prints after its last bullet, which the clause text drops)
        clause_offsets = sql("SELECT c.text, c.start_char, c.end_char, s.text FROM decision_clauses c "
                             "JOIN sections s ON s.id = c.section_id JOIN items i ON i.id = c.item_id "
                             "WHERE i.number < 76 ORDER BY i.number, c.position").all()
        assert [" ".join(sec[start:end].split()) for _t, start, end, sec in clause_offsets] == [t for *_r, t in CLAUSES]
        assert [(n, p, party, stance, target, None if won is None else bool(won)) for n, p, party, stance, target, won in sql(
            "SELECT i.number, p.person, p.party, p.stance, p.target, p.won FROM proposals p "
            "JOIN items i ON i.id = p.item_id WHERE i.number < 76 ORDER BY i.number, p.id")] == PROPOSALS
        assert [tuple(r) for r in sql("SELECT ja, nej, method FROM votes")] == [(7, 4, "votering")]
        # the example queries of docs/schema.md, on this backend too
        referred, party_votes, contested = (sql(q).all() for q in doc_queries()[12:15])
    engine.dispose()
    assert [(str(d), n, title, outcome, person, party, bool(won)) for d, n, title, outcome, person, party, won in referred] == [
        ("2024-03-12", 48, SALE, "bifall", "Peter Wallin", "M", False)
    ]
    assert [(str(r[0]), *r[1:]) for r in party_votes] == [
        ("2024-03-12", 48, "S", 4, 0, 0, 0, "bifall"), ("2024-03-12", 48, "BP", 1, 0, 0, 0, "bifall"),
        ("2024-03-12", 48, "C", 1, 0, 0, 0, "bifall"), ("2024-03-12", 48, "V", 1, 0, 0, 0, "bifall"),
        ("2024-03-12", 48, "M", 0, 2, 0, 0, "bifall"), ("2024-03-12", 48, "SD", 0, 2, 0, 0, "bifall"),
    ]
    assert [(str(r[0]), r[1], r[3], r[4], r[5], r[6]) for r in contested] == [
        ("2023-05-12", 76, "bifall", 2, 0, 0), ("2024-03-12", 48, "bifall", 3, 1, 3),
    ]


def test_reimport_with_force_replaces_outcomes_and_clauses(db_url: str, tmp_path: Path) -> None:
    assert ingest(db_url, tmp_path).exit_code == 0
    engine = engine_for(db_url)

    def state() -> tuple[Any, ...]:
        with engine.connect() as conn:
            sql = conn.exec_driver_sql
            return (
                sql("SELECT count(*) FROM decision_clauses").scalar(),
                sql("SELECT count(*) FROM decision_clauses WHERE item_id NOT IN (SELECT id FROM items)").scalar(),
                [tuple(r) for r in sql("SELECT number, outcome FROM items ORDER BY number")],
                sql("SELECT count(*) FROM proposals WHERE stance IS NOT NULL").scalar(),
                sql("SELECT count(*) FROM items WHERE outcome_section_id NOT IN (SELECT id FROM sections)").scalar(),
            )

    first = state()
    assert first == (8, 0, [(n, o) for n, o, _m in OUTCOMES] + [(76, "bifall")], 7, 0)
    assert ingest(db_url, tmp_path, "--force").exit_code == 0
    assert state() == first  # replaced, not doubled; every outcome points at a section of the new import
    engine.dispose()


def test_migration_0013_fills_votes_method_and_the_views(db_url: str) -> None:
    """A database of 0012 with a vote: 0013 marks it a votering; the new views read the old rows."""
    engine = db.make_engine(db_url)
    db.migrate(engine, upto="0012_anatomy")
    with db.write_transaction(engine) as conn:
        sql = conn.exec_driver_sql
        sql("INSERT INTO documents (path, sha256, status, ingested_at) VALUES ('a.pdf', 'aa', 'ok', '2024-03-12 10:00:00')")
        sql("INSERT INTO meetings (document_id, body, meeting_date) VALUES (1, 'Kommunstyrelsen', '2024-03-12')")
        sql("INSERT INTO items (meeting_id, number, title) VALUES (1, 48, 'Försäljning')")
        sql("INSERT INTO sections (item_id, position, kind, text) VALUES (1, 1, 'beslut', 'Kommunstyrelsen beslutar att godkänna.')")
        sql("INSERT INTO votes (item_id, section_id, ja, nej) VALUES (1, 1, 2, 1)")
        sql("INSERT INTO vote_members (vote_id, name, party, vote) VALUES (1, 'A', 'S', 'ja'), (1, 'B', 'S', 'ja'), "
            "(1, 'C', 'M', 'nej')")
    assert db.migrate(engine, upto="0013_outcome") == ["0013_outcome"]
    with engine.connect() as conn:
        sql = conn.exec_driver_sql
        assert [tuple(r) for r in sql("SELECT ja, nej, method FROM votes")] == [(2, 1, "votering")]
        assert [tuple(r) for r in sql("SELECT party, ja, nej, avstar, franvarande FROM party_votes ORDER BY party")] == [
            ("M", 0, 1, 0, 0), ("S", 2, 0, 0, 0)]
        assert [tuple(r) for r in sql("SELECT number, outcome, proposals, votes, reservations FROM contested_items")] == [
            (48, None, 0, 1, 0)]
        assert [tuple(r) for r in sql("SELECT number, decision, outcome FROM decisions")] == [
            (48, "Kommunstyrelsen beslutar att godkänna.", None)]
    engine.dispose()
