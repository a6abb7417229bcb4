"""Stage files: ``write_json`` writes in pieces the text of one compact ``json.dumps``.

``write_json`` writes the top levels itself (so that a 500-page extract output is never one
string) and hands each value below to one shared encoder; whatever the pieces, the file must
be byte for byte what ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` gives,
since ``protokoll load`` and re-runs of a stage read these files back.
"""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from pipeline.decide import decide
from pipeline.extract import ExtractOptions, extract
from pipeline.ingest import StageStore, read_stage_file, run_boxes, write_json
from pipeline.segment import segment
from pipeline.tag import tag_protocol

from .conftest import SEED_PDF


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


VALUES = [
    {},
    [],
    {"a": {}, "b": [], "c": [{}], "d": [[]]},
    {"type": "extracted", "spans": [[1, 0, 7], [2, 7, 11]], "bold_lines": [0, 4], "text": "Åtta \"citat\"\n\u2028",
     "pages": [{"number": 1, "words": [["§", 71.0, 77.86, 116.76, 89.86], ["x", 1e-7, 2.5e20, -0.0, 3]]}]},
    {"meeting": {"body": "KS", "first_item": 1, "attendees": []}, "boxes": {"item:1:title": [[1, 2.5, 3, 4, 5]]}},
    {"items": [{"n": 1}, 2, "tre", None, [4, {"fem": 5}]], "boxes": {"item:1:title": [[1, 1.5, 2, 3, 4]], "å": []}},
    {"decisions": {"votes": [{"ja": 22, "members": [{"name": "Örjan", "vote": "avstår"}]}]}, "ok": True, "no": None},
    {1: "int key", "k": [1.0, 0.1, 1 / 3]},  # a non-str key: json.dumps writes it "1"
    {"nan": float("nan"), "inf": [float("inf"), -float("inf")]},
    ["a", {"b": [{"c": 1}]}, [{"d": 2}]],
    "just a string é",
    12.25,
    None,
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_write_json_is_compact_json_dumps(value: Any, depth: int) -> None:
    out = io.StringIO()
    write_json(value, out, depth)
    assert out.getvalue() == compact(value)


def test_stage_files_of_a_real_document_read_back_equal(tmp_path: Path, nlp_blank: Any) -> None:
    """Every stage's file is the compact JSON of its to_dict, and reads back to an equal object."""
    store = StageStore(tmp_path)
    written: list[tuple[Path, dict[str, Any]]] = []

    def write(stage: str, output: Any) -> None:  # decide and tag change the protocol: keep its dict as it is now
        written.append((store.write(stage, output), output.to_dict()))

    doc = extract(SEED_PDF, options=ExtractOptions(ocr=False))
    write("extract", doc)
    protocol = segment(doc)
    write("segment", protocol)
    protocol = decide(protocol)
    write("decide", protocol)
    write("tag", run_boxes(tag_protocol(protocol, nlp_blank), doc))
    for path, expected in written:
        assert path.read_text(encoding="utf-8") == compact(expected)
        assert read_stage_file(path).to_dict() == expected


def test_worker_result_pickles_equal(nlp_blank: Any) -> None:
    """What a worker sends back (a tagged Protocol) survives the pickle of ProcessPoolExecutor unchanged."""
    doc = extract(SEED_PDF, options=ExtractOptions(ocr=False))
    protocol = run_boxes(tag_protocol(decide(segment(doc)), nlp_blank), doc)
    assert pickle.loads(pickle.dumps(protocol)) == protocol
