from __future__ import annotations

from typing import Any

from flask import Flask

from tests.factories import Factory


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
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.content()
