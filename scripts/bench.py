"""Benchmark: protokoll next to its peers in one run, pages per second, peak memory, unchanged re-run.

Usage::

    python scripts/bench.py [--docs 50] [--repeat 1] [--out docs/performance.md]

Generates the fixed synthetic corpus of ``make_corpus.py`` (seed 1, 16 items
of 6 paragraphs: about 19 dense full-width pages a protocol), adds the real
protocols of ``../shared/corpus/pdf`` when they are there, and measures, in
the same run so that the load of the machine hits all of them alike:

* the peers, each in its own process with its peak RSS: PDFium's raw text
  (``get_text_range`` per page: the limit), a ``pdfplumber`` ``extract_text()``
  loop (what a user writes by hand), ``protokoll ingest --jobs 1`` and
  ``--jobs 2`` (trained model when ``models/sv_protokoll`` exists, stage files
  on), and ``--jobs 2 --no-stage-files``; pages without a text layer are left
  out of the page count; ``--repeat`` runs every peer that often, interleaved,
  and reports the median;
* each stage in this process, in CPU seconds (``time.process_time``: on a shared machine wall
  time mostly measures the others): extract with both backends, segment, tag (rules only, and
  the trained model with its share: tokenizer, tok2vec, ner, rules), and load (the single
  writer, one SQLite transaction per document);
* start-up: CPU seconds of importing the CLI, of a worker's imports, and of loading the model;
* the peak RSS of ``protokoll ingest --jobs 1`` on a ~500-page protocol, and of
  extracting it;
* the unchanged re-run of 10,000 small generated files: ingested once, then
  ingested again (nothing changed, every file skipped by path, size and mtime).

Writes a Markdown report to ``--out`` and prints it; the hand-written notes of the old report
(from "## Where the time goes" on) are kept. Not a test: figures depend on the machine and on
what else runs on it (the load average is reported).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_corpus import protocol_text, write_corpus  # noqa: E402
from make_samples import small_protocol, write_pdf  # noqa: E402

from pipeline import db, load  # noqa: E402
from pipeline.decide import decide  # noqa: E402
from pipeline.extract import EXTRACTORS, ExtractOptions, extract  # noqa: E402
from pipeline.segment import segment  # noqa: E402
from pipeline.tag import RULES, build_nlp, tag  # noqa: E402

ITEMS, PARAGRAPHS, SEED = 16, 6, 1
LONG_ITEMS = 420  # items of the long PDF: about 500 pages
MODEL = ROOT / "models" / "sv_protokoll"
REAL = Path(os.environ.get("PROTOKOLL_SHARED", ROOT.parent / "shared")) / "corpus" / "pdf"
MANY = 10_000  # files of the unchanged re-run
GOAL = 100.0  # pages/s of ingest --jobs 2 (issue 15)
MIN_TEXT = 10  # characters: a page with fewer has no text layer (scanned) and is not counted

SCANNED_PAGES = 2  # the first protocol of the corpus ends with this many scanned pages (``add_scanned``)

# Runs a command and prints the peak RSS (KiB) of the largest process it started, workers included.
# ingest's workers are children of its forkserver, which outlives the command by a moment: as a
# child subreaper this process inherits the server when the command ends, and waits for it, so that
# the workers' peak is counted too.
RSS_WRAPPER = (
    "import ctypes, os, resource, subprocess, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "while True:\n"
    "    try:\n"
    "        os.wait()\n"
    "    except ChildProcessError:\n"
    "        break\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)
# The high-water mark of this process's own memory (VmHWM): ru_maxrss would also count what the
# parent had before exec (Linux keeps it across exec), and the parent here holds a spaCy model.
PEAK = (
    "def peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            return int(line.split()[1])\n"
    "    import resource\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
)
EXTRACT_ONE = PEAK + (
    "import sys\n"
    "from pipeline.extract import ExtractOptions, extract\n"
    "doc = extract(sys.argv[1], options=ExtractOptions(extractor=sys.argv[2], ocr=False))\n"
    "print(peak(), doc.page_count)\n"
)
BASELINE = PEAK + "import pipeline.extract, pipeline.pdfium_backend, pdfplumber, pypdfium2\nprint(peak())\n"
# The peers that only read text, each timed inside its own process (imports excluded): the seconds
# and the peak RSS. Every page's text is kept in a list, as a program using it would.
PDFIUM_RAW = PEAK + (
    "import sys, time, pypdfium2\n"
    "start = time.perf_counter(); texts = []\n"
    "for path in sys.argv[1:]:\n"
    "    pdf = pypdfium2.PdfDocument(path)\n"
    "    for page in pdf:\n"
    "        tp = page.get_textpage(); texts.append(tp.get_text_range()); tp.close(); page.close()\n"
    "    pdf.close()\n"
    "print(time.perf_counter() - start, peak())\n"
)
PLUMBER_LOOP = PEAK + (
    "import sys, time, pdfplumber\n"
    "start = time.perf_counter(); texts = []\n"
    "for path in sys.argv[1:]:\n"
    "    with pdfplumber.open(path) as pdf:\n"
    "        for page in pdf.pages:\n"
    "            texts.append(page.extract_text()); page.close()\n"
    "print(time.perf_counter() - start, peak())\n"
)


def cpu_timed(func: Any) -> tuple[Any, float]:
    """``func()`` and the CPU seconds it took in this process."""
    start = time.process_time()
    result = func()
    return result, time.process_time() - start


# CPU seconds of a fresh process doing ``argv[1]`` (imports included), printed by itself.
STARTUP = (
    "import resource, sys\n"
    "exec(sys.argv[1])\n"
    "r = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print(r.ru_utime + r.ru_stime)\n"
)
STARTUP_STEPS = [
    ("Python alone", "pass"),
    ("`import pipeline.cli` (what every `protokoll` command loads)", "import pipeline.cli"),
    ("a worker's imports (`pipeline.forkserver`: what the server preloads once per run)",
     "import pipeline.forkserver"),
    ("a worker's imports and the trained model (`build_nlp`; a forked worker pays only the model)",
     "import pipeline.forkserver\nfrom pipeline.tag import build_nlp\nbuild_nlp(sys.argv[2])"),
]


def startup(repeat: int, log: Any) -> list[tuple[str, float]]:
    """Median CPU seconds of each start-up step in a fresh process (``STARTUP_STEPS``)."""
    rows = []
    for label, code in STARTUP_STEPS:
        if "build_nlp" in code and not MODEL.is_dir():
            continue
        secs = statistics.median(
            float(subprocess.run([sys.executable, "-c", STARTUP, code, str(MODEL)], capture_output=True, text=True,
                                 cwd=ROOT, check=True).stdout)
            for _ in range(repeat)
        )
        rows.append((label, secs))
        log(f"start-up: {label}: {secs:.2f} CPU-s")
    return rows


def timed(func: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def text_pages(files: list[Path]) -> tuple[int, list[str]]:
    """(pages with a text layer, the pages without one as "file p. N") of ``files``, by PDFium's raw text."""
    import pypdfium2

    with_text = 0
    without: list[str] = []
    for path in files:
        pdf = pypdfium2.PdfDocument(path)
        for number, page in enumerate(pdf, start=1):
            tp = page.get_textpage()
            if len(tp.get_text_range().strip()) >= MIN_TEXT:
                with_text += 1
            else:
                without.append(f"{path.name} p. {number}")
            tp.close()
            page.close()
        pdf.close()
    return with_text, without


def add_scanned(path: Path, pages: int = SCANNED_PAGES, dpi: int = 100) -> None:
    """Add the first ``pages`` pages of ``path`` at its end again, as images without a text layer.

    What a scanned page (the signed justering page) is to ingest: ``--no-ocr`` records it without
    text (the document is imported from its other pages), and the bench leaves it out of the pages it
    counts, since nothing is read from it. Rendered at ``dpi`` by PDFium, written by Pillow.
    """
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    images = [pdf[k].render(scale=dpi / 72).to_pil().convert("L") for k in range(pages)]
    scan, out = path.with_suffix(".images.pdf"), path.with_suffix(".new.pdf")
    images[0].save(scan, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    scanned = pypdfium2.PdfDocument(scan)
    pdf.import_pages(scanned)
    pdf.save(out)
    scanned.close()
    pdf.close()
    scan.unlink()
    out.replace(path)


def stage_rates(files: list[Path], work: Path, log: Any) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Pages per CPU second of each stage, in this process; and the trained model's tag time by component (share)."""
    rows: list[tuple[str, float]] = []
    docs: dict[str, list[Any]] = {}
    pages = 0
    extract(files[0], options=ExtractOptions(extractor="pdfium", ocr=False))  # loads the lexicon once
    for extractor in EXTRACTORS:
        out, secs = cpu_timed(lambda e=extractor: [extract(f, options=ExtractOptions(extractor=e, ocr=False))
                                                    for f in files])
        docs[extractor] = out
        pages = sum(d.page_count for d in out)
        rows.append((f"extract ({extractor})", pages / secs))
        log(f"extract {extractor}: {pages / secs:.1f} pages/CPU-s")
    protocols, secs = cpu_timed(lambda: [segment(d) for d in docs["pdfium"]])
    rows.append(("segment", pages / secs))
    log(f"segment: {pages / secs:.1f} pages/CPU-s")
    models = [("rules only", "blank")] + ([("trained model", str(MODEL))] if MODEL.is_dir() else [])
    split: list[tuple[str, float]] = []
    for label, model in models:
        nlp = build_nlp(model)
        list(tag([decide(segment(docs["pdfium"][0]))], nlp))  # warm up
        fresh = [decide(segment(d)) for d in docs["pdfium"]]  # as ingest has them: segmented and decided
        texts = [p.meeting.cover_text for p in fresh] + [s.text for p in fresh for i in p.items for s in i.sections]
        tokens = sum(len(nlp.make_doc(t)) for t in texts)
        protocols, secs = cpu_timed(lambda nlp=nlp, fresh=fresh: list(tag(fresh, nlp)))
        rows.append((f"tag ({label}; {tokens / secs:,.0f} tokens/CPU-s)", pages / secs))
        log(f"tag {label}: {pages / secs:.1f} pages/CPU-s, {tokens / secs:,.0f} tokens/CPU-s")
        if model != "blank":
            split = tag_split(nlp, fresh, secs)
    saved, secs = cpu_timed(lambda: load_all(work, protocols))
    rows.append((f"load (SQLite, {saved} documents, one transaction each)", pages / secs))
    log(f"load: {pages / secs:.1f} pages/CPU-s")
    return rows, split


def tag_split(nlp: Any, protocols: list[Any], whole: float) -> list[tuple[str, float]]:
    """Shares of the tag stage's CPU time: the protocols' texts (with their meeting dates, as the rules
    get them) through the pipeline cut after each component; what is left of ``whole`` is protokoll's
    own Python (reading the entities, linking the people)."""

    def docs() -> Any:
        for p in protocols:
            for text in [p.meeting.cover_text] + [s.text for i in p.items for s in i.sections]:
                doc = nlp.make_doc(text)
                doc._.anchor = p.meeting.meeting_date
                yield doc

    cuts = [("tokenizer", [p for p in nlp.pipe_names]), ("tok2vec", [p for p in nlp.pipe_names if p != "tok2vec"]),
            ("ner", [RULES]), (f"{RULES} (the rules)", [])]
    shares: list[tuple[str, float]] = []
    before = 0.0
    for label, disabled in cuts:
        with nlp.select_pipes(disable=disabled):
            _, secs = cpu_timed(lambda: [len(d.ents) for d in nlp.pipe(docs(), batch_size=16)])
        shares.append((label, max(secs - before, 0.0) / whole))
        before = secs
    shares.append(("protokoll's Python around it", max(whole - before, 0.0) / whole))
    return shares


def load_all(work: Path, protocols: list[Any]) -> int:
    """Write ``protocols`` into a new SQLite database as ingest's writer does; returns how many."""
    path = work / "load.db"
    path.unlink(missing_ok=True)
    engine = db.make_engine(str(path))
    db.migrate(engine)
    try:
        for protocol in protocols:
            load.save(engine, protocol)
    finally:
        engine.dispose()
    return len(protocols)


def ingest_cmd(work: Path, name: str, jobs: int, extra: list[str], inputs: list[str]) -> list[str]:
    model = str(MODEL) if MODEL.is_dir() else "blank"
    return [sys.executable, "-m", "pipeline", "--quiet", "--processed", str(work / f"p-{name}"),
            "ingest", "--no-ocr", "--jobs", str(jobs), "--model", model, *extra,
            "--db", str(work / f"{name}.db"), *inputs]


def run_with_rss(cmd: list[str]) -> tuple[float, int]:
    """(seconds, peak RSS KiB of the largest process) of a command that must exit 0."""
    out, secs = timed(lambda: subprocess.run([sys.executable, "-c", RSS_WRAPPER, *cmd], capture_output=True,
                                             text=True, cwd=ROOT, check=True))
    rss, code = (int(x) for x in out.stdout.split())
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}")
    return secs, rss


def peers(corpus: Path, files: list[Path], work: Path, repeat: int, log: Any) -> list[tuple[str, float, int]]:
    """Seconds (median of ``repeat`` interleaved runs) and peak RSS (KiB) of each peer over the corpus."""
    names = [str(f) for f in files]
    runs: list[tuple[str, Any]] = [
        ("PDFium raw text (`get_text_range`), 1 process", lambda: _inner(PDFIUM_RAW, names)),
        ("`pdfplumber` `extract_text()` loop, 1 process", lambda: _inner(PLUMBER_LOOP, names)),
    ]
    for jobs, extra in ((1, []), (2, []), (2, ["--no-stage-files"])):
        label = f"`protokoll ingest --jobs {jobs}{' ' + ' '.join(extra) if extra else ''}`"
        runs.append((label, lambda jobs=jobs, extra=extra, label=label: _fresh_ingest(work, jobs, extra, corpus)))
    times: dict[str, list[float]] = {label: [] for label, _ in runs}
    rss: dict[str, int] = {}
    for k in range(repeat):
        for label, run in runs:
            secs, peak = run()
            times[label].append(secs)
            rss[label] = max(rss.get(label, 0), peak)
            log(f"run {k + 1}: {label}: {secs:.1f} s, peak RSS {peak / 1024:.0f} MiB")
    return [(label, statistics.median(times[label]), rss[label]) for label, _ in runs]


def _inner(script: str, names: list[str]) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, cwd=ROOT,
                         check=True).stdout.split()
    return float(out[0]), int(out[1])


def _fresh_ingest(work: Path, jobs: int, extra: list[str], corpus: Path) -> tuple[float, int]:
    name = f"peer-{jobs}-{len(extra)}"
    (work / f"{name}.db").unlink(missing_ok=True)
    shutil.rmtree(work / f"p-{name}", ignore_errors=True)
    return run_with_rss(ingest_cmd(work, name, jobs, extra, [str(corpus)]))


def long_pdf(path: Path, items: int) -> int:
    """A protocol of ``items`` items (about 1.2 pages each) written to ``path``; returns its page count."""
    rng = random.Random(SEED)
    pages = small_protocol(protocol_text(rng, 1, items, PARAGRAPHS), "Kommunstyrelsen", "2024-03-12")
    return write_pdf(path, pages, "Lång protokoll", "protokoll scripts/bench.py")


def memory(work: Path, short: Path, log: Any) -> tuple[list[tuple[str, int, int]], tuple[int, float, int]]:
    """Peak RSS (KiB) of extracting a short and a ~500-page PDF in a fresh process, per backend,
    and (pages, seconds, peak RSS KiB) of ``ingest --jobs 1`` of the long one, stage files on."""
    long = work / "long.pdf"
    count = long_pdf(long, LONG_ITEMS)
    base = int(subprocess.run([sys.executable, "-c", BASELINE], capture_output=True, text=True, cwd=ROOT,
                              check=True).stdout)
    rows = [("(imports only)", 0, base)]
    for extractor in EXTRACTORS:
        for pdf in (short, long):
            out = subprocess.run([sys.executable, "-c", EXTRACT_ONE, str(pdf), extractor],
                                 capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
            rss, pages = int(out[0]), int(out[1])
            rows.append((extractor, pages, rss))
            log(f"extract {extractor} {pages} pages: peak RSS {rss / 1024:.0f} MiB")
    secs, rss = run_with_rss(ingest_cmd(work, "long", 1, [], [str(long)]))
    log(f"ingest --jobs 1 of {count} pages: {secs:.1f} s, peak RSS {rss / 1024:.0f} MiB")
    return rows, (count, secs, rss)


def rerun(work: Path, files: int, repeat: int, log: Any) -> tuple[float, list[float]]:
    """Seconds of ingesting ``files`` small PDFs once, and of each unchanged re-run (whole command)."""
    seed = (ROOT / "tests" / "fixtures" / "minimal-protocol.pdf").read_bytes()
    folder = work / "many"
    for k in range(files):  # one page each; a trailing comment makes every file a different document
        sub = folder / f"{k // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"p{k:05d}.pdf").write_bytes(seed + b"\n%% copy %d\n" % k)
    cmd = ingest_cmd(work, "many", 2, ["--no-stage-files"], [str(folder)])
    cmd[cmd.index("--model") + 1] = "blank"  # what is measured is the skip, not the first import
    first = timed(lambda: subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True))[1]
    log(f"first ingest of {files} files: {first:.1f} s")
    again = []
    for _ in range(repeat):
        out, secs = timed(lambda: subprocess.run([*cmd[:3], *cmd[4:]], cwd=ROOT, capture_output=True, text=True))
        if out.returncode != 0 or f"{files} unchanged" not in out.stderr:
            raise SystemExit(f"the re-run did not find {files} unchanged files: {out.stderr.strip()[-300:]}")
        again.append(secs)
        log(f"unchanged re-run of {files} files: {secs:.2f} s")
    return first, again


def versions() -> str:
    import pdfplumber
    import pypdfium2

    info = pypdfium2.version
    return (f"Python {platform.python_version()}, pdfplumber {pdfplumber.__version__}, "
            f"pypdfium2 {info.PYPDFIUM_INFO} (PDFium {info.PDFIUM_INFO})")


def report(args: argparse.Namespace, corpus: tuple[int, int, int, list[str]], stages: tuple[list[tuple[str, float]], list[tuple[str, float]]],
           peer_rows: list[tuple[str, float, int]], mem: list[tuple[str, int, int]], long_run: tuple[int, float, int],
           many: tuple[int, float, list[float]], load: tuple[float, float], seconds: float,
           starts: list[tuple[str, float]], notes: list[str]) -> str:
    docs, real, pages, scanned = corpus  # scanned: the pages without a text layer
    cores = os.cpu_count() or 1
    lines = [
        "# Performance",
        "",
        f"Measured by `python scripts/bench.py --docs {args.docs} --repeat {args.repeat}` (`make bench`) on "
        f"{dt.date.today().isoformat()}: {cores} cores ({platform.machine()}), {versions()}. "
        f"The run took {seconds:.0f} s.",
        "",
        f"Corpus: {docs} protocols of `scripts/make_corpus.py` (seed {SEED}, {ITEMS} items x {PARAGRAPHS} paragraphs, "
        "dense full-width text in the layout of `make_samples.py`)"
        + (f" and the {real} real protocols of `../shared/corpus/pdf`" if real else "")
        + f": {pages} pages with a text layer"
        + (f", and {len(scanned)} without one ({', '.join(scanned)}: images of pages, as a scan gives them; "
           "ingest runs with `--no-ocr` and records them without text, so they are processed but not counted "
           "in pages/s)" if scanned else "") + ".",
        "",
    ]
    busy = load[0] > 0.5 * cores  # the load before the run: the bench itself adds about one
    lines.append(
        f"Load average {load[0]:.2f} before and {load[1]:.2f} after the run"
        + (f" on {cores} cores: **other processes were using the CPU**, so these figures are low and the "
           "ratios (measured side by side) say more than the rates; re-run on an idle machine for clean "
           "numbers." if busy else " (an otherwise idle machine).")
    )
    lines += ["", "## The peers, side by side (same corpus, same run)", "",
              f"Tagging with {'the trained model `models/sv_protokoll`' if MODEL.is_dir() else 'rules only'}; "
              f"stage files on unless said. Goal (issue 15): `ingest --jobs 2` at least {GOAL:.0f} pages/s and "
              "4x the pdfplumber loop.", ""]
    rates = {label: pages / secs for label, secs, _ in peer_rows}
    labels = list(rates)
    lines.append("| | pages/s | " + " | ".join(f"vs. {k + 1}" for k in range(len(labels))) + " | peak RSS |")
    lines.append("| --- | ---: | " + " | ".join("---:" for _ in labels) + " | ---: |")
    for k, (label, _secs, rss) in enumerate(peer_rows):
        ratios = " | ".join(f"{rates[label] / rates[other]:.2f}x" for other in labels)
        lines.append(f"| {k + 1}. {label} | {rates[label]:.1f} | {ratios} | {rss / 1024:.0f} MiB |")
    lines += ["", "Peak RSS is that of the largest process of the run (a worker, or the writer).", ""]
    count, secs, rss = long_run
    files, first, again = many
    lines += ["## Large inputs", "",
              f"* `protokoll ingest --jobs 1` of one {count}-page protocol (stage files on): {secs:.0f} s, "
              f"peak RSS {rss / 1024:.0f} MiB (target: 300 MiB per process).",
              f"* {files:,} small files (one page each), `ingest --jobs 2 --model blank --no-stage-files`: "
              f"first run {first:.0f} s; unchanged re-run (the whole command, start-up included): "
              + ", ".join(f"{s:.2f} s" for s in again) + " (target: 5 s).", ""]
    stage_rows, split = stages
    plumber = dict(stage_rows)["extract (pdfplumber)"]
    lines += ["## Stages (CPU seconds, in process)", "",
              "Pages per CPU second (`time.process_time()`), so that the other processes of a busy machine count less.",
              "", "| stage | pages/CPU-s | vs. extract (pdfplumber) |", "| --- | ---: | ---: |"]
    for name, rate in stage_rows:
        lines.append(f"| {name} | {rate:.1f} | {rate / plumber:.1f}x |")
    if split:
        lines += ["", "Where the trained model's tag time goes (the same texts, the pipeline cut after each component):",
                  "", "| part | share of the tag stage |", "| --- | ---: |"]
        lines += [f"| {label} | {share:.0%} |" for label, share in split]
    lines += ["", "## Start-up (CPU seconds of a fresh process, median of 3)", "", "| | CPU-s |", "| --- | ---: |"]
    lines += [f"| {label} | {secs:.2f} |" for label, secs in starts]
    lines += ["", "## Memory of extraction (a fresh process per PDF)", "",
              "| extractor | pages | peak RSS |", "| --- | ---: | ---: |"]
    for extractor, pages_, peak in mem:
        lines.append(f"| {extractor} | {pages_ or ''} | {peak / 1024:.0f} MiB |")
    lines += ["", "Pages are read and closed one at a time, so the PDF's page objects do not pile up; what grows "
              "with the page count is the `ExtractedDocument` itself, which keeps the text and every word with "
              "its box (`Page.words`), roughly 0.1 MiB a page.", ""]
    lines += notes
    return "\n".join(lines)


def kept_notes(path: Path) -> list[str]:
    """The hand-written part of the report at ``path`` (from "## Where the time goes" on), or ``NOTES`` without one.

    Those notes (the method, what was tried, before/after figures) are edited in docs/performance.md
    itself; a run of the bench replaces the measured tables above them and keeps them.
    """
    old = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    marker = "## Where the time goes"
    return old[old.index(marker):] + [""] if marker in old else NOTES


# Without an old report to take them from: the notes are written by hand in docs/performance.md, one copy.
NOTES = ["## Where the time goes", "", "(Written by hand: see docs/performance.md.)", ""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=50, help="protocols in the synthetic corpus (~19 pages each)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each peer (interleaved); the median is reported")
    ap.add_argument("--many", type=int, default=MANY, help="files of the unchanged re-run")
    ap.add_argument("--no-real", action="store_true", help="leave out the real protocols of ../shared")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    before = os.getloadavg()[0]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="protokoll-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        write_corpus(corpus, args.docs, ITEMS, PARAGRAPHS, 0, SEED)
        real = [] if args.no_real or not REAL.is_dir() else sorted(REAL.glob("*.pdf"))
        for path in real:
            shutil.copy(path, corpus / path.name)
        add_scanned(corpus / "protokoll-0000.pdf")
        files = sorted(corpus.glob("*.pdf"))
        pages, scanned = text_pages(files)
        log(f"corpus: {len(files)} PDFs, {pages} text pages, {len(scanned)} without text: {', '.join(scanned)}")
        peer_rows = peers(corpus, files, work, args.repeat, log)
        stages = stage_rates(files, work, log)
        starts = startup(3, log)
        mem, long_run = memory(work, files[0], log)
        first, again = rerun(work, args.many, max(args.repeat, 3), log)
    text = report(args, (args.docs, len(real), pages, scanned), stages, peer_rows, mem, long_run,
                  (args.many, first, again), (before, os.getloadavg()[0]), time.perf_counter() - start, starts,
                  kept_notes(args.out))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
