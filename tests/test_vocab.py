"""The party vocabulary pipeline/vocab/parties.tsv: parsed, round-tripped, shared with training/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.values import (
    PARTIES,
    PARTIES_TSV,
    PARTY_LIST,
    PARTY_NAMES,
    Party,
    parties_from_rows,
    party_code,
    read_parties,
)

ROOT = Path(__file__).resolve().parent.parent


def test_parties_file_parses() -> None:
    assert PARTIES_TSV == ROOT / "pipeline" / "vocab" / "parties.tsv"
    parties = read_parties()
    assert parties == PARTY_LIST
    assert [p.code for p in parties] == [
        "S", "M", "SD", "C", "V", "KD", "L", "MP", "FP", "D", "SPI", "VSL", "NS", "SKA", "ÖP", "KP", "LPo",
    ]
    assert [p.code for p in parties if p.kind == "riksdag"] == ["S", "M", "SD", "C", "V", "KD", "L", "MP"]
    assert [p.code for p in parties if p.kind == "historical"] == ["FP"]
    assert parties[0] == Party(
        "S", "Socialdemokraterna", "riksdag",
        ("Socialdemokratiska arbetarepartiet", "Arbetarepartiet-Socialdemokraterna"), ("Socialdemokraternas",),
    )
    assert parties[-1] == Party("LPo", "Lokalpartiet", "local")  # trailing empty columns
    assert PARTIES["MP"] == "Miljöpartiet"
    assert PARTY_NAMES["miljöpartiet de gröna"] == "MP"
    assert PARTY_NAMES["moderata samlingspartiet"] == "M"
    assert "socialdemokraternas" not in PARTY_NAMES  # forms are for training only


@pytest.mark.parametrize("code", list(PARTIES))
def test_every_code_round_trips_through_party_code(code: str) -> None:
    assert party_code(code) == code
    assert party_code(code.lower()) == code
    assert party_code(code.upper()) == code
    assert party_code(f" {code} ") == code


def test_every_name_maps_to_its_code() -> None:
    assert {PARTY_NAMES[n.lower()] for p in PARTY_LIST for n in (p.name, *p.other_names)} == set(PARTIES)


def test_training_reads_the_same_parties() -> None:
    sys.path.insert(0, str(ROOT / "training"))
    try:
        from lexicon import Lexicon
    finally:
        sys.path.remove(str(ROOT / "training"))
    lex = Lexicon.load()
    assert [p.code for p in lex.parties] == list(PARTIES)
    assert lex.parties == PARTY_LIST
    assert not (ROOT / "training" / "lexicon" / "parties.tsv").exists()  # no second copy to drift
    names = lex.party_names()
    assert set(PARTY_NAMES) <= names
    assert {"socialdemokraternas", "miljöpartiets", "folkpartiet liberalernas"} <= names


def test_import_fails_without_the_file(tmp_path: Path) -> None:
    """No silent fallback: a package without vocab/parties.tsv does not import."""
    (tmp_path / "pipeline").mkdir()
    (tmp_path / "pipeline" / "__init__.py").write_text("")
    for module in ("values.py", "vocabulary.py", "errors.py"):
        shutil.copy(ROOT / "pipeline" / module, tmp_path / "pipeline" / module)
    run = subprocess.run(
        [sys.executable, "-c", "import pipeline.values"], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 1
    missing = tmp_path / "pipeline" / "vocab" / "parties.tsv"
    assert run.stderr.splitlines()[-1] == (
        f"pipeline.errors.ProtokollError: {missing}: vocabulary file missing "
        "(reinstall protokoll, or restore it with git checkout -- parties.tsv)"
    )


ROW = {"code": "S", "name": "Socialdemokraterna", "kind": "riksdag", "other_names": "", "forms": ""}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "no parties"),
        ([{"code": "S", "name": "Socialdemokraterna", "kind": "riksdag"}],
         "the header must be 'code\\tname\\tkind\\tother_names\\tforms', not 'code\\tname\\tkind'"),
        ([ROW, {**ROW, "code": "SOCDE"}], "party 2: party code 'SOCDE' is not 1-4 letters"),
        ([{**ROW, "code": "S1"}], "party 1: party code 'S1' is not 1-4 letters"),
        ([{**ROW, "code": "EU"}], "party 1: party code 'EU' is in NOT_PARTIES (pipeline/values.py)"),
        ([ROW, {**ROW, "code": "s", "name": "Sossarna"}], "party 2: party code 's' is listed twice (codes compare upper-case)"),
        ([{**ROW, "name": " "}], "party 1: party 'S' has no name"),
        ([{**ROW, "kind": "regional"}], "party 1: party 'S': kind 'regional' is not one of riksdag, local, historical"),
        ([{**ROW, "code": "FP", "name": "Folkpartiet"}, {**ROW, "code": "L", "name": "Liberalerna", "other_names": "folkpartiet"}],
         "party 2: a name of 'L' is listed twice"),
    ],
)
def test_malformed_rows_name_the_file_and_the_party(rows: list[dict[str, str]], message: str) -> None:
    source = Path("x/parties.tsv")
    with pytest.raises(ValueError) as e:
        parties_from_rows(rows, source)
    assert str(e.value) == f"{source}: {message}"


def test_values_are_trimmed_and_lists_split() -> None:
    row = {"code": " MP ", "name": "Miljöpartiet ", "kind": "riksdag", "other_names": "Miljöpartiet de gröna, ",
           "forms": "Miljöpartiets,"}
    assert parties_from_rows([row]) == [Party("MP", "Miljöpartiet", "riksdag", ("Miljöpartiet de gröna",), ("Miljöpartiets",))]
