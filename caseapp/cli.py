"""Command-line interface. Command names and options are stable: other tools call them."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from caseapp.transaction import UserError, cli_transaction


def parse_iso_date(value: str | None, option: str) -> date | None:
    """A date typed as YYYY-MM-DD or dd/mm/yyyy; anything else is refused (a ``UserError``,
    which ends the command inside ``cli_transaction``)."""
    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise UserError(f"{option} must be a date as YYYY-MM-DD or dd/mm/yyyy, not {value!r}.")


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the schema through the migrations."""
    from caseapp.dbadmin import upgrade_schema
    from caseapp.referrals.services import ensure_service_types

    upgrade_schema()
    with cli_transaction():
        ensure_service_types()
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

    with cli_transaction():
        units.ensure_default_kinds()
        parent = None
        if parent_code:
            parent = units.get_by_code(parent_code)
            if parent is None:
                raise UserError(f"Unknown parent unit {parent_code!r}.")
        unit = units.create_unit(code, name, kind, parent)
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
    from caseapp.auth.accounts import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with cli_transaction():
        user = create_user(username, full_name or username, role, unit_code, password)
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

    with cli_transaction():
        on = parse_iso_date(on_date, "--on")
        unit = units.get_by_code(code)
        successor = units.get_by_code(into_code)
        if unit is None:
            raise UserError(f"Unknown unit {code!r}.")
        if successor is None:
            raise UserError(f"Unknown unit {into_code!r}.")
        units.merge_unit(unit, successor, on)
    click.echo(f"Merged {code} into {into_code}.")


@click.command("verify-audit")
@with_appcontext
def verify_audit_command() -> None:
    """Check the audit log's hash chain; exit non-zero at the first broken link."""
    from caseapp.audit.services import verify_chain

    with cli_transaction():
        checked, problem = verify_chain()
        if problem is not None:
            raise UserError(f"audit chain broken at entry {problem.entry_id}: {problem.reason} "
                            f"({checked} entries verified before it).")
    click.echo(f"Audit log intact: {checked} entries verified.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load a fictional province with users of every role (safe to re-run)."""
    from caseapp.demo import seed_demo

    with cli_transaction():
        lines = list(seed_demo())
    for line in lines:
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
