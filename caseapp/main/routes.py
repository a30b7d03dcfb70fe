from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from caseapp.policy import requires

bp = Blueprint("main", __name__)


@bp.route("/")
@requires("home.view")
def index() -> str:
    return render_template("main/index.html")


@bp.route("/health")
def health() -> tuple[dict[str, str], int]:
    return {"status": "ok"}, 200


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(url_for("main.index"))
