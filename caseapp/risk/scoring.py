"""The danger checklist and its scoring rule.

Rule (applied in this order):
1. Any "critical" item answered yes (threat to kill, weapon used or threatened,
   strangulation or choking) makes the risk HIGH whatever else is answered: these are the
   strongest predictors of lethal violence in danger-assessment practice.
2. Otherwise the weights of the items answered yes are added up:
   score >= HIGH_THRESHOLD  -> HIGH
   score >= MEDIUM_THRESHOLD -> MEDIUM
   else LOW.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from caseapp.cases.models import RiskLevel


@dataclass(frozen=True)
class RiskItem:
    key: str
    label: object
    weight: int
    critical: bool = False


ITEMS: tuple[RiskItem, ...] = (
    RiskItem("threat_to_kill", _l("The perpetrator has threatened to kill her"), 5, True),
    RiskItem("weapon", _l("A weapon was used or threatened"), 5, True),
    RiskItem("strangulation", _l("Strangulation or choking"), 5, True),
    RiskItem("escalation", _l("Violence is getting more frequent or more severe"), 3),
    RiskItem("fears_for_life", _l("She fears for her life"), 3),
    RiskItem("child_at_risk", _l("A child is at risk"), 3),
    RiskItem("pregnancy", _l("She is pregnant"), 2),
    RiskItem("jealousy_control", _l("Extreme jealousy or controlling behaviour"), 2),
    RiskItem("police_calls", _l("Police were called before"), 2),
    RiskItem("substance_abuse", _l("The perpetrator abuses alcohol or drugs"), 2),
)
ITEMS_BY_KEY = {i.key: i for i in ITEMS}

HIGH_THRESHOLD = 8
MEDIUM_THRESHOLD = 4


def score_answers(answers: Iterable[str]) -> tuple[int, RiskLevel]:
    """The score (sum of weights) and level for the keys answered yes."""
    chosen = [ITEMS_BY_KEY[k] for k in set(answers)]
    score = sum(i.weight for i in chosen)
    if any(i.critical for i in chosen) or score >= HIGH_THRESHOLD:
        return score, RiskLevel.HIGH
    if score >= MEDIUM_THRESHOLD:
        return score, RiskLevel.MEDIUM
    return score, RiskLevel.LOW
