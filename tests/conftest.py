"""Shared fixtures: paths, the sample database built once per session, the real corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RAW = ROOT / "data" / "raw"
SHARED = Path(os.environ.get("PROTOKOLL_SHARED", ROOT.parent / "shared"))
CORPUS_PDF = SHARED / "corpus" / "pdf"
CORPUS_TXT = SHARED / "corpus" / "txt"
SEED_PDF = RAW / "region-vasterbotten-run-au-2023-05-12.pdf"
BJORKVIK_PDF = RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf"


def corpus_files(folder: Path, pattern: str) -> list[Path]:
    """Real protocols from ../shared, or a skip with the reason."""
    if not folder.is_dir():
        pytest.skip(f"corpus not available at {folder} (set PROTOKOLL_SHARED)")
    files = sorted(folder.glob(pattern))
    if not files:
        pytest.skip(f"no {pattern} in {folder}")
    return files


@pytest.fixture(scope="session")
def nlp_blank():  # type: ignore[no-untyped-def]
    from pipeline.tag import build_nlp

    return build_nlp("blank")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*.json from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real SQLite file built by `protokoll ingest data/raw` (rules only, so the result is fixed)."""
    from click.testing import CliRunner

    from pipeline.cli import main

    work = tmp_path_factory.mktemp("samples")
    db = work / "protocols.db"
    result = CliRunner().invoke(
        main, ["--quiet", "--processed", str(work / "processed"), "ingest", "--jobs", "1", "--db", str(db), "--model", "blank", str(RAW)]
    )
    assert result.exit_code == 0, result.output
    return db


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("PROTOKOLL_TEST_DB") else [])


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a real SQLite file, and the PostgreSQL server of $PROTOKOLL_TEST_DB when set."""
    if request.param == "sqlite":
        return str(tmp_path / "protocols.db")
    url = os.environ["PROTOKOLL_TEST_DB"]
    _reset_postgres(url)
    return url


def raw_pdf(objects: list[bytes], version: bytes = b"1.7") -> bytes:
    """A PDF of ``objects`` written by hand (object 1 is the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-" + version + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

