"""Write the sample protocol PDFs and the bad-input test fixtures.

Usage (from the repo root)::

    python scripts/make_samples.py [--out data/raw] [--fixtures tests/fixtures]

Writes two protocols laid out like real ones (cover page, running header and
footer on every page, paragraphs that flow across page breaks) and one small
PDF per failure mode the pipeline must handle. The output is deterministic:
reportlab runs with ``invariant=1``, the only randomness (specks on the
"scanned" page) comes from a seeded generator, and the fonts are the PDF base
fonts plus Bitstream Vera, which ships inside reportlab. Running the script
twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger("make_samples")

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 62.0
RIGHT = PAGE_WIDTH - 56.0
VALUE_X = 200.0  # the value column of cover pages

REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = REPO / "scripts" / "seed" / "region-vasterbotten-run-au-2023-05-12-p76.txt"
VERA_TTF = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
RANDOM_SEED = 20230512

VASTERBOTTEN_PDF = "region-vasterbotten-run-au-2023-05-12.pdf"
BJORKVIK_PDF = "bjorkvik-kommunstyrelsen-2024-03-12.pdf"

# Word draws list bullets with the Symbol font, whose bullet sits at the
# private-use code point U+F0B7, so extraction yields "\uf0b7". We get the same
# by giving Vera's bullet glyph that code point.
PUA_BULLET = "\uf0b7"
BULLET_FONT = "ProtokollBullet"
BULLETS = (PUA_BULLET, "•")

SKR_URL = (
    "https://skr.se/skr/tjanster/rapporterochskrifter/publikationer/"
    "finansieringavregionaltutvecklingsarbete.64841.html"
)

ITEM_START = re.compile(r"(§ \d+|\d+ §) (.+)")
POINT = re.compile(r"(\d+\.) (.+)")
# Sections whose paragraphs are lists of names or documents, one per line.
LINE_SECTIONS = ("Expedieras till", "Beslutsunderlag")


# --------------------------------------------------------------------------
# Layout primitives
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """Font and vertical spacing of a block."""

    font: str
    size: float
    leading: float
    space_before: float = 0.0
    keep_with_next: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph to flow onto pages.

    ``text`` is word-wrapped to the frame; a ``\\n`` in it is a hard line break.
    ``marker`` (a bullet, a point number, "45 §") is drawn in the hanging indent
    of the first line; with ``tabs``, each line holds tab-separated cells.
    """

    text: str
    style: Style
    indent: float = 0.0
    marker: str = ""
    marker_font: str = ""
    tabs: tuple[float, ...] = ()


@dataclass(frozen=True)
class Run:
    """A string drawn at a fixed position."""

    x: float
    y: float
    text: str
    font: str
    size: float
    align: str = "left"


@dataclass
class Page:
    """What is drawn on one page: text runs and straight lines."""

    runs: list[Run] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)

    def text(
        self, x: float, y: float, text: str, font: str, size: float, align: str = "left"
    ) -> None:
        """Add a text run."""
        self.runs.append(Run(x, y, text, font, size, align))

    def box(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """Add the four sides of a rectangle."""
        self.lines += [(x1, y1, x2, y1), (x2, y1, x2, y2), (x2, y2, x1, y2), (x1, y2, x1, y1)]


@dataclass(frozen=True)
class Frame:
    """The body area of a page; ``top`` and ``bottom`` bound the baselines."""

    left: float
    right: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True)
class Cut:
    """A block that a page break cut in two.

    ``page`` is the 1-based number, within the flow, of the page it continues on.
    """

    page: int
    last_line: str
    next_line: str

    @property
    def mid_sentence(self) -> bool:
        return not self.last_line.rstrip().endswith((".", ":", "!", "?", "”"))


def width_of(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` set in ``font`` at ``size``."""
    return float(pdfmetrics.stringWidth(text, font, size))


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; ``\\n`` forces a break, a word wider than a line is cut anywhere."""
    lines: list[str] = []
    for segment in text.split("\n"):
        current = ""
        for word in segment.split():
            candidate = f"{current} {word}" if current else word
            if width_of(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while width_of(word, font, size) > width:  # a long URL: cut it as Word does
                cut = max(k for k in range(1, len(word)) if width_of(word[:k], font, size) <= width)
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def flow(blocks: list[Block], frame: Frame) -> tuple[list[Page], list[Cut]]:
    """Lay blocks out top to bottom, starting a new page when the frame is full."""
    pages = [Page()]
    cuts: list[Cut] = []
    y = frame.top
    at_top = True
    last_line = ""

    def new_page() -> None:
        nonlocal y, at_top
        pages.append(Page())
        y = frame.top
        at_top = True

    for index, block in enumerate(blocks):
        style = block.style
        if block.tabs:
            lines = block.text.split("\n")
        else:
            lines = wrap(block.text, style.font, style.size, frame.width - block.indent)
        space = 0.0 if at_top else style.space_before
        if style.keep_with_next and index + 1 < len(blocks) and not at_top:
            after = blocks[index + 1].style
            needed = space + len(lines) * style.leading + after.space_before + 2 * after.leading
            if y - needed < frame.bottom:
                new_page()
                space = 0.0
        y -= space
        for number, line in enumerate(lines):
            if y - style.leading < frame.bottom:
                new_page()
                if number > 0:
                    cuts.append(Cut(len(pages), last_line, line))
            y -= style.leading
            page = pages[-1]
            x = frame.left + block.indent
            if number == 0 and block.marker:
                page.text(frame.left, y, block.marker, block.marker_font or style.font, style.size)
            if block.tabs:
                for cell, stop in zip(line.split("\t"), (0.0, *block.tabs), strict=False):
                    page.text(x + stop, y, cell, style.font, style.size)
            elif line:
                page.text(x, y, line, style.font, style.size)
            at_top = False
            last_line = line
    return pages, cuts


def check_cuts(cuts: list[Cut], name: str, pages_before: int) -> None:
    """Log each paragraph cut by a page break; insist that one is cut mid-sentence.

    ``pages_before`` counts the pages (the cover) in front of the flowed ones.
    """
    for cut in cuts:
        page = cut.page + pages_before
        log.info(
            "%s: the break before page %d cuts %r | %r", name, page, cut.last_line, cut.next_line
        )
    if not any(cut.mid_sentence for cut in cuts):
        raise RuntimeError(f"{name}: no paragraph is cut mid-sentence by a page break")


def write_pdf(
    path: Path,
    pages: list[Page],
    title: str,
    author: str,
    encrypt: StandardEncryption | None = None,
) -> int:
    """Draw the pages into a PDF at ``path`` and return the page count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1, encrypt=encrypt)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("protokoll scripts/make_samples.py")
    for page in pages:
        canvas.setLineWidth(0.5)
        for x1, y1, x2, y2 in page.lines:
            canvas.line(x1, y1, x2, y2)
        for run in page.runs:
            canvas.setFont(run.font, run.size)
            if run.align == "right":
                canvas.drawRightString(run.x, run.y, run.text)
            else:
                canvas.drawString(run.x, run.y, run.text)
        canvas.showPage()
    canvas.save()
    return len(pages)


def register_bullet_font() -> None:
    """Register Vera as BULLET_FONT, with its bullet glyph also at U+F0B7."""
    if BULLET_FONT in pdfmetrics.getRegisteredFontNames():
        return
    font = TTFont(BULLET_FONT, str(VERA_TTF))
    face = font.face
    face.charToGlyph[ord(PUA_BULLET)] = face.charToGlyph[ord("•")]
    face.charWidths[ord(PUA_BULLET)] = face.charWidths[ord("•")]
    pdfmetrics.registerFont(font)


# --------------------------------------------------------------------------
# Protocol text -> blocks
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The styles and vocabulary of one protocol template."""

    body: Style
    list_entry: Style  # the entries of a list after the first one
    heading: Style
    item: Style
    case: Style
    headings: tuple[str, ...]
    number_indent: float = 0.0  # > 0: "45 §" hangs in an indent this wide
    list_indent: float = 18.0
    table_tab: float = 220.0


def read_blocks(text: str, layout: Layout) -> list[Block]:
    """Turn protocol text into blocks.

    Paragraphs are separated by blank lines. A paragraph that starts with
    "§ 76 " or "45 § " is an item heading: the title, then (if there is more
    than one line) the case number on its last line. Known headings are set
    in bold. A paragraph that starts with a bullet or "1. " is a list; one
    with " | " is a table.
    Paragraphs under "Expedieras till" and "Beslutsunderlag" keep their line
    breaks; other lines are joined and re-wrapped, except that a line ending in
    a backslash is broken there.
    """
    blocks: list[Block] = []
    section = ""
    for lines in (chunk.split("\n") for chunk in text.strip().split("\n\n")):
        joined = " ".join(lines)
        if item := ITEM_START.fullmatch(lines[0]):
            blocks += _item_blocks(item, lines[1:], layout)
        elif joined in layout.headings:
            blocks.append(Block(joined, layout.heading))
            section = joined
        elif lines[0].startswith(BULLETS) or lines[0].startswith("1. "):
            blocks += _list_blocks(lines, layout)
        elif " | " in lines[0]:
            rows = "\n".join(line.replace(" | ", "\t") for line in lines)
            blocks.append(Block(rows, layout.body, tabs=(layout.table_tab,)))
        elif section in LINE_SECTIONS:
            blocks.append(Block("\n".join(lines), layout.body))
        else:
            soft = (line[:-1] + "\n" if line.endswith("\\") else line + " " for line in lines)
            blocks.append(Block("".join(soft).strip(), layout.body))
    return blocks


def _item_blocks(start: re.Match[str], rest: list[str], layout: Layout) -> list[Block]:
    """The item heading (title, maybe wrapped) and the case number below it, if any.

    ``start`` is the ITEM_START match of the first line, ``rest`` the lines after it.
    """
    *more_title, case = rest or [""]
    if layout.number_indent:
        number, first = start.groups()
        indent = layout.number_indent
        title = " ".join([first, *more_title])
        heading = Block(title, layout.item, indent=indent, marker=number)
    else:
        indent = 0.0
        heading = Block(" ".join([start[0], *more_title]), layout.item)
    return [heading, Block(case, layout.case, indent=indent)] if case else [heading]


def _list_blocks(lines: list[str], layout: Layout) -> list[Block]:
    """One block per list entry; an entry runs on until the next bullet or number."""
    numbered = lines[0].startswith("1. ")
    entries: list[tuple[str, list[str]]] = []
    for line in lines:
        point = POINT.fullmatch(line) if numbered else None
        if point:
            entries.append((point[1], [point[2]]))
        elif not numbered and line.startswith(BULLETS):
            entries.append((line[0], [line[1:].strip()]))
        else:
            entries[-1][1].append(line)
    return [
        Block(
            " ".join(words),
            layout.body if n == 0 else layout.list_entry,
            indent=layout.list_indent,
            marker=marker,
            marker_font=BULLET_FONT if marker == PUA_BULLET else "",
        )
        for n, (marker, words) in enumerate(entries)
    ]


def label_rows(
    page: Page,
    rows: list[tuple[str, list[str]]],
    top: float,
    fonts: tuple[str, str],
    size: float,
    leading: float,
    gap: float,
    rules: bool = False,
) -> float:
    """Draw cover rows: label left, values right from the same baseline; return the next one."""
    label_font, value_font = fonts
    y = top
    for label, values in rows:
        if LEFT + width_of(label, label_font, size - 1) + 8 > VALUE_X:
            raise ValueError(f"label {label!r} runs into the value column")
        page.text(LEFT, y, label, label_font, size - 1)
        for n, value in enumerate(values):
            page.text(VALUE_X, y - n * leading, value, value_font, size)
        y -= len(values) * leading + gap
        if rules:
            page.lines.append((LEFT, y + leading - 3, RIGHT, y + leading - 3))
    return y


def signatures(
    page: Page, top: float, signers: list[tuple[str, str]], fonts: tuple[str, str], size: float
) -> float:
    """Draw an Underskrifter block: role, a line to sign on, the name below it."""
    label_font, font = fonts
    page.text(LEFT, top, "Underskrifter", label_font, size - 1)
    y = top
    for role, name in signers:
        page.text(VALUE_X, y, role, font, size - 1)
        page.lines.append((290, y - 2, RIGHT, y - 2))
        page.text(290, y - 14, name, font, size)
        y -= 38
    return y


# --------------------------------------------------------------------------
# Region Västerbotten, Regionala utvecklingsnämndens arbetsutskott, 2023-05-12
# --------------------------------------------------------------------------

RV_FRAME = Frame(LEFT, RIGHT, PAGE_HEIGHT - 140, 95)
RV_LAYOUT = Layout(
    body=Style("Helvetica", 11, 14, space_before=12),
    list_entry=Style("Helvetica", 11, 14, space_before=4),
    # Sub-headings look exactly like section headings, as in the real protocol.
    heading=Style("Helvetica-Bold", 11, 14, space_before=14, keep_with_next=True),
    item=Style("Helvetica-Bold", 12, 15, keep_with_next=True),
    case=Style("Helvetica", 11, 14, space_before=2, keep_with_next=True),
    headings=(
        "Sammanfattning",
        "Administrativ samordning och andra kostnadsminskningar",
        "Omvärldsbevakning",
        "Samverkansavtalen med kommunerna i Västerbotten",
        "Bedömda resultat och konsekvenser",
        "Förslag till beslut",
        "Beslutsgång",
        "Beslut",
        "Expedieras till",
        "Beslutsunderlag",
    ),
)


def vasterbotten_header_footer(page: Page, number: int, total: int) -> None:
    """Running header (stacked in the seed's extraction order) and footer with 'N (M)'."""
    top = PAGE_HEIGHT
    page.text(LEFT, top - 48, "Protokoll", "Helvetica-Bold", 14)
    page.text(250, top - 62, "Sammanträdesdatum", "Helvetica", 8)
    page.text(250, top - 74, "Regionala utvecklingsnämndens", "Helvetica", 10)
    page.text(250, top - 86, "arbetsutskott", "Helvetica", 10)
    page.text(250, top - 100, "2023-05-12", "Helvetica", 10)
    page.box(430, top - 40, RIGHT, top - 104)
    page.text(RIGHT, top - 114, "Utdragsbestyrkande", "Helvetica", 8, align="right")
    page.lines.append((LEFT, top - 122, RIGHT, top - 122))
    page.lines.append((LEFT, 62, RIGHT, 62))
    page.text(LEFT, 50, "Justerandes signatur", "Helvetica", 8)
    page.text(RIGHT, 50, f"{number} ({total})", "Helvetica", 10, align="right")


def vasterbotten_cover() -> Page:
    """Page 1: organisation, body, date, attendance, justering, signatures."""
    page = Page()
    top = PAGE_HEIGHT
    page.text(LEFT, top - 165, "Region Västerbotten", "Helvetica-Bold", 16)
    page.text(LEFT, top - 200, "Protokoll", "Helvetica-Bold", 18)
    page.text(LEFT, top - 224, "Regionala utvecklingsnämndens arbetsutskott", "Helvetica-Bold", 14)
    rows = [
        ("Sammanträdesdatum", ["2023-05-12"]),
        ("Plats och tid", ["Regionens hus, Umeå, kl. 09.00–11.30"]),
        ("Beslutande ledamöter", [
            "Richard Carstedt (S), ordförande",
            "Åsa Ågren Wikström (M)",
            "Nils Persson (C)",
            "Maria Lundgren (KD)",
        ]),
        ("Tjänstgörande ersättare", ["Jonna Tingberg (M) ersätter Emma Köster (M)"]),
        ("Övriga närvarande", [
            "Katrine Andersson, nämndsekreterare",
            "Mona-Lisa Fjellström, regional utvecklingsdirektör",
            "Stina Karlgren, controller",
        ]),
        ("Justerare", ["Åsa Ågren Wikström (M)"]),
        ("Justeringens plats och tid", ["Regionens hus, 2023-05-17"]),
        ("Paragrafer", ["§ 76"]),
    ]  # fmt: skip
    fonts = ("Helvetica-Bold", "Helvetica")
    y = label_rows(page, rows, top - 262, fonts, size=11, leading=14, gap=10)
    signers = [
        ("Sekreterare", "Katrine Andersson"),
        ("Ordförande", "Richard Carstedt"),
        ("Justerande", "Åsa Ågren Wikström"),
    ]
    signatures(page, y - 20, signers, fonts, size=11)
    return page


def make_vasterbotten(path: Path, seed_text: Path = SEED_TEXT) -> int:
    """Write the Region Västerbotten sample (§ 76 from the seed) and return its page count."""
    register_bullet_font()
    text = seed_text.read_text(encoding="utf-8")
    body, cuts = flow(read_blocks(text, RV_LAYOUT), RV_FRAME)
    check_cuts(cuts, path.name, pages_before=1)
    pages = [vasterbotten_cover(), *body]
    # Link annotations come out of real extractions as the URL repeated as plain text.
    for page in pages:
        if any(SKR_URL[:24] in run.text for run in page.runs):
            page.text(LEFT, 82, SKR_URL, "Helvetica", 7)
            page.text(LEFT, 73, SKR_URL, "Helvetica", 7)
            break
    for number, page in enumerate(pages, 1):
        vasterbotten_header_footer(page, number, len(pages))
    title = "Protokoll Regionala utvecklingsnämndens arbetsutskott 2023-05-12"
    return write_pdf(path, pages, title, "Region Västerbotten")


# --------------------------------------------------------------------------
# Björkviks kommun (fictional), Kommunstyrelsen, 2024-03-12
# --------------------------------------------------------------------------

# The body of the protocol, in the format read_blocks() reads. The trailing
# backslashes force two line breaks: one leaves "kommun-" hyphenated at a line
# end, one makes a line start with "KF § 261" in the middle of a paragraph.
# The paragraph ending "...förslaget till köpeavtal." is sized so that the
# page break cuts its last sentence.
BJORKVIK_TEXT = r"""
45 § Val av justerare
Dnr KS/2024:12

Beslut

Kommunstyrelsen utser Lars Nyström (M) att jämte ordföranden justera dagens protokoll.

46 § Godkännande av dagordning
Dnr KS/2024:13

Beslut

Kommunstyrelsen godkänner dagordningen.

47 § Ekonomisk uppföljning per februari 2024 för barn- och utbildningsnämnden
Dnr KS 2024/123

Ärendebeskrivning

Barn- och utbildningsnämnden har lämnat en ekonomisk uppföljning per februari 2024.
Nämnden prognostiserar ett underskott på 13,8 miljoner kronor för helåret. Underskottet
förklaras främst av att fler barn går i förskolan än vad budgeten bygger på och av att
kostnaderna för skolskjuts har ökat med 12 % jämfört med samma period föregående år.

Kommunens samlade budget för verksamheterna uppgår till 2,1 miljarder kronor.
Ekonomiavdelningen bedömer att underskottet inte kan hanteras inom kommunstyrelsens anslag
för oförutsedda kostnader, där det efter tidigare beslut i år återstår 140 tkr.

Nämnden har redan infört ett tillfälligt anställningsstopp för administrativ personal och ser
över lokalanvändningen inom förskolan. Förvaltningen bedömer att åtgärderna får full effekt
först under nästa år och att nämnden därför behöver ett tydligt uppdrag att ta fram fler
åtgärder.

Beslutsunderlag

Tjänsteskrivelse, ekonomiavdelningen, 2024-02-20
Barn- och utbildningsnämndens protokollsutdrag 2024-02-22

Arbetsutskottets förslag

Kommunstyrelsen beslutar att

1. uppföljningen läggs till handlingarna,
2. barn- och utbildningsnämnden uppdras att senast den 15 juni redovisa åtgärder som
bringar verksamheten i ekonomisk balans.

Yrkanden

Anna Berg (S) yrkar bifall till arbetsutskottets förslag.

Propositionsordning

Ordföranden ställer proposition på arbetsutskottets förslag och finner att kommunstyrelsen
bifaller det.

Beslut

Kommunstyrelsen beslutar att

1. uppföljningen läggs till handlingarna,
2. barn- och utbildningsnämnden uppdras att senast den 15 juni redovisa åtgärder som
bringar verksamheten i ekonomisk balans.

Beslutet skickas till

• Barn- och utbildningsnämnden
• Ekonomiavdelningen
• Kommunrevisionen

48 § Försäljning av del av fastigheten Björkvik Norrby 3:14
Dnr KS/2024:67

Ärendebeskrivning

Björkvik Industrifastigheter AB har ansökt om att få köpa cirka 2,4 hektar av fastigheten
Björkvik Norrby 3:14 för att uppföra en lagerbyggnad med tillhörande uppställningsytor.

Torsdagen den 22 juni 2017 vann detaljplanen för området laga kraft. Marken är planlagd för
industriändamål och är redan ansluten till det kommunala vatten- och avloppsnätet.

Enligt kommunens riktlinjer för försäljning av mark, som fullmäktige antog genom beslut i\
KF § 261, ska industrimark säljas till marknadsvärde. Köpeskillingen är 4 mkr, vilket
motsvarar marknadsvärdet enligt en oberoende värdering.

Köparen ersätter kommunen för lantmäterikostnader och för kostnaderna för värdering och
markundersökningar, sammanlagt 387 120 kronor. Tillträde sker senast 2024-12-31 enligt 12 § i
avtalet. Om byggnaden inte har påbörjats inom två år från tillträdet har kommunen rätt att
köpa tillbaka marken till samma pris, med avdrag för kommunens kostnader i samband med
återköpet.

Samhällsbyggnadsförvaltningen bedömer att försäljningen är förenlig med kommunens
näringslivsstrategi och att etableringen kan ge ett trettiotal nya arbetstillfällen i
Björkvik. Köparen ansvarar själv för att söka bygglov och för de anslutningsavgifter som tas
ut enligt kommunens taxa. Kommunen svarar för att utfarten mot Norrbyvägen är färdigställd
före tillträdet, vilket ryms inom förvaltningens investeringsbudget för året. Förvaltningen
föreslår därför att kommunstyrelsen godkänner försäljningen på de villkor som framgår av
förslaget till köpeavtal.

Beslutsunderlag

Tjänsteskrivelse, samhällsbyggnadsförvaltningen, 2024-02-14
Förslag till köpeavtal
Värderingsutlåtande

Arbetsutskottets förslag

Kommunstyrelsen beslutar att godkänna försäljningen enligt upprättat förslag till köpeavtal
och att uppdra åt kommundirektören att underteckna avtalet.

Yrkanden

Anna Berg (S) och Erik Sandberg (C) yrkar bifall till arbetsutskottets förslag.

Mats Olofsson (SD) yrkar avslag på arbetsutskottets förslag.

Peter Wallin (M) yrkar återremiss av ärendet för att utreda en försäljning genom öppen
budgivning.

Propositionsordning

Ordföranden ställer först proposition på om ärendet ska avgöras i dag eller återremitteras
och finner att kommunstyrelsen beslutar att ärendet ska avgöras i dag.

Därefter ställer ordföranden proposition på arbetsutskottets förslag mot avslagsyrkandet och
finner att kommunstyrelsen bifaller arbetsutskottets förslag.

Omröstning

Omröstning begärs och genomförs. Kommunstyrelsen godkänner följande beslutsgång: Ja-röst för
bifall till arbetsutskottets förslag, nej-röst för avslag.

Ledamot | Röst
Anna Berg (S) | Ja
Lars Nyström (M) | Nej
Erik Sandberg (C) | Ja
Karin Holmberg (S) | Ja
Johan Ek (S) | Ja
Helena Forsberg (BP) | Ja
Gunnar Öberg (V) | Ja
Peter Wallin (M) | Nej
Mats Olofsson (SD) | Nej
Linnea Strand (SD) | Nej
Fatima Ali (S) | Ja

Med 7 ja-röster mot 4 nej-röster beslutar kommunstyrelsen att bifalla arbetsutskottets
förslag.

Beslut

Kommunstyrelsen beslutar att

1. godkänna försäljningen av del av fastigheten Björkvik Norrby 3:14 till Björkvik
Industrifastigheter AB enligt upprättat förslag till köpeavtal,
2. uppdra åt kommundirektören att underteckna köpeavtalet och övriga handlingar som behövs
för försäljningen.

Reservation

Ledamöterna för SD reserverar sig mot beslutet.

Lars Nyström (M) och Peter Wallin (M) reserverar sig mot beslutet till förmån för
återremissyrkandet.

Beslutet skickas till

• Björkvik Industrifastigheter AB
• Samhällsbyggnadsförvaltningen
• Mark- och exploateringsenheten
• Ekonomiavdelningen

49 § Revidering av taxa för bygglov och tillsyn enligt plan- och bygglagen
Dnr KS 2024/31

Jäv

Peter Wallin (M) anmäler jäv och deltar inte i handläggningen.

Ärendebeskrivning

Bygg- och miljönämnden föreslår att taxan för bygglov och tillsyn räknas upp med 3,5 procent
från och med den 1 juli 2024. Uppräkningen följer prisindex för kommunal verksamhet och
motsvarar den ökning av lönekostnaderna som nämnden redan har fått bära under året.

Nämnden har samrått med de lokala företagarorganisationerna, som inte har något att invända
mot förslaget. Ärendet har därefter beretts av arbetsutskottet, som enhälligt föreslår att
kommun-\
styrelsen ställer sig bakom nämndens förslag och överlämnar det till kommunfullmäktige för
beslut.

Beslutsunderlag

Bygg- och miljönämndens protokollsutdrag 2024-02-08
Tjänsteskrivelse, kommunkansliet, 2024-02-19

Arbetsutskottets förslag

Kommunstyrelsen föreslår kommunfullmäktige besluta att anta reviderad taxa för bygglov och
tillsyn enligt plan- och bygglagen att gälla från och med den 1 juli 2024.

Beslut

Kommunstyrelsen föreslår kommunfullmäktige besluta att anta reviderad taxa för bygglov och
tillsyn enligt plan- och bygglagen att gälla från och med den 1 juli 2024.

Protokollsanteckning

Helena Forsberg (BP) lämnar följande protokollsanteckning: ”Björkvikspartiet ställer sig
bakom uppräkningen men vill att nämnden inför nästa år redovisar hur taxan påverkar små
företag.”

Beslutet skickas till

• Kommunfullmäktige
• Bygg- och miljönämnden
• Kommunkansliet
"""

BV_FRAME = Frame(LEFT, RIGHT, PAGE_HEIGHT - 92, 88)
BV_LAYOUT = Layout(
    body=Style("Times-Roman", 12, 15, space_before=8),
    list_entry=Style("Times-Roman", 12, 15),
    heading=Style("Times-Bold", 12, 15, space_before=14, keep_with_next=True),
    item=Style("Times-Bold", 14, 17, space_before=26, keep_with_next=True),
    case=Style("Times-Roman", 12, 15, space_before=2, keep_with_next=True),
    headings=(
        "Jäv",
        "Ärendebeskrivning",
        "Beslutsunderlag",
        "Arbetsutskottets förslag",
        "Yrkanden",
        "Propositionsordning",
        "Omröstning",
        "Beslut",
        "Reservation",
        "Protokollsanteckning",
        "Beslutet skickas till",
    ),
    number_indent=48.0,
    list_indent=20.0,
)


def bjorkvik_header_footer(page: Page, number: int, total: int) -> None:
    """Running header with 'Sida N av M'; footer with two signature boxes."""
    top = PAGE_HEIGHT
    page.text(LEFT, top - 46, "Björkviks kommun", "Times-Bold", 13)
    page.text(300, top - 46, "Sammanträdesprotokoll", "Times-Bold", 11)
    page.text(RIGHT, top - 46, f"Sida {number} av {total}", "Times-Roman", 10, align="right")
    page.text(LEFT, top - 60, "Kommunstyrelsen", "Times-Roman", 11)
    page.text(300, top - 60, "2024-03-12", "Times-Roman", 11)
    page.lines.append((LEFT, top - 68, RIGHT, top - 68))
    page.box(LEFT, 58, LEFT + 150, 78)
    page.box(RIGHT - 150, 58, RIGHT, 78)
    page.text(LEFT, 48, "Justerandes sign", "Times-Roman", 9)
    page.text(RIGHT - 150, 48, "Utdragsbestyrkande", "Times-Roman", 9)


def bjorkvik_cover() -> Page:
    """Page 1: body, attendance, justering, signatures and the ANSLAG/BEVIS block."""
    page = Page()
    top = PAGE_HEIGHT
    page.text(LEFT, top - 104, "Kommunstyrelsen", "Times-Bold", 20)
    rows = [
        ("Plats och tid", ["Kommunhuset, Björkvik, tisdagen den 12 mars 2024 kl. 13.00–16.10"]),
        ("Beslutande", [
            "Anna Berg (S), ordförande",
            "Lars Nyström (M), 1:e vice ordförande",
            "Erik Sandberg (C), 2:e vice ordförande",
            "Karin Holmberg (S)",
            "Johan Ek (S)",
            "Helena Forsberg (BP)",
            "Gunnar Öberg (V)",
            "Peter Wallin (M)",
            "Mats Olofsson (SD)",
            "Linnea Strand (SD)",
        ]),
        ("Tjänstgörande ersättare", ["Fatima Ali (S) ersätter Mikael Dahl (S)"]),
        ("Övriga deltagare", [
            "Maria Sjöberg, kommundirektör",
            "Tomas Lund, ekonomichef",
            "Jonas Hägg, mark- och exploateringsingenjör, 48 §",
            "Elin Nordin, kommunsekreterare",
        ]),
        ("Utses att justera", ["Lars Nyström (M)"]),
        ("Justeringens plats och tid", ["Kommunkansliet, Björkvik, 2024-03-15"]),
        ("Paragrafer", ["45–49 §"]),
    ]  # fmt: skip
    fonts = ("Times-Bold", "Times-Roman")
    y = label_rows(page, rows, top - 132, fonts, size=12, leading=14, gap=7, rules=True)
    signers = [
        ("Sekreterare", "Elin Nordin"),
        ("Ordförande", "Anna Berg"),
        ("Justerande", "Lars Nyström"),
    ]
    y = signatures(page, y - 8, signers, fonts, size=12)
    page.text(LEFT, y - 6, "ANSLAG/BEVIS", "Times-Bold", 12)
    notice = "Protokollet är justerat. Justeringen har tillkännagivits genom anslag."
    page.text(LEFT, y - 22, notice, "Times-Roman", 11)
    anslag = [
        ("Organ", ["Kommunstyrelsen"]),
        ("Sammanträdesdatum", ["2024-03-12"]),
        ("Anslaget sätts upp", ["2024-03-18"]),
        ("Anslaget tas ned", ["2024-04-09"]),
        ("Förvaringsplats", ["Kommunkansliet, Björkvik"]),
    ]
    label_rows(page, anslag, y - 40, fonts, size=11, leading=13, gap=1)
    return page


def make_bjorkvik(path: Path) -> int:
    """Write the Björkviks kommun sample (45–49 §) and return its page count."""
    body, cuts = flow(read_blocks(BJORKVIK_TEXT, BV_LAYOUT), BV_FRAME)
    check_cuts(cuts, path.name, pages_before=1)
    pages = [bjorkvik_cover(), *body]
    for number, page in enumerate(pages, 1):
        bjorkvik_header_footer(page, number, len(pages))
    title = "Sammanträdesprotokoll Kommunstyrelsen 2024-03-12"
    return write_pdf(path, pages, title, "Björkviks kommun")


# --------------------------------------------------------------------------
# Small protocols and bad-input fixtures
# --------------------------------------------------------------------------

SMALL_FRAME = Frame(LEFT, RIGHT, PAGE_HEIGHT - 150, 90)
SMALL_LAYOUT = Layout(
    body=Style("Helvetica", 11, 14, space_before=10),
    list_entry=Style("Helvetica", 11, 14),
    heading=Style("Helvetica-Bold", 11, 14, space_before=14, keep_with_next=True),
    item=Style("Helvetica-Bold", 12, 15, space_before=24, keep_with_next=True),
    case=Style("Helvetica", 11, 14, space_before=2, keep_with_next=True),
    headings=("Ärendebeskrivning", "Beslut"),
)

MINIMAL_TEXT = """
§ 1 Val av justerare

Beslut

Socialnämnden utser Eva Holm (L) att justera protokollet.
"""

FILLER = """
Ärendebeskrivning

Förvaltningen har sett över verksamhetens lokaler, personal och avtal och redovisar här de
förändringar som behövs för att hålla budgeten under året. Nämnden har fått information vid
tidigare sammanträden och har inte haft några invändningar mot inriktningen i arbetet.
"""

TWO_PAGE_TEXT = f"""
§ 1 Val av justerare
Dnr TN 2024/5

Beslut

Tekniska nämnden utser Karl Ström (C) att justera protokollet.

§ 2 Budgetuppföljning januari
Dnr TN 2024/6
{FILLER * 3}
Beslut

Tekniska nämnden lägger uppföljningen till handlingarna.

§ 3 Vinterväghållning
Dnr TN 2024/7
{FILLER * 3}
Beslut

Tekniska nämnden godkänner redovisningen.
"""


def small_protocol(text: str, body: str, date: str) -> list[Page]:
    """A plain protocol: organisation, body and date on every page, then the items."""
    pages, _ = flow(read_blocks(text, SMALL_LAYOUT), SMALL_FRAME)
    for number, page in enumerate(pages, 1):
        top = PAGE_HEIGHT
        page.text(LEFT, top - 50, "Björkviks kommun", "Helvetica-Bold", 12)
        page.text(RIGHT, top - 50, f"{number} ({len(pages)})", "Helvetica", 10, align="right")
        page.text(LEFT, top - 80, "Protokoll", "Helvetica-Bold", 16)
        page.text(LEFT, top - 100, body, "Helvetica-Bold", 12)
        page.text(LEFT, top - 116, f"Sammanträdesdatum {date}", "Helvetica", 11)
        page.lines.append((LEFT, top - 126, RIGHT, top - 126))
        page.lines.append((LEFT, 62, RIGHT, 62))
        page.text(LEFT, 50, "Justerandes signatur", "Helvetica", 8)
        page.text(RIGHT, 50, "Utdragsbestyrkande", "Helvetica", 8, align="right")
    return pages


def make_minimal_protocol(path: Path) -> int:
    """Write the one-page Socialnämnden protocol for fast tests."""
    pages = small_protocol(MINIMAL_TEXT, "Socialnämnden", "2024-01-15")
    return write_pdf(path, pages, "Protokoll Socialnämnden 2024-01-15", "Björkviks kommun")


def make_truncated(path: Path) -> None:
    """Write the first 60 % of a valid two-page protocol: no xref, no %%EOF."""
    pages = small_protocol(TWO_PAGE_TEXT, "Tekniska nämnden", "2024-02-06")
    if len(pages) != 2:
        raise RuntimeError(f"the source of {path.name} has {len(pages)} pages, not 2")
    write_pdf(path, pages, "Protokoll Tekniska nämnden 2024-02-06", "Björkviks kommun")
    data = path.read_bytes()
    data = data[: len(data) * 6 // 10]
    if b"%%EOF" in data:
        raise RuntimeError(f"{path.name} still contains %%EOF")
    path.write_bytes(data)


def make_encrypted(path: Path) -> None:
    """Write the minimal protocol encrypted with the user password "secret" (RC4, 128 bit)."""
    pages = small_protocol(MINIMAL_TEXT, "Socialnämnden", "2024-01-15")
    # RC4 needs no random salt, so the bytes stay the same from run to run.
    lock = StandardEncryption("secret", ownerPassword="owner-secret", strength=128)
    write_pdf(path, pages, "Protokoll Socialnämnden 2024-01-15", "Björkviks kommun", lock)


def scanned_page_image(rng: random.Random) -> Image.Image:
    """A 100 dpi grey 'scan' of the minimal protocol, with a few specks of dust."""
    dpi = 100
    size = (round(PAGE_WIDTH / 72 * dpi), round(PAGE_HEIGHT / 72 * dpi))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    lines = [
        ("Björkviks kommun", 18),
        ("Protokoll", 22),
        ("Socialnämnden", 18),
        ("Sammanträdesdatum 2024-01-15", 14),
        ("", 14),
        ("§ 1 Val av justerare", 18),
        ("", 14),
        ("Beslut", 14),
        ("Socialnämnden utser Eva Holm (L) att justera protokollet.", 14),
    ]
    y = 80
    for text, points in lines:
        draw.text((86, y), text, fill=40, font=ImageFont.truetype(str(VERA_TTF), points))
        y += points + 14
    for _ in range(300):
        speck = (rng.randrange(image.width), rng.randrange(image.height))
        draw.point(speck, fill=rng.randrange(120, 220))
    return image


def make_scanned(path: Path, rng: random.Random) -> None:
    """Write a page that is only an image of text: no text operators at all."""
    canvas = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle("Protokoll Socialnämnden 2024-01-15 (skannad)")
    canvas.drawImage(ImageReader(scanned_page_image(rng)), 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
    canvas.showPage()
    canvas.save()


# A member vote table with X marks inline under Omröstning, and a Voteringslista attachment whose
# table has the vote as a word in a Val column. Who voted what is fixed here; tests/test_tables.py
# lists the same by hand.
VOTE_MEMBERS = (
    # name as printed (inline table), party, vote in § 11's first vote, vote in bilaga A
    ("Anna Berg (S)", "S", "Ja", "Ja"),
    ("Erik Sandberg (C)", "C", "Ja", "Ja"),
    ("Frostdahl-Blomqvist Siw (S)", "S", "Ja", "Ja"),
    ("Per Ek (M)", "M", "Nej", "Nej"),
    ("Karin Ståhl (M)", "M", "Nej", "Nej"),
    ("Mats Olofsson (SD)", "SD", "Nej", "Nej"),
    ("Lena Nyström (V)", "V", "Ja", "Ja"),
    ("Jonas Åkerlund (KD)", "KD", "Ja", "Ja"),
    ("Maria Lindqvist Eriksson (L)", "L", "Avstår", "Ja"),  # the inline cell wraps after "Eriksson"
)


def _vote_page_text(page: Page, y: float, text: str, font: str = "Helvetica", size: float = 11) -> float:
    """Draw wrapped body text from baseline ``y``; return the baseline after it."""
    for line in wrap(text, font, size, RIGHT - LEFT):
        page.text(LEFT, y, line, font, size)
        y -= 14
    return y


def _centred(page: Page, x: float, y: float, text: str, font: str, size: float) -> None:
    page.text(x - width_of(text, font, size) / 2, y, text, font, size)


def make_vote_table_fixture(path: Path) -> int:
    """Write vote-table-x-marks.pdf: § 11 with an X-mark table, then bilaga A, a Voteringslista with a Val column."""
    first = Page()
    y = PAGE_HEIGHT - 160
    first.text(LEFT, y, "§ 11 Motion om fler laddplatser för elbilar", "Helvetica-Bold", 12)
    y -= 16
    first.text(LEFT, y, "Dnr KS 2024/88", "Helvetica", 11)
    y -= 26
    first.text(LEFT, y, "Yrkanden", "Helvetica-Bold", 11)
    y = _vote_page_text(first, y - 14, "Anna Berg (S) yrkar bifall till motionen.")
    y = _vote_page_text(first, y, "Per Ek (M) yrkar att ärendet återremitteras för att utreda kostnaderna.")
    y = _vote_page_text(first, y, "Mats Olofsson (SD) yrkar avslag på motionen.")
    y -= 12
    first.text(LEFT, y, "Omröstning", "Helvetica-Bold", 11)
    y = _vote_page_text(first, y - 14, (
        "Omröstning begärs om ärendet ska avgöras i dag. Ja-röst för att avgöra ärendet i dag, nej-röst för "
        "återremiss. Med 5 ja-röster mot 3 nej-röster, 1 avstår, beslutar kommunfullmäktige att avgöra "
        "ärendet i dag. Ledamöterna har röstat enligt följande:"
    ))
    y -= 10
    columns = {"Ja": 330.0, "Nej": 380.0, "Avstår": 435.0}
    first.text(LEFT, y, "Ledamot", "Helvetica-Bold", 11)
    for word, x in columns.items():
        _centred(first, x, y, word, "Helvetica-Bold", 11)
    first.lines.append((LEFT, y - 4, 470, y - 4))
    y -= 18
    for name, _party, vote, _attached in VOTE_MEMBERS:
        if name.startswith("Maria"):  # a wrapped cell, the mark centred between its two lines
            first.text(LEFT, y, "Maria Lindqvist", "Helvetica", 11)
            first.text(LEFT, y - 13, "Eriksson (L)", "Helvetica", 11)
            _centred(first, columns[vote], y - 6.5, "X", "Helvetica", 11)
            y -= 27
            continue
        first.text(LEFT, y, name, "Helvetica", 11)
        _centred(first, columns[vote], y, "X", "Helvetica", 11)
        y -= 14
    y -= 12
    y = _vote_page_text(first, y, (
        "Ordföranden ställer därefter proposition på bifall och avslag till motionen och finner att "
        "kommunfullmäktige bifaller den. Omröstning begärs. Ja-röst för bifall till motionen, nej-röst för "
        "avslag. Omröstningens resultat framgår av bifogad voteringslista, bilaga A."
    ))
    y -= 12
    first.text(LEFT, y, "Beslut", "Helvetica-Bold", 11)
    _vote_page_text(first, y - 14, "Kommunfullmäktige bifaller motionen.")

    second = Page()
    y = PAGE_HEIGHT - 160
    second.text(RIGHT, y, "Bilaga A § 11/24", "Helvetica", 11, align="right")
    y -= 24
    second.text(LEFT, y, "Voteringslista", "Helvetica-Bold", 14)
    y = _vote_page_text(second, y - 20, "Kommunfullmäktige 2024-04-22, motion om fler laddplatser för elbilar.")
    y = _vote_page_text(second, y, "Ja-röst för bifall till motionen, nej-röst för avslag.")
    y -= 10
    stops = {"Nr": LEFT, "Namn": LEFT + 30, "Parti": 300.0, "Val": 380.0}
    for word, x in stops.items():
        second.text(x, y, word, "Helvetica-Bold", 11)
    y -= 18
    for number, (name, party, _vote, attached) in enumerate(VOTE_MEMBERS, 1):
        plain = name.split(" (")[0]
        if plain.startswith("Frostdahl"):
            plain = "Frostdahl-Blomqvist, Siw"  # surname first, with a comma
        for word, x in zip((str(number), plain, party, attached), stops.values(), strict=True):
            second.text(x, y, word, "Helvetica", 11)
        y -= 14
    y -= 14
    second.text(LEFT, y, "Resultat", "Helvetica-Bold", 11)
    for label, count in (("Ja", 6), ("Nej", 3), ("Avstår", 0), ("Totalt", 9)):
        y -= 14
        second.text(LEFT, y, label, "Helvetica", 11)
        second.text(LEFT + 80, y, str(count), "Helvetica", 11)

    pages = [first, second]
    for number, page in enumerate(pages, 1):
        top = PAGE_HEIGHT
        page.text(LEFT, top - 50, "Björkviks kommun", "Helvetica-Bold", 12)
        page.text(RIGHT, top - 50, f"{number} ({len(pages)})", "Helvetica", 10, align="right")
        page.text(LEFT, top - 80, "Protokoll", "Helvetica-Bold", 16)
        page.text(LEFT, top - 100, "Kommunfullmäktige", "Helvetica-Bold", 12)
        page.text(LEFT, top - 116, "Sammanträdesdatum 2024-04-22", "Helvetica", 11)
        page.lines.append((LEFT, top - 126, RIGHT, top - 126))
        page.lines.append((LEFT, 62, RIGHT, 62))
        page.text(LEFT, 50, "Justerandes signatur", "Helvetica", 8)
        page.text(RIGHT, 50, "Utdragsbestyrkande", "Helvetica", 8, align="right")
    return write_pdf(path, pages, "Protokoll Kommunfullmäktige 2024-04-22", "Björkviks kommun")


def make_bad_fixtures(directory: Path) -> dict[str, int]:
    """Write one small PDF per failure mode, plus minimal-protocol.pdf; return name -> size."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "zero-bytes.pdf").write_bytes(b"")
    (directory / "not-a-pdf.pdf").write_text(
        '<!DOCTYPE html>\n<html lang="sv">\n<head><title>Sidan kunde inte hittas</title></head>\n'
        "<body><h1>404</h1><p>Protokollet du söker finns inte längre.</p></body>\n</html>\n",
        encoding="utf-8",
    )
    make_truncated(directory / "truncated.pdf")
    make_encrypted(directory / "encrypted.pdf")
    make_scanned(directory / "scanned-no-text.pdf", random.Random(RANDOM_SEED))
    make_minimal_protocol(directory / "minimal-protocol.pdf")
    make_vote_table_fixture(directory / "vote-table-x-marks.pdf")
    return {path.name: path.stat().st_size for path in sorted(directory.glob("*.pdf"))}


def main(argv: list[str] | None = None) -> int:
    """Parse the options and write everything."""
    parser = argparse.ArgumentParser(
        description="Write the sample protocols and bad-input fixtures."
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "data" / "raw", help="folder for the sample protocols"
    )
    parser.add_argument(
        "--fixtures", type=Path, default=REPO / "tests" / "fixtures", help="folder for the fixtures"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")

    for name, make in ((VASTERBOTTEN_PDF, make_vasterbotten), (BJORKVIK_PDF, make_bjorkvik)):
        path = args.out / name
        log.info("wrote %s (%d pages)", path, make(path))
    for name, size in make_bad_fixtures(args.fixtures).items():
        log.info("wrote %s (%d bytes)", args.fixtures / name, size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
