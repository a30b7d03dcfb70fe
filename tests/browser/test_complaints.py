"""A petition (đơn thư) whose handling deadline passes shows up as overdue, in Vietnamese,
at desktop and phone size. Time moves through the app's clock (``CLOCK_NOW``), which the live
server reads on every request."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask

from tests.browser.checks import PageChecks
from tests.browser.steps import flash_text, log_in, main_nav, nav
from tests.factories import Factory


def test_petition_past_its_deadline_is_listed_as_overdue(
        app: Flask, make: Factory, live_server: str, page: Any, checks: PageChecks) -> None:
    unit = make.unit("XA1", name="Hội LHPN xã Tân Hưng")
    make.user("counselor", unit, username="tuvan.don")
    log_in(page, live_server, "tuvan.don")

    nav(page, "Đơn thư")
    page.get_by_role("link", name="Đơn thư mới").click()
    checks(page, "new complaint")
    page.get_by_label("Ngày tiếp nhận").fill("15/06/2026")
    page.get_by_label("Người gửi").select_option(label="Nạn nhân")
    page.get_by_label("Nội dung").select_option(label="Bạo lực gia đình")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(re.compile(r"/complaints/\d+$"))
    code = re.search(r"mã (\S+)\.", flash_text(page))
    assert code, flash_text(page)
    checks(page, "complaint")
    deadline = page.locator("dl").get_by_text(re.compile(r"^\d\d/\d\d/2026$")).first.inner_text()

    nav(page, "Đơn thư")
    page.get_by_role("link", name="Đơn thư quá hạn").click()
    assert code.group(1) not in page.locator("main").inner_text()

    # A month later, nobody having handled it, the deadline has passed. She logs in again
    # (her session of a month ago has long expired) and opens the overdue list.
    app.config["CLOCK_NOW"] += timedelta(days=30)
    log_in(page, live_server, "tuvan.don")
    nav(page, "Đơn thư")
    page.get_by_role("link", name="Đơn thư quá hạn").click()
    row = page.get_by_role("row").filter(has_text=code.group(1))
    assert row.count() == 1
    assert deadline in row.inner_text()
    assert "Quá hạn" in row.inner_text()
    checks(page, "overdue complaints")
    # The navigation counts it too.
    assert main_nav(page).get_by_role("link", name=re.compile("Đơn thư")).locator(
        ".badge").inner_text() == "1"
