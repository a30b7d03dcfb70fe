from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp import access
from caseapp.clients import services
from caseapp.clients.forms import ClientForm, RevealForm
from caseapp.clients.models import Client
from caseapp.db import db
from caseapp.nav import NavItem, add_nav

bp = Blueprint("clients", __name__)

add_nav(NavItem("clients.new", _l("Register a client"), ("counselor", "supervisor")))


def _require_case_role() -> None:
    if not access.can_see_cases():
        abort(403)


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    _require_case_role()
    form = ClientForm()
    duplicates: list[Client] = []
    if form.validate_on_submit():
        data = services.ClientData.from_form(form)
        if form.confirm_duplicate.data != "1":
            duplicates = services.find_duplicates(data, current_user)
        if not duplicates:
            client = services.register_client(data, current_user)
            db.session.commit()
            flash(_("Client %(code)s registered. Now open her case.", code=client.code),
                  "success")
            return redirect(url_for("cases.new", client_id=client.id))
        # Shown again with the warning; the next submit confirms.
        form.confirm_duplicate.data = "1"
    return render_template("clients/form.html", form=form, client=None, duplicates=duplicates)


@bp.route("/<int:client_id>")
def view(client_id: int) -> str:
    client = access.get_or_404(Client, client_id)
    return _render_view(client, revealed=False)


@bp.route("/<int:client_id>/reveal", methods=["POST"])
def reveal(client_id: int) -> str | Response:
    client = access.get_or_404(Client, client_id)
    if not RevealForm().validate_on_submit():
        return redirect(url_for("clients.view", client_id=client.id))
    services.record_reveal(client, current_user)
    db.session.commit()
    return _render_view(client, revealed=True)


def _render_view(client: Client, revealed: bool) -> str:
    cases = services.client_cases(client, current_user)
    return render_template("clients/view.html", client=client, cases=cases, revealed=revealed,
                           reveal_form=RevealForm())


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
def edit(client_id: int) -> str | Response:
    client = access.get_or_404(Client, client_id)
    # Prefilled from the record only when showing the form: a submitted field that is
    # absent must read as empty, not as the stored value.
    form = ClientForm() if request.method == "POST" else ClientForm(obj=client)
    if not form.is_submitted():
        form.version.data = str(client.version)
        # The edit form shows every identifying field, so opening it is a reveal.
        services.record_reveal(client, current_user, purpose="edit")
        db.session.commit()
    elif form.validate():
        data = services.ClientData.from_form(form)
        try:
            changed = services.update_client(client, data, form.version_number(), current_user)
        except services.StaleEdit as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return render_template("clients/form.html", form=form, client=client,
                                   duplicates=[], stale=True), 409
        db.session.commit()
        flash(_("Client saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("clients.view", client_id=client.id))
    return render_template("clients/form.html", form=form, client=client, duplicates=[])
