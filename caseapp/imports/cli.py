"""``flask import-records``: the command-line import (options are stable)."""

from __future__ import annotations

import sys
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from caseapp.auth.models import User
from caseapp.db import db

EXIT_INVALID = 1


class _Progress:
    """Validation is counted in rows (total unknown yet); writing shows a bar."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.shown = 0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if self.quiet:
            return
        if phase == "validate":
            click.echo(f"Checked {done} rows...", err=True)
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total or done, label="Writing", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("import-records")
@click.option("--cases", "cases_path", type=click.Path(exists=True, dir_okay=False),
              help="Cases file (CSV or XLSX).")
@click.option("--referrals", "referrals_path", type=click.Path(exists=True, dir_okay=False),
              help="Referrals file (CSV or XLSX).")
@click.option("--dry-run", is_flag=True, help="Check the files and report; write nothing.")
@click.option("--user", "username", required=True,
              help="The importing supervisor or admin; their units bound the import.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@with_appcontext
def import_records_command(cases_path: str | None, referrals_path: str | None, dry_run: bool,
                           username: str, quiet: bool) -> None:
    """Import earlier cases and referrals; all or nothing (see docs/import-format.md)."""
    from caseapp.imports.reader import Source
    from caseapp.imports.services import may_import, run_import

    if not cases_path and not referrals_path:
        raise click.UsageError("Give --cases FILE, --referrals FILE or both.")
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not may_import(user):
        click.echo("Error: --user must name an active supervisor or admin account.", err=True)
        sys.exit(EXIT_INVALID)
    progress = _Progress(quiet)
    try:
        result = run_import(
            user,
            cases=Source.from_path(cases_path) if cases_path else None,
            referrals=Source.from_path(referrals_path) if referrals_path else None,
            dry_run=dry_run,
            progress=progress,
        )
    finally:
        progress.close()
    if result.error_count:
        for e in result.errors:
            where = f"{e.file}, row {e.row}" if e.row else e.file
            click.echo(f"{where}, column {e.column or '-'}: {e.message}")
        if result.error_count > len(result.errors):
            click.echo(f"... and {result.error_count - len(result.errors)} more errors.")
        click.echo(f"{result.error_count} errors: nothing was imported.", err=True)
        sys.exit(EXIT_INVALID)
    verb = "Imported" if result.written else "Dry run, nothing written; would import"
    click.echo(f"{verb}: {result.cases} cases, {result.clients} new clients "
               f"({result.clients_linked} of earlier imports), {result.referrals} referrals.")
    if result.written:
        click.echo(f"Import batch {result.batch_id}.")
