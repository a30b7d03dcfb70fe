"""Password hashing (argon2id) and password policy."""

from __future__ import annotations

import contextlib
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128  # caps the cost of hashing attacker-supplied input
_COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH_PARAMS"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


# A fixed hash to verify against when the username is unknown, so timing does not reveal
# which usernames exist.
_DUMMY: dict[str, str] = {}


def verify_password(stored_hash: str | None, password: str) -> bool:
    ph = _hasher()
    if stored_hash is None:
        key = repr(current_app.config["PASSWORD_HASH_PARAMS"])
        stored_hash = _DUMMY.setdefault(key, ph.hash("dummy password for timing"))
        with contextlib.suppress(VerificationError):
            ph.verify(stored_hash, password[:MAX_LENGTH])
        return False
    try:
        return ph.verify(stored_hash, password[:MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


@cache
def common_passwords() -> frozenset[str]:
    if not _COMMON_FILE.exists():
        return frozenset()
    words = (line.strip().lower() for line in _COMMON_FILE.read_text("utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


# Digits and symbols people put around a common word to pass a length rule.
_PADDING = "0123456789!@#$%^&*()_-+=.,?~ "


def _is_common(lowered: str) -> bool:
    common = common_passwords()
    if lowered in common:
        return True
    core = lowered.strip(_PADDING)
    if core and core in common:
        return True
    # A short word repeated ("matkhaumatkhau") is as weak as the word.
    for size in range(1, len(lowered) // 2 + 1):
        if len(lowered) % size == 0 and lowered[:size] * (len(lowered) // size) == lowered:
            return True
    return False


def password_problem(password: str, username: str = "") -> str | None:
    """A translated message saying why the password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return str(_l("The password must have at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("The password must have at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if _is_common(lowered) or (username and username.lower() in lowered):
        return str(_l("This password is too common or easy to guess."))
    if len(set(password)) < 4:
        return str(_l("This password is too common or easy to guess."))
    return None
