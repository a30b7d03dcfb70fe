#!/bin/sh
# Install caseapp into .venv, create the SQLite database with demo data and start the app.
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
export CASEAPP_CONFIG=${CASEAPP_CONFIG:-demo}
.venv/bin/flask --app caseapp init-db
.venv/bin/flask --app caseapp seed-demo
echo
echo "Open http://127.0.0.1:${PORT:-5000}/ and log in with an account above (Ctrl+C stops)."
exec .venv/bin/flask --app caseapp run --host 127.0.0.1 --port "${PORT:-5000}"
