from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseapp.access import get_or_404
from caseapp.attachments import services
from caseapp.attachments.forms import DeleteForm, UploadForm
from caseapp.attachments.models import Attachment
from caseapp.auth.models import Role
from caseapp.cases.models import Case
from caseapp.complaints.models import Complaint
from caseapp.db import db
from caseapp.records.common import case_page_url

bp = Blueprint("attachments", __name__)

ERRORS: dict[str, Any] = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is too large (at most %(mb)s MB)."),
    "type": _l("Only PDF, JPEG or PNG files can be attached."),
    "name": _l("The file name is not allowed: give the file a short name without folders "
               "or special characters, then attach it again."),
}


def _upload(form: UploadForm, **owner: Any) -> bool:
    """Store the posted file; on refusal put the reason on the form and write nothing."""
    if not form.validate_on_submit():
        return False
    fs = form.file.data
    try:
        data = services.read_limited(fs.stream, current_app.config["ATTACHMENT_MAX_BYTES"])
        services.store(data, fs.filename, current_user, **owner)
    except services.AttachmentError as exc:
        db.session.rollback()
        mb = f"{current_app.config['ATTACHMENT_MAX_BYTES'] / 1024 / 1024:.1f}"
        form.file.errors = [ERRORS[exc.reason] % {"mb": mb}
                            if exc.reason == "too_large" else ERRORS[exc.reason]]
        return False
    db.session.commit()
    flash(_("The file was attached."), "success")
    return True


@bp.route("/case/<int:case_id>/upload", methods=["GET", "POST"])
def upload_case(case_id: int) -> Any:
    case = get_or_404(Case, case_id)
    form = UploadForm()
    if _upload(form, case=case):
        return redirect(case_page_url(case, "attachments"))
    return render_template("attachments/upload.html", form=form, owner_code=case.code,
                           back=case_page_url(case, "attachments")), 400 if form.errors else 200


@bp.route("/complaint/<int:complaint_id>/upload", methods=["GET", "POST"])
def upload_complaint(complaint_id: int) -> Any:
    complaint = get_or_404(Complaint, complaint_id)
    form = UploadForm()
    back = url_for("complaints.view", complaint_id=complaint.id)
    if _upload(form, complaint=complaint):
        return redirect(back)
    return render_template("attachments/upload.html", form=form, owner_code=complaint.code,
                           back=back), 400 if form.errors else 200


@bp.route("/<int:attachment_id>/download")
def download(attachment_id: int) -> Response:
    a = get_or_404(Attachment, attachment_id)
    data, name = services.open_for_download(a)
    db.session.commit()
    resp = Response(data, mimetype=a.content_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/<int:attachment_id>/delete", methods=["POST"])
def delete(attachment_id: int) -> Any:
    a = get_or_404(Attachment, attachment_id)
    # Removing evidence is a supervisor's decision.
    if current_user.role != Role.SUPERVISOR:
        abort(403)
    if not DeleteForm().validate_on_submit():
        abort(400)
    case_id, complaint_id = a.case_id, a.complaint_id
    services.delete(a)
    db.session.commit()
    flash(_("The file was deleted."), "success")
    if case_id:
        return redirect(url_for("cases.view", case_id=case_id, _anchor="attachments"))
    return redirect(url_for("complaints.view", complaint_id=complaint_id))
