"""Loading the secret key and the data-encryption keyring.

Secrets come from the environment (SECRET_KEY, DATA_KEY). A development or demo instance
that has none generates them once into the instance folder with mode 0600, so restarts keep
working and no secret is ever committed. Production refuses to start without them.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from flask import Flask

from config import ConfigError

SECRET_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
DATA_KEY_FILE = "data_key"


def new_data_key_entry(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


def _read_or_create(path: Path, make: callable) -> str:  # type: ignore[valid-type]
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    value = make()
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    return value


def write_instance_data_key(app: Flask, value: str) -> None:
    """Replace the instance data-key file atomically (used by key rotation)."""
    path = Path(app.instance_path) / DATA_KEY_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    os.replace(tmp, path)


def data_key_from_instance(app: Flask) -> bool:
    return app.config.get("DATA_KEY_SOURCE") == "instance"


def load_secrets(app: Flask) -> None:
    for name in ("SECRET_KEY", "DATA_KEY"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    # Key rotation needs to know where to put the new key.
    app.config["DATA_KEY_SOURCE"] = "environment" if os.environ.get("DATA_KEY") else "config"
    if app.config.get("SECRET_KEY") and app.config.get("DATA_KEY"):
        return
    if not app.config.get("GENERATE_MISSING_SECRETS"):
        missing = [n for n in ("SECRET_KEY", "DATA_KEY") if not app.config.get(n)]
        raise ConfigError(
            "Missing " + ", ".join(missing) + ": set them in the environment "
            "(generate with: python -c 'import secrets; print(secrets.token_urlsafe(48))' and "
            "flask --app caseapp new-data-key)."
        )
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _read_or_create(
            instance / SECRET_FILE, lambda: secrets.token_urlsafe(48)
        )
    if not app.config.get("DATA_KEY"):
        app.config["DATA_KEY"] = _read_or_create(
            instance / DATA_KEY_FILE, lambda: new_data_key_entry("k1")
        )
        app.config["DATA_KEY_SOURCE"] = "instance"
