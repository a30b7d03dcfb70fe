"""The referrals section of the case page."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from caseapp.cases.models import Case
from caseapp.cases.sections import CaseSection, register_section
from caseapp.referrals import services, workflow


def load_case_referrals(case: Case) -> dict[str, Any]:
    """One query for the referrals with their providers; the allowed actions are computed
    from the loaded rows and the (per-request cached) settings."""
    referrals = services.case_referrals(case)
    user = current_user
    return {
        "referrals": referrals,
        "actions": {r.id: [t for t in workflow.allowed_actions(r, user) if not t.required]
                    for r in referrals},
        "can_create": case.status.value != "closed",
    }


def register_referral_section() -> None:
    register_section(CaseSection(
        key="referrals",
        order=60,
        template="referrals/_case_section.html",
        loader=load_case_referrals,
    ))
