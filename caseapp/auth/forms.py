from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, Length, Regexp

from caseapp.auth.passwords import MAX_LENGTH
from caseapp.forms_common import AppForm, max_length, required


class LoginForm(AppForm):
    username = StringField(_l("Username"), validators=[required(), max_length(64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[required(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class CodeForm(AppForm):
    code = StringField(
        _l("Six-digit code"),
        validators=[required(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$",
                                       message=_l("Enter the six digits shown in the app."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "autocapitalize": "none"},
    )


class ChangePasswordForm(AppForm):
    current = PasswordField(_l("Current password"), validators=[required(), Length(max=1024)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[required(), max_length(MAX_LENGTH)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("New password again"),
        validators=[required(), EqualTo("new", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordConfirmForm(AppForm):
    password = PasswordField(_l("Your password"), validators=[required(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})


class EmptyForm(AppForm):
    """A button that changes state: the form carries only the CSRF token."""
