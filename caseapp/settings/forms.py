from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import NumberRange

from caseapp.forms_common import AppForm, MultiCheckboxField, input_required, max_length


class WorkRulesForm(AppForm):
    complaint_deadline_days = IntegerField(
        _l("Working days to handle a petition"),
        validators=[input_required(),
                    NumberRange(1, 90, message=_l("Enter a number from 1 to 90."))])
    holidays = TextAreaField(
        _l("Public holidays (one date per line, dd/mm/yyyy)"), validators=[max_length(5000)])
    allow_self_approval = BooleanField(_l("Supervisors may approve referrals they drafted"))
    skip_review_for_union_service = BooleanField(
        _l("Services given by the union itself need no supervisor review"))
    no_response_days = IntegerField(
        _l("Days after sending a referral before it is listed as without response"),
        validators=[input_required(),
                    NumberRange(1, 90, message=_l("Enter a number from 1 to 90."))])
    mfa_required_roles = MultiCheckboxField(_l("Roles that must use two-factor login"))
    submit = SubmitField(_l("Save"))
