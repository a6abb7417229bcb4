"""Cover pages in two columns whose labels wrap: label and value text must not interleave."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract import ExtractOptions, extract
from pipeline.segment import segment

LABEL_X, VALUE_X = 60, 200

# (label lines, value lines): labels wrap over two lines beside their values
ROWS = [
    (["Plats och tid"], ["Stadshuset, Lillby, 2024-05-06 kl. 18.00–20.15"]),
    (["Beslutande", "ledamöter"], ["Eva Lind (S), ordförande", "Per Ek (M)", "Jonas Dahl (C), §§ 1-2"]),
    (["Tjänstgörande", "ersättare"], ["Lisa Holm (M) ersätter Karl Berg (M)"]),
    (["Övriga", "närvarande"], ["Sara Ström, sekreterare"]),
    (["Utses att", "justera"], ["Per Ek (M)"]),
    (["Justeringens", "plats och tid"], ["Stadshuset, 2024-05-10"]),
    (["Paragrafer"], ["§§ 1-3"]),
]


def two_column_protocol(path: Path) -> None:
    c = Canvas(str(path), pagesize=A4, invariant=1)
    y = A4[1] - 80
    c.setFont("Helvetica-Bold", 16)
    c.drawString(LABEL_X, y, "Socialnämnden")
    y -= 30
    for labels, values in ROWS:
        c.setFont("Helvetica-Bold", 10)
        for n, label in enumerate(labels):
            c.drawString(LABEL_X, y - n * 13, label)
        c.setFont("Helvetica", 10)
        for n, value in enumerate(values):
            c.drawString(VALUE_X, y - n * 13, value)
        y -= max(len(labels), len(values)) * 13 + 10
    c.showPage()
    c.setFont("Helvetica", 11)
    y = A4[1] - 80
    for n in (1, 2, 3):
        c.setFont("Helvetica-Bold", 12)
        c.drawString(LABEL_X, y, f"§ {n} Ärende nummer {n}")
        c.setFont("Helvetica-Bold", 11)
        c.drawString(LABEL_X, y - 30, "Beslut")
        c.setFont("Helvetica", 11)
        c.drawString(LABEL_X, y - 50, "Nämnden beslutar enligt förslaget.")
        y -= 110
    c.showPage()
    c.save()


def test_two_column_cover_with_wrapped_labels(tmp_path: Path) -> None:
    pdf = tmp_path / "two-columns.pdf"
    two_column_protocol(pdf)
    for extractor in ("pdfium", "pdfplumber"):
        protocol = segment(extract(pdf, options=ExtractOptions(extractor=extractor, ocr=False)))
        m = protocol.meeting
        assert (m.body, m.meeting_date, m.place, m.justering_date) == (
            "Socialnämnden", "2024-05-06", "Stadshuset, Lillby", "2024-05-10"
        ), extractor
        assert [(a.name, a.party, a.role, a.kind, a.replaces, a.presence) for a in m.attendees] == [
            ("Eva Lind", "S", "ordförande", "ledamot", None, None),
            ("Per Ek", "M", None, "ledamot", None, None),
            ("Jonas Dahl", "C", None, "ledamot", None, "§§ 1-2"),
            ("Lisa Holm", "M", None, "ersattare", "Karl Berg (M)", None),
            ("Sara Ström", None, "sekreterare", "ovrig", None, None),
            ("Per Ek", "M", None, "justerare", None, None),
        ], extractor
        assert [i.number for i in protocol.items] == [1, 2, 3]


def test_two_chairs_and_partial_presence() -> None:
    from pipeline.segment import TextLine, _attendees

    lines = [
        "Beslutande\tEva Lind (S), ordförande §§ 1-10",
        "Per Ek (M), ordförande §§ 11-14",
        "Fredrik Karström (M), § 18-33",
        "Se nästa sida",
        "Övriga deltagare\tFrostdahl Steven, vice ordförande § 36, kl. 15.58-",
    ]
    cover = [TextLine(i, 0, 0, t, False, False) for i, t in enumerate(lines)]
    assert [(a.name, a.party, a.role, a.kind, a.presence) for a in _attendees(cover)] == [
        ("Eva Lind", "S", "ordförande", "ledamot", "§§ 1-10"),
        ("Per Ek", "M", "ordförande", "ledamot", "§§ 11-14"),
        ("Fredrik Karström", "M", None, "ledamot", "§ 18-33"),
        ("Frostdahl Steven", None, "vice ordförande", "ovrig", "§ 36, kl. 15.58-"),
    ]
