from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField

from caseapp.consents.models import SHAREABLE_FIELDS, ConsentGiver, ConsentPurpose
from caseapp.forms_common import (
    AppForm,
    DMYDateField,
    MultiCheckboxField,
    max_length,
    not_in_future,
    optional,
    required,
)
from caseapp.records.common import enum_select, opts

FIELD_LABELS: dict[str, Any] = {
    "full_name": _l("Full name"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "birth_date": _l("Date of birth"),
    "case_summary": _l("Case summary"),
}


def _provider_coerce(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class ConsentForm(AppForm):
    purpose = enum_select(_l("Purpose"), ConsentPurpose, required_=True)
    given_by = enum_select(_l("Given by"), ConsentGiver, required_=True)
    guardian_name = StringField(_l("Guardian's name"), [optional(), max_length(200)])
    given_on = DMYDateField(_l("Date given"), [required(), not_in_future])
    provider_id = SelectField(_l("Provider"), coerce=_provider_coerce, choices=[])
    shared_fields = MultiCheckboxField(
        _l("Information that may be shared"),
        choices=opts((f, FIELD_LABELS[f]) for f in SHAREABLE_FIELDS),
    )

    def set_providers(self, providers: list[tuple[int, str]]) -> None:
        self.provider_id.choices = opts([("", _l("Any provider")), *providers])


class WithdrawForm(AppForm):
    withdrawn_on = DMYDateField(_l("Date withdrawn"), [required(), not_in_future])
