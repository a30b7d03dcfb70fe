"""Registers every area's blueprint. A URL prefix names the package that serves it."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from caseapp.auth.routes import bp as auth_bp
    from caseapp.main.routes import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    from caseapp.cases.routes import bp as cases_bp
    from caseapp.clients.routes import bp as clients_bp

    app.register_blueprint(clients_bp, url_prefix="/clients")
    app.register_blueprint(cases_bp, url_prefix="/cases")
