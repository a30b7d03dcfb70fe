"""Registers every area's blueprint. A URL prefix names the package that serves it."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from caseapp.auth.routes import bp as auth_bp
    from caseapp.main.routes import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
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
