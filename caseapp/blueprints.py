"""Registers every area's blueprint. A URL prefix names the package that serves it."""

from __future__ import annotations

import importlib

from flask import Flask

# (module holding ``bp``, URL prefix). The indicator serves /dashboard and /indicator/...
BLUEPRINTS: tuple[tuple[str, str | None], ...] = (
    ("caseapp.main.routes", None),
    ("caseapp.auth.routes", "/auth"),
    ("caseapp.admin.routes", "/admin"),
    ("caseapp.units.routes", "/units"),
    ("caseapp.audit.routes", "/audit"),
    ("caseapp.clients.routes", "/clients"),
    ("caseapp.cases.routes", "/cases"),
    ("caseapp.incidents.routes", "/incidents"),
    ("caseapp.risk.routes", "/risk"),
    ("caseapp.measures.routes", "/measures"),
    ("caseapp.consents.routes", "/consents"),
    ("caseapp.consultations.routes", "/consultations"),
    ("caseapp.complaints.routes", "/complaints"),
    ("caseapp.attachments.routes", "/attachments"),
    ("caseapp.indicator.routes", None),
    ("caseapp.reports.routes", "/reports"),
    ("caseapp.imports.routes", "/imports"),
    ("caseapp.documents.routes", "/documents"),
    ("caseapp.referrals.routes", "/referrals"),
    ("caseapp.settings.routes", "/settings"),
)


def register_blueprints(app: Flask) -> None:
    for module, prefix in BLUEPRINTS:
        bp = importlib.import_module(module).bp
        app.register_blueprint(bp, url_prefix=prefix)
