"""Registers every area's blueprint. A URL prefix names the package that serves it."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from caseapp.auth.routes import bp as auth_bp
    from caseapp.main.routes import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    from caseapp.referrals.routes import bp as referrals_bp
    app.register_blueprint(referrals_bp, url_prefix="/referrals")
