from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Regexp, ValidationError

from caseapp.forms_common import (
    AppForm,
    DMYDateField,
    MultiCheckboxField,
    max_length,
    not_before,
    not_in_future,
    optional,
    required,
)
from caseapp.labels import choices
from caseapp.referrals.models import NotReceivedReason, ProviderKind, Urgency


def select_choices(pairs: Any) -> list[SelectChoice]:
    """Choices as WTForms' SelectChoice (tuples are deprecated and warn)."""
    return [SelectChoice(value=str(v), label=lbl) for v, lbl in pairs]


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", "0", 0):
        return None
    return int(value)


class ReferralForm(AppForm):
    service_type_id = SelectField(_l("Service"), coerce=_int_or_none, validators=[required()])
    provider_id = SelectField(_l("Provider from the directory"), coerce=_int_or_none,
                              validate_choice=True)
    # No optional(): it would stop the chain before the either-or check below.
    provider_name = StringField(_l("Or another provider, by name"),
                                validators=[max_length(200)])
    reason = TextAreaField(_l("Reason for the referral"),
                           validators=[required(), max_length(2000)])
    urgency = SelectField(_l("Urgency"), choices=select_choices(choices(Urgency)),
                          default=Urgency.ROUTINE.value)
    referred_on = DMYDateField(_l("Referral date"), validators=[required(), not_in_future])
    follow_up_on = DMYDateField(
        _l("Follow-up date"),
        validators=[optional(), not_before("referred_on",
                                           _l("The follow-up cannot be before the referral "
                                              "date."))])
    notes = TextAreaField(_l("Notes"), validators=[optional(), max_length(4000)])
    version = HiddenField()

    def validate_provider_name(self, field: Any) -> None:
        if not self.provider_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Choose a provider from the directory or enter its name."))
        if self.provider_id.data and (field.data or "").strip():
            raise ValidationError(_l("Choose a provider from the directory or enter a name, "
                                     "not both."))

    def data_for_service(self) -> dict[str, Any]:
        return {
            "service_type_id": self.service_type_id.data,
            "provider_id": self.provider_id.data,
            "provider_name": (self.provider_name.data or "").strip() or None,
            "reason": self.reason.data.strip(),
            "urgency": self.urgency.data,
            "referred_on": self.referred_on.data,
            "follow_up_on": self.follow_up_on.data,
            "notes": (self.notes.data or "").strip() or None,
        }


class TransitionForm(AppForm):
    comment = TextAreaField(_l("Comment"), validators=[optional(), max_length(2000)])
    on_date = DMYDateField(_l("Date"), validators=[optional(), not_in_future])
    not_received_reason = SelectField(
        _l("Reason"), choices=select_choices(choices(NotReceivedReason, blank=True)),
        # Only one action uses it; the workflow checks it there and names the field.
        validate_choice=False)


class OverrideForm(AppForm):
    reason = TextAreaField(_l("Reason for going ahead without consent"),
                           validators=[required(), max_length(2000)])


class ServiceTypeForm(AppForm):
    code = StringField(_l("Code"), validators=[
        required(),
        Regexp(r"^[a-z][a-z0-9_]{1,31}$",
               message=_l("Use 2 to 32 lowercase letters, digits or underscores.")),
    ])
    label_vi = StringField(_l("Vietnamese label"), validators=[required(), max_length(200)])
    label_en = StringField(_l("English label"), validators=[required(), max_length(200)])
    counts_toward_indicator = BooleanField(
        _l("Counts toward the %(target)s indicator", target="80%"), default=True)
    sort = IntegerField(_l("Order"), default=100, validators=[
        optional(), NumberRange(min=0, max=100000, message=_l("Enter a number from 0."))])
    active = BooleanField(_l("In use (untick to retire)"), default=True)


class ProviderForm(AppForm):
    name = StringField(_l("Name"), validators=[required(), max_length(200)])
    kind = SelectField(_l("Kind"), choices=select_choices(choices(ProviderKind)))
    owner_unit_id = SelectField(_l("Maintained by unit"), coerce=int)
    service_type_ids = MultiCheckboxField(_l("Services offered"), coerce=int)
    unit_ids = MultiCheckboxField(_l("Areas served"), coerce=int)
    contact_name = StringField(_l("Contact person"), validators=[optional(), max_length(200)])
    phone = StringField(_l("Phone"), validators=[optional(), max_length(64)])
    email = StringField(_l("Email"), validators=[optional(), max_length(200)])
    address = StringField(_l("Address"), validators=[optional(), max_length(300)])
    active = BooleanField(_l("Active"), default=True)

    def validate_service_type_ids(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one service."))

    def validate_unit_ids(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one area served."))

    def data_for_service(self) -> dict[str, Any]:
        return {
            "name": self.name.data.strip(),
            "kind": ProviderKind(self.kind.data),
            "owner_unit_id": self.owner_unit_id.data,
            "service_type_ids": self.service_type_ids.data,
            "unit_ids": self.unit_ids.data,
            "contact_name": (self.contact_name.data or "").strip() or None,
            "phone": (self.phone.data or "").strip() or None,
            "email": (self.email.data or "").strip() or None,
            "address": (self.address.data or "").strip() or None,
            "active": bool(self.active.data),
        }
