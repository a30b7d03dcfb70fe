from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from caseapp.complaints.models import (
    ComplaintHandling,
    ComplaintStatus,
    ComplaintSubject,
    SenderRelation,
)
from caseapp.forms_common import (
    AppForm,
    DMYDateField,
    enum_coerce,
    max_length,
    not_in_future,
    optional,
)
from caseapp.forms_common import required as required_v
from caseapp.records.common import enum_choices, enum_select, opts


class ComplaintForm(AppForm):
    received_on = DMYDateField(_l("Date received"), [required_v(), not_in_future])
    sender_relation = enum_select(_l("Sender"), SenderRelation, required_=True)
    subject = enum_select(_l("Subject"), ComplaintSubject, required_=True)
    summary = TextAreaField(_l("Summary"), [optional(), max_length(10000)])
    handling = enum_select(_l("Handling"), ComplaintHandling)
    forwarded_to = StringField(_l("Forwarded to (competent agency)"),
                               [optional(), max_length(200)])
    case_code = StringField(_l("Linked case code"), [optional(), max_length(40)])
    version = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.handling.data == ComplaintHandling.FORWARDED and not (
                self.forwarded_to.data or "").strip():
            self.forwarded_to.errors = [*self.forwarded_to.errors,
                                        _l("Name the agency it was forwarded to.")]
            ok = False
        return ok


class StatusForm(AppForm):
    status = SelectField(_l("New status"), choices=enum_choices(ComplaintStatus),
                         coerce=enum_coerce(ComplaintStatus), validators=[required_v()])
    version = HiddenField()


class ComplaintFilterForm(AppForm):
    class Meta:
        csrf = False

    status = enum_select(_l("Status"), ComplaintStatus)
    overdue = SelectField(_l("Overdue"), choices=opts([("", _l("All")), ("1", _l("Overdue only"))]))
    received_from = DMYDateField(_l("Received from"), [optional()])
    received_to = DMYDateField(_l("Received to"), [optional()])
