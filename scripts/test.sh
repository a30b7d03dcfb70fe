#!/bin/sh
# Install the test dependencies into .venv and run the whole test suite.
# SQLite by default; set TEST_DATABASE_URL=postgresql+psycopg://user@host:5432/db for
# PostgreSQL (each test worker creates and drops its own database there).
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" "$@"
