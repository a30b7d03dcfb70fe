"""``flask case-pdf``: print a case summary from the command line, as a given user would."""

from __future__ import annotations

import os
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from caseapp.access import can_see_cases, scoped_cases
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.documents.services import DocumentSpec, render_document
from caseapp.documents.summary import (
    SECTIONS,
    UnknownSections,
    case_summary_spec,
    parse_sections,
)
from caseapp.transaction import UserError, cli_transaction


@click.command("case-pdf")
@click.argument("case_code")
@click.option("--user", "username", required=True, help="Print as this user (scope applies).")
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="File to write the PDF to.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read a password from standard input and encrypt the PDF with it.",
)
@click.option(
    "--sections",
    default=None,
    help=f"Comma-separated sections (default all): {','.join(SECTIONS)}.",
)
@with_appcontext
def case_pdf_command(
    case_code: str, username: str, out_path: str, password_stdin: bool, sections: str | None
) -> None:
    """Render the confidential summary of CASE_CODE as USER would see it."""
    with cli_transaction():
        spec, pdf = _render(case_code, username, password_stdin, sections)
    # Owner-only from the first byte: the file is a confidential document.
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pdf)
    click.echo(f"Wrote {spec.title} ({len(pdf)} bytes) to {out_path}.")


def _render(case_code: str, username: str, password_stdin: bool,
            sections: str | None) -> tuple[DocumentSpec, bytes]:
    """Check the arguments, then render as the user would (the print record is staged)."""
    names = [s.strip() for s in sections.split(",") if s.strip()] if sections else None
    if sections is not None and not names:
        raise UserError(f"--sections is empty. Valid sections: {', '.join(SECTIONS)}.")
    try:
        chosen = parse_sections(names)
    except UnknownSections as exc:
        raise UserError(f"Unknown section(s): {', '.join(exc.names)}. "
                        f"Valid sections: {', '.join(SECTIONS)}.") from None
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active:
        raise UserError(f"Unknown or inactive user {username!r}.")
    if not can_see_cases(user):
        raise UserError(f"User {username!r} has no access to case content.")
    # One message for both: the command must not confirm that a case outside the scope exists.
    case = db.session.scalar(scoped_cases(user).where(Case.code == case_code))
    if case is None:
        raise UserError(f"No case {case_code!r} in the scope of user {username!r}.")
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 8:
            raise UserError("The password must have at least 8 characters.")
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        spec = case_summary_spec(case, chosen)
        pdf = render_document(spec, user=user, password=password)
    return spec, pdf
