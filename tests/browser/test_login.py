from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from tests.browser.checks import PageChecks
from tests.browser.steps import flash_text, log_in, nav
from tests.factories import Factory

GENERIC_ERROR = ("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang bị khóa. "
                 "Vui lòng thử lại sau.")


def test_login_and_logout_in_vietnamese(app: Flask, make: Factory, live_server: str,
                                        page: Any) -> None:
    unit = make.unit("BR1")
    make.user("counselor", unit, username="tuvan.br", full_name="Nguyễn Thị Duyên")
    page.goto(live_server + "/")
    assert page.url.endswith("/auth/login")
    page.get_by_label("Tên đăng nhập").fill("tuvan.br")
    page.get_by_label("Mật khẩu").fill(Factory.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server + "/")
    assert "Xin chào, Nguyễn Thị Duyên" in page.content()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(live_server + "/auth/login")
    assert "Bạn đã đăng xuất." in page.content()


def test_wrong_password_shows_one_generic_message(app: Flask, make: Factory, live_server: str,
                                                  page: Any) -> None:
    unit = make.unit("BR2")
    make.user("counselor", unit, username="tuvan.br2")
    page.goto(live_server + "/auth/login")
    page.get_by_label("Tên đăng nhập").fill("tuvan.br2")
    page.get_by_label("Mật khẩu").fill("not the password at all")
    page.get_by_role("button", name="Đăng nhập").click()
    # The flash waits for the answer to the POST; the page's HTML read at once may still
    # be the navigation's empty document on a slow machine.
    assert "Sai tên đăng nhập hoặc mật khẩu" in flash_text(page)


def test_locked_account_refuses_even_the_right_password_until_the_lock_ends(
        app: Flask, make: Factory, live_server: str, page: Any, checks: PageChecks) -> None:
    unit = make.unit("BR3")
    make.user("counselor", unit, username="tuvan.br3", full_name="Võ Thị Lan")
    page.goto(live_server + "/auth/login")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        page.get_by_label("Tên đăng nhập").fill("tuvan.br3")
        page.get_by_label("Mật khẩu").fill("a wrong guess")
        page.get_by_role("button", name="Đăng nhập").click()
        assert GENERIC_ERROR in flash_text(page)
    checks(page, "login refused")

    # Locked: the right password gets the same answer, which tells nothing about the account.
    page.get_by_label("Tên đăng nhập").fill("tuvan.br3")
    page.get_by_label("Mật khẩu").fill(Factory.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    assert GENERIC_ERROR in flash_text(page)
    assert page.url.endswith("/auth/login")

    app.config["CLOCK_NOW"] += timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    log_in(page, live_server, "tuvan.br3")
    assert "Xin chào, Võ Thị Lan" in page.content()


def test_idle_session_ends_with_a_message_on_the_login_page(
        app: Flask, make: Factory, live_server: str, page: Any, checks: PageChecks) -> None:
    unit = make.unit("BR4")
    make.user("counselor", unit, username="tuvan.br4", full_name="Đỗ Thị Ngọc")
    log_in(page, live_server, "tuvan.br4")
    nav(page, "Hồ sơ")
    page.wait_for_url(live_server + "/cases/")

    app.config["CLOCK_NOW"] += app.config["SESSION_IDLE_TIMEOUT"] + timedelta(minutes=1)
    nav(page, "Đơn thư")
    page.wait_for_url(live_server + "/auth/login")
    assert ("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại để tiếp tục."
            in flash_text(page))
    checks(page, "login after the session expired")
    # The message is shown once, not on every later visit to the login page.
    page.reload()
    assert page.locator(".flashes").count() == 0

    log_in(page, live_server, "tuvan.br4")
    assert "Xin chào, Đỗ Thị Ngọc" in page.content()
