from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, Length, ValidationError

from caseapp.documents.summary import SECTIONS
from caseapp.forms_common import AppForm, MultiCheckboxField, max_length, optional, required

PASSWORD_MIN = 8
PASSWORD_MAX = 128


class PasswordMixin:
    """An optional password, typed twice; when given, the PDF is AES-256 encrypted."""

    password = PasswordField(
        _l("Password to open the file (optional)"),
        validators=[
            optional(),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "Between %(lo)d and %(hi)d characters.", lo=PASSWORD_MIN, hi=PASSWORD_MAX
                ),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password_confirm = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    @property
    def chosen_password(self) -> str | None:
        return self.password.data or None  # type: ignore[attr-defined]


class CasePrintForm(PasswordMixin, AppForm):
    sections = MultiCheckboxField(
        _l("Sections to print"),
        choices=[SelectChoice(key, title) for key, title in SECTIONS.items()],
    )
    identifying = BooleanField(_l("Include identifying data (name, phone, address, date of birth)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # All ticked on the blank form; not a field default, which would also apply to a
        # submission with every box cleared (browsers then send no value at all).
        if not self.is_submitted():
            self.sections.data = list(SECTIONS)

    def validate_sections(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one section."))


class SlipPrintForm(PasswordMixin, AppForm):
    pass


class LookupForm(AppForm):
    doc_id = StringField(
        _l("Document number"),
        validators=[required(), max_length(40)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
