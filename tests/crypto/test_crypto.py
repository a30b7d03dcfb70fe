from __future__ import annotations

import pytest

from caseapp.crypto import DataKeyError, Keyring, normalize_name, normalize_phone
from caseapp.keys import new_data_key_entry


def test_round_trip_and_authenticated() -> None:
    ring = Keyring.parse(new_data_key_entry("k1"))
    token = ring.encrypt("Nguyễn Thị Hoa")
    assert "Hoa" not in token and ring.decrypt(token) == "Nguyễn Thị Hoa"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DataKeyError):
        ring.decrypt(tampered)


def test_old_keys_decrypt_new_key_encrypts() -> None:
    old = new_data_key_entry("k1")
    new = new_data_key_entry("k2")
    token_old = Keyring.parse(old).encrypt("x")
    ring = Keyring.parse(f"{new},{old}")
    assert ring.decrypt(token_old) == "x"
    assert ring.encrypt("y").startswith("k2:")
    with pytest.raises(DataKeyError):
        Keyring.parse(new).decrypt(token_old)


def test_malformed_keys_refused() -> None:
    for spec in ("", "nocolon", "k1:short", "bad id!:" + "A" * 44):
        with pytest.raises(DataKeyError):
            Keyring.parse(spec)


def test_normalisation_for_blind_index() -> None:
    assert normalize_name("  NGUYỄN   Thị  Hoà ") == "nguyen thi hoa"
    assert normalize_name("Đặng") == normalize_name("dang")
    assert normalize_phone("+84 912-345-678") == "0912345678"
    assert normalize_phone("0912 345 678") == "0912345678"


def test_blind_index_is_keyed() -> None:
    a = Keyring.parse(new_data_key_entry("k1"))
    b = Keyring.parse(new_data_key_entry("k1"))
    assert a.blind_index("name:hoa") == a.blind_index("name:hoa")
    assert a.blind_index("name:hoa") != b.blind_index("name:hoa")


def test_blind_index_values_stay_stable() -> None:
    # Stored indexes must keep matching: a known answer for a fixed key.
    ring = Keyring.parse("k1:" + "A" * 43 + "=")
    assert ring.blind_index("name:nguyen thi hoa") == (
        "720771eb5f0fead2539c100343fe2abd5f83ca5c5c528fdbcca7299839f6e564")


def test_bulk_encryption_gives_ordinary_tokens_with_fresh_nonces() -> None:
    ring = Keyring.parse(f"{new_data_key_entry('k2')},{new_data_key_entry('k1')}")
    texts = ["Nguyễn Thị Hoa", "0912345678", "Nguyễn Thị Hoa", ""]
    tokens = ring.encrypt_many(texts)
    assert [ring.decrypt(t) for t in tokens] == texts
    assert all(t.startswith("k2:") for t in tokens)
    assert tokens[0] != tokens[2]  # same text, different nonce
    assert "Hoa" not in tokens[0]
