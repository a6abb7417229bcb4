"""``protokoll review`` (issue 14): the HTML report, from a PDF without a database and from a database
opened read-only, the index of ``--all``, and a headless Chromium that opens a report and shows a
known box where the PDF has it."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from pipeline import ocr
from pipeline.cli import main

from .conftest import FIXTURES, RAW, SEED_PDF

SCALE = 1.5  # pipeline/review.py: pixels per PDF point
LEFT = 62.0  # scripts/make_samples.py: the left margin of the samples' headings
ITEM_76 = [2, LEFT, 145.48, 431.44, 157.48]  # § 76's heading, first line (tests/test_boxes.py reasons it)
SEED_ROWS = 86  # the seed's rows with a box: 9 attendees, 18 cover entities, 46 entities, 1 item, 2 proposals,
#                 4 recipients, 6 section headings (tests/test_boxes.py: all located)
VOID = {"meta", "img", "br", "hr", "link", "input"}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


class Tags(HTMLParser):
    """The elements of a page: open tags must close in order (the report is well-formed HTML)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def parse(path: Path) -> Tags:
    tags = Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    tags.close()
    assert tags.errors == [] and tags.stack == []
    return tags


def rows(tags: Tags) -> list[dict[str, str]]:
    """The box elements of stored rows (a row's further lines are ``more``)."""
    return [a for t, a in tags.elements if t == "a" and "box" in a.get("class", "").split()
            and "more" not in a["class"].split()]


def style_px(style: str) -> dict[str, float]:
    return {k: float(v) for k, v in re.findall(r"(left|top|width|height):([\d.]+)px", style)}


def test_review_of_a_pdf_writes_no_database(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run("--processed", str(tmp_path / "processed"), "review", str(SEED_PDF), "--model", "blank", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out / f"{SEED_PDF.stem}.html"
    assert result.stdout == f"{html}\n"
    assert sorted(p.name for p in (out / f"{SEED_PDF.stem}.files").iterdir()) == [f"page-{n}.png" for n in range(1, 9)]
    assert list(tmp_path.rglob("*.db")) == [] and not (tmp_path / "processed").exists()
    tags = parse(html)
    boxes = rows(tags)
    assert len(boxes) == SEED_ROWS
    item = [a for a in boxes if "k-item" in a["class"].split()]
    assert len(item) == 1
    assert style_px(item[0]["style"]) == {
        "left": round(LEFT * SCALE, 1), "top": round(145.48 * SCALE, 1),
        "width": round((431.44 - LEFT) * SCALE, 1), "height": round((157.48 - 145.48) * SCALE, 1)}
    # nothing from the network: every link is a fragment, every image a file beside the report
    links = [a.get("href") or a.get("src") or "" for _t, a in tags.elements if "href" in a or "src" in a]
    assert all(v.startswith("#") or v.startswith(f"{SEED_PDF.stem}.files/") for v in links), links
    # the panel of page 2 links to the heading's box
    assert ("a", {"href": f"#{item[0]['id']}"}) in tags.elements


def test_review_of_a_missing_pdf_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("review", str(tmp_path / "nope.pdf"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_review_of_a_broken_pdf_is_one_line_and_exit_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj\n")
    result = run("review", str(broken), "--model", "blank", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr == f"{broken}: truncated PDF (no %%EOF marker at the end) (the file is incomplete; fetch it again)\n"
    assert not (tmp_path / "out").exists()


def ingest(db: str, tmp_path: Path) -> None:
    result = run("--quiet", "--processed", str(tmp_path / "processed"), "ingest", "--jobs", "1", "--db", db,
                 "--model", "blank", str(RAW))
    assert result.exit_code == 0, result.output


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_review_document_reads_the_database_read_only(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, tmp_path)
    sqlite = Path(db_url) if "://" not in db_url else None
    before = digest(sqlite) if sqlite else None
    from pipeline.query import read_only_engine, run_query

    _, found = run_query(read_only_engine(db_url), "SELECT d.id FROM documents d WHERE d.path LIKE '%region-vasterbotten%'")
    seed_id = found[0][0]
    out = tmp_path / "out"
    result = run("review", "--document", str(seed_id), "--db", db_url, "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out / f"{seed_id}-{SEED_PDF.stem}.html"
    assert result.stdout == f"{html}\n"
    assert len(rows(parse(html))) == SEED_ROWS
    assert len(list((out / f"{seed_id}-{SEED_PDF.stem}.files").glob("page-*.png"))) == 8
    if sqlite:
        assert digest(sqlite) == before
    missing = run("review", "--document", "999", "--db", db_url, "-o", str(out))
    assert missing.exit_code == 2
    assert "no imported document 999 in the database (see 'protokoll status')" in missing.stderr


def test_review_document_without_a_database_is_exit_3_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    result = run("review", "--document", "1", "--db", str(db), "-o", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (3, f"protokoll: no database at {db}; run 'protokoll ingest' first\n")
    assert not db.exists() and not (tmp_path / "out").exists()


def test_review_all_writes_an_index_with_the_most_issues_first(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    ingest(db, tmp_path)
    from pipeline.query import read_only_engine, run_query

    _, counts = run_query(read_only_engine(db), "SELECT d.id, count(i.id) FROM documents d LEFT JOIN document_issues i "
                          "ON i.document_id = d.id GROUP BY d.id ORDER BY count(i.id) DESC, d.path")
    out = tmp_path / "all"
    result = run("review", "--all", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out / 'index.html'}\n"
    tags = parse(out / "index.html")
    links = [a["href"] for t, a in tags.elements if t == "a"]
    assert len(links) == 2 and all((out / link).is_file() for link in links)
    assert [int(link.split("-", 1)[0]) for link in links] == [r[0] for r in counts]


def test_review_needs_exactly_one_source(tmp_path: Path) -> None:
    result = run("review", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "name a PDF, or --document ID, or --all DIR (one of them)" in result.stderr


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
GREY = (0xEE, 0xEE, 0xEE)  # the report's background between the pages
PADDING = 16  # px around each page (.page { padding: 16px })


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHROMIUM or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--force-device-scale-factor=1", *args], capture_output=True, text=True, timeout=120)


def sheet_tops(image: Any, x: int) -> list[int]:
    """Where the white page sheets start down column ``x`` (the header is white too, from row 0)."""
    tops, inside = [], False
    for y in range(image.height):
        white = image.getpixel((x, y))[:3] == (255, 255, 255)
        if white and not inside:
            tops.append(y)
        inside = white if white or image.getpixel((x, y))[:3] == GREY else inside
    return tops


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium; .ci/run does)")
def test_chromium_shows_the_heading_box_where_the_pdf_has_it(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run("--processed", str(tmp_path / "processed"), "review", str(SEED_PDF), "--model", "blank", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out / f"{SEED_PDF.stem}.html"
    # the DOM as the browser built it holds the heading's box at the PDF position
    dom = chromium("--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr
    boxes = re.findall(r'<a id="(b\d+)" class="box k-item l-item"[^>]*style="([^"]*)"', dom.stdout)
    assert len(boxes) == 1
    box = style_px(boxes[0][1])
    assert (box["left"], box["top"]) == (round(LEFT * SCALE, 1), round(145.48 * SCALE, 1))
    shot = tmp_path / "shot.png"
    taken = chromium("--window-size=1400,2200", f"--screenshot={shot}", html.as_uri())
    assert taken.returncode == 0 and shot.is_file(), taken.stderr
    image = Image.open(shot).convert("RGB")
    # the sheets start below the header, one per page, 16 px in; page 2 is the third white run
    header, _page1, page2 = sheet_tops(image, PADDING + 2)[:3]
    assert header == 0
    x = round(PADDING + LEFT * SCALE) + 1  # inside the box's 2 px left border
    y = round(page2 + (145.48 + 157.48) / 2 * SCALE)
    r, g, b = image.getpixel((x, y))
    # the item colour #e6194b at 85 % over the page: red, whatever lies under it
    assert r > 150 and g < 110 and b < 140 and r - g > 100, (x, y, (r, g, b))
    # and the page image alone is not red there: the colour is the box's
    page = Image.open(out / f"{SEED_PDF.stem}.files" / "page-2.png").convert("RGB")
    pr, pg, _pb = page.getpixel((x - PADDING, y - page2))
    assert not (pr > 150 and pr - pg > 100)


@pytest.mark.ocr
@pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract-ocr with Swedish data is not installed")
def test_review_marks_an_ocr_page(tmp_path: Path) -> None:
    pdf = FIXTURES / "scanned-protocol-page.pdf"
    result = run("review", str(pdf), "--model", "blank", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = (tmp_path / f"{pdf.stem}.html").read_text(encoding="utf-8")
    assert '<h2>Page 1 <span class="badge ocr">OCR</span></h2>' in text
    # 1 item heading, 3 section headings, 6 entities, 1 cover entity, 2 proposals: all on Tesseract's words
    assert len(rows(parse(tmp_path / f"{pdf.stem}.html"))) == 13


def test_review_into_a_folder_that_cannot_be_written_is_exit_3(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("review", str(SEED_PDF), "--model", "blank", "-o", str(blocker / "out"))
    assert (result.exit_code, result.stderr) == (
        3, f"protokoll: cannot write the report to {blocker / 'out'}: Not a directory (choose a writable -o folder)\n")
