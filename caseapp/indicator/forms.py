from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, SelectField, SubmitField
from wtforms.validators import NumberRange

from caseapp.forms_common import (
    AppForm,
    DMYDateField,
    MultiCheckboxField,
    not_before,
    optional,
    required,
)


class FilterForm(AppForm):
    """Unit and period picker. Sent by GET: it changes nothing and holds only a unit code
    and dates, never personal data."""

    class Meta:
        csrf = False

    unit = SelectField(_l("Unit"), choices=[], validators=[optional()])
    start = DMYDateField(_l("Detected from"), validators=[optional()])
    end = DMYDateField(_l("Detected to"), validators=[
        optional(), not_before("start", _l("The end date cannot be before the start date."))])


class IndicatorSettingsForm(AppForm):
    target_percent = DecimalField(
        _l("Target (percent of detected victims who accessed a service)"), places=1,
        validators=[required(), NumberRange(min=1, max=100,
                                            message=_l("Enter a number from 1 to 100."))])
    term_start = DMYDateField(_l("Term starts on"), validators=[required()])
    term_end = DMYDateField(_l("Term ends on"), validators=[
        required(), not_before("term_start", _l("The term cannot end before it starts."))])
    counting = MultiCheckboxField(_l("Service types that count toward the indicator"),
                                  coerce=int, choices=[])
    small_cell_threshold = IntegerField(
        _l("Suppress counts from 1 up to"),
        validators=[required(), NumberRange(min=1, max=100,
                                            message=_l("Enter a number from 1 to 100."))])
    submit = SubmitField(_l("Save settings"))
