"""Regions, attachments and self-check issues as rows: load, re-import, search, export, status and check.

Protocols are built by hand (the segmenter that finds regions and attachments is tested on its own),
written with ``load.save`` to a real SQLite file and, when $PROTOKOLL_TEST_DB is set, PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipeline import db, load
from pipeline.checks import check_protocol
from pipeline.cli import main
from pipeline.types import (
    Attachment,
    Decisions,
    Item,
    Meeting,
    Protocol,
    Region,
    Section,
    Vote,
)

from .conftest import ROOT

VOTERING = "Voteringslista\nAnna Berg (S) Ja\nÅsa Ågren Wikström (M) Nej\nPeter Wallin (M) Nej"
TAXA = "Taxa för bygglov 2025\nTimavgift 1 400 kronor"
NARVARO = "Närvarolista\nAnna Berg (S) §§ 30-33\nLennart Strandberg (KD) §§ 30-31"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def item(number: int, title: str, page: int, *sections: tuple[str, str, str]) -> Item:
    return Item(number, title, f"KS 2025/{number}", page, page, [
        Section(i, kind, heading, text, page, page, 1000 * number + 100 * i)
        for i, (kind, heading, text) in enumerate(sections, start=1)
    ])


def kf(version: int = 1) -> Protocol:
    """KF 2025-06-05, §§ 30-33 declared; § 32 is missing, a bilaga names § 40, which the protocol lacks.

    Version 2 (the same file corrected) has § 32, and the bilaga of § 40 is gone.
    """
    items = [
        item(30, "Val av justerare", 2, ("beslut", "Beslut", "Anna Berg (S) utses att justera protokollet.")),
        item(31, "Taxa för bygglov", 3, ("sammanfattning", "Sammanfattning", "Ny taxa."),
             ("omrostning", "Omröstning", "Omröstning begärs och verkställs."),
             ("beslut", "Beslut", "Kommunfullmäktige antar taxan.")),
        item(33, "Avsägelser", 5, ("beslut", "Beslut", "Avsägelsen godkänns.")),
    ]
    attachments = [
        Attachment("voteringslista", "Bilaga KF § 31/25", "Voteringslista", 6, 6, VOTERING, 9000, 31),
        Attachment("bilaga", "Bilaga KF § 40/25", "Taxa", 7, 8, TAXA, 9500, 40),
        Attachment("narvarolista", None, "Närvarolista", 9, 9, NARVARO, 9900, None),
    ]
    if version == 2:
        items.insert(2, item(32, "Motion om cykelvägar", 4, ("beslut", "Beslut", "Motionen avslås.")))
        del attachments[1]
    sha = hashlib.sha256(f"kf-{version}".encode()).hexdigest()
    p = Protocol(
        "kf-2025-06-05.pdf", sha, 100_000, 9, "protokoll",
        Meeting(organisation="Lomma kommun", body="Kommunfullmäktige", meeting_date="2025-06-05", first_item=30,
                last_item=33),
        items, [], regions=[
            Region("cover", 1, 1, 0, 800, None),
            Region("agenda", 1, 2, 800, 1500, "Ärendelista"),
            Region("item", 2, 5, 1500, 8900, None),
            Region("attachment", 6, 6, 9000, 9400, "Bilaga KF § 31/25"),
            Region("signatures", 9, 9, 9900, 10000, "Justerandes signatur"),
        ][: 5 if version == 1 else 3],
        attachments=attachments,
        decisions=Decisions(votes=[Vote(31, 2, None, 1, 2, 0, 0, [], None)]),
        tagged=True,
    )
    p.issues = check_protocol(p)
    return p


def ks() -> Protocol:
    """A KS protocol without errors: one vote whose counts add up to less than the meeting's other votes."""
    warned = Vote(12, 1, None, 6, 4, 0, 0, [], "counts add up to 10, most votes of this meeting add up to 11")
    p = Protocol(
        "a-ks-2025-05-20.pdf", hashlib.sha256(b"ks").hexdigest(), 50_000, 3, "protokoll",
        Meeting(body="Kommunstyrelsen", meeting_date="2025-05-20"),
        [item(12, "Budget", 2, ("omrostning", "Omröstning", "Omröstning."), ("beslut", "Beslut", "Budgeten antas."))],
        [], decisions=Decisions(votes=[warned]), tagged=True,
    )
    p.issues = check_protocol(p)
    return p


def engine_for(db_url: str) -> sa.engine.Engine:
    engine = db.make_engine(db_url)
    db.migrate(engine)
    return engine


def rows(engine: sa.engine.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


ATTACHMENT_ROWS = (
    "SELECT d.path, i.number, a.label, a.kind, a.title, a.page_start, a.page_end, a.text FROM attachments a "
    "JOIN documents d ON d.id = a.document_id LEFT JOIN items i ON i.id = a.item_id ORDER BY a.id"
)
ISSUE_ROWS = (
    "SELECT d.path, i.number, x.severity, x.code, x.page, x.message FROM document_issues x "
    "JOIN documents d ON d.id = x.document_id LEFT JOIN items i ON i.id = x.item_id ORDER BY x.id"
)


def test_the_issues_of_the_hand_made_protocols() -> None:
    assert [(i.severity, i.code, i.item_number, i.page, i.message) for i in kf().issues] == [
        ("error", "missing_items", None, None, "the cover declares §§ 30-33; not found: § 32"),
        ("warning", "attachment_unknown_item", 40, 7, "Bilaga KF § 40/25 (p. 7) names § 40, which this protocol does "
         "not have"),
    ]
    assert kf(2).issues == []
    assert [(i.severity, i.code, i.item_number, i.page) for i in ks().issues] == [("warning", "vote_counts", 12, 2)]


def test_regions_attachments_and_issues_are_rows_of_their_document(db_url: str) -> None:
    engine = engine_for(db_url)
    assert load.save(engine, kf()) == "inserted"
    assert rows(engine, "SELECT kind, page_start, page_end, label FROM regions ORDER BY id") == [
        ("cover", 1, 1, None), ("agenda", 1, 2, "Ärendelista"), ("item", 2, 5, None),
        ("attachment", 6, 6, "Bilaga KF § 31/25"), ("signatures", 9, 9, "Justerandes signatur"),
    ]
    # an attachment is linked to the item it names; one naming no item of the document has none
    assert rows(engine, ATTACHMENT_ROWS) == [
        ("kf-2025-06-05.pdf", 31, "Bilaga KF § 31/25", "voteringslista", "Voteringslista", 6, 6, VOTERING),
        ("kf-2025-06-05.pdf", None, "Bilaga KF § 40/25", "bilaga", "Taxa", 7, 8, TAXA),
        ("kf-2025-06-05.pdf", None, None, "narvarolista", "Närvarolista", 9, 9, NARVARO),
    ]
    assert rows(engine, ISSUE_ROWS) == [
        ("kf-2025-06-05.pdf", None, "error", "missing_items", None, "the cover declares §§ 30-33; not found: § 32"),
        ("kf-2025-06-05.pdf", None, "warning", "attachment_unknown_item", 7,
         "Bilaga KF § 40/25 (p. 7) names § 40, which this protocol does not have"),
    ]
    # the same content again: nothing written; forced: the old rows go first, nothing doubles
    assert load.save(engine, kf()) == "unchanged"
    assert load.save(engine, kf(), force=True) == "replaced"
    counts = "SELECT (SELECT count(*) FROM regions), (SELECT count(*) FROM attachments), (SELECT count(*) FROM document_issues)"
    assert rows(engine, counts) == [(5, 3, 2)]
    # a corrected version of the file replaces its rows: § 32 is there, the § 40 bilaga and both issues are gone
    assert load.save(engine, kf(2)) == "replaced"
    assert rows(engine, counts) == [(3, 2, 0)]
    assert [r[1:3] for r in rows(engine, ATTACHMENT_ROWS)] == [(31, "Bilaga KF § 31/25"), (None, None)]
    engine.dispose()


def search(db_url: str, text: str) -> list[tuple[Any, ...]]:
    result = run("search", text, "--db", db_url, "--format", "json")
    assert result.exit_code == 0, result.output
    return [(h["number"], h["title"], h["section_kind"], h["label"], h["snippet"]) for h in json.loads(result.stdout)]


def test_search_finds_attachment_text(db_url: str) -> None:
    engine = engine_for(db_url)
    load.save(engine, kf())
    # "Wikström" is only in the voteringslista of § 31; "Strandberg" only in the närvarolista, which names no item
    wikstrom = search(db_url, "Wikström")
    assert [h[:4] for h in wikstrom] == [(31, "Taxa för bygglov", "attachment:voteringslista", "Bilaga KF § 31/25")]
    assert "[Wikström]" in wikstrom[0][4]
    assert [h[:4] for h in search(db_url, "Strandberg")] == [(None, None, "attachment:narvarolista", None)]
    # prefix search as in sections: "timavg" finds the taxa's "Timavgift"; sections and titles still carry no label
    assert [h[:4] for h in search(db_url, "timavg")] == [(None, None, "attachment:bilaga", "Bilaga KF § 40/25")]
    assert [h[:4] for h in search(db_url, "taxan")] == [(31, "Taxa för bygglov", "beslut", None)]
    table = run("search", "Strandberg", "--db", db_url)
    assert table.stdout.splitlines()[0] == "2025-06-05  Kommunfullmäktige  (no item)  [attachment:narvarolista]"
    table = run("search", "Wikström", "--db", db_url)
    assert table.stdout.splitlines()[0] == (
        "2025-06-05  Kommunfullmäktige  § 31 Taxa för bygglov  [attachment:voteringslista: Bilaga KF § 31/25]"
    )
    # a replaced version's attachments are no longer found
    load.save(engine, kf(2))
    assert search(db_url, "timavg") == []
    engine.dispose()


def test_export_includes_the_new_tables(db_url: str, tmp_path: Path) -> None:
    engine = engine_for(db_url)
    load.save(engine, kf())
    load.save(engine, ks())
    engine.dispose()
    assert run("export", str(tmp_path / "out"), "--db", db_url).exit_code == 0
    lines = {t: (tmp_path / "out" / f"{t}.jsonl").read_text(encoding="utf-8").splitlines()
             for t in ("regions", "attachments", "document_issues")}
    assert {t: len(v) for t, v in lines.items()} == {"regions": 5, "attachments": 3, "document_issues": 3}
    first = json.loads(lines["document_issues"][0])
    assert {k: v for k, v in first.items() if k not in ("id", "document_id")} == {
        "item_id": None, "severity": "error", "code": "missing_items", "message": "the cover declares §§ 30-33; "
        "not found: § 32", "page": None,
    }


KF_ERROR = "kf-2025-06-05.pdf: error missing_items: the cover declares §§ 30-33; not found: § 32"
KF_WARNING = "kf-2025-06-05.pdf: warning attachment_unknown_item p.7: Bilaga KF § 40/25 (p. 7) names § 40, which this protocol does not have"
KS_WARNING = "a-ks-2025-05-20.pdf: warning vote_counts §12 p.2: § 12: counts add up to 10, most votes of this meeting add up to 11"


def test_check_prints_every_issue_and_exits_1_on_errors(db_url: str) -> None:
    engine = engine_for(db_url)
    load.save(engine, kf())
    load.save(engine, ks())
    result = run("check", "--db", db_url)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [KS_WARNING, KF_ERROR, KF_WARNING]
    assert result.stderr == "protokoll: 1 error(s), 2 warning(s) in 2 document(s)\n"
    errors_only = run("--quiet", "check", "--db", db_url, "--errors-only")
    assert (errors_only.exit_code, errors_only.stdout, errors_only.stderr) == (1, KF_ERROR + "\n", "")
    # the corrected protocol has no issues left: only the warning, exit 0
    load.save(engine, kf(2))
    engine.dispose()
    result = run("check", "--db", db_url)
    assert (result.exit_code, result.stdout.splitlines()) == (0, [KS_WARNING])


def test_status_counts_issues_and_lists_the_errors(db_url: str) -> None:
    engine = engine_for(db_url)
    assert run("status", "--db", db_url).stdout.splitlines()[-1] == "issues: none"
    load.save(engine, kf())
    load.save(engine, ks())
    engine.dispose()
    assert run("status", "--db", db_url).stdout.splitlines() == [
        "documents: 2 ok, 0 failed",
        "last run: none",
        "issues: 1 error (missing_items 1), 2 warnings (attachment_unknown_item 1, vote_counts 1) in 2 documents",
        KF_ERROR,
    ]
    status = json.loads(run("status", "--db", db_url, "--format", "json").stdout)
    assert status["issues"] == {"error": {"missing_items": 1}, "warning": {"attachment_unknown_item": 1, "vote_counts": 1}}
    assert status["errors"] == [{"path": "kf-2025-06-05.pdf", "code": "missing_items", "item": None, "page": None,
                                 "message": "the cover declares §§ 30-33; not found: § 32"}]


def test_status_lists_ten_errors_and_points_to_check(tmp_path: Path) -> None:
    database = str(tmp_path / "t.db")
    engine = engine_for(database)
    for n in range(12):
        p = kf()
        p.path, p.sha256 = f"kf-{n:02d}.pdf", hashlib.sha256(f"{n}".encode()).hexdigest()
        load.save(engine, p)
    engine.dispose()
    out = run("status", "--db", database).stdout.splitlines()
    assert out[2] == "issues: 12 errors (missing_items 12), 12 warnings (attachment_unknown_item 12) in 12 documents"
    assert out[3:] == [f"kf-{n:02d}.pdf: error missing_items: the cover declares §§ 30-33; not found: § 32"
                       for n in range(10)] + ["... 2 more errors: protokoll check --errors-only"]


def test_check_never_creates_or_changes_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = run("check", "--db", str(missing))
    assert (result.exit_code, result.stderr) == (3, f"protokoll: no database at {missing}; run 'protokoll ingest' first\n")
    assert list(tmp_path.iterdir()) == []
    # a database of the first schema version has no document_issues: say how to get them, touch nothing
    old = tmp_path / "old.db"
    shutil.copy(ROOT / "tests" / "data" / "protocols-v1.db", old)
    before = old.read_bytes()
    result = run("check", "--db", str(old))
    assert result.exit_code == 3
    assert result.stderr == (
        f"protokoll: the database at {old} has no document_issues table (made by an "
        "older version); run 'protokoll migrate', then 'protokoll ingest --force' to check the documents\n"
    )
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]


def test_a_database_of_the_first_version_takes_attachments_once_migrated(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(ROOT / "tests" / "data" / "protocols-v1.db", old)
    assert run("migrate", "--db", str(old)).exit_code == 0
    engine = engine_for(str(old))
    assert load.save(engine, kf()) == "inserted"
    engine.dispose()
    assert [h[:4] for h in search(str(old), "Strandberg")] == [(None, None, "attachment:narvarolista", None)]
    # the old documents' sections are found as before, next to the new attachment
    assert [h[:4] for h in search(str(old), "Wikström")] == [
        (76, "Genomförande av fullmäktigeuppdragen tilldelade regionala utvecklingsnämnden 2023", kind, None)
        for kind in ("beslutsgang", "forslag_till_beslut")
    ] + [(31, "Taxa för bygglov", "attachment:voteringslista", "Bilaga KF § 31/25")]
    result = run("check", "--db", str(old))
    assert (result.exit_code, result.stdout.splitlines()) == (1, [KF_ERROR, KF_WARNING])


@pytest.mark.parametrize("command", [["status"], ["status", "--format", "json"], ["search", "budget"]])
def test_status_and_search_never_create_a_database(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo.db"
    result = run(*command, "--db", str(missing))
    assert (result.exit_code, result.stdout, result.stderr) == (
        3, "", f"protokoll: no database at {missing}; run 'protokoll ingest' first\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["status"], ["search", "budget"]])
def test_status_and_search_never_migrate_an_old_database(tmp_path: Path, command: list[str]) -> None:
    old = tmp_path / "old.db"
    shutil.copy(ROOT / "tests" / "data" / "protocols-v1.db", old)
    before = old.read_bytes()
    result = run(*command, "--db", str(old))
    assert (result.exit_code, result.stdout) == (3, "")
    pending = ", ".join(name for name, _ in db.MIGRATIONS[1:])
    assert result.stderr == (
        f"protokoll: the database at {old} was made by an older version (lacks {pending}); "
        "run 'protokoll migrate' first\n"
    )
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]
