"""Imported once by the forkserver that ingest's workers are forked from (``ingest.PRELOAD``).

The imports every worker needs (the stages and spaCy; not the model, which each worker loads as
before), and the server's own death signal: Python's forkserver stops when no process holding its
pipe is left, and the workers hold it, so when the run is killed (SIGKILL: no clean-up) only this
signal ends the server, and the workers' death signal (``work._init_worker``) then ends them.
The worker side only (``pipeline/work.py``), not ``pipeline.ingest``: the writer's database
modules (SQLAlchemy, 0.2-0.3 CPU-s) would lengthen the server's start, before the first task.

Nor does a worker run the main script again. Multiprocessing does that in each new process when
the program was started from a file (it may define the functions a task calls): for the
``protokoll`` command that file is the installed shim, ``from pipeline.cli import main``, so each
worker would import the command line and the database side (0.25 CPU-s before its first task).
A task of this server calls functions of ``pipeline.work`` only, never one of a main script, so
the workers skip it, as they already do when started by ``python -m pipeline`` (a package's
``__main__`` is never run again). Only this server process is changed, and only for its children.
"""

from multiprocessing import spawn

import spacy  # noqa: F401

from . import boxes, decide, segment, work  # noqa: F401  (work imports segment and decide where they run)

spawn._fixup_main_from_path = lambda main_path: None  # type: ignore[attr-defined]
work.die_with_parent()
