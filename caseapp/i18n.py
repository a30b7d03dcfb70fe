"""Locale selection and date formatting (dd/mm/yyyy everywhere)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, has_request_context, session

from caseapp.clock import LOCAL_TZ


def get_locale() -> str:
    # Services also run from the CLI and tests, where there is no session to ask.
    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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


def init_i18n(app: Flask) -> None:
    app.jinja_env.filters["ddmmyyyy"] = format_date
    app.jinja_env.filters["dt"] = format_datetime
    app.jinja_env.globals["current_locale"] = get_locale
    from caseapp.labels import label
    from caseapp.nav import nav_for_user

    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["role_label"] = label
    app.jinja_env.globals["nav_items"] = nav_for_user
    app.jinja_env.globals["config_endpoints"] = lambda: app.view_functions
    # Translations live in caseapp/translations (compiled .mo committed beside the .po).
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
