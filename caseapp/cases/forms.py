from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from caseapp.cases.models import (
    CaseCategory,
    CaseStatus,
    IntakeChannel,
    ReferringSource,
    RiskLevel,
    VictimStatus,
)
from caseapp.forms_common import (
    AppForm,
    DMYDateField,
    max_length,
    not_before,
    not_in_future,
    optional,
    required,
)
from caseapp.labels import choices as label_choices


def opts(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options as WTForms wants them (plain tuples are deprecated)."""
    return [SelectChoice(str(value), text) for value, text in pairs]


def choices(enum_cls: Any, *, blank: bool = False) -> list[SelectChoice]:
    return opts(label_choices(enum_cls, blank=blank))


SUMMARY_MAX = 10_000
COMMENT_MAX = 2_000
PAGE_SIZES = (25, 50, 100)


class CaseForm(AppForm):
    # Choices are set by the route from the user's scope; anything else is refused.
    unit = SelectField(_l("Unit"), validators=[required()])
    counselor = SelectField(_l("Counselor"), validators=[optional()])
    category = SelectField(_l("Category"), choices=choices(CaseCategory, blank=True),
                           validators=[required()])
    victim_status = SelectField(_l("Victim status"), choices=choices(VictimStatus, blank=True),
                                validators=[optional()])
    detected_on = DMYDateField(_l("Detection date"), validators=[required(), not_in_future])
    intake_channel = SelectField(_l("Intake channel"), choices=choices(IntakeChannel, blank=True),
                                 validators=[optional()])
    referring_source = SelectField(_l("Referring source"),
                                   choices=choices(ReferringSource, blank=True),
                                   validators=[optional()])
    opened_on = DMYDateField(_l("Opened on"), validators=[required(), not_in_future])
    summary = TextAreaField(_l("Summary"), validators=[optional(), max_length(SUMMARY_MAX)])
    version = HiddenField()

    def __init__(self, *args: Any, closed_on: date | None = None, **kw: Any) -> None:
        self.case_closed_on = closed_on
        super().__init__(*args, **kw)

    def validate_opened_on(self, field: Any) -> None:
        if field.data and self.case_closed_on and field.data > self.case_closed_on:
            raise ValidationError(_l("A case cannot be closed before it was opened."))

    def validate_victim_status(self, field: Any) -> None:
        if self.category.data == CaseCategory.TRAFFICKING.value and not field.data:
            raise ValidationError(_l("Give the victim status for a trafficking case."))

    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class CommentForm(AppForm):
    """A status change that needs a reason (closure request, return, reopening)."""

    comment = TextAreaField(_l("Reason or comment"),
                            validators=[required(), max_length(COMMENT_MAX)])


class ApproveClosureForm(AppForm):
    closed_on = DMYDateField(_l("Closed on"), validators=[required(), not_in_future])
    comment = TextAreaField(_l("Reason for closing"),
                            validators=[required(), max_length(COMMENT_MAX)])

    def __init__(self, *args: Any, opened_on: date | None = None, **kw: Any) -> None:
        self.case_opened_on = opened_on
        super().__init__(*args, **kw)

    def validate_closed_on(self, field: Any) -> None:
        if field.data and self.case_opened_on and field.data < self.case_opened_on:
            raise ValidationError(_l("A case cannot be closed before it was opened."))


class FilterForm(AppForm):
    """The list filters, read from the query string: codes and ids only, never a name."""

    class Meta:
        csrf = False

    unit = SelectField(_l("Unit"), validators=[optional()])
    category = SelectField(_l("Category"), choices=choices(CaseCategory, blank=True),
                           validators=[optional()])
    status = SelectField(_l("Status"), choices=choices(CaseStatus, blank=True),
                         validators=[optional()])
    risk = SelectField(_l("Risk"), choices=choices(RiskLevel, blank=True),
                       validators=[optional()])
    counselor = SelectField(_l("Counselor"), validators=[optional()])
    detected_from = DMYDateField(_l("Detected from"), validators=[optional()])
    detected_to = DMYDateField(_l("Detected to"), validators=[
        optional(), not_before("detected_from", _l("The end date is before the start date."))])
    overdue = BooleanField(_l("Overdue follow-up"))
    mine = BooleanField(_l("My cases"))
    sort = SelectField(_l("Sort by"), choices=opts([
        ("detected", _l("Detection date")), ("code", _l("Code")), ("status", _l("Status")),
        ("risk", _l("Risk")),
    ]), default="detected")
    direction = SelectField(_l("Order"), choices=opts([
        ("desc", _l("Descending")), ("asc", _l("Ascending"))]), default="desc")
    # Read by the route (any size from 1 to 100); the choices are what the page offers.
    per_page = SelectField(_l("Per page"), choices=opts((n, n) for n in PAGE_SIZES),
                           default="25", validate_choice=False)


class SearchForm(AppForm):
    """Search by code, phone or full name; sent by POST so the term never enters a URL."""

    q = StringField(_l("Code, phone or full name"), validators=[required(), max_length(200)],
                    render_kw={"autocomplete": "off"})
