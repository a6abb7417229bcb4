"""``protokoll serve``: a real server process on the sample database, checked over HTTP and in headless Chromium.

The samples (data/raw) hold Björkvik's § 48 "Försäljning av del av fastigheten Björkvik Norrby 3:14"
(item id 4, its heading on page 3 at 62.0, 416.04 - 438.61, 430.04 in PDF points, as boxes.py
located it), whose Ärendebeskrivning (page 3) and Beslut (page 5) speak of "fastigheten": a search
for ``fastighet`` must find them, as ``protokoll search`` does.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datasette", reason="datasette (the serve extra) is not installed")

SALE = "Försäljning av del av fastigheten Björkvik Norrby 3:14"
SALE_BOX = (62.0, 416.04, 438.61, 430.04)
SCALE = 1.5  # pipeline.review.SCALE: pixels per PDF point
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ANNOUNCED = re.compile(r"^protokoll: serving (.+) read-only at http://127\.0\.0\.1:(\d+)/ ")


@dataclass
class Server:
    process: subprocess.Popen[str]
    base: str
    stderr: list[str]

    def get(self, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) of a GET; 4xx/5xx are returned, not raised."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=60) as response:
                return response.status, response.headers["content-type"], response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers["content-type"], exc.read()

    def json(self, path: str) -> Any:
        status, _type, body = self.get(path)
        assert status == 200, body[:500]
        return json.loads(body)

    def html(self, path: str) -> str:
        status, _type, body = self.get(path)
        assert status == 200, body[:500]
        return body.decode("utf-8")

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=60)


def protokoll(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def start(db: Path, reports: Path, *extra: str) -> Server:
    """``protokoll serve`` on a free port (``--port 0``), once it has said where it listens."""
    process = subprocess.Popen(protokoll("serve", "--db", str(db), "--port", "0", "--reports", str(reports), *extra),
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    lines: list[str] = []
    first = process.stderr.readline()
    lines.append(first)
    # keep draining stderr so that the server never blocks on a full pipe
    threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True).start()  # type: ignore[arg-type]
    found = ANNOUNCED.match(first)
    if not found:
        process.kill()
        raise AssertionError(f"the server did not start: {first!r} (exit {process.wait()})")
    return Server(process, f"http://127.0.0.1:{found.group(2)}", lines)


def backup(source: Path, target: Path) -> None:
    """A copy holding every row (the session's database may still keep some in its log), closed."""
    with contextlib.closing(sqlite3.connect(source)) as one, contextlib.closing(sqlite3.connect(target)) as other:
        one.backup(other)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def server(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    before = sha256(sample_db)
    running = start(sample_db, tmp_path_factory.mktemp("reports"))
    yield running
    assert running.stop() == 130
    assert sha256(sample_db) == before


def numbers(rows: list[dict[str, Any]]) -> list[Any]:
    return [r["number"] for r in rows]


@pytest.mark.parametrize(("query", "rewritten"), [
    # each word a prefix, as protokoll search builds it; raw mode so that Datasette passes it on
    (b"_search=fastighet", b"_search=%22fastighet%22%2A&_searchmode=raw"),
    (b"_search=f%C3%B6rs%C3%A4lj&_sort=id", b"_search=%22f%C3%B6rs%C3%A4lj%22%2A&_sort=id&_searchmode=raw"),
    (b"_search=%22del+av%22+OR+skola", b"_search=%22del+av%22+OR+%22skola%22%2A&_searchmode=raw"),
    (b"_search=fastighet&_searchmode=escaped", b"_search=%22fastighet%22%2A&_searchmode=raw"),
    # the query the search box shows is sent again as it is
    (b"_search=%22fastighet%22%2A&_searchmode=raw", b"_search=%22fastighet%22%2A&_searchmode=raw"),
    # nothing to search, or a term the CLI refuses: left to Datasette
    (b"_search=&_sort=id", b"_search=&_sort=id"),
    (b"_search=AND", b"_search=AND"),
    (b"_sort=id&_facet=kind", b"_sort=id&_facet=kind"),
])
def test_the_search_term_becomes_a_prefix_query(query: bytes, rewritten: bytes) -> None:
    from pipeline.web.plugin import prefix_search

    assert prefix_search(query) == rewritten


def test_search_finds_word_beginnings_like_protokoll_search(server: Server, sample_db: Path) -> None:
    from pipeline.query import read_only_engine, search

    assert numbers(server.json("/protocols/items.json?_search=fastighet&_shape=array&_col=number")) == [48]
    sections = server.json("/protocols/sections.json?_search=fastighet&_shape=array&_col=item_id&_col=kind")
    assert sorted((s["item_id"], s["kind"]) for s in sections) == [(4, "arendebeskrivning"), (4, "beslut")]
    cli = search(read_only_engine(str(sample_db)), "fastighet").hits
    assert sorted((h.number, h.section_kind) for h in cli) == [(48, "arendebeskrivning"), (48, "beslut"), (48, "title")]
    # å, ä, ö are letters of their own, as in the CLI: försälj finds Försäljning, forsalj nothing
    assert numbers(server.json("/protocols/items.json?_search=f%C3%B6rs%C3%A4lj&_shape=array&_col=number")) == [48]
    assert server.json("/protocols/items.json?_search=forsalj&_shape=array&_col=number") == []
    # the search box shows the query that ran; sending it again finds the same
    page = server.html("/protocols/items?_search=fastighet")
    assert 'name="_search" value="&#34;fastighet&#34;*"' in page
    assert numbers(server.json("/protocols/items.json?_search=%22fastighet%22*&_searchmode=raw&_shape=array&_col=number")) == [48]
    # a phrase stays a phrase
    assert numbers(server.json("/protocols/items.json?_search=%22del+av+fastigheten%22&_shape=array&_col=number")) == [48]
    assert server.json("/protocols/items.json?_search=%22av+del+fastigheten%22&_shape=array&_col=number") == []


def test_the_database_page_describes_every_table(server: Server) -> None:
    page = server.html("/protocols")
    assert '<tr><td><a href="/protocols/meetings">meetings</a></td><td>one per document</td></tr>' in page
    assert ('<tr><td><a href="/protocols/decisions">decisions</a></td>'
            "<td>every beslut section with its meeting and item</td></tr>") in page  # no backticks
    assert "`" not in page.split("<table>", 1)[1].split("</table>", 1)[0]
    assert '<a href="/protocols/who_declared_jav_on_which_item_and_why"' in page  # a canned query


def test_rows_show_labels_and_link_to_their_page(server: Server) -> None:
    attendees = server.html("/protocols/attendees?meeting_id=1")
    assert '<a href="/protocols/meetings/1">Kommunstyrelsen 2024-03-12</a>&nbsp;<em>1</em>' in attendees
    sections = server.html("/protocols/sections?item_id=4")
    assert f'<a href="/protocols/items/4">§ 48 {SALE}</a>&nbsp;<em>4</em>' in sections
    items = server.html("/protocols/items")
    assert '<a class="protokoll-page" href="/-/page/protocols/items/4?page=3#hit" title="the page with its box">p. 3</a>' in items
    meetings = server.html("/protocols/meetings")
    assert '<a href="/protocols/documents/1">bjorkvik-kommunstyrelsen-2024-03-12.pdf</a>&nbsp;<em>1</em>' in meetings
    # a view has no row of its own: its page links to the page of its item, without a box
    amounts = server.html("/protocols/amounts")
    assert re.search(r'href="/-/page/protocols/items/\d+\?page=\d+&amp;box=none#hit"', amounts)


def test_the_page_view_draws_the_rows_box_on_the_rendered_page(server: Server, sample_db: Path) -> None:
    import pypdfium2 as pdfium
    from PIL import Image

    page = server.html("/-/page/protocols/items/4?page=3")
    x0, y0, x1, y1 = SALE_BOX
    assert (f'<div id="hit" class="box hit" data-table="items" data-row="4" data-box="{x0},{y0},{x1},{y1}" '
            f'title="§ 48 {SALE}" style="left:{x0 * SCALE:.1f}px;top:{y0 * SCALE:.1f}px;'
            f'width:{(x1 - x0) * SCALE:.1f}px;height:{(y1 - y0) * SCALE:.1f}px"></div>') in page
    assert '<a href="/-/review/protocols/1#page-3">the review report of the document, at this page</a>' in page
    status, kind, png = server.get("/-/page-image/protocols/1/3.png")
    assert (status, kind, png[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
    with sqlite3.connect(sample_db) as conn:
        pdf = conn.execute("SELECT path FROM documents WHERE id = 1").fetchone()[0]
    expected = pdfium.PdfDocument(pdf)[2].render(scale=SCALE).to_pil().size
    assert Image.open(io.BytesIO(png)).size == expected
    assert f'width="{expected[0]}" height="{expected[1]}" alt="page 3"' in page
    # page 5 holds no box of the heading: the page is shown with a note
    assert "this row has no box on this page" in server.html("/-/page/protocols/items/4?page=5")
    assert server.get("/-/page/protocols/items/999")[0] == 404
    assert server.get("/-/page/protocols/runs/1")[0] == 404  # a table without pages


def test_the_review_report_is_served_with_its_images(server: Server) -> None:
    report = server.html("/-/review/protocols/1")
    assert '<div class="sheet" id="page-3"' in report
    images = re.findall(r'<img src="([^"]+)"', report)
    assert images[0] == "1-bjorkvik-kommunstyrelsen-2024-03-12.files/page-1.png"
    status, kind, body = server.get("/-/review/protocols/" + images[2])
    assert (status, kind, body[:4]) == (200, "image/png", b"\x89PNG")
    assert server.get("/-/review/protocols/..files/page-1.png")[0] == 404
    assert server.get("/-/review/protocols/99")[0] == 404


def test_canned_queries_run_in_the_served_database(server: Server) -> None:
    rows = server.json("/protocols/meetings_and_how_many_items_each_has.json?_shape=array")
    assert [(r["organisation"], r["meeting_date"], r["items"]) for r in rows] == [
        ("Region Västerbotten", "2023-05-12", 1), ("Björkviks kommun", "2024-03-12", 5)]
    jav = server.json("/protocols/who_declared_jav_on_which_item_and_why.json?_shape=array")
    assert [(r["number"], r["person"], r["page"]) for r in jav] == [(49, "Peter Wallin", 5)]


def test_any_file_name_is_served_with_the_metadata_and_left_unchanged(sample_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "arkiv 2024.db"
    backup(sample_db, db)
    before, files = sha256(db), sorted(folder.iterdir())
    running = start(db, tmp_path / "cache")
    try:
        described = running.json("/-/metadata.json")
        assert list(described["databases"]) == ["arkiv 2024"]
        assert running.json("/arkiv+2024/items.json?_search=fastighet&_shape=array&_col=number") == [
            {"id": 4, "number": 48}]
        items = running.html("/arkiv+2024/items")
        assert "one per paragraph (§)" in items  # the table's description from docs/schema.md
        assert '<a href="/arkiv+2024/items">items</a></td><td>one per paragraph (§)</td>' in running.html("/arkiv+2024")
        assert 'href="/-/page/arkiv+2024/items/4?page=3#hit"' in items
        assert f"§ 48 {SALE}" in running.html("/-/page/arkiv+2024/items/4?page=3")
        assert '<div class="sheet" id="page-3"' in running.html("/-/review/arkiv+2024/1")
    finally:
        code = running.stop(signal.SIGTERM)
    assert code == 143
    assert sha256(db) == before
    assert sorted(folder.iterdir()) == files  # no -wal, -shm or journal left beside it


def test_a_database_with_a_write_ahead_log_is_read_live_and_not_changed(sample_db: Path, tmp_path: Path) -> None:
    """An ingest still writing keeps recent rows in ``-wal``, which immutable mode would not see."""
    db = tmp_path / "protocols.db"
    backup(sample_db, db)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the change stays in the log, as during an ingest
    writer.execute("UPDATE meetings SET place = 'Stadshuset' WHERE id = 1")
    main_file = sha256(db)
    running = start(db, tmp_path / "cache")
    try:
        assert running.stderr[0].startswith(f"protokoll: serving {db} read-only at ")
        assert ", read live: it has a write-ahead log; Ctrl-C stops)" in running.stderr[0]
        assert running.json("/protocols/meetings.json?_shape=array&_col=place&id=1") == [{"id": 1, "place": "Stadshuset"}]
    finally:
        assert running.stop() == 130
        assert sha256(db) == main_file
        writer.close()


def test_ctrl_c_stops_the_server_with_130(sample_db: Path, tmp_path: Path) -> None:
    running = start(sample_db, tmp_path)
    assert running.stop(signal.SIGINT) == 130


def run_serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(protokoll("serve", *args), capture_output=True, text=True, timeout=120)


def test_postgresql_is_refused_with_the_way_to_sqlite() -> None:
    result = run_serve("--db", "postgresql+psycopg://user:secret@localhost/protocols")
    assert result.returncode == 3
    assert result.stderr == (
        "protokoll: cannot serve postgresql+psycopg://user:***@localhost/protocols: Datasette reads SQLite files only; "
        "import the protocols into an SQLite file as well (protokoll ingest --db data/processed/protocols.db DIR) "
        "and serve that\n"
    )


def test_a_missing_database_is_exit_3_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = run_serve("--db", str(missing))
    assert (result.returncode, result.stderr) == (3, f"protokoll: no database at {missing}; run 'protokoll ingest' first\n")
    assert not missing.exists()


def test_a_port_in_use_is_exit_3(sample_db: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_serve("--db", str(sample_db), "--port", str(port))
    assert result.returncode == 3
    assert result.stderr == (
        f"protokoll: cannot listen on 127.0.0.1:{port}: Address already in use (choose another --port or --host)\n"
    )


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHROMIUM or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--force-device-scale-factor=1", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium; .ci/run does)")
def test_chromium_goes_from_a_search_hit_to_its_box_in_two_clicks(server: Server, tmp_path: Path) -> None:
    from PIL import Image

    # click 0: the search; the hit's row carries the link to its page
    results = chromium("--dump-dom", f"{server.base}/protocols/items?_search=fastighet")
    assert results.returncode == 0, results.stderr
    links = re.findall(r'<a class="protokoll-page" href="([^"]+)"', results.stdout)
    assert links[0] == "/-/page/protocols/items/4?page=3#hit"
    # click 1: the page, with the heading's box where the PDF has it
    target = server.base + links[0].replace("&amp;", "&")
    dom = chromium("--dump-dom", target)
    assert dom.returncode == 0, dom.stderr
    boxes = re.findall(r'<div id="hit" class="box hit"[^>]*data-box="([^"]+)"', dom.stdout)
    assert boxes == [",".join(str(v) for v in SALE_BOX)]
    shots = {}
    for name, url in (("search", f"{server.base}/protocols/items?_search=fastighet"), ("page", target)):
        shots[name] = tmp_path / f"{name}.png"
        taken = chromium("--window-size=1000,1400", f"--screenshot={shots[name]}", url.split("#")[0])
        assert taken.returncode == 0 and shots[name].is_file(), taken.stderr
    image = Image.open(shots["page"]).convert("RGB")
    # the sheet starts 16 px into the body, below the header; the box border is #e6194b, 3 px wide
    header = re.search(r"<header>.*?</header>", dom.stdout, re.S)
    assert header is not None
    column = [image.getpixel((16 + 2, y))[:3] for y in range(image.height)]
    grey = column.index((0xEE, 0xEE, 0xEE))  # below the white header, the body's margin
    top = column.index((255, 255, 255), grey)  # the sheet's first row
    x = round(16 + SALE_BOX[0] * SCALE) + 1
    y = round(top + (SALE_BOX[1] + SALE_BOX[3]) / 2 * SCALE)
    r, g, b = image.getpixel((x, y))[:3]
    assert r > 150 and g < 110 and b < 140 and r - g > 100, (x, y, (r, g, b))


def test_a_cache_folder_that_cannot_be_written_is_exit_3(sample_db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_serve("--db", str(sample_db), "--reports", str(blocker / "cache"))
    assert result.returncode == 3
    assert result.stderr == (
        f"protokoll: cannot write the cache folder {blocker / 'cache'}: Not a directory (choose a writable --reports folder)\n"
    )


def test_without_datasette_serve_is_exit_3_with_the_install_line(sample_db: Path) -> None:
    # the real command in a real process, with the datasette package made unimportable
    hide = "import sys; sys.modules['datasette'] = None; from pipeline.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", hide, "serve", "--db", str(sample_db), "--port", "0"],
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (3, (
        "protokoll: datasette is not installed: protokoll serve needs the serve extra; "
        "install it with: pip install 'protokoll[serve]' (make serve does)\n"))
