"""The one owner of a transaction, and the one error a user can fix.

Services stage their changes and write their audit entries; they never commit. A route that
changes data runs its service calls inside ``transaction(form)``, which commits once or rolls
back everything; a CLI command uses ``cli_transaction()``. A ``UserError`` raised anywhere
inside becomes a message on the form's field, or a flash, in the user's language.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import click
from flask import flash
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from caseapp.db import db

STALE_MESSAGE = _l(
    "Someone else changed this record while you were editing. Nothing was saved; review the "
    "current data and try again."
)


class UserError(Exception):
    """A change refused for a reason the user can act on.

    ``message`` is shown as it is (translated, or lazily translated); ``field`` names the form
    field at fault, or None for a message about the whole form.
    """

    status = 400

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class StaleEdit(UserError):
    """The record changed since its form was opened: the save is refused whole."""

    status = 409

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


@dataclass
class Outcome:
    """What became of a transaction: ``ok`` after the commit, else the refusal."""

    ok: bool = False
    error: UserError | None = None

    @property
    def status(self) -> int:
        """The HTTP status for re-showing the form: 200 when nothing was refused."""
        return self.error.status if self.error is not None else 200


def show_error(error: UserError, form: Any = None) -> None:
    """Put ``error`` on its form field when the form has it, else flash it."""
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "error")


@contextmanager
def transaction(form: Any = None) -> Iterator[Outcome]:
    """Run a request's changes: commit once on success; on a ``UserError`` (or a versioned
    UPDATE that lost a race), roll back and show the message; on anything else, roll back
    and re-raise.

        with transaction(form) as tx:
            services.do(...)
        if tx.ok:
            return redirect(...)
        return render_template(...), tx.status
    """
    outcome = Outcome()
    try:
        yield outcome
        db.session.commit()
    except UserError as exc:
        db.session.rollback()
        outcome.error = exc
        show_error(exc, form)
    except StaleDataError:
        db.session.rollback()
        outcome.error = StaleEdit()
        show_error(outcome.error, form)
    except BaseException:
        db.session.rollback()
        raise
    else:
        outcome.ok = True


@contextmanager
def cli_transaction() -> Iterator[None]:
    """A CLI command's changes: commit once; a ``UserError`` ends the command with its
    message and exit status 1, having written nothing."""
    try:
        yield
        db.session.commit()
    except UserError as exc:
        db.session.rollback()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except BaseException:
        db.session.rollback()
        raise
