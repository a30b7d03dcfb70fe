"""The upload screen and the template downloads (``import.run``: supervisors and admins)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from caseapp.imports import samples
from caseapp.imports.forms import ImportForm
from caseapp.imports.reader import Source
from caseapp.imports.services import ImportResult, run_import
from caseapp.nav import NavItem, add_nav
from caseapp.policy import requires

bp = Blueprint("imports", __name__)

add_nav(NavItem("imports.index", _l("Import records"), ("supervisor", "admin")))

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _source(storage: FileStorage | None, default_name: str) -> Source | None:
    if not storage or not storage.filename:
        return None
    return Source.from_bytes(storage.filename or default_name, storage.read())


@bp.route("/", methods=["GET", "POST"])
@requires("import.run")
def index() -> str:
    form = ImportForm()
    result: ImportResult | None = None
    if form.validate_on_submit():
        result = run_import(
            current_user,  # type: ignore[arg-type]
            cases=_source(form.cases.data, "cases"),
            referrals=_source(form.referrals.data, "referrals"),
            dry_run=form.dry_run.data,
        )
    return render_template("imports/index.html", form=form, result=result)


@bp.route("/template/<any(cases, referrals):table>.<any(csv, xlsx):ext>")
@requires("import.run")
def template(table: str, ext: str) -> Response:
    if ext == "csv":
        body, mime = samples.template_csv(table), "text/csv; charset=utf-8"
    else:
        body, mime = samples.template_xlsx(table), XLSX_MIME
    return Response(body, mimetype=mime, headers={
        "Content-Disposition": f'attachment; filename="{table}.{ext}"',
    })
