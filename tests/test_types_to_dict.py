"""The hand-written ``to_dict`` of every stage type gives what ``dataclasses.asdict`` gave.

``to_dict`` used to be ``asdict`` (plus the word lists of a page and the ``type`` tag of a
stage output); it is now written out field by field because asdict deep-copied every leaf
(issue 15). These tests keep the two the same: on one object of every class with every
field set to a value of its own (a field added without its line in ``to_dict`` fails
here), on exact expected dicts, and on real documents through all stages.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Callable
from typing import Any

import pytest

from pipeline import types
from pipeline.decide import decide
from pipeline.extract import ExtractOptions, extract
from pipeline.ingest import run_boxes
from pipeline.segment import segment
from pipeline.tag import tag_protocol
from pipeline.types import (
    Attachment,
    Attendee,
    DecisionClause,
    Decisions,
    DocumentIssue,
    Entity,
    ExtractedDocument,
    Failure,
    Item,
    ItemOutcome,
    Meeting,
    MemberTable,
    Page,
    PageInfo,
    PageSpan,
    Proposal,
    Protocol,
    Recusal,
    Region,
    Section,
    Stance,
    Vote,
    VoteMember,
    Word,
)

from .conftest import BJORKVIK_PDF, FIXTURES, SEED_PDF


def asdict_reference(obj: Any) -> Any:
    """``to_dict`` as it was before issue 15: ``asdict``, with the exceptions it had."""
    if isinstance(obj, Page):
        data = dataclasses.asdict(obj)
        data["words"] = [w.to_list() for w in obj.words]
        return data
    if isinstance(obj, Failure):
        return {"type": "failure", **dataclasses.asdict(obj)}
    if isinstance(obj, Protocol):
        return {"type": "protocol", **dataclasses.asdict(obj)}
    if isinstance(obj, ExtractedDocument):  # hand-written already then, words as lists
        return {
            "type": "extracted", "path": obj.path, "sha256": obj.sha256, "size": obj.size,
            "page_count": obj.page_count, "extractor": obj.extractor, "text": obj.text,
            "spans": [[s.page, s.start, s.end] for s in obj.spans], "bold_lines": obj.bold_lines,
            "pages": [asdict_reference(p) for p in obj.pages],
        }
    return dataclasses.asdict(obj)


def same(fast: Any, reference: Any) -> None:
    """Equal values, and equal JSON text without sort_keys (the key order at every level)."""
    assert fast == reference
    assert json.dumps(fast, ensure_ascii=False) == json.dumps(reference, ensure_ascii=False)


def entity(n: int) -> Entity:
    return Entity(label="MONEY", text=f"{n} kr", start=n, end=n + 5, page=n + 1, party="S", value_num=n + 0.5,
                  value_date="2024-03-12", unit="SEK", norm=f"norm {n}", source="model")


def vote_member(n: int) -> VoteMember:
    return VoteMember(name=f"Anna Berg {n}", party="S", vote="nej")


def example(cls: type) -> Any:
    """An object of ``cls`` with every field set, each to something other than its default."""
    examples: dict[type, Callable[[], Any]] = {  # built on demand: they nest
        Word: lambda: Word("Beslut", 71.0, 77.86, 116.76, 89.86),
        Page: lambda: Page(number=3, width=595.28, height=841.89, char_count=1234, has_text=True, header=["Kommunstyrelsen"],
                   footer=["Sida 3 av 9"], words=[Word("Beslut", 71.0, 77.86, 116.76, 89.86), Word("§", 1.5, 2.25, 3.0, 4.0)],
                   ocr=True, quality="repairable"),
        PageSpan: lambda: PageSpan(page=2, start=10, end=20),
        ExtractedDocument: lambda: ExtractedDocument(path="/x/a.pdf", sha256="ab" * 32, size=4096, page_count=2, text="Beslut\nÅtta",
                                             spans=[PageSpan(1, 0, 7), PageSpan(2, 7, 11)],
                                             pages=[example(Page)], bold_lines=[0, 4], extractor="pdfium"),
        Failure: lambda: Failure(path="/x/b.pdf", sha256="cd" * 32, size=7, stage="extract", error="encrypted", page_count=3),
        Attendee: lambda: Attendee(name="Berg, Anna", party="S", role="ordförande", kind="ledamot", replaces="Olle Ek",
                           presence="§§ 18-33", norm="Anna Berg"),
        Entity: lambda: entity(1),
        Meeting: lambda: Meeting(organisation="Björkviks kommun", body="Kommunstyrelsen", meeting_date="2024-03-12",
                         place="Kommunhuset", first_item=18, last_item=33, justering_date="2024-03-15",
                         anslag_up="2024-03-16", anslag_down="2024-04-07", attendees=[example(Attendee)],
                         cover_text="Kommunstyrelsen\nPlats", entities=[entity(2), entity(3)]),
        Section: lambda: Section(position=2, kind="beslut", heading="Beslut", text="Kommunstyrelsen beslutar", page_start=3,
                         page_end=4, offset=900, entities=[entity(4)]),
        Item: lambda: Item(number=18, title="Budget", case_number="KS 2024/12", page_start=3, page_end=4,
                   sections=[example(Section)], recipients=["Ekonomi", "Revisorerna"]),
        Proposal: lambda: Proposal(item_number=18, section_position=2, person="Anna Berg", party="S", kind="yrkande",
                           text="bifall", stance="bifall", target="kommunstyrelsens förslag", won=True),
        VoteMember: lambda: vote_member(1),
        Vote: lambda: Vote(item_number=18, section_position=3, question="Ja för bifall", ja=22, nej=19, avstar=2, franvarande=6,
                   members=[vote_member(2), vote_member(3)], warning="counts do not add up", method="votering"),
        Stance: lambda: Stance(item_number=18, section_position=4, kind="reservation", person="Olle Ek", party="M",
                       text="reserverar sig"),
        Recusal: lambda: Recusal(item_number=625, section_position=1, person="Olle Ek", party="M", reason="styrelseledamot",
                         text="anmäler jäv", page=7, for_item_number=625, declared_in=600),
        DecisionClause: lambda: DecisionClause(item_number=18, section_index=2, position=1, text="budgeten fastställs",
                                       start=4, end=23),
        ItemOutcome: lambda: ItemOutcome(item_number=18, outcome="bifall", confidence=0.9, basis="bifaller", section_position=2,
                                 start=5, end=13, vote_method="votering"),
        DocumentIssue: lambda: DocumentIssue(severity="warning", code="item_gap", message="§ 19 saknas", item_number=19, page=4),
        Decisions: lambda: Decisions(proposals=[example(Proposal)], votes=[example(Vote)], stances=[example(Stance)],
                             recusals=[example(Recusal)], outcomes=[example(ItemOutcome)],
                             clauses=[example(DecisionClause)], issues=[example(DocumentIssue)]),
        MemberTable: lambda: MemberTable(page=8, offset=5000, members=[vote_member(4)], counts={"ja": 22, "nej": 19}),
        Region: lambda: Region(kind="attachment", page_start=8, page_end=9, start=5000, end=6000, label="Voteringslista"),
        Attachment: lambda: Attachment(kind="voteringslista", label="Bilaga A", title="Votering § 18", page_start=8, page_end=9,
                               text="Ja Nej", offset=5000, item_number=18),
        PageInfo: lambda: PageInfo(number=3, char_count=1234, has_text=True, ocr=True, quality="garbage"),
        Protocol: lambda: Protocol(path="/x/a.pdf", sha256="ab" * 32, size=4096, page_count=9, doc_type="protokoll",
                           meeting=example(Meeting), items=[example(Item)], pages=[example(PageInfo)], extractor="pdfium",
                           page_map=[[1, 0, 7], [2, 7, 11]], decisions=example(Decisions), regions=[example(Region)],
                           member_tables=[example(MemberTable)], attachments=[example(Attachment)],
                           issues=[example(DocumentIssue)], decided=True, tagged=True, model="sv_protokoll",
                           boxes={"item:18:title": [[3, 71.0, 77.86, 116.76, 89.86]], "vote:18": [[8, 1.0, 2.0, 3.0, 4.5]]}),
    }
    return examples[cls]()


DATACLASSES = sorted(
    (c for _, c in inspect.getmembers(types, inspect.isclass) if dataclasses.is_dataclass(c) and c.__module__ == types.__name__),
    key=lambda c: c.__name__,
)


@pytest.mark.parametrize("cls", DATACLASSES, ids=lambda c: c.__name__)
def test_example_sets_every_field_to_a_value_of_its_own(cls: type) -> None:
    """A new field (or class) needs a value in ``example``; else the to_dict comparison would not see it."""
    obj = example(cls)
    for f in dataclasses.fields(cls):
        value = getattr(obj, f.name)
        if f.default is not dataclasses.MISSING:
            assert value != f.default, f"{cls.__name__}.{f.name}: set it in example()"
        if f.default_factory is not dataclasses.MISSING:
            assert value != f.default_factory(), f"{cls.__name__}.{f.name}: set it in example()"


@pytest.mark.parametrize("cls", [c for c in DATACLASSES if hasattr(c, "to_dict")], ids=lambda c: c.__name__)
def test_to_dict_is_the_asdict_dict(cls: type) -> None:
    obj = example(cls)
    same(obj.to_dict(), asdict_reference(obj))


@pytest.mark.parametrize("cls", [c for c in DATACLASSES if hasattr(c, "from_dict")], ids=lambda c: c.__name__)
def test_from_dict_of_to_dict_through_json(cls: type) -> None:
    obj = example(cls)
    assert cls.from_dict(json.loads(json.dumps(obj.to_dict()))) == obj  # type: ignore[attr-defined]


def test_to_dict_gives_fresh_lists() -> None:
    """Changing a dict from to_dict leaves the object as it was (asdict copied every container)."""
    protocol = example(Protocol)
    data = protocol.to_dict()
    data["page_map"][0].append(99)
    data["boxes"]["vote:18"][0][1] = -1.0
    data["items"][0]["recipients"].append("x")
    data["member_tables"][0]["counts"]["ja"] = 0
    page = example(Page)
    page.to_dict()["header"].append("x")
    assert protocol == example(Protocol) and page == example(Page)


def test_page_to_dict_exact() -> None:
    assert example(Page).to_dict() == {
        "number": 3, "width": 595.28, "height": 841.89, "char_count": 1234, "has_text": True,
        "header": ["Kommunstyrelsen"], "footer": ["Sida 3 av 9"],
        "words": [["Beslut", 71.0, 77.86, 116.76, 89.86], ["§", 1.5, 2.25, 3.0, 4.0]],
        "ocr": True, "quality": "repairable",
    }


def test_failure_and_small_protocol_to_dict_exact() -> None:
    assert json.dumps(example(Failure).to_dict(), ensure_ascii=False) == (
        '{"type": "failure", "path": "/x/b.pdf", "sha256": "' + "cd" * 32 + '", "size": 7, "stage": "extract", '
        '"error": "encrypted", "page_count": 3}'
    )
    protocol = Protocol(path="a.pdf", sha256="0", size=1, page_count=1, doc_type="protokoll",
                        meeting=Meeting(cover_text="KS", entities=[Entity("ORG", "KS", 0, 2)]),
                        items=[Item(11, "Budget", None, 1, 1, [Section(1, "beslut", None, "Bifall.", 1, 1, 40)])],
                        pages=[PageInfo(1, 50, True)], page_map=[[1, 0, 50]], boxes={"item:11:title": [[1, 1.5, 2, 3, 4]]})
    assert protocol.to_dict() == {
        "type": "protocol", "path": "a.pdf", "sha256": "0", "size": 1, "page_count": 1, "doc_type": "protokoll",
        "meeting": {"organisation": None, "body": None, "meeting_date": None, "place": None, "first_item": None,
                    "last_item": None, "justering_date": None, "anslag_up": None, "anslag_down": None,
                    "attendees": [], "cover_text": "KS",
                    "entities": [{"label": "ORG", "text": "KS", "start": 0, "end": 2, "page": None, "party": None,
                                  "value_num": None, "value_date": None, "unit": None, "norm": None, "source": "rule"}]},
        "items": [{"number": 11, "title": "Budget", "case_number": None, "page_start": 1, "page_end": 1,
                   "sections": [{"position": 1, "kind": "beslut", "heading": None, "text": "Bifall.", "page_start": 1,
                                 "page_end": 1, "offset": 40, "entities": []}],
                   "recipients": []}],
        "pages": [{"number": 1, "char_count": 50, "has_text": True, "ocr": False, "quality": None}],
        "extractor": "pdfplumber", "page_map": [[1, 0, 50]],
        "decisions": {"proposals": [], "votes": [], "stances": [], "recusals": [], "outcomes": [], "clauses": [],
                      "issues": []},
        "regions": [], "member_tables": [], "attachments": [], "issues": [], "decided": False, "tagged": False,
        "model": None, "boxes": {"item:11:title": [[1, 1.5, 2, 3, 4]]},
    }


@pytest.mark.parametrize("pdf", [SEED_PDF, BJORKVIK_PDF, FIXTURES / "minimal-protocol.pdf"], ids=lambda p: p.stem)
def test_real_documents_every_stage(pdf: Any, nlp_blank: Any) -> None:
    """Each stage output of a real document: to_dict as asdict made it, and back through JSON unchanged."""
    doc = extract(pdf, options=ExtractOptions(ocr=False))
    outputs: list[Any] = [doc]
    protocol = segment(doc)
    outputs.append(json.dumps(protocol.to_dict()))  # decide and tag change the object: keep the segment output now
    protocol = decide(protocol)
    outputs.append(json.dumps(protocol.to_dict()))
    outputs.append(run_boxes(tag_protocol(protocol, nlp_blank), doc))
    assert outputs[-1].boxes and outputs[-1].decisions.outcomes  # the test sees boxes and decisions
    for out in outputs:
        obj = out if not isinstance(out, str) else Protocol.from_dict(json.loads(out))
        same(obj.to_dict(), asdict_reference(obj))
        assert type(obj).from_dict(json.loads(json.dumps(obj.to_dict()))) == obj
