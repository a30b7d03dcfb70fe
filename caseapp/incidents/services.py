"""Adding and editing incidents; each change audited with the case's unit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from caseapp.cases.models import Case, CaseCategory
from caseapp.db import db
from caseapp.incidents.models import Incident, IncidentAct, Perpetrator, ViolenceAct
from caseapp.records.common import apply_changes, audit_case_record, check_version

TRAFFICKING_FIELDS = ("trafficking_purpose", "trafficking_scope", "destination_country",
                      "returned_on")


def _perp_key(p: dict[str, Any]) -> tuple[Any, Any, Any]:
    return (p.get("relationship_"), p.get("sex"), p.get("age_group"))


def save_incident(
    case: Case,
    values: dict[str, Any],
    acts: Sequence[ViolenceAct],
    perpetrators: Sequence[dict[str, Any]],
    incident: Incident | None = None,
    version: str | int | None = None,
) -> Incident:
    """Create (``incident`` None) or update an incident and audit it; StaleEdit if the
    incident changed since ``version``.

    ``values`` holds occurred_on, place_type, gbv_type, narrative and the trafficking
    fields; those are kept only for trafficking cases.
    """
    values = dict(values)
    if case.category != CaseCategory.TRAFFICKING:
        for name in TRAFFICKING_FIELDS:
            values[name] = None
    if values.get("destination_country") == "":
        values["destination_country"] = None
    if values.get("narrative") == "":
        values["narrative"] = None
    creating = incident is None
    if incident is None:
        incident = Incident(case_id=case.id)
        db.session.add(incident)
        changed = [k for k, v in values.items() if v not in (None, "")]
        for k, v in values.items():
            setattr(incident, k, v)
    else:
        check_version(incident, version)
        changed = apply_changes(incident, values)

    wanted = {ViolenceAct(a) for a in acts}
    current = {a.act for a in incident.acts}
    if wanted != current:
        incident.acts = [a for a in incident.acts if a.act in wanted] + [
            IncidentAct(act=a) for a in sorted(wanted - current)
        ]
        changed.append("acts")
    old_perps = sorted((_perp_key({"relationship_": p.relationship_, "sex": p.sex,
                                   "age_group": p.age_group}) for p in incident.perpetrators),
                       key=str)
    new_perps = sorted((_perp_key(p) for p in perpetrators), key=str)
    if old_perps != new_perps:
        incident.perpetrators = [
            Perpetrator(relationship_=p["relationship_"], sex=p.get("sex"),
                        age_group=p.get("age_group"))
            for p in perpetrators
        ]
        changed.append("perpetrators")
    if not creating and changed:
        # Child rows changing alone must still bump the version for optimistic locking.
        flag_modified(incident, "occurred_on")
    db.session.flush()
    audit_case_record("incident.create" if creating else "incident.update", "incident",
                      incident.id, case, changed)
    return incident
