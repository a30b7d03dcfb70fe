from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import NumberRange

from caseapp.consultations.models import ConsultationChannel, ConsultationKind
from caseapp.forms_common import AppForm, DMYDateField, max_length, optional, required
from caseapp.records.common import enum_select
from caseapp.records.fields import DMYDateTimeField, datetime_not_in_future


class ConsultationForm(AppForm):
    held_at = DMYDateTimeField(_l("Date and time"), [required(), datetime_not_in_future])
    kind = enum_select(_l("Kind"), ConsultationKind, required_=True)
    channel = enum_select(_l("Channel"), ConsultationChannel, required_=True)
    counselor_id = SelectField(_l("Counselor"), coerce=int, choices=[],
                               validators=[required()])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        [optional(), NumberRange(min=1, max=1440,
                                 message=_l("Enter a number from 1 to 1440."))])
    notes = TextAreaField(_l("Notes"), [optional(), max_length(10000)])
    next_step = TextAreaField(_l("Next step"), [optional(), max_length(2000)])
    follow_up_on = DMYDateField(_l("Follow-up date"), [optional()])
    version = HiddenField()
