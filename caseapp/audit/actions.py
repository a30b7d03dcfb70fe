"""Every audit action the application writes, with the label the audit screen shows.

Actions are named ``area.verb``. Entries written before that style keep their old names:
the hash chain covers them, so they are never rewritten; ``LEGACY`` maps each old name to
its current one, for labels and for filtering.
"""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l

ACTIONS: dict[str, Any] = {
    # Signing in and the user's own account
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.logout": _l("Signed out"),
    "auth.account_locked": _l("Account locked after failed sign-ins"),
    "auth.password_change": _l("Own password changed"),
    "auth.totp_enable": _l("Two-step verification turned on"),
    "auth.totp_disable": _l("Two-step verification turned off"),
    "auth.mfa_passed": _l("Two-step verification passed"),
    "auth.mfa_failed": _l("Two-step verification failed"),
    "auth.sessions_end_others": _l("Other sessions signed out"),
    # Account administration
    "user.create": _l("Account created"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "user.unlock": _l("Account unlocked"),
    "user.force_logout": _l("Account signed out by an administrator"),
    "user.password_reset": _l("Password reset by an administrator"),
    "user.role_unit": _l("Account role or unit changed"),
    "user.totp_reset": _l("Two-step verification reset by an administrator"),
    # Organisation and settings
    "unit.create": _l("Unit created"),
    "unit.rename": _l("Unit renamed"),
    "unit.move": _l("Unit moved"),
    "unit.merge": _l("Unit merged"),
    "unit.retire": _l("Unit retired"),
    "unit_kind.update": _l("Unit kind changed"),
    "settings.update": _l("Settings changed"),
    "service_type.create": _l("Service type created"),
    "service_type.update": _l("Service type edited"),
    "provider.create": _l("Service provider added"),
    "provider.update": _l("Service provider edited"),
    "indicator.settings_update": _l("Indicator settings changed"),
    "keyring.rotate": _l("Data encryption key rotated"),
    "import.records": _l("Records imported"),
    "audit.verify": _l("Audit log checked"),
    # Reports and documents
    "indicator.worklist_view": _l("List of victims without a service viewed"),
    "report.export": _l("Report exported"),
    "document.print": _l("Document printed"),
    "document.lookup": _l("Printed document looked up"),
    # Cases and clients
    "case.create": _l("Case created"),
    "case.update": _l("Case edited"),
    "case.status": _l("Case status changed"),
    "case.view": _l("Case viewed"),
    "client.create": _l("Client registered"),
    "client.update": _l("Client details edited"),
    "client.reveal": _l("Client identity shown"),
    # Records of a case
    "incident.create": _l("Incident recorded"),
    "incident.update": _l("Incident edited"),
    "incident.view": _l("Incident viewed"),
    "risk.create": _l("Risk assessed"),
    "measure.create": _l("Protection measure recorded"),
    "measure.update": _l("Protection measure edited"),
    "protection_measure.view": _l("Protection measure viewed"),
    "consent.create": _l("Consent recorded"),
    "consent.withdraw": _l("Consent withdrawn"),
    "consultation.create": _l("Consultation recorded"),
    "consultation.update": _l("Consultation edited"),
    "consultation.view": _l("Consultation viewed"),
    "attachment.upload": _l("Attachment uploaded"),
    "attachment.download": _l("Attachment downloaded"),
    "attachment.delete": _l("Attachment deleted"),
    "complaint.create": _l("Complaint recorded"),
    "complaint.update": _l("Complaint edited"),
    "complaint.status": _l("Complaint status changed"),
    "complaint.view": _l("Complaint viewed"),
    # Referrals (one action per workflow transition: referral.<transition>)
    "referral.create": _l("Referral created"),
    "referral.update": _l("Referral edited"),
    "referral.view": _l("Referral viewed"),
    "referral.submit": _l("Referral submitted for review"),
    "referral.approve": _l("Referral approved"),
    "referral.return": _l("Referral returned for changes"),
    "referral.send": _l("Referral sent to the provider"),
    "referral.accept": _l("Referral accepted by the provider"),
    "referral.refuse": _l("Referral refused by the provider"),
    "referral.receive": _l("Referred service received"),
    "referral.not_receive": _l("Referred service not received"),
    "referral.cancel": _l("Referral cancelled"),
    "referral.consent_override": _l("Referral allowed without recorded consent"),
}

# Names written before actions were named area.verb.
LEGACY: dict[str, str] = {
    "account_locked": "auth.account_locked",
    "audit_verify": "audit.verify",
    "case_create": "case.create",
    "case_status": "case.status",
    "case_update": "case.update",
    "case_view": "case.view",
    "client_create": "client.create",
    "client_reveal": "client.reveal",
    "client_update": "client.update",
    "data_key_rotate": "keyring.rotate",
    "document_lookup": "document.lookup",
    "document_print": "document.print",
    "import_records": "import.records",
    "indicator_settings": "indicator.settings_update",
    "login": "auth.login",
    "login_failed": "auth.login_failed",
    "logout": "auth.logout",
    "mfa_failed": "auth.mfa_failed",
    "mfa_passed": "auth.mfa_passed",
    "password_change": "auth.password_change",
    "report_export": "report.export",
    "sessions_end_others": "auth.sessions_end_others",
    "settings_change": "settings.update",
    "totp_disable": "auth.totp_disable",
    "totp_enable": "auth.totp_enable",
    "unit_create": "unit.create",
    "unit_kind_update": "unit_kind.update",
    "unit_merge": "unit.merge",
    "unit_move": "unit.move",
    "unit_rename": "unit.rename",
    "unit_retire": "unit.retire",
    "user_create": "user.create",
    "user_deactivate": "user.deactivate",
    "user_force_logout": "user.force_logout",
    "user_password_reset": "user.password_reset",
    "user_reactivate": "user.reactivate",
    "user_role_unit": "user.role_unit",
    "user_totp_reset": "user.totp_reset",
    "user_unlock": "user.unlock",
    "worklist_view": "indicator.worklist_view",
}


def canonical(action: str) -> str:
    """The current name of a stored action (old names map to their new ones)."""
    return LEGACY.get(action, action)


def is_known(action: str) -> bool:
    return action in ACTIONS


def action_label(action: str) -> str:
    """The label of a stored action in the language in force; an action the table does
    not know (written by an older or newer version) shows its code."""
    found = ACTIONS.get(canonical(action))
    return str(found) if found is not None else action


def stored_names(action: str) -> list[str]:
    """The names under which entries of ``action`` may be stored: its current name and
    the old ones that map to it."""
    current = canonical(action)
    return [current, *sorted(old for old, new in LEGACY.items() if new == current)]


# --- summaries --------------------------------------------------------------------------

def _state_enums() -> dict[str, type[enum.Enum]]:
    # Imported here: the audit package is below every record area.
    from caseapp.cases.models import CaseStatus
    from caseapp.complaints.models import ComplaintStatus
    from caseapp.referrals.models import ReferralState

    return {"case.status": CaseStatus, "complaint.status": ComplaintStatus,
            "referral": ReferralState}


def _states(action: str, old: str, new: str) -> str | None:
    from caseapp.labels import label

    enums = _state_enums()
    kind = enums.get(action) or (enums["referral"] if action.startswith("referral.") else None)
    if kind is None:
        return None
    try:
        return f"{label(kind(old.strip()))} → {label(kind(new.strip()))}"
    except ValueError:
        return None


def summary_text(action: str, summary: str) -> str | None:
    """A readable form of the state change a summary records, where its format is known:
    ``…;from=a;to=b`` (case status), ``a -> b`` (complaint status) and ``a->b`` (referral
    transitions). None for any other summary, which the screen shows as written."""
    action = canonical(action)
    if action == "case.status":
        parts = dict(p.split("=", 1) for p in summary.split(";") if "=" in p)
        if "from" in parts and "to" in parts:
            return _states(action, parts["from"], parts["to"])
        return None
    if action == "complaint.status" or (action.startswith("referral.") and "->" in summary):
        old, sep, new = summary.partition("->")
        return _states(action, old, new) if sep and "->" not in new else None
    return None
