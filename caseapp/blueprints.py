"""Registers every area's blueprint. A URL prefix names the package that serves it."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from caseapp.admin.routes import bp as admin_bp
    from caseapp.auth.routes import bp as auth_bp
    from caseapp.indicator.routes import bp as indicator_bp
    from caseapp.main.routes import bp as main_bp
    from caseapp.reports.routes import bp as reports_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(indicator_bp)  # /dashboard and /indicator/...
    app.register_blueprint(reports_bp, url_prefix="/reports")
    from caseapp.units.routes import bp as units_bp
    app.register_blueprint(units_bp, url_prefix="/units")
    from caseapp.audit.routes import bp as audit_bp
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    from caseapp.cases.routes import bp as cases_bp
    from caseapp.clients.routes import bp as clients_bp

    app.register_blueprint(clients_bp, url_prefix="/clients")
    app.register_blueprint(cases_bp, url_prefix="/cases")
