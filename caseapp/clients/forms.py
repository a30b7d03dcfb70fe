from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, ValidationError

from caseapp.cases.forms import choices
from caseapp.clients.models import Ethnicity, MaritalStatus, Sex
from caseapp.clock import today
from caseapp.forms_common import (
    AppForm,
    DMYDateField,
    max_length,
    not_in_future,
    optional,
    required,
)


def _year_in_range(form: Any, field: Any) -> None:
    if field.data is not None and not 1900 <= field.data <= today().year:
        raise ValidationError(_l("Enter a year between 1900 and this year."))


class ClientForm(AppForm):
    full_name = StringField(_l("Full name"), validators=[optional(), max_length(200)],
                            render_kw={"autocomplete": "off"})
    phone = StringField(_l("Phone"), validators=[optional(), max_length(32)],
                        render_kw={"autocomplete": "off", "inputmode": "tel"})
    address = TextAreaField(_l("Address"), validators=[optional(), max_length(500)])
    birth_date = DMYDateField(_l("Exact birth date"), validators=[optional(), not_in_future])
    birth_year = IntegerField(_l("Birth year"), validators=[optional(), _year_in_range])
    approx_age = IntegerField(_l("Approximate age (years)"), validators=[
        optional(), NumberRange(min=0, max=120, message=_l("Enter an age between 0 and 120."))])
    sex = SelectField(_l("Sex"), choices=choices(Sex), validators=[required()],
                      default=Sex.FEMALE.value)
    ethnicity = SelectField(_l("Ethnicity"), choices=choices(Ethnicity, blank=True),
                            validators=[optional()])
    ethnicity_other = StringField(_l("Other ethnicity"), validators=[optional(), max_length(64)])
    needs_interpreter = BooleanField(_l("Needs an interpreter"))
    interpreter_language = StringField(_l("Interpreter language"),
                                       validators=[optional(), max_length(64)])
    disability = BooleanField(_l("Has a disability"))
    marital_status = SelectField(_l("Marital status"), choices=choices(MaritalStatus, blank=True),
                                 validators=[optional()])
    version = HiddenField()
    # Set when the user saw the possible-duplicate warning and chose to register anyway.
    confirm_duplicate = HiddenField(default="")

    def validate_birth_year(self, field: Any) -> None:
        born = self.birth_date.data
        if field.data is not None and born is not None and born.year != field.data:
            raise ValidationError(_l("The birth year does not match the exact birth date."))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        # Checked here: an empty optional field stops its own validator chain.
        if self.ethnicity.data == Ethnicity.OTHER.value and not (
                self.ethnicity_other.data or "").strip():
            self.ethnicity_other.errors = [*self.ethnicity_other.errors,
                                           _l("Name the ethnicity.")]
            ok = False
        if self.needs_interpreter.data and not (self.interpreter_language.data or "").strip():
            self.interpreter_language.errors = [
                *self.interpreter_language.errors,
                _l("Name the language the interpreter must speak.")]
            ok = False
        return ok

    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class RevealForm(AppForm):
    """A bare POST with its CSRF token: showing identity is a deliberate, audited act."""
