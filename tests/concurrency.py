"""Run requests from several threads at once, each with its own test client (its own
session and database connection), so they really overlap in the database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from caseapp.db import db

# Long enough for a slow shared machine; a hung thread still fails the test.
WAIT_SECONDS = 60


def run_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start every call in its own thread, release them together, return their results.

    An exception in a call is returned in its place rather than lost in the thread.
    """
    # The test's own session must hold no transaction the threads could wait on.
    db.session.commit()
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(i: int, call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=WAIT_SECONDS)
            results[i] = call()
        except Exception as exc:  # reported to the test, which asserts on it
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i, c), daemon=True)
               for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_SECONDS)
    assert not any(t.is_alive() for t in threads), "a concurrent request never finished"
    return results
