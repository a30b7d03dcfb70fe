from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp import access
from caseapp.clients import services
from caseapp.clients.forms import ClientForm, RevealForm
from caseapp.clients.models import Client
from caseapp.nav import NavItem, add_nav
from caseapp.policy import requires
from caseapp.transaction import transaction

bp = Blueprint("clients", __name__)

add_nav(NavItem("clients.new", _l("Register a client"), ("counselor", "supervisor")))


def _load(client_id: int) -> Client:
    return access.get_or_404(Client, client_id)


@bp.route("/new", methods=["GET", "POST"])
@requires("client.create")
def new() -> str | Response | tuple[str, int]:
    form = ClientForm()
    duplicates: list[Client] = []
    if form.validate_on_submit():
        data = services.ClientData.from_form(form)
        if form.confirm_duplicate.data != "1":
            duplicates = services.find_duplicates(data, current_user)
        if not duplicates:
            with transaction(form) as tx:
                client = services.register_client(data, current_user)
            if tx.ok:
                flash(_("Client %(code)s registered. Now open her case.", code=client.code),
                      "success")
                return redirect(url_for("cases.new", client_id=client.id))
            return render_template("clients/form.html", form=form, client=None,
                                   duplicates=[]), tx.status
        # Shown again with the warning; the next submit confirms.
        form.confirm_duplicate.data = "1"
    return render_template("clients/form.html", form=form, client=None, duplicates=duplicates)


@bp.route("/<int:client_id>")
@requires("client.view", load=_load)
def view(client_id: int) -> str:
    client = _load(client_id)
    return _render_view(client, revealed=False)


@bp.route("/<int:client_id>/reveal", methods=["POST"])
@requires("client.reveal", load=_load)
def reveal(client_id: int) -> str | Response:
    client = _load(client_id)
    if not RevealForm().validate_on_submit():
        return redirect(url_for("clients.view", client_id=client.id))
    with transaction():
        services.record_reveal(client, current_user)
    return _render_view(client, revealed=True)


def _render_view(client: Client, revealed: bool) -> str:
    cases = services.client_cases(client, current_user)
    return render_template("clients/view.html", client=client, cases=cases, revealed=revealed,
                           reveal_form=RevealForm())


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
@requires("client.edit", load=_load)
def edit(client_id: int) -> str | Response | tuple[str, int]:
    client = _load(client_id)
    # Prefilled from the record only when showing the form: a submitted field that is
    # absent must read as empty, not as the stored value.
    form = ClientForm() if request.method == "POST" else ClientForm(obj=client)
    if not form.is_submitted():
        form.version.data = str(client.version)
        # The edit form shows every identifying field, so opening it is a reveal.
        with transaction():
            services.record_reveal(client, current_user, purpose="edit")
    elif form.validate():
        data = services.ClientData.from_form(form)
        with transaction(form) as tx:
            changed = services.update_client(client, data, form.version_number(), current_user)
        if tx.ok:
            flash(_("Client saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("clients.view", client_id=client.id))
        return render_template("clients/form.html", form=form, client=client,
                               duplicates=[]), tx.status
    return render_template("clients/form.html", form=form, client=client, duplicates=[])
