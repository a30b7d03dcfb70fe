"""The stable import format: columns and the accepted spellings of each coded value.

Documented for users in docs/import-format.md; change both together. Keys are compared after
``fold()`` (lower case, single spaces), so "Nữ", "nữ" and " NỮ " are the same.
"""

from __future__ import annotations

from caseapp.cases.models import CaseCategory, CaseStatus, IntakeChannel
from caseapp.clients.models import Ethnicity, Sex
from caseapp.referrals.models import ReferralState

CASE_COLUMNS = (
    "case_ref", "unit_code", "client_ref", "client_name", "sex", "birth_year", "birth_date",
    "ethnicity", "phone", "category", "detected_on", "channel", "status", "closed_on",
)
CASE_REQUIRED = frozenset({"case_ref", "unit_code", "client_ref", "detected_on"})

REFERRAL_COLUMNS = (
    "case_ref", "service_type", "provider", "referred_on", "status", "received_on",
)
# service_type is required although the issue lists it plainly: a referral cannot be stored
# without one, and there is no honest default.
REFERRAL_REQUIRED = frozenset({"case_ref", "service_type", "referred_on"})

# Columns describing the person; rows sharing a client_ref must not contradict each other.
CLIENT_COLUMNS = ("client_name", "sex", "birth_year", "birth_date", "ethnicity", "phone")

REF_MAX = 64  # Case.imported_ref / Client.imported_ref
NAME_MAX = 200
PROVIDER_MAX = 200
ETHNICITY_OTHER_MAX = 64


def fold(value: str) -> str:
    return " ".join(value.split()).casefold()


SEX = {
    "f": Sex.FEMALE, "female": Sex.FEMALE, "nữ": Sex.FEMALE, "nu": Sex.FEMALE,
    "m": Sex.MALE, "male": Sex.MALE, "nam": Sex.MALE,
    "other": Sex.OTHER, "khác": Sex.OTHER, "khac": Sex.OTHER,
}

CATEGORY = {
    "dv": CaseCategory.DV,
    "bạo lực gia đình": CaseCategory.DV,
    "blgđ": CaseCategory.DV,
    "domestic violence": CaseCategory.DV,
    "trafficking": CaseCategory.TRAFFICKING,
    "mua bán người": CaseCategory.TRAFFICKING,
    "mbn": CaseCategory.TRAFFICKING,
    "human trafficking": CaseCategory.TRAFFICKING,
    "family": CaseCategory.FAMILY,
    "hôn nhân gia đình": CaseCategory.FAMILY,
    "hôn nhân - gia đình": CaseCategory.FAMILY,
    "hn-gđ": CaseCategory.FAMILY,
    "marriage and family": CaseCategory.FAMILY,
    "legal": CaseCategory.LEGAL,
    "pháp luật khác": CaseCategory.LEGAL,
    "pháp luật": CaseCategory.LEGAL,
    "other legal matter": CaseCategory.LEGAL,
}

ETHNICITY = {
    "kinh": Ethnicity.KINH,
    "khmer": Ethnicity.KHMER, "khơ me": Ethnicity.KHMER, "khơ-me": Ethnicity.KHMER,
    "hoa": Ethnicity.HOA,
    "other": Ethnicity.OTHER, "khác": Ethnicity.OTHER,
}

CHANNEL = {
    "walk_in": IntakeChannel.WALK_IN, "trực tiếp": IntakeChannel.WALK_IN,
    "phone": IntakeChannel.PHONE, "điện thoại": IntakeChannel.PHONE,
    "hotline_1900969680": IntakeChannel.HOTLINE_NATIONAL,
    "1900969680": IntakeChannel.HOTLINE_NATIONAL,
    "1900 969 680": IntakeChannel.HOTLINE_NATIONAL,
    "hotline_111": IntakeChannel.HOTLINE_CHILD, "111": IntakeChannel.HOTLINE_CHILD,
    "letter": IntakeChannel.LETTER, "thư": IntakeChannel.LETTER, "đơn thư": IntakeChannel.LETTER,
    "online": IntakeChannel.ONLINE, "trực tuyến": IntakeChannel.ONLINE,
    "outreach": IntakeChannel.OUTREACH, "tiếp cận cộng đồng": IntakeChannel.OUTREACH,
    "referral": IntakeChannel.REFERRAL, "chuyển gửi": IntakeChannel.REFERRAL,
}

CASE_STATUS = {
    "open": CaseStatus.OPEN, "đang mở": CaseStatus.OPEN, "mở": CaseStatus.OPEN,
    "closed": CaseStatus.CLOSED, "đã đóng": CaseStatus.CLOSED, "đóng": CaseStatus.CLOSED,
}

REFERRAL_STATE = {s.value: s for s in ReferralState} | {
    "đã nhận": ReferralState.RECEIVED,
    "đã nhận dịch vụ": ReferralState.RECEIVED,
    "không nhận": ReferralState.NOT_RECEIVED,
    "chưa nhận": ReferralState.NOT_RECEIVED,
    "đã gửi": ReferralState.SENT,
    "đã chấp nhận": ReferralState.ACCEPTED,
    "từ chối": ReferralState.REFUSED,
    "đã hủy": ReferralState.CANCELLED,
}

# A referral in the logbook was made; blank status means it was sent.
DEFAULT_REFERRAL_STATE = ReferralState.SENT
# States that come after sending, so the sent date is the referral date.
SENT_OR_LATER = frozenset({
    ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.REFUSED,
    ReferralState.RECEIVED, ReferralState.NOT_RECEIVED,
})

# Example rows for the downloadable templates (fictional).
CASE_EXAMPLE = {
    "case_ref": "2023-017", "unit_code": "AL-LP-X1", "client_ref": "KH-2023-009",
    "client_name": "Nguyễn Thị Mẫu", "sex": "nữ", "birth_year": "1990", "birth_date": "",
    "ethnicity": "kinh", "phone": "0901234567", "category": "bạo lực gia đình",
    "detected_on": "15/03/2023", "channel": "trực tiếp", "status": "closed",
    "closed_on": "30/06/2023",
}
REFERRAL_EXAMPLE = {
    "case_ref": "2023-017", "service_type": "legal_aid", "provider": "Trung tâm TGPL tỉnh",
    "referred_on": "20/03/2023", "status": "received", "received_on": "05/04/2023",
}
