"""Work rules that administrators set: petition deadlines, referral review, two-factor."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from caseapp.auth.models import Role
from caseapp.labels import choices
from caseapp.nav import NavItem, add_nav
from caseapp.policy import requires
from caseapp.settings.forms import WorkRulesForm
from caseapp.settings.services import get_setting, update_work_rules
from caseapp.transaction import transaction

bp = Blueprint("settings", __name__)
add_nav(NavItem("settings.work_rules", _l("Work rules"), ("admin",)))


def _parse_holidays(text: str) -> list[str] | None:
    days = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            days.append(datetime.strptime(line, "%d/%m/%Y").date().isoformat())
        except ValueError:
            return None
    return sorted(set(days))


@bp.route("/", methods=["GET", "POST"])
@requires("settings.manage")
def work_rules() -> str | Response:
    form = WorkRulesForm()
    form.mfa_required_roles.choices = [SelectChoice(v, lbl) for v, lbl in choices(Role)]
    if request.method == "GET":
        form.complaint_deadline_days.data = int(get_setting("complaint_deadline_days"))
        form.holidays.data = "\n".join(
            datetime.fromisoformat(d).strftime("%d/%m/%Y") for d in get_setting("holidays"))
        form.allow_self_approval.data = bool(get_setting("allow_self_approval"))
        form.skip_review_for_union_service.data = bool(
            get_setting("skip_review_for_union_service"))
        form.no_response_days.data = int(get_setting("no_response_days"))
        form.mfa_required_roles.data = list(get_setting("mfa_required_roles"))
    elif form.validate_on_submit():
        holidays = _parse_holidays(form.holidays.data or "")
        if holidays is None:
            form.holidays.errors = [_("Enter each date as dd/mm/yyyy, one per line.")]
        else:
            with transaction(form) as tx:
                changed = update_work_rules({
                    "complaint_deadline_days": form.complaint_deadline_days.data,
                    "holidays": holidays,
                    "allow_self_approval": bool(form.allow_self_approval.data),
                    "skip_review_for_union_service": bool(
                        form.skip_review_for_union_service.data),
                    "no_response_days": form.no_response_days.data,
                    "mfa_required_roles": sorted(form.mfa_required_roles.data or []),
                })
            if tx.ok:
                flash(_("Settings saved.") if changed else _("Nothing was changed."),
                      "success")
                return redirect(url_for("settings.work_rules"))
    return render_template("settings/work_rules.html", form=form), (
        400 if request.method == "POST" else 200)
