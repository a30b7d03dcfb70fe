"""Imports every model so metadata, Alembic and tests see the whole schema."""

from caseapp.attachments.models import Attachment
from caseapp.audit.models import AuditEntry
from caseapp.auth.models import LoginAttempt, Role, User, UserSession
from caseapp.cases.models import Case, CaseEvent
from caseapp.clients.models import Client
from caseapp.complaints.models import Complaint
from caseapp.consents.models import Consent
from caseapp.consultations import due  # noqa: F401  (keeps cases.follow_up_due_on current)
from caseapp.consultations.models import Consultation
from caseapp.documents.models import PrintedDocument
from caseapp.imports.models import ImportBatch
from caseapp.incidents.models import Incident, IncidentAct, Perpetrator
from caseapp.measures.models import ProtectionMeasure
from caseapp.referrals.models import Provider, Referral, ReferralEvent, ServiceType
from caseapp.risk.models import RiskAssessment
from caseapp.settings.models import CodeSequence, Setting
from caseapp.units.models import Unit, UnitKind

__all__ = [
    "Attachment", "AuditEntry", "Case", "CaseEvent", "Client", "CodeSequence", "Complaint",
    "Consent", "Consultation", "ImportBatch", "Incident", "IncidentAct", "LoginAttempt",
    "Perpetrator", "PrintedDocument", "ProtectionMeasure", "Provider", "Referral",
    "ReferralEvent", "RiskAssessment", "Role", "ServiceType", "Setting", "Unit", "UnitKind",
    "User", "UserSession",
]
