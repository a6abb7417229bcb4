"""Packaging: what an installed protokoll needs is declared and shipped, and the model is found or missed loudly.

The cheap facts are read from pyproject.toml and the source tree; the full proof (a
wheel installed into a fresh virtualenv makes the same database) is
scripts/check_wheel.sh, which CI runs after the suite.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from pipeline.cli import main
from pipeline.tag import DEFAULT_MODEL, ModelNotFoundError, build_nlp, find_model

from .conftest import FIXTURES, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MODEL = ROOT / "models" / "sv_protokoll"
# Import names that are not the distribution's name.
DISTRIBUTION_OF = {"PIL": "pillow", "pdfminer": "pdfminer.six"}
# Modules imported only by an optional feature: module -> (extra, distribution it comes with).
OPTIONAL = {"distributed": ("dask", "dask"), "datasette": ("serve", "datasette"), "uvicorn": ("serve", "uvicorn"),
            "markupsafe": ("serve", "markupsafe")}
FIRST_PARTY = {"pipeline", "sv_protokoll"}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _found_packages() -> dict[str, Path]:
    """The packages setuptools finds with [tool.setuptools.packages.find], and their folders (as its PEP 420 finder walks)."""
    find = PYPROJECT["tool"]["setuptools"]["packages"]["find"]
    found: dict[str, Path] = {}
    for where in find["where"]:
        base = ROOT / where
        for folder in sorted(p for p in base.rglob("*") if p.is_dir()):
            parts = folder.relative_to(base).parts
            if any("." in part for part in parts):
                continue
            name = ".".join(parts)
            if (any(fnmatch.fnmatchcase(name, pat) for pat in find["include"])
                    and not any(fnmatch.fnmatchcase(name, pat) for pat in find.get("exclude", []))):
                found[name] = folder
    return found


def _shipped(package: str, path: Path, found: dict[str, Path]) -> bool:
    if package not in found:
        return False
    patterns = PYPROJECT["tool"]["setuptools"].get("package-data", {}).get(package, [])
    return path.suffix == ".py" or any(fnmatch.fnmatchcase(path.name, pat) for pat in patterns)


def test_every_file_of_the_package_and_the_model_is_shipped() -> None:
    found = _found_packages()
    sources = {"pipeline": ROOT / "pipeline", "sv_protokoll": MODEL}
    files = {
        (".".join([top, *path.parent.relative_to(folder).parts]), path)
        for top, folder in sources.items()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert ("pipeline.data", ROOT / "pipeline/data/places_sv.txt") in files  # the walk sees the data
    not_shipped = sorted(str(path.relative_to(ROOT)) for package, path in files if not _shipped(package, path, found))
    assert not_shipped == [], "add them to [tool.setuptools.package-data] in pyproject.toml"
    assert found["sv_protokoll"] == MODEL  # the model package is the one source folder, not a copy


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level names of the absolute imports under pipeline/, with the files importing them."""
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in FIRST_PARTY and top != "__future__":
                    out.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return out


def test_every_third_party_module_imported_is_declared() -> None:
    project = PYPROJECT["project"]
    required = {_canonical(Requirement(r).name) for r in project["dependencies"]}
    extras = {extra: {_canonical(Requirement(r).name) for r in reqs} for extra, reqs in project["optional-dependencies"].items()}
    imported = _third_party_imports()
    assert {"spacy", "pypdfium2", "PIL", "pdfminer", "sqlalchemy", "click"} <= set(imported)  # the walk works
    undeclared = {}
    for module, files in imported.items():
        if module in OPTIONAL:
            extra, dist = OPTIONAL[module]
            ok = _canonical(dist) in extras.get(extra, set())
        else:
            ok = _canonical(DISTRIBUTION_OF.get(module, module)) in required
        if not ok:
            undeclared[module] = sorted(files)
    assert undeclared == {}, "declare them in [project] dependencies (or an extra) in pyproject.toml"


def _bounds(spec: SpecifierSet, where: str) -> tuple[Version, Version]:
    ops = {s.operator: Version(s.version) for s in spec}
    assert set(ops) == {">=", "<"}, f"{where}: write the spaCy range as '>=X,<Y', not {spec}"
    return ops[">="], ops["<"]


def test_spacy_range_lies_within_the_models() -> None:
    import spacy

    ours = next(Requirement(r) for r in PYPROJECT["project"]["dependencies"] if Requirement(r).name == "spacy").specifier
    models = SpecifierSet(json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))["spacy_version"])
    low, high = _bounds(ours, "pyproject.toml")
    model_low, model_high = _bounds(models, "meta.json")
    assert model_low <= low and high <= model_high, f"pyproject.toml allows spaCy {ours}, the model needs {models}"
    assert spacy.__version__ in ours and spacy.__version__ in models


def test_the_model_folder_holds_the_rule_component_and_its_place_list() -> None:
    config = (MODEL / "config.cfg").read_text(encoding="utf-8")
    meta = json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))
    assert 'pipeline = ["tok2vec", "ner", "protokoll_rules"]' in config
    assert '[components.protokoll_rules]\nfactory = "protokoll_rules"\n' in config
    assert meta["pipeline"] == meta["components"] == ["tok2vec", "ner", "protokoll_rules"]
    saved = (MODEL / "protokoll_rules" / "places_sv.txt").read_bytes()
    assert saved == (ROOT / "pipeline" / "data" / "places_sv.txt").read_bytes(), (
        "the place list changed: run '.venv/bin/python training/train.py --rules-only'"
    )


def test_the_rule_factory_is_an_entry_point_spacy_finds() -> None:
    from importlib.metadata import entry_points

    assert PYPROJECT["project"]["entry-points"]["spacy_factories"] == {"protokoll_rules": "pipeline.tag:rules_factory"}
    installed = [(e.name, e.value) for e in entry_points(group="spacy_factories") if e.name == "protokoll_rules"]
    assert installed == [("protokoll_rules", "pipeline.tag:rules_factory")], "run: pip install -e '.[dev]'"


SPACY_LOAD = """
import json, sys
{before}
import spacy
nlp = spacy.load(sys.argv[1])
doc = nlp("Lorents Burman (S) yrkar bifall, mötet hölls på Scandinavium. Sedan Xyzby.")
print(json.dumps([nlp.pipe_names, [[e.text, e.label_, e._.party] for e in doc.ents]]))
"""
TAGGED = [["Lorents Burman", "PERSON", "S"], ["S", "PARTY", "S"], ["Scandinavium", "LOC", None]]


@pytest.mark.model
@pytest.mark.parametrize("before", ["", "import pipeline.cli  # the CLI imports pipeline.tag before spaCy"])
def test_spacy_load_of_the_model_folder_gives_the_tag_pipeline(before: str, tmp_path: Path) -> None:
    """A fresh interpreter, another folder, no call into protokoll: spaCy finds protokoll_rules by its entry point."""
    out = subprocess.run([sys.executable, "-c", SPACY_LOAD.format(before=before), str(MODEL)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [["tok2vec", "ner", "protokoll_rules"], TAGGED]


@pytest.mark.model
def test_the_place_list_is_read_from_the_model_folder(tmp_path: Path) -> None:
    """Xyzby is in no list of this package: found only because the model's own copy of the list names it."""
    model = tmp_path / "sv_protokoll"
    shutil.copytree(MODEL, model, ignore=shutil.ignore_patterns("__pycache__"))
    with (model / "protokoll_rules" / "places_sv.txt").open("a", encoding="utf-8") as f:
        f.write("Xyzby\n")
    out = subprocess.run([sys.executable, "-c", SPACY_LOAD.format(before=""), str(model)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[1] == [*TAGGED, ["Xyzby", "LOC", None]]


def test_the_default_model_is_the_installed_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """The editable install maps the package sv_protokoll to models/sv_protokoll: the same folder."""
    import importlib.util

    monkeypatch.delenv("PROTOKOLL_MODEL", raising=False)

    spec = importlib.util.find_spec("sv_protokoll")
    assert spec is not None and [Path(p).resolve() for p in spec.submodule_search_locations or []] == [DEFAULT_MODEL]
    assert find_model() == DEFAULT_MODEL


def test_blank_is_asked_for_by_name_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROTOKOLL_MODEL", "blank")
    assert find_model() is None
    nlp = build_nlp()
    assert (nlp.pipe_names, nlp.meta["protokoll_model"]) == (["protokoll_rules"], "blank")


def test_a_named_model_that_is_missing_or_no_model_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fix = ("Fix: give the folder of a trained spaCy model (e.g. models/sv_protokoll, built by 'make model'), "
           "or 'blank' for the rules only")
    with pytest.raises(ModelNotFoundError) as missing:
        find_model(tmp_path / "nothing")
    assert str(missing.value) == f"{tmp_path}/nothing: no such model folder or installed model package (from --model). {fix}"
    monkeypatch.setenv("PROTOKOLL_MODEL", str(tmp_path))
    with pytest.raises(ModelNotFoundError) as empty:
        find_model()
    assert str(empty.value) == f"{tmp_path}: not a spaCy model folder (no config.cfg) (from $PROTOKOLL_MODEL). {fix}"


@pytest.mark.model
def test_a_model_folder_that_cannot_be_loaded_is_an_error(tmp_path: Path) -> None:
    model = tmp_path / "broken"
    shutil.copytree(MODEL, model, ignore=shutil.ignore_patterns("__pycache__"))
    (model / "ner" / "model").unlink()
    with pytest.raises(ModelNotFoundError) as broken:
        build_nlp(model)
    message = str(broken.value)
    assert message.startswith(f"{model}: cannot be loaded as a spaCy model (") and "\n" not in message
    assert message.endswith("Fix: rebuild it with 'make model', or give another --model; --model blank tags with the rules only")


def test_ingest_with_a_missing_model_exits_3_and_imports_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = CliRunner().invoke(main, ["--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", str(db),
                                       "--model", str(tmp_path / "nothing"), str(FIXTURES / "minimal-protocol.pdf")])
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{tmp_path}/nothing: no such model folder or installed model package (from --model)" in lines[0]
    assert not db.exists()  # stopped before the database was opened


def test_without_any_model_protokoll_stops_instead_of_tagging_with_rules_only(tmp_path: Path) -> None:
    """A real interpreter where protokoll runs from a copy without models/ and sv_protokoll is not installed.

    The virtualenv sees this checkout's site-packages as a plain folder (its .pth files,
    among them the editable install's finder for sv_protokoll, are not read).
    """
    src = tmp_path / "src"
    shutil.copytree(ROOT / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True, timeout=120)
    python = tmp_path / "venv" / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    site = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "spacy").is_dir())
    Path(purelib, "deps.pth").write_text(f"{src}\n{site}\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([str(python), "-m", "pipeline", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1",
                          "--db", str(tmp_path / "t.db"), str(FIXTURES / "minimal-protocol.pdf")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 3, out.stderr
    looked = (f"no spaCy model found; looked at $PROTOKOLL_MODEL (not set), the installed package sv_protokoll "
              f"(not installed), {src}/models/sv_protokoll (missing). Fix: run 'make model' in the source checkout, "
              "or 'pip install' a protokoll wheel (it ships sv_protokoll), or pass --model PATH; "
              "--model blank tags with the rules only")
    assert out.stderr.count("\n") == 1 and out.stderr.rstrip("\n").endswith(looked), out.stderr
    assert not (tmp_path / "t.db").exists()


@pytest.fixture(scope="module")
def two_dbs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The minimal fixture ingested twice, from two folders, with the rules only."""
    work = tmp_path_factory.mktemp("compare")
    return _ingest(work, "a"), _ingest(work, "b")


def _ingest(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy2(FIXTURES / "minimal-protocol.pdf", folder)  # the same mtime: the same file for document_paths
    db = tmp_path / f"{name}.db"
    result = CliRunner().invoke(main, ["--quiet", "--processed", str(tmp_path / f"p-{name}"), "ingest", "--jobs", "1",
                                       "--db", str(db), "--model", "blank", str(folder)])
    assert result.exit_code == 0, result.output
    return db


def _compare(*args: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "compare_dbs.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_compare_dbs_ignores_paths_and_times_and_names_the_table_that_differs(
    two_dbs: tuple[Path, Path], tmp_path: Path
) -> None:
    a, ingested_b = two_dbs
    b = tmp_path / "b.db"
    with sqlite3.connect(ingested_b) as src, sqlite3.connect(b) as dst:
        src.backup(dst)  # a file copy could miss what is still in the -wal file
    with sqlite3.connect(a) as conn:
        assert conn.execute("SELECT COUNT(*) FROM documents WHERE path LIKE '%/a/%'").fetchone() == (1,)
        (entities,) = conn.execute("SELECT COUNT(*) FROM entities").fetchone()
    same = _compare(a, b)
    assert same.returncode == 0, same.stdout
    assert same.stdout.startswith("databases equal: ") and f"entities {entities})" in same.stdout
    with sqlite3.connect(b) as conn:
        conn.execute("UPDATE entities SET text = 'Ändrad' WHERE id = 1")
    changed = _compare(a, b)
    assert changed.returncode == 1
    lines = changed.stdout.splitlines()
    assert lines[0] == f"databases differ: A={a} B={b}"
    assert lines[1].startswith(f"entities: {entities} vs {entities} rows, 1 only in A, 1 only in B (columns id, ")
    assert [line[:3] for line in lines[2:]] == ["  A", "  B"] and "'Ändrad'" in lines[3]


def test_compare_dbs_expect_model_refuses_a_rules_only_run(two_dbs: tuple[Path, Path]) -> None:
    a, b = two_dbs
    out = _compare(a, b, "--expect-model", "sv_protokoll")
    assert out.returncode == 1
    assert out.stdout.splitlines()[1:] == [
        f"{a}: documents tagged with ['blank'], not with the model sv_protokoll",
        f"{a}: no entity comes from the model",
        f"{b}: documents tagged with ['blank'], not with the model sv_protokoll",
        f"{b}: no entity comes from the model",
    ]
