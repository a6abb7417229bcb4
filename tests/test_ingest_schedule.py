"""How ingest hands out its files and starts its workers (issue 15): largest first with several
workers, path order with one; workers forked from a forkserver that holds only imports."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline import ingest
from pipeline.ingest import Task, WorkerConfig


def _task(name: str, size: int) -> Task:
    return Task(Path(f"/in/{name}"), f"/in/{name}", name, size)


def test_several_workers_start_with_the_largest_files() -> None:
    todo = [_task("a.pdf", 30), _task("b.pdf", 4_000_000), _task("c.pdf", 30), _task("d.pdf", 500), _task("e.pdf", 0)]
    assert [t.shown for t in ingest.schedule(todo, jobs=2)] == ["b.pdf", "d.pdf", "a.pdf", "c.pdf", "e.pdf"]
    assert [t.shown for t in ingest.schedule(todo, jobs=1)] == ["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"]
    assert [t.shown for t in todo] == ["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"]  # the caller's list stays


def test_small_files_still_go_in_batches_after_the_large_ones() -> None:
    todo = [_task(f"{k:03d}.pdf", 30_000) for k in range(60)] + [_task("big.pdf", 3_000_000)]
    queue = list(reversed(ingest.schedule(todo, jobs=2)))
    assert [t.shown for t in ingest._next_batch(queue, jobs=2)] == ["big.pdf"]
    assert [t.shown for t in ingest._next_batch(queue, jobs=2)] == [f"{k:03d}.pdf" for k in range(3)]  # 60 // 16


def test_workers_come_from_a_forkserver_started_by_this_process() -> None:
    context, config = ingest._pool_context(WorkerConfig(parent_pid=os.getpid()))
    assert context.get_start_method() == "forkserver"
    assert config.parent_pid != os.getpid()  # the server's: the workers' parent
    assert Path(f"/proc/{config.parent_pid}/status").read_text().split("PPid:")[1].split()[0] == str(os.getpid())
    _, again = ingest._pool_context(WorkerConfig(parent_pid=os.getpid()))
    assert again.parent_pid == config.parent_pid  # one server per process
    assert ingest._pool_context(WorkerConfig())[1].parent_pid == 0  # no parent check asked for, none made


def test_a_worker_starts_with_the_imports_of_the_server() -> None:
    from concurrent.futures import ProcessPoolExecutor

    context, _ = ingest._pool_context(WorkerConfig())
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        stages = ["spacy", "pipeline.boxes", "pipeline.forkserver", "pipeline.segment", "pipeline.decide"]
        assert pool.submit(_imported, stages).result() == [True] * 5


def test_a_worker_never_imports_the_database_side() -> None:
    """The server imports ``pipeline.work``, not ``pipeline.ingest``: SQLAlchemy and the writer's modules
    cost 0.2-0.3 CPU-s before the first task and no worker uses them. Nor does a task: the pool
    sends ``work._init_worker`` and ``work._process_in_worker``, whose unpickling imports ``pipeline.work``."""
    from concurrent.futures import ProcessPoolExecutor

    context, config = ingest._pool_context(WorkerConfig())
    assert (ingest._init_worker.__module__, ingest._process_in_worker.__module__) == ("pipeline.work", "pipeline.work")
    database_side = ["sqlalchemy", "pipeline.ingest", "pipeline.load", "pipeline.db", "pipeline.runs", "pipeline.persons"]
    # eval, a builtin: a function of this file would import this file, and with it pipeline.ingest, in the worker
    probe = f"[m for m in {database_side!r} if m in __import__('sys').modules]"
    with ProcessPoolExecutor(1, mp_context=context, initializer=ingest._init_worker, initargs=(config,)) as pool:
        assert pool.submit(eval, probe).result() == []
        assert pool.submit(ingest._process_in_worker, config, []).result() == []
        assert pool.submit(eval, probe).result() == []


def _imported(modules: list[str]) -> list[bool]:
    """In a worker: which modules were there before its first task (nothing here imports them)."""
    return [m in sys.modules for m in modules]


def test_a_worker_has_the_environment_and_folder_of_the_run_not_of_the_server(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The server is started once per process; a later run's environment and working directory reach its workers."""
    from concurrent.futures import ProcessPoolExecutor

    ingest._pool_context(WorkerConfig())  # the server runs, with the environment of now
    monkeypatch.setenv("PROTOKOLL_TESSERACT", "/nonexistent/tesseract")
    monkeypatch.delenv("PROTOKOLL_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    context, config = ingest._pool_context(WorkerConfig())
    with ProcessPoolExecutor(1, mp_context=context, initializer=ingest._init_worker, initargs=(config,)) as pool:
        seen = pool.submit(_environment, ["PROTOKOLL_TESSERACT", "PROTOKOLL_DB"]).result()
    assert seen == ({"PROTOKOLL_TESSERACT": "/nonexistent/tesseract", "PROTOKOLL_DB": None}, str(tmp_path))


def _environment(names: list[str]) -> tuple[dict[str, str | None], str]:
    return {n: os.environ.get(n) for n in names}, os.getcwd()


def test_the_server_is_started_once_and_early_by_start_forkserver() -> None:
    """The ingest command starts the server before it opens the database; the pool then uses that server."""
    server = ingest.start_forkserver()
    assert server is not None and ingest.start_forkserver() == server
    assert ingest._pool_context(WorkerConfig(parent_pid=os.getpid()))[1].parent_pid == server


def test_the_command_line_imports_no_stage_it_does_not_run() -> None:
    """Every command imports ``pipeline.cli``: segment and decide are imported by the workers only, spaCy when tagging."""
    import subprocess

    code = ("import sys, pipeline.cli; print(' '.join(m for m in ['pipeline.segment', 'pipeline.decide', "
            "'pipeline.decisions', 'pipeline.boxes', 'spacy'] if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_run_with_nothing_to_process_stops_the_server_started_for_it() -> None:
    """The command starts the server before it plans; with every file settled it is stopped, not left importing."""
    server = ingest.start_forkserver()
    assert server is not None
    ingest._parallel([], 2, WorkerConfig(), lambda task, result: None)
    assert not Path(f"/proc/{server}").exists()  # ended and reaped
    again = ingest.start_forkserver()  # a later pool of this process gets a new one
    assert again is not None and again != server
    assert ingest._pool_context(WorkerConfig(parent_pid=os.getpid()))[1].parent_pid == again


def test_a_worker_does_not_run_the_main_script_again(tmp_path: Path) -> None:
    """Started from a file (the ``protokoll`` shim imports pipeline.cli), multiprocessing would run that file
    again in every worker; the server's workers skip it (``pipeline/forkserver.py``), as with ``python -m``."""
    import subprocess

    script = tmp_path / "main_script.py"
    script.write_text(
        "import sqlalchemy\n"  # what the protokoll shim brings in through pipeline.cli
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from pipeline import ingest\n"
        "if __name__ == '__main__':\n"
        "    context, config = ingest._pool_context(ingest.WorkerConfig())\n"
        "    with ProcessPoolExecutor(1, mp_context=context, initializer=ingest._init_worker, initargs=(config,)) as pool:\n"
        "        probe = \"'sqlalchemy' in __import__('sys').modules, hasattr(__import__('sys').modules['__main__'], 'ingest')\"\n"
        "        print(pool.submit(eval, probe).result())\n",
        encoding="utf-8",
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "(False, False)"  # neither the script's imports nor its names
