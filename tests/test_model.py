"""The trained Swedish model in models/ (marked: needs it; CI runs these since the model ships in the repo)."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract import extract
from pipeline.segment import segment
from pipeline.tag import DEFAULT_MODEL, build_nlp, tag_protocol

from .conftest import SEED_PDF

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason=f"no trained model at {DEFAULT_MODEL}"),
]


@pytest.fixture(scope="module")
def nlp() -> Any:
    return build_nlp()


def test_pipeline_and_label_set_are_pinned(nlp: Any) -> None:
    assert nlp.lang == "sv"
    assert nlp.pipe_names == ["tok2vec", "ner", "protokoll_rules"]
    # MISC is learned (it keeps events and products out of PERSON/ORG) but never leaves the pipeline
    assert nlp.get_pipe("ner").labels == ("LOC", "MISC", "ORG", "PERSON")
    assert nlp.vocab.vectors.shape[1] == 8  # the gazetteer vectors (training/build_vectors.py)
    assert nlp.meta["protokoll_model"] == str(DEFAULT_MODEL)


def test_seed_organisations_and_places(nlp: Any) -> None:
    protocol = tag_protocol(segment(extract(SEED_PDF)), nlp)
    found = {(e.label, " ".join(e.text.split())) for i in protocol.items for s in i.sections for e in s.entities}
    assert {
        ("ORG", "Tillväxtverket"),
        ("ORG", "Vinnovas"),  # the token: "Vinnovas program"
        ("ORG", "Region Västerbotten"),
        ("ORG", "Sveriges Kommuner och Regioner"),
        ("ORG", "Regionala utvecklingsnämnden"),
        ("LOC", "Västerbotten"),
        ("LOC", "Västra Norrlandsgatan 13"),
    } <= found
    # rule spans win over the model: people with parties keep their party, no party code becomes ORG
    assert ("PERSON", "Lorents Burman") in found
    assert not {t for label, t in found if label == "ORG" and t in ("S", "M", "V")}
    # the cover is tagged with the same pipeline: its meeting place is a LOC on page 1
    assert ("LOC", "Umeå", 1) in {(e.label, e.text, e.page) for e in protocol.meeting.entities}


def test_misc_is_dropped_and_vectors_are_looked_up_in_lower_case(nlp: Any) -> None:
    from spacy.attrs import LOWER

    # spaCy saves a default-mode table's key attribute only if train.py patches it in
    assert nlp.vocab.vectors.attr == LOWER
    text = "Hon såg Melodifestivalen i Malmö."
    raw = nlp.get_pipe("ner")(nlp.get_pipe("tok2vec")(nlp.make_doc(text)))
    doc = nlp(text)
    assert [(e.text, e.label_) for e in raw.ents] == [("Melodifestivalen", "MISC"), ("Malmö", "LOC")]
    assert [(e.text, e.label_) for e in doc.ents] == [("Malmö", "LOC")]


def test_listed_place_replaces_the_same_span_and_trailing_line_breaks_are_cut(nlp: Any) -> None:
    text = "Lindholmen Science Park AB flyttar till Lindholmen.\nDetaljplan vid Kilsgatan\ninom stadsdelen."
    doc = nlp(text)
    found = [(e.text, e.label_) for e in doc.ents]
    assert ("Lindholmen Science Park AB", "ORG") in found and ("Lindholmen", "LOC") in found
    assert all(e.text == e.text.strip() for e in doc.ents)


def test_model_names_people_without_a_party(nlp: Any) -> None:
    doc = nlp.make_doc("Ordförande frågar om arbetsutskottet bifaller Richard Carstedts förslag.")
    doc._.anchor = "2023-05-12"
    doc = nlp(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Richard Carstedts", "PERSON")]


def test_no_entity_spans_a_removed_page_header(nlp: Any) -> None:
    protocol = tag_protocol(segment(extract(SEED_PDF)), nlp)
    for item in protocol.items:
        for section in item.sections:
            for e in section.entities:
                assert "Utdragsbestyrkande" not in e.text and "Justerandes" not in e.text, e


def test_products_run_on_numpy_blas_with_one_thread_and_give_blis_answers(nlp: Any) -> None:
    """``use_numpy_blas``: every layer of the model on NumPy's BLAS, one thread; the entities equal BLIS's."""
    import copy

    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_info

    nodes = [node for _, pipe in nlp.pipeline if hasattr(pipe, "model") for node in pipe.model.walk()]
    assert nodes and all(isinstance(n.ops, NumpyOps) and n.ops.use_blis is False for n in nodes)
    assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {1}
    protocol = segment(extract(SEED_PDF))
    fast = tag_protocol(copy.deepcopy(protocol), nlp).to_dict()
    numpy_ops = nodes[0].ops
    try:
        for node in nodes:
            node.ops = NumpyOps(use_blis=True)
        slow = tag_protocol(copy.deepcopy(protocol), nlp).to_dict()
    finally:
        for node in nodes:
            node.ops = numpy_ops
    assert fast == slow
    assert sum(len(s["entities"]) for i in fast["items"] for s in i["sections"]) > 20  # it compared entities
