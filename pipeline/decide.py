"""Stage 3, decide: a segmented ``Protocol`` -> its decision chain (``Protocol.decisions``).

Between segment and tag: proposals with their stance and whether they won, votes and how each
member voted, reservations and protocol notes, jäv, each item's outcome and its decision clauses
(``pipeline.decisions``). Its own stage so that the ~60 heuristics it runs can be re-run alone on
the segment outputs (``protokoll decide``) and so that a bug in them never costs a document: each
item is guarded inside ``extract_decisions``, and the whole step here, so that any exception
becomes a ``decide_failed`` warning and the meeting, items and sections are still stored.

The self-checks run again after it (``check_protocol``): the vote checks read the decisions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from .checks import check_protocol
from .decisions import extract_decisions
from .types import Decisions, DocumentIssue, Protocol

log = logging.getLogger(__name__)


def decide(protocol: Protocol, read: Callable[[Protocol], Decisions] = extract_decisions) -> Protocol:
    """Fill ``decisions`` and the self-check ``issues`` of a segmented protocol in place and return it.

    An agenda or a notice (``doc_type`` other than ``protokoll``) holds no decisions yet and gets
    none. Never raises for what the document holds: a failure is a ``decide_failed`` warning.
    ``read`` reads the decision chain (``extract_decisions``; tests give one that fails).
    """
    try:
        protocol.decisions = read(protocol) if protocol.doc_type == "protokoll" else Decisions()
        protocol.issues = check_protocol(protocol)
    except Exception as exc:  # noqa: BLE001 - a bug in the decision heuristics must not lose the document
        _failed(protocol, exc)
    protocol.decided = True
    return protocol


def _failed(protocol: Protocol, exc: Exception) -> None:
    """The document without decision rows, and one warning that says why, after the other self-checks."""
    log.warning("%s: reading the decisions failed: %s: %s", protocol.path, type(exc).__name__, exc)
    issue = DocumentIssue(
        "warning", "decide_failed",
        f"reading the decisions failed ({type(exc).__name__}: {exc}); the meeting, items and sections are stored "
        "without proposals, votes, outcomes or clauses (report it with the file)",
    )
    protocol.decisions = Decisions(issues=[issue])
    try:
        protocol.issues = check_protocol(protocol)  # without decisions: what segment found, plus the warning
    except Exception:  # noqa: BLE001 - the self-checks themselves failed: keep what segment found
        protocol.issues = [i for i in protocol.issues if i.code != "decide_failed"] + [issue]
