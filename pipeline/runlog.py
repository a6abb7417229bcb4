"""The run's log records: the stderr filter, the run log's handler, the JSON format.

Apart from ``pipeline/runs.py`` (which re-exports them) because the worker processes set up
their logging with them too, and ``runs`` needs the database (SQLAlchemy) that workers never
import (``pipeline/work.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any


def on_stderr(record: logging.LogRecord) -> bool:
    """Log filter of the stderr handlers: records marked ``stderr=False`` go to the run log only
    (a failure the command prints as its own line; a crash traceback)."""
    return bool(getattr(record, "stderr", True))


def file_handler(path: Path, as_json: bool) -> logging.Handler:
    """The run log's handler (appends: worker processes write to the same file)."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    return handler


class JsonFormatter(logging.Formatter):
    """One JSON object per log record, for machines."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("path", "outcome", "error", "run_id", "seconds", "items", "pages"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
