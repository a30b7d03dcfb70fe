"""caseapp: case management for legal aid and victim support."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from config import BaseConfig, config_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[BaseConfig] | None = None, **overrides: Any) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    from caseapp.dbadmin import AppCommands

    # Before any blueprint adds commands to it: Flask-Migrate's "db" group is bound to the
    # app only when it is looked up (see dbadmin).
    app.cli = AppCommands(app)
    app.config.from_object(config or config_from_env())
    app.config.update(overrides)

    from caseapp.keys import load_secrets

    load_secrets(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'caseapp.sqlite'}"
        )

    from caseapp.dbsetup import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))

    from caseapp.crypto import Keyring, set_keyring

    set_keyring(Keyring.parse(app.config["DATA_KEY"]))

    from caseapp import models  # noqa: F401  (registers every table)
    from caseapp.extensions import babel, csrf, db, login_manager

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    from caseapp.i18n import init_i18n, select_locale

    babel.init_app(app, locale_selector=select_locale)
    init_i18n(app)

    from caseapp.dbsetup import init_engine_events

    with app.app_context():
        init_engine_events(db.engine)

    from caseapp.security import init_security

    init_security(app)

    from caseapp.errors import init_errors

    init_errors(app)

    from caseapp.documents.services import shared_renderer

    app.extensions["pdf"] = shared_renderer(ROOT / "templates" / "pdf")

    from caseapp.blueprints import register_blueprints

    register_blueprints(app)

    from caseapp.cli import register_cli

    register_cli(app)

    # Request logs must never carry personal data; werkzeug logs only paths, and no route
    # puts personal data in a path or query string.
    logging.getLogger("caseapp").setLevel(app.config.get("LOG_LEVEL", "INFO"))
    return app
