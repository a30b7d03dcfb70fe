from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from caseapp.auth.models import Role
from caseapp.auth.passwords import MAX_LENGTH
from caseapp.db import db
from caseapp.forms_common import AppForm, max_length, required
from caseapp.labels import choices
from caseapp.units.models import Unit


def active_unit_choices(blank: bool = False) -> list[tuple[str, str]]:
    units = db.session.scalars(
        sa.select(Unit).where(Unit.merged_into_id.is_(None), Unit.active_to.is_(None))
        .order_by(Unit.path, Unit.code)
    ).all()
    out: list[tuple[str, str]] = [("", _l("All units"))] if blank else []  # type: ignore[list-item]
    return out + [(u.code, f"{u.code} · {u.name}") for u in units]


class UserFilterForm(AppForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    unit = SelectField(_l("Unit"), validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()])
    active = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)
        self.unit.choices = active_unit_choices(blank=True)
        self.role.choices = [("", _l("All roles")), *choices(Role)]  # type: ignore[list-item]
        self.active.choices = [("", _l("All")), ("1", _l("Active")),  # type: ignore[list-item]
                               ("0", _l("Deactivated"))]


class CreateUserForm(AppForm):
    username = StringField(_l("Username"), validators=[required(), max_length(64)],
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    full_name = StringField(_l("Full name"), validators=[required(), max_length(200)])
    role = SelectField(_l("Role"), validators=[required()])
    unit = SelectField(_l("Unit"), validators=[required()])
    generate = BooleanField(_l("Generate a one-time password to hand over"), default=True)
    password = PasswordField(_l("Initial password"), validators=[max_length(MAX_LENGTH)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Initial password again"),
                            render_kw={"autocomplete": "new-password"})

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)
        self.role.choices = choices(Role)
        self.unit.choices = active_unit_choices()

    def validate_password(self, field: PasswordField) -> None:
        if not self.generate.data and not field.data:
            raise ValidationError(_l("Enter a password or choose to generate one."))

    def validate_confirm(self, field: PasswordField) -> None:
        if not self.generate.data and field.data != self.password.data:
            raise ValidationError(_l("The two passwords differ."))


class RoleUnitForm(AppForm):
    role = SelectField(_l("Role"), validators=[required()])
    unit = SelectField(_l("Unit"), validators=[required()])

    def __init__(self, *args: object, current_unit: Unit | None = None, **kw: object) -> None:
        super().__init__(*args, **kw)
        self.role.choices = choices(Role)
        unit_choices = active_unit_choices()
        # A user may stay in a unit that has since been merged or retired.
        if current_unit is not None and all(c != current_unit.code for c, _ in unit_choices):
            unit_choices.insert(0, (current_unit.code, f"{current_unit.code} · "
                                                       f"{current_unit.name}"))
        self.unit.choices = unit_choices
