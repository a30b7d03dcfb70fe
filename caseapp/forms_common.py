"""Form fields and validators shared by every area, with messages in the user's language.

WTForms ships no Vietnamese catalog, so every validator here carries its own translated
message, and every form takes WTForms' built-in messages ("Not a valid integer value.") from
the app's catalog (``AppForm``; the message ids are listed in ``forms_messages``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, Form, SelectMultipleField, StringField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from caseapp.clock import today

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


class CatalogTranslations:
    """WTForms' translations interface over the app's catalog, in the request's language."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


CATALOG = CatalogTranslations()


class AppMeta(DefaultMeta):
    """What every form and subform shares: the catalog's messages, hidden inputs without ids."""

    def get_translations(self, form: Any) -> CatalogTranslations:
        return CATALOG

    def render_field(self, field: Field, render_kw: dict[str, Any]) -> Any:
        # A page often holds several forms, each with its CSRF token or version field; with
        # WTForms' ids ("csrf_token", "version") such a page would repeat an id. No label or
        # script refers to a hidden input, so it needs none.
        if isinstance(field.widget, HiddenInput):
            render_kw.setdefault("id", False)
        return super().render_field(field, render_kw)


class AppForm(FlaskForm):
    """The base of every form: CSRF from Flask-WTF, built-in messages in the user's language."""

    class Meta(AppMeta):
        pass


class AppSubform(Form):
    """The base of a form nested in another (no CSRF token of its own)."""

    class Meta(AppMeta):
        pass


def required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


def input_required() -> InputRequired:
    return InputRequired(message=_l("This field is required."))


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("At most %(n)d characters.", n=n))


def optional() -> Optional:
    return Optional()


class DMYDateField(StringField):
    """A date typed as dd/mm/yyyy (ISO yyyy-mm-dd is accepted too)."""

    def __init__(self, label: Any = None, validators: Any = None, **kw: Any) -> None:
        render_kw = kw.pop("render_kw", {}) or {}
        render_kw.setdefault("placeholder", "dd/mm/yyyy")
        render_kw.setdefault("inputmode", "numeric")
        render_kw.setdefault("autocomplete", "off")
        render_kw.setdefault("data-datepicker", "1")
        super().__init__(label, validators, render_kw=render_kw, **kw)

    def _value(self) -> str:
        if isinstance(self.data, date):
            return self.data.strftime("%d/%m/%Y")
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        text = str(valuelist[0]).strip()
        for fmt in DATE_FORMATS:
            try:
                self.data = datetime.strptime(text, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_l("Enter a date as dd/mm/yyyy."))


def not_in_future(form: Any, field: Field) -> None:
    if isinstance(field.data, date) and field.data > today():
        raise ValidationError(_l("This date cannot be in the future."))


def not_before(other: str, message: Any = None) -> Any:
    """The field's date must not be before the date in field ``other``."""

    def _check(form: Any, field: Field) -> None:
        start = getattr(form, other).data
        if isinstance(field.data, date) and isinstance(start, date) and field.data < start:
            raise ValidationError(message or _l("This date cannot be before the start date."))

    return _check


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        values = {str(v) for v, *_ in self.iter_choices()}
        for d in self.data or []:
            if str(d) not in values:
                raise ValidationError(_l("Not a valid choice."))


def enum_coerce(enum_cls: Any) -> Any:
    """Coerce a submitted value to the enum member (blank to None)."""

    def _coerce(value: Any) -> Any:
        if value in (None, "") or isinstance(value, enum_cls):
            return value or None
        return enum_cls(value)

    return _coerce
