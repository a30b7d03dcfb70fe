from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.access import get_or_404
from caseapp.attachments import services
from caseapp.attachments.forms import DeleteForm, UploadForm
from caseapp.attachments.models import Attachment
from caseapp.cases.models import Case
from caseapp.complaints.models import Complaint
from caseapp.policy import requires
from caseapp.records.common import case_page_url
from caseapp.transaction import transaction

bp = Blueprint("attachments", __name__)


def _upload(form: UploadForm, **owner: Any) -> bool:
    """Store the posted file; on refusal put the reason on the form and write nothing."""
    if not form.validate_on_submit():
        return False
    fs = form.file.data
    with transaction(form) as tx:
        data = services.read_limited(fs.stream, current_app.config["ATTACHMENT_MAX_BYTES"])
        services.store(data, fs.filename, current_user, **owner)
    if tx.ok:
        flash(_("The file was attached."), "success")
    return tx.ok


@bp.route("/case/<int:case_id>/upload", methods=["GET", "POST"])
@requires("attachment.upload", load=lambda case_id: get_or_404(Case, case_id))
def upload_case(case_id: int) -> Any:
    case = get_or_404(Case, case_id)
    form = UploadForm()
    if _upload(form, case=case):
        return redirect(case_page_url(case, "attachments"))
    return render_template("attachments/upload.html", form=form, owner_code=case.code,
                           back=case_page_url(case, "attachments")), 400 if form.errors else 200


@bp.route("/complaint/<int:complaint_id>/upload", methods=["GET", "POST"])
@requires("attachment.upload", load=lambda complaint_id: get_or_404(Complaint, complaint_id))
def upload_complaint(complaint_id: int) -> Any:
    complaint = get_or_404(Complaint, complaint_id)
    form = UploadForm()
    back = url_for("complaints.view", complaint_id=complaint.id)
    if _upload(form, complaint=complaint):
        return redirect(back)
    return render_template("attachments/upload.html", form=form, owner_code=complaint.code,
                           back=back), 400 if form.errors else 200


def _load(attachment_id: int) -> Attachment:
    return get_or_404(Attachment, attachment_id)


@bp.route("/<int:attachment_id>/download")
@requires("attachment.download", load=_load)
def download(attachment_id: int) -> Response:
    a = _load(attachment_id)
    with transaction():
        data, name = services.open_for_download(a)
        content_type = a.content_type
    resp = Response(data, mimetype=content_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/<int:attachment_id>/delete", methods=["POST"])
@requires("attachment.delete", load=_load)
def delete(attachment_id: int) -> Any:
    a = _load(attachment_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    case_id, complaint_id = a.case_id, a.complaint_id
    with transaction() as tx:
        services.delete(a)
    if tx.ok:
        flash(_("The file was deleted."), "success")
    if case_id:
        return redirect(url_for("cases.view", case_id=case_id, _anchor="attachments"))
    return redirect(url_for("complaints.view", complaint_id=complaint_id))
