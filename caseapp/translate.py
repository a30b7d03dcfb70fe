"""`flask --app caseapp translate update|compile`: keep the Vietnamese catalog in step."""

from __future__ import annotations

import subprocess
import sys

import click

from caseapp import ROOT

CATALOG_DIR = ROOT / "caseapp" / "translations"
POT = ROOT / "caseapp" / "translations" / "messages.pot"


def _pybabel(*args: str) -> None:
    cmd = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(cmd, cwd=ROOT, check=False).returncode != 0:  # noqa: S603
        raise click.ClickException("pybabel " + " ".join(args[:1]) + " failed")


@click.group("translate")
def translate_command() -> None:
    """Extract, update and compile translations."""


@translate_command.command("update")
def update() -> None:
    """Extract messages and merge them into the Vietnamese catalog."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "_ln:1,2", "--no-location",
             "--sort-output",
             "-o", str(POT), ".")
    if not (CATALOG_DIR / "vi" / "LC_MESSAGES" / "messages.po").exists():
        _pybabel("init", "-i", str(POT), "-d", str(CATALOG_DIR), "-l", "vi")
    _pybabel("update", "-i", str(POT), "-d", str(CATALOG_DIR), "-l", "vi", "--no-fuzzy-matching")


@translate_command.command("compile")
def compile_() -> None:
    """Compile the catalog into the .mo file the app reads."""
    _pybabel("compile", "-d", str(CATALOG_DIR))
