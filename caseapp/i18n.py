"""Locale selection and date formatting (dd/mm/yyyy everywhere on screen)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale as babel_locale

from caseapp.clock import LOCAL_TZ


def select_locale() -> str:
    """Flask-Babel's locale selector: the user's choice, else the default (Vietnamese).
    Outside a request (CLI, services called from scripts) there is no session: default."""
    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def get_locale() -> str:
    """The language in force now: the user's, or the one a block forced (``force_locale``,
    as PDFs and imports do)."""
    locale = babel_locale()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def localized(label_vi: Any, label_en: Any) -> Any:
    """Of a pair stored in both languages (service types, unit kinds), the one to show."""
    return label_en if get_locale() == "en" else label_vi


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def format_machine_datetime(value: datetime | None) -> str:
    """The instant for a ``<time datetime>`` attribute: UTC, to the second.

    HTML allows at most three digits of a second there; the screen shows minutes anyway.
    """
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_i18n(app: Flask) -> None:
    app.jinja_env.filters["ddmmyyyy"] = format_date
    app.jinja_env.filters["dt"] = format_datetime
    app.jinja_env.filters["machine_dt"] = format_machine_datetime
    app.jinja_env.globals["current_locale"] = get_locale
    app.jinja_env.globals["localized"] = localized
    from caseapp.labels import label
    from caseapp.nav import nav_for_user

    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["role_label"] = label
    app.jinja_env.globals["nav_items"] = nav_for_user
    app.jinja_env.globals["config_endpoints"] = lambda: app.view_functions
    # Translations live in caseapp/translations (compiled .mo committed beside the .po).
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
