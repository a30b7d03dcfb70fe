"""Command-line interface. Command names and options are stable: other tools call them."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from caseapp.db import db


def _fail(message: str) -> None:
    # Whatever the command staged is dropped: a failed command writes nothing.
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def parse_iso_date(value: str | None, option: str) -> date | None:
    """A date typed as YYYY-MM-DD or dd/mm/yyyy; anything else ends the command."""
    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    _fail(f"{option} must be a date as YYYY-MM-DD or dd/mm/yyyy, not {value!r}.")
    return None


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the schema through the migrations."""
    from caseapp.dbadmin import upgrade_schema

    upgrade_schema()
    from caseapp.referrals.services import install_service_types
    install_service_types()
    click.echo("Database schema is up to date.")


@click.command("create-unit")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--parent", "parent_code", default=None, help="Code of the parent unit.")
@click.option("--kind", default="commune", show_default=True)
@with_appcontext
def create_unit_command(code: str, name: str, parent_code: str | None, kind: str) -> None:
    """Create an organisation unit."""
    from caseapp.units import services as units

    units.ensure_default_kinds()
    parent = None
    if parent_code:
        parent = units.get_by_code(parent_code)
        if parent is None:
            _fail(f"Unknown parent unit {parent_code!r}.")
    try:
        unit = units.create_unit(code, name, kind, parent)
    except units.UnitError as exc:
        db.session.rollback()
        _fail(str(exc))
        return
    db.session.commit()
    click.echo(f"Created unit {unit.code}.")


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True,
              type=click.Choice(["counselor", "supervisor", "statistics", "admin"]))
@click.option("--unit", "unit_code", required=True)
@click.option("--name", "full_name", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(username: str, role: str, unit_code: str, full_name: str | None,
                        password_stdin: bool) -> None:
    """Create a user account."""
    from caseapp.auth.accounts import AccountError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(username, full_name or username, role, unit_code, password)
    except AccountError as exc:
        db.session.rollback()
        _fail(str(exc))
        return
    db.session.commit()
    click.echo(f"Created user {user.username} ({role}, {unit_code}).")


@click.command("merge-unit")
@click.argument("code")
@click.option("--into", "into_code", required=True)
@click.option("--on", "on_date", default=None,
              help="Merge date, YYYY-MM-DD or dd/mm/yyyy (default today).")
@with_appcontext
def merge_unit_command(code: str, into_code: str, on_date: str | None) -> None:
    """Merge a unit into its successor."""
    from caseapp.units import services as units

    on = parse_iso_date(on_date, "--on")
    unit = units.get_by_code(code)
    successor = units.get_by_code(into_code)
    if unit is None:
        _fail(f"Unknown unit {code!r}.")
    if successor is None:
        _fail(f"Unknown unit {into_code!r}.")
    try:
        units.merge_unit(unit, successor, on)  # type: ignore[arg-type]
    except units.UnitError as exc:
        db.session.rollback()
        _fail(str(exc))
        return
    db.session.commit()
    click.echo(f"Merged {code} into {into_code}.")


@click.command("verify-audit")
@with_appcontext
def verify_audit_command() -> None:
    """Check the audit log's hash chain; exit non-zero at the first broken link."""
    from caseapp.audit.services import verify_chain

    checked, problem = verify_chain()
    if problem is not None:
        _fail(f"audit chain broken at entry {problem.entry_id}: {problem.reason} "
              f"({checked} entries verified before it).")
    click.echo(f"Audit log intact: {checked} entries verified.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load a fictional province with users of every role (safe to re-run)."""
    from caseapp.demo import seed_demo

    for line in seed_demo():
        click.echo(line)


def register_cli(app: Flask) -> None:
    from caseapp.backup import backup_command
    from caseapp.documents.cli import case_pdf_command
    from caseapp.imports.cli import import_records_command
    from caseapp.indicator.cli import indicator_command
    from caseapp.keyrotation import rotate_data_key_command
    from caseapp.synthetic.cli import seed_synthetic_command
    from caseapp.translate import translate_command

    for cmd in (init_db_command, create_unit_command, create_user_command, merge_unit_command,
                verify_audit_command, seed_demo_command, rotate_data_key_command,
                indicator_command, import_records_command, seed_synthetic_command,
                backup_command, translate_command, case_pdf_command):
        app.cli.add_command(cmd)
