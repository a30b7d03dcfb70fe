"""Friendly error pages in the user's language; never a stack trace or personal data."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, g, render_template
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException

from caseapp.db import db

log = logging.getLogger("caseapp")


class NulCharacter(BadRequest):
    """A submitted value holds a NUL character, which no text here can contain."""


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_e: CSRFError) -> tuple[str, int]:
        return render_template("errors/error.html", code=400, kind="csrf"), 400

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> tuple[str, int]:
        code = e.code or 500
        kind = {403: "forbidden", 404: "not_found", 413: "too_large"}.get(code, "generic")
        if isinstance(e, NulCharacter):
            kind = "nul"
        return render_template("errors/error.html", code=code, kind=kind), code

    @app.errorhandler(OperationalError)
    def _db_down(e: OperationalError) -> tuple[str, int]:
        try:
            db.session.rollback()
        except OperationalError:
            db.session.invalidate()
        log.error("database unavailable: %s", type(e.orig).__name__)
        # The page must render without the database: no user lookup, no navigation badges.
        g._login_user = AnonymousUserMixin()
        return render_template("errors/error.html", code=503, kind="unavailable"), 503

    @app.errorhandler(StaleDataError)
    def _conflict(_e: StaleDataError) -> tuple[str, int]:
        # A save that raced another one past its form's version check: the database's
        # versioned UPDATE refused it. Screens with a form handle this themselves and show
        # the input back; this is the answer for any other write.
        db.session.rollback()
        return render_template("errors/error.html", code=409, kind="conflict"), 409

    @app.errorhandler(Exception)
    def _unexpected(e: Exception) -> tuple[str, int]:
        if isinstance(e, HTTPException):
            return _http(e)
        db.session.rollback()
        # Log the type and the frames only: exception messages can carry submitted values.
        frames = "".join(traceback.format_list(traceback.extract_tb(e.__traceback__)))
        log.error("unhandled %s\n%s", type(e).__name__, frames)
        return render_template("errors/error.html", code=500, kind="generic"), 500
