"""The shape of the synthetic data: value lists and their weights.

Weights follow what counseling centers report: most clients are women, most cases are
domestic violence, most referrals end with the service received. Each pair list holds
(stored value, relative weight). ``Table`` draws a whole batch from one in a few C calls.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Sequence
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ",
          "Thạch", "Sơn", "Kim", "Lâm", "Danh", "Dương", "Lý", "Trương"]
MIDDLE = ["Thị", "Thị", "Thị Ngọc", "Thị Thu", "Thị Kim", "Văn", "Minh"]
GIVEN = ["Hoa", "Lan", "Mai", "Hà", "Thảo", "Hương", "Nhung", "Phương", "Sô Phia", "Sa Ly",
         "Chanh Đa", "Trang", "Yến", "Tuyết", "Ánh", "Diệu", "Hạnh", "Ngân", "Vy", "Linh"]

SEX = [("F", 92), ("M", 6), ("other", 2)]
ETHNICITY = [("kinh", 80), ("khmer", 14), ("hoa", 4), ("other", 2)]
# Share of Khmer clients who need an interpreter (Mekong provinces).
KHMER_INTERPRETER_SHARE = 0.3
# Age at detection: 12% girls under 16, the rest adults up to 69.
AGE = [(a, 12 / 6) for a in range(10, 16)] + [(a, 88 / 54) for a in range(16, 70)]
CASES_PER_CLIENT = [(1, 80), (2, 20)]

CATEGORIES = [("dv", 55), ("trafficking", 10), ("family", 25), ("legal", 10)]
VICTIM_STATUS = [("victim", 70), ("being_identified", 30)]
# A case's status by how long ago it was detected: most cases are closed within months,
# few stay open for years.
CASE_STATUS_RECENT = [("open", 35), ("in_progress", 40), ("closure_requested", 5),
                      ("closed", 20)]  # detected in the last 90 days
CASE_STATUS_YEAR = [("open", 10), ("in_progress", 30), ("closure_requested", 10),
                    ("closed", 50)]  # 90 days to a year ago
CASE_STATUS_OLDER = [("open", 2), ("in_progress", 5), ("closure_requested", 3),
                     ("closed", 90)]
RISK = [(None, 30), ("low", 40), ("medium", 20), ("high", 10)]
INTAKE_CHANNEL = [("walk_in", 35), ("phone", 20), ("hotline_1900969680", 10),
                  ("hotline_111", 3), ("letter", 4), ("online", 10), ("outreach", 8),
                  ("referral", 10)]
REFERRING_SOURCE = [("self", 45), ("relative", 15), ("police", 10), ("commune_committee", 10),
                    ("village_head", 8), ("school", 3), ("health_facility", 4),
                    ("other_union", 3), ("other", 2)]
CLOSED_AFTER_DAYS = 60

INCIDENTS_PER_CASE = [(1, 60), (2, 40)]  # domestic violence and trafficking cases only
PLACE = [("home", 75), ("workplace", 8), ("public", 8), ("online", 5), ("other", 4)]
GBV_TYPE = [("physical_assault", 40), ("psychological", 30), ("denial_of_resources", 12),
            ("sexual_assault", 8), ("rape", 5), ("forced_marriage", 5)]
TRAFFICKING_PURPOSE = [("forced_marriage", 40), ("sexual_exploitation", 30),
                       ("forced_labour", 25), ("organ_removal", 1), ("other", 4)]
TRAFFICKING_SCOPE = [("cross_border", 85), ("domestic", 15)]
DESTINATION = ["Trung Quốc", "Campuchia", "Lào", "Malaysia", "Thái Lan"]

CONSULTATIONS_PER_CASE = [(0, 15), (1, 25), (2, 25), (3, 20), (4, 15)]
CONSULTATION_KIND = [("legal", 30), ("family", 30), ("psychological", 30), ("other", 10)]
CONSULTATION_CHANNEL = [("in_person", 45), ("phone", 30), ("online", 15), ("home_visit", 10)]
CONSULTATION_MINUTES = [("15", 10), ("30", 35), ("45", 30), ("60", 20), ("90", 5)]

# Victims of violence or trafficking are referred more often than other clients.
REFERRALS_PER_VICTIM_CASE = [(0, 20), (1, 50), (2, 20), (3, 10)]
REFERRALS_PER_OTHER_CASE = [(0, 70), (1, 30)]
REFERRAL_STATES = [("received", 55), ("not_received", 8), ("refused", 5), ("cancelled", 4),
                   ("sent", 8), ("accepted", 6), ("approved", 5), ("submitted", 4),
                   ("draft", 3), ("returned", 2)]
SENT_STATES = frozenset({"sent", "accepted", "refused", "received", "not_received"})
ANSWERED_STATES = frozenset({"accepted", "refused", "received", "not_received"})
URGENCY = [("routine", 80), ("urgent", 15), ("emergency", 5)]
NOT_RECEIVED_REASON = [("declined_by_client", 40), ("unavailable", 25),
                       ("client_unreachable", 25), ("other", 10)]
FOLLOW_UP_DAYS = 14
CONSULTATION_FOLLOW_UP_SHARE = 0.6

SUMMARY = "Tóm tắt hồ sơ tổng hợp, không có thật."
NARRATIVE = "Mô tả sự việc tổng hợp."
NOTES = "Ghi chú tư vấn tổng hợp."

REFORM_DAY = date(2025, 7, 1)


class Table(Generic[T]):
    """A distribution as a lookup table of 65,536 entries, each value in proportion to its
    weight (to within 1/65,536): a draw is two random bytes used as an index, so a batch
    costs one ``randbytes`` and one ``map`` instead of a Python call per value."""

    SIZE = 1 << 16

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        total = sum(w for _, w in pairs)
        entries: list[T] = []
        upto = 0.0
        for value, weight in pairs:
            upto += weight
            entries.extend([value] * (round(upto / total * self.SIZE) - len(entries)))
        self.entries = entries

    @classmethod
    def uniform(cls, values: Sequence[T]) -> Table[T]:
        return cls([(v, 1) for v in values])

    def draw(self, rng: random.Random, k: int) -> list[T]:
        return list(map(self.entries.__getitem__, array("H", rng.randbytes(2 * k))))
