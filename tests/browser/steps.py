"""Steps a user takes in more than one browser journey."""

from __future__ import annotations

from typing import Any

from tests.browser.checks import PageChecks
from tests.factories import Factory


def log_in(page: Any, base: str, username: str, checks: PageChecks | None = None,
           password: str = Factory.PASSWORD) -> None:
    page.goto(base + "/")
    page.wait_for_url(base + "/auth/login")
    if checks is not None:
        checks(page, "login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


def main_nav(page: Any) -> Any:
    """The main navigation, unfolded first on a phone."""
    toggle = page.get_by_role("button", name="Trình đơn")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.get_by_role("navigation", name="Điều hướng chính")


def nav(page: Any, name: str) -> None:
    """Follow an entry of the main navigation."""
    main_nav(page).get_by_role("link", name=name).click()


def flash_text(page: Any) -> str:
    text: str = page.locator(".flashes").inner_text()
    return text
