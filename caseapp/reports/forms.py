from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from caseapp.forms_common import AppForm, DMYDateField, optional


class ReportForm(AppForm):
    """Which report: sent by GET, since it changes nothing and holds only a unit code,
    a period and an option, never personal data."""

    class Meta:
        csrf = False

    unit = SelectField(_l("Unit"), choices=[], validators=[optional()])
    kind = SelectField(_l("Period"), choices=[
        SelectChoice("month", _l("Month")), SelectChoice("quarter", _l("Quarter")),
        SelectChoice("half", _l("6 months")), SelectChoice("year", _l("Year")),
        SelectChoice("custom", _l("Custom range")),
    ], default="month")
    year = IntegerField(_l("Year"), validators=[
        optional(),
        NumberRange(min=2000, max=2100, message=_l("Give a year between 2000 and 2100.")),
    ])
    number = IntegerField(_l("Month, quarter or half (number)"), validators=[
        optional(), NumberRange(min=1, max=12, message=_l("Enter a number from 1 to 12."))])
    start = DMYDateField(_l("From (custom range)"), validators=[optional()])
    end = DMYDateField(_l("To (custom range)"), validators=[optional()])
    suppress = BooleanField(_l("In exports, hide small counts that could identify someone"))
