"""Writers appending to the audit chain at the same time keep it one unbroken chain."""

from __future__ import annotations

import threading

from flask import Flask

from caseapp.audit.services import record, verify_chain
from caseapp.db import db


def test_concurrent_writers_keep_the_chain_intact(app: Flask) -> None:
    per_writer, writers = 15, 3
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                # The first entries race for a head row that does not exist yet.
                for i in range(per_writer):
                    record("test_write", object_type="writer", object_id=n,
                           summary=f"writer={n} i={i}", username=f"w{n}")
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    checked, problem = verify_chain()
    assert problem is None
    assert checked == per_writer * writers
