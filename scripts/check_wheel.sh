#!/usr/bin/env bash
# Build the protokoll wheel, install it into a fresh virtualenv outside the checkout, ingest
# data/raw with it from another folder, and require the same database as the editable install
# (.venv) makes, entities from the model included (scripts/compare_dbs.py). Exit 0 equal, 1 not.
#
#   bash scripts/check_wheel.sh        # CI runs it after `make test` (.ci/run)
#
# Catches what an editable install hides: data files or the model missing from the wheel,
# dependencies not declared, paths looked up relative to the checkout or the current folder.
# Needs .venv (make install) and PyPI (pip fetches the build backend and the dependencies).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || { echo "check_wheel: $PY not found (run 'make install' first, or set PYTHON)" >&2; exit 3; }
TMP="$(mktemp -d "${TMPDIR:-/tmp}/protokoll-wheel.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
# Neither run may see settings of the caller's shell.
unset PYTHONPATH PROTOKOLL_MODEL PROTOKOLL_DB PROTOKOLL_PROCESSED
step() { echo "check_wheel: $*" >&2; }

# 1. The wheel, built from a clean copy of the sources: setuptools' build/ folder in the
#    checkout may hold files deleted since, and they would end up in the wheel.
step "building the wheel"
mkdir "$TMP/src"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # tracked and new files, not ignored ones, and not those deleted in the working tree
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do if [ -e "$ROOT/$f" ]; then printf '%s\0' "$f"; fi; done \
    | tar -C "$ROOT" --null -T - -cf - | tar -xf - -C "$TMP/src"
else
  tar -C "$ROOT" --exclude=./.venv --exclude=./data/processed --exclude=./build --exclude='*.egg-info' \
    --exclude=__pycache__ -cf - . | tar -xf - -C "$TMP/src"
fi
"$PY" -m pip wheel --quiet --no-deps --wheel-dir "$TMP/dist" "$TMP/src"
WHEEL="$(ls "$TMP"/dist/protokoll-*.whl)"
"$PY" - "$WHEEL" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
needed = ["pipeline/data/places_sv.txt", "pipeline/data/first_names.txt", "pipeline/data/sv_words.txt.gz",
          "pipeline/vocab/sections.tsv", "sv_protokoll/__init__.py", "sv_protokoll/config.cfg", "sv_protokoll/meta.json",
          "sv_protokoll/tok2vec/model", "sv_protokoll/ner/model", "sv_protokoll/vocab/vectors",
          "sv_protokoll/protokoll_rules/places_sv.txt"]
missing = [n for n in needed if n not in names]
if missing:
    sys.exit(f"check_wheel: {sys.argv[1]} lacks {', '.join(missing)} (see [tool.setuptools] in pyproject.toml)")
EOF

# 2. A fresh virtualenv with the wheel and nothing else; it must use its own copy of everything.
step "installing $(basename "$WHEEL") into a fresh virtualenv"
"$PY" -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install --quiet "$WHEEL"
mkdir "$TMP/elsewhere"
(cd "$TMP/elsewhere" && HOME="$TMP/elsewhere" "$TMP/venv/bin/python" - "$ROOT" <<'EOF'
import sys
from pathlib import Path
import spacy
import pipeline, sv_protokoll
root = Path(sys.argv[1]).resolve()
for module in (pipeline, sv_protokoll):
    if Path(module.__file__).resolve().is_relative_to(root):
        sys.exit(f"check_wheel: {module.__name__} imported from the checkout ({module.__file__}), not the wheel")
nlp = spacy.load(sv_protokoll.MODEL_DIR)  # protokoll_rules found through the spacy_factories entry point
if nlp.pipe_names != ["tok2vec", "ner", "protokoll_rules"]:
    sys.exit(f"check_wheel: spacy.load of the installed model gives {nlp.pipe_names}")
EOF
)

# 3. The same files into two databases: editable install from the checkout, wheel from elsewhere.
step "ingesting data/raw with the editable install and with the wheel"
# A failed ingest does not stop the check here: the comparison shows what it left behind.
rc_editable=0 rc_wheel=0
(cd "$ROOT" && .venv/bin/protokoll --quiet --processed "$TMP/editable" ingest --jobs 1 --db "$TMP/editable.db" data/raw) \
  || rc_editable=$?
(cd "$TMP/elsewhere" && HOME="$TMP/elsewhere" "$TMP/venv/bin/protokoll" --quiet --processed "$TMP/wheel" \
   ingest --jobs 1 --db "$TMP/wheel.db" "$ROOT/data/raw") || rc_wheel=$?

# 4. Equal, and tagged with the model.
rc_compare=0
"$PY" "$ROOT/scripts/compare_dbs.py" "$TMP/editable.db" "$TMP/wheel.db" --expect-model sv_protokoll || rc_compare=$?
if [ "$rc_editable" -ne 0 ] || [ "$rc_wheel" -ne 0 ]; then
  echo "check_wheel: ingest exited $rc_editable with the editable install, $rc_wheel with the wheel" >&2
  exit 1
fi
exit "$rc_compare"
