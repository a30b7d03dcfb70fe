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
    register_case_record_blueprints(app)


def register_case_record_blueprints(app: Flask) -> None:
    from caseapp.attachments.routes import bp as attachments_bp
    from caseapp.complaints.routes import bp as complaints_bp
    from caseapp.consents.routes import bp as consents_bp
    from caseapp.consultations.routes import bp as consultations_bp
    from caseapp.incidents.routes import bp as incidents_bp
    from caseapp.measures.routes import bp as measures_bp
    from caseapp.risk.routes import bp as risk_bp

    for prefix, bp in (("/incidents", incidents_bp), ("/risk", risk_bp),
                       ("/measures", measures_bp), ("/consents", consents_bp),
                       ("/consultations", consultations_bp), ("/complaints", complaints_bp),
                       ("/attachments", attachments_bp)):
        app.register_blueprint(bp, url_prefix=prefix)
