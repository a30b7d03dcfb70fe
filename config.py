"""Configuration classes for caseapp.

Secrets never have a default. Development and demo configs generate them once into the
instance folder (mode 0600); the production config refuses to start without them.
"""

from __future__ import annotations

import os
from datetime import timedelta


class ConfigError(RuntimeError):
    """Raised when the configuration cannot be used safely."""


class BaseConfig:
    ENV_NAME = "base"
    # Filled in by caseapp.keys.load_secrets() from the environment or instance/.
    SECRET_KEY: str | None = None
    DATA_KEY: str | None = None
    GENERATE_MISSING_SECRETS = False

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_NAME = "caseapp_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Strict"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(0)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # bound to the session, which already expires

    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_MAX_PER_ADDRESS = 20  # failed attempts per client address per window
    LOGIN_ADDRESS_WINDOW_MINUTES = 15

    # Roles that must use two-factor authentication.
    MFA_REQUIRED_ROLES: tuple[str, ...] = ()

    PASSWORD_HASH_PARAMS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 2}


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    GENERATE_MISSING_SECRETS = True


class DemoConfig(DevelopmentConfig):
    ENV_NAME = "demo"


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    GENERATE_MISSING_SECRETS = False
    SESSION_COOKIE_SECURE = True
    MFA_REQUIRED_ROLES = ("admin", "supervisor")


class TestConfig(BaseConfig):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-use"  # noqa: S105 (test config only)
    DATA_KEY = "k1:" + "A" * 43 + "="  # 32 zero-ish bytes, tests only
    # Fast hashing keeps the suite quick; the production parameters are tested separately.
    PASSWORD_HASH_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "demo": DemoConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env() -> type[BaseConfig]:
    name = os.environ.get("CASEAPP_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"Unknown CASEAPP_CONFIG {name!r}; use one of {sorted(CONFIGS)}"
        ) from None
