"""Forms of the unit screens. Choices are filled in by the routes from the database."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from caseapp.forms_common import (
    AppForm,
    DMYDateField,
    max_length,
    not_in_future,
    optional,
    required,
)
from caseapp.units.services import KIND_LABEL_MAX, NAME_MAX


def _opt_int(value: Any) -> int | None:
    """Coerce a submitted id; anything that is not a number becomes None (caught below)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return -1


def known_choice(form: Any, field: Field) -> None:
    """WTForms' own choice check speaks English only; this one is translated."""
    allowed = {value for value, _label in field.choices}  # type: ignore[attr-defined]
    if field.data not in allowed:
        raise ValidationError(_l("Not a valid choice."))


class ChoiceField(SelectField):
    """A select whose value is checked by ``known_choice`` (translated message)."""

    def __init__(self, label: Any = None, validators: Any = None, **kw: Any) -> None:
        kw.setdefault("validate_choice", False)
        super().__init__(label, validators, **kw)

    def pre_validate(self, form: Any) -> None:
        return None


class UnitCreateForm(AppForm):
    code = StringField(_l("Code"), validators=[required(), max_length(32)],
                       render_kw={"autocomplete": "off", "autocapitalize": "none"})
    name = StringField(_l("Name"), validators=[required(), max_length(NAME_MAX)])
    kind = ChoiceField(_l("Kind"), validators=[required(), known_choice])
    parent = ChoiceField(_l("Parent unit"), coerce=_opt_int, validators=[known_choice])
    active_from = DMYDateField(_l("Active from"), validators=[optional(), not_in_future])


class UnitRenameForm(AppForm):
    name = StringField(_l("Name"), validators=[required(), max_length(NAME_MAX)])
    kind = ChoiceField(_l("Kind"), validators=[required(), known_choice])


class UnitMoveForm(AppForm):
    parent = ChoiceField(_l("New parent unit"), coerce=_opt_int, validators=[known_choice])


class UnitRetireForm(AppForm):
    on = DMYDateField(_l("Retired on"), validators=[required(), not_in_future])


class UnitMergeForm(AppForm):
    successor = ChoiceField(_l("Successor unit"), coerce=_opt_int,
                            validators=[required(), known_choice])
    on = DMYDateField(_l("Merged on"), validators=[required(), not_in_future])
    confirm = HiddenField()


class KindLabelsForm(AppForm):
    label_vi = StringField(_l("Label in Vietnamese"),
                           validators=[required(), max_length(KIND_LABEL_MAX)])
    label_en = StringField(_l("Label in English"),
                           validators=[required(), max_length(KIND_LABEL_MAX)])
