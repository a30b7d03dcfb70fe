"""Checking the audit chain from the screen: the check is itself an audited act."""

from __future__ import annotations

from caseapp.audit.services import ChainProblem, record, verify_chain


def verify_and_record() -> tuple[int, ChainProblem | None]:
    """Check the whole chain and stage the audit entry saying so; the caller commits."""
    checked, problem = verify_chain()
    record(
        "audit.verify", object_type="audit",
        summary=f"checked={checked} result={'broken' if problem else 'ok'}"
                + (f" entry={problem.entry_id}" if problem else ""),
    )
    return checked, problem
