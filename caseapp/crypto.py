"""Field encryption at rest and keyed blind indexes.

Identifying data is stored as AES-256-GCM tokens ``<key id>:<base64(nonce|ciphertext)>``.
The key id lets several keys coexist during a rotation. Searching by name or phone uses a
blind index: an HMAC of the normalised value under a key derived from the current data key,
so exact lookups never decrypt every row.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import LargeBinary, Text
from sqlalchemy.types import TypeDecorator


class DataKeyError(ValueError):
    """A data key is malformed or unknown."""


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(key)


@dataclass(frozen=True)
class Keyring:
    """Keys by id; the first one listed encrypts, all of them decrypt."""

    current_id: str
    keys: dict[str, bytes]
    # Derived once: HKDF per value would dominate bulk encryption.
    _aead: dict[str, AESGCM] = field(init=False, repr=False, compare=False)
    _index_key: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        aead = {
            kid: AESGCM(_derive(raw, b"caseapp field encryption")) for kid, raw in self.keys.items()
        }
        object.__setattr__(self, "_aead", aead)
        index_key = _derive(self.keys[self.current_id], b"caseapp blind index")
        object.__setattr__(self, "_index_key", index_key)

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        keys: dict[str, bytes] = {}
        current = ""
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            key_id, sep, b64 = part.partition(":")
            if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", key_id):
                raise DataKeyError("Data key entries look like 'k1:<base64 of 32 bytes>'.")
            try:
                raw = base64.urlsafe_b64decode(b64)
            except ValueError as exc:
                raise DataKeyError(f"Data key {key_id} is not valid base64.") from exc
            if len(raw) != 32:
                raise DataKeyError(f"Data key {key_id} must be 32 bytes.")
            keys[key_id] = raw
            current = current or key_id
        if not keys:
            raise DataKeyError("No data key given.")
        return cls(current, keys)

    def encrypt_bytes(self, data: bytes) -> bytes:
        nonce = os.urandom(12)
        ct = self._aead[self.current_id].encrypt(nonce, data, self.current_id.encode())
        return self.current_id.encode() + b":" + nonce + ct

    def decrypt_bytes(self, token: bytes) -> bytes:
        key_id, sep, rest = token.partition(b":")
        aead = self._aead.get(key_id.decode(errors="replace"))
        if not sep or aead is None or len(rest) < 28:
            raise DataKeyError("Encrypted value uses an unknown key.")
        try:
            return aead.decrypt(rest[:12], rest[12:], key_id)
        except InvalidTag as exc:
            raise DataKeyError("Encrypted value failed authentication.") from exc

    def encrypt(self, text: str) -> str:
        token = self.encrypt_bytes(text.encode())
        key_id, _, rest = token.partition(b":")
        return key_id.decode() + ":" + base64.b64encode(rest).decode()

    def encrypt_many(self, texts: Iterable[str]) -> list[str]:
        """``encrypt`` for many values at once, for bulk loads.

        Same tokens as ``encrypt`` (a fresh random nonce per value), minus the per-call
        overhead: one read of the system's random source for all nonces, the cipher and
        key id looked up once.
        """
        values = [t.encode() for t in texts]
        seal = self._aead[self.current_id].encrypt
        aad = self.current_id.encode()
        prefix = self.current_id + ":"
        nonces = os.urandom(12 * len(values))
        b64 = binascii.b2a_base64
        return [prefix + b64(nonce + seal(nonce, data, aad), newline=False).decode()
                for nonce, data in zip((nonces[i:i + 12] for i in range(0, len(nonces), 12)),
                                       values, strict=True)]

    def decrypt(self, token: str) -> str:
        key_id, _, b64 = token.partition(":")
        return self.decrypt_bytes(key_id.encode() + b":" + base64.b64decode(b64)).decode()

    def key_id_of(self, token: str | bytes) -> str:
        sep = b":" if isinstance(token, bytes) else ":"
        head = token.partition(sep)[0]  # type: ignore[arg-type]
        return head.decode() if isinstance(head, bytes) else head

    def blind_index(self, value: str) -> str:
        # One-shot digest: the same HMAC-SHA256 without building an hmac object per value.
        return hmac.digest(self._index_key, value.encode(), "sha256").hex()


_keyring: Keyring | None = None


def set_keyring(keyring: Keyring) -> None:
    # Process-wide because SQLAlchemy types have no app context; it is derived from config
    # only, so every worker holds the same value.
    global _keyring
    _keyring = keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise RuntimeError("Data keyring is not configured (create_app sets it).")
    return _keyring


def normalize_name(value: str) -> str:
    """Lower case, no diacritics (đ counts as d), single spaces."""
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def normalize_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def name_index(value: str | None, ring: Keyring | None = None) -> str | None:
    norm = normalize_name(value or "")
    return (ring or keyring()).blind_index("name:" + norm) if norm else None


def phone_index(value: str | None, ring: Keyring | None = None) -> str | None:
    norm = normalize_phone(value or "")
    return (ring or keyring()).blind_index("phone:" + norm) if norm else None


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted; empty strings are stored as NULL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: object) -> str | None:
        if value is None or value == "":
            return None
        return keyring().encrypt(value)

    def process_result_value(self, value: str | None, dialect: object) -> str | None:
        if value is None:
            return None
        return keyring().decrypt(value)


class EncryptedBytes(TypeDecorator[bytes]):
    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: object) -> bytes | None:
        return None if value is None else keyring().encrypt_bytes(value)

    def process_result_value(self, value: bytes | None, dialect: object) -> bytes | None:
        return None if value is None else keyring().decrypt_bytes(value)
