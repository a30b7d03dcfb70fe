#!/bin/sh
# Install the test dependencies into .venv and run the whole test suite.
# SQLite by default; set TEST_DATABASE_URL=postgresql+psycopg://user@host:5432/db for
# PostgreSQL (each test worker creates and drops its own database there).
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
# Accessibility and HTML checkers for the browser tests (axe-core, the Nu HTML Checker), pinned
# in package-lock.json; reinstalled only when node_modules is missing or came from another
# lock file. Install scripts stay off (.npmrc): vnu-jar's would fetch a JDK; Java 17 from the
# system runs vnu.jar. Without npm the browser tests that need them skip and say why.
if command -v npm >/dev/null 2>&1; then
  lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -d node_modules ] || [ "$(cat node_modules/.lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
    npm ci --silent --no-audit --no-fund --ignore-scripts
    echo "$lock_sum" > node_modules/.lock-sha256
  fi
fi
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" "$@"
