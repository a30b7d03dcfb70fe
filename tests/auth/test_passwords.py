from __future__ import annotations

import pytest

from caseapp.auth.passwords import MAX_LENGTH, common_passwords, password_problem


def test_common_list_is_shipped_and_large(app) -> None:
    words = common_passwords()
    assert len(words) > 30000
    for w in ("123456", "password", "iloveyou", "matkhau123", "anhyeuem"):
        assert w in words
    assert not any(w.startswith("#") for w in words)


@pytest.mark.parametrize("password", [
    "short1!",                       # too short
    "x" * (MAX_LENGTH + 1),           # too long
    "qwertyuiop123",                  # in the list
    "matkhau123456",                  # Vietnamese pattern
    "anhyeuem2024!",
    "iloveyou1234567",                # common word padded with digits
    "password!!!!1234",
    "abcabcabcabcabc",                # a short word repeated
    "my name is hoa.nguyen really",   # contains the username
])
def test_password_policy_refuses(app, password: str) -> None:
    assert password_problem(password, "hoa.nguyen") is not None


@pytest.mark.parametrize("password", [
    "correct horse battery staple",
    "Sông Hậu chảy về biển Đông",
    "x" * 5 + "y7!Q" + "z" * 3,
])
def test_password_policy_accepts(app, password: str) -> None:
    assert password_problem(password, "hoa.nguyen") is None


def test_messages_name_the_rule(app) -> None:
    assert "12" in (password_problem("short") or "")
    assert str(MAX_LENGTH) in (password_problem("y" * 200) or "")
