from __future__ import annotations

import sys
import time

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_babel import gettext as _

from caseapp.db import db


@click.command("seed-synthetic")
@click.option("--provinces", type=click.IntRange(1, 100), required=True)
@click.option("--clients", type=click.IntRange(1, 50_000_000), required=True)
@click.option("--years", type=click.IntRange(1, 30), default=5, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@with_appcontext
def seed_synthetic_command(provinces: int, clients: int, years: int, seed: int) -> None:
    """Generate fictional data at scale (units, clients, cases, incidents, consultations,
    referrals in every state, merged units) for benchmarks. About 1.2 cases per client."""
    from caseapp.clients.models import Client
    from caseapp.synthetic.generate import Progress, generate

    # Fictional clients mixed into real ones would count in the indicator and the reports,
    # and the load sets the tables' indexes aside: only a database without clients will do.
    if db.session.scalar(sa.select(Client.id).limit(1)) is not None:
        raise click.ClickException(_(
            "This database already holds clients. Synthetic data is loaded only into a "
            "database without clients (a benchmark database)."))

    started = time.perf_counter()
    stored = started

    with click.progressbar(length=clients, label="clients", file=sys.stderr) as bar:
        def finishing() -> None:
            nonlocal stored
            stored = time.perf_counter()
            click.echo("\nRows stored; building indexes and statistics.", err=True)

        counts = generate(provinces, clients, years, seed,
                          Progress(clients, bar.update, finishing=finishing))
        db.session.commit()
    took = time.perf_counter() - started
    click.echo(
        f"Created {counts.units} case-taking units, {counts.clients} clients, "
        f"{counts.cases} cases, {counts.incidents} incidents, {counts.consultations} "
        f"consultations, {counts.referrals} referrals in {took:.1f} s "
        f"({counts.cases / took:,.0f} cases/s; rows {stored - started:.1f} s, "
        f"indexes, statistics and commit {took - (stored - started):.1f} s)."
    )
