from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.forms_common import AppForm, DMYDateField, not_before, optional
from caseapp.units.forms import ChoiceField, _opt_int, known_choice


class AuditFilterForm(AppForm):
    """Filters travel in the query string: ids, action codes and dates only."""

    class Meta:
        csrf = False

    user = ChoiceField(_l("User"), coerce=_opt_int, validators=[known_choice])
    action = ChoiceField(_l("Action"), default="", validators=[known_choice])
    object_type = ChoiceField(_l("Object type"), default="", validators=[known_choice])
    date_from = DMYDateField(_l("From"), validators=[optional()])
    date_to = DMYDateField(_l("To"), validators=[
        optional(), not_before("date_from", _l("The end date cannot be before the start date."))])
