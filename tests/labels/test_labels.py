from __future__ import annotations

import enum

from flask import Flask

from caseapp.cases.models import CaseCategory
from caseapp.consultations.models import ConsultationKind
from caseapp.labels import _PAIRS, label
from caseapp.measures.models import MeasureKind
from caseapp.referrals.models import ProviderKind


def test_equal_values_of_different_enums_keep_their_own_labels(app: Flask) -> None:
    with app.test_request_context():
        assert label(CaseCategory.LEGAL) != label(ConsultationKind.LEGAL)
        assert label(MeasureKind.SHELTER) != label(ProviderKind.SHELTER)


def test_every_member_of_every_labelled_enum_has_a_label() -> None:
    labelled = {type(m) for m, _ in _PAIRS}
    have = {(type(m), m.value) for m, _ in _PAIRS}
    missing = [(cls.__name__, m.value) for cls in labelled for m in cls
               if isinstance(m, enum.Enum) and (cls, m.value) not in have]
    assert not missing, missing
