"""The whole work of a case, in Vietnamese, as a counselor and her supervisor do it in a
browser: from registering the client to the service received, the indicator moving on the
supervisor's dashboard and the confidential summary printed.

Only the unit tree and the two accounts are made directly; everything else goes through the
screens, by their labels, buttons and links. Every page shown is checked by axe-core and kept
for the HTML checker (see checks.py).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from pypdf import PdfReader

from tests.browser.checks import PageChecks
from tests.browser.steps import flash_text, log_in, nav
from tests.factories import Factory

CLIENT_NAME = "Trần Thị Mai Hoa"
CLIENT_PHONE = "0912 345 678"
HEADLINE = re.compile(r"(\d+) trong số (\d+) nạn nhân được phát hiện đã tiếp cận dịch vụ")


def _headline(page: Any) -> tuple[int, int]:
    """The dashboard's figure: (victims who accessed a service, detected victims)."""
    text = page.locator(".indicator-headline").inner_text()
    m = HEADLINE.search(text)
    assert m, text
    return int(m.group(1)), int(m.group(2))


def _register_client(page: Any, checks: PageChecks) -> str:
    nav(page, "Đăng ký thân chủ")
    checks(page, "register a client")
    page.get_by_label("Họ và tên").fill(CLIENT_NAME)
    page.get_by_label("Điện thoại").fill(CLIENT_PHONE)
    page.get_by_label("Năm sinh").fill("1990")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/new/\d+$"))
    m = re.search(r"Đã đăng ký thân chủ (\S+)\.", flash_text(page))
    assert m, flash_text(page)
    return m.group(1)


def _open_case(page: Any, checks: PageChecks) -> str:
    checks(page, "new case")
    page.get_by_label("Nhóm vụ việc").select_option(label="Bạo lực gia đình")
    page.get_by_label("Ngày phát hiện").fill("10/06/2026")
    page.get_by_label("Kênh tiếp nhận").select_option(label="Trực tiếp đến")
    page.get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    m = re.search(r"Đã mở hồ sơ (\S+)\.", flash_text(page))
    assert m, flash_text(page)
    return m.group(1)


def _record_incident(page: Any, checks: PageChecks) -> None:
    page.get_by_role("link", name="Thêm vụ việc").click()
    checks(page, "new incident")
    page.get_by_label("Ngày xảy ra vụ việc").fill("08/06/2026")
    page.get_by_label("Nơi xảy ra").select_option(label="Tại nhà")
    page.get_by_label("Đánh đập, hành hạ, gây thương tích").check()
    page.get_by_label("Quan hệ với thân chủ").first.select_option(label="Chồng")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/\d+"))
    section = page.locator("#incidents")
    assert "08/06/2026" in section.inner_text()
    assert "Chồng" in section.inner_text()
    assert "Tại nhà" in section.inner_text()


def _assess_risk(page: Any, checks: PageChecks) -> None:
    page.get_by_role("link", name="Đánh giá nguy cơ").click()
    checks(page, "risk assessment")
    page.get_by_label("Bạo lực ngày càng thường xuyên hoặc nghiêm trọng hơn").check()
    page.get_by_label("Ghen tuông hoặc kiểm soát thái quá").check()
    page.get_by_role("button", name="Lưu kết quả đánh giá").click()
    page.wait_for_url(re.compile(r"/cases/\d+"))
    # Escalation (3 points) and control (2 points) make a medium risk.
    assert "Nguy cơ trung bình" in page.locator("#risk").inner_text()


def _add_consultation(page: Any, checks: PageChecks) -> None:
    page.get_by_role("link", name="Thêm lần tư vấn").click()
    checks(page, "new consultation")
    page.get_by_label("Ngày giờ").fill("12/06/2026 09:30")
    page.get_by_label("Thời lượng (phút)").fill("45")
    page.get_by_label("Loại", exact=False).first.select_option(label="Pháp luật")
    page.get_by_label("Hình thức").select_option(label="Trực tiếp")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/\d+"))
    assert "12/06/2026" in page.locator("#consultations").inner_text()


def _record_consent(page: Any, checks: PageChecks) -> None:
    page.get_by_role("link", name="Ghi nhận sự đồng ý").click()
    checks(page, "record a consent")
    page.get_by_label("Mục đích").select_option(label="Chia sẻ với nơi cung cấp dịch vụ")
    page.get_by_label("Ngày đồng ý").fill("12/06/2026")
    page.get_by_label("Người đồng ý").select_option(label="Thân chủ")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/\d+"))
    assert "Chia sẻ với nơi cung cấp dịch vụ" in page.locator("#consents").inner_text()


def _draft_and_submit_referral(page: Any, checks: PageChecks) -> None:
    page.get_by_role("link", name="Chuyển gửi mới").click()
    # The form must be the page shown before a field is chosen: on a slow machine the click
    # returns while the case page is still there.
    page.wait_for_url(re.compile(r"/referrals/new/\d+"))
    page.wait_for_load_state()
    # Choosing the service reloads the form with the providers offering it.
    with page.expect_navigation():
        page.get_by_label("Dịch vụ", exact=False).first.select_option(label="Trợ giúp pháp lý")
    checks(page, "new referral, providers shown")
    page.get_by_label("Hoặc nơi cung cấp khác, ghi tên").fill("Trung tâm Trợ giúp pháp lý tỉnh")
    page.get_by_label("Lý do chuyển gửi").fill("Cần tư vấn pháp lý về ly hôn và cấp dưỡng.")
    page.get_by_label("Ngày theo dõi").fill("22/06/2026")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url(re.compile(r"/referrals/\d+$"))
    checks(page, "referral draft")
    page.get_by_role("button", name="Gửi duyệt").click()
    page.wait_for_url(re.compile(r"/referrals/\d+$"))
    assert "Chờ duyệt" in page.locator("dl.facts").inner_text()


def _act_on_referral(page: Any, button: str, state: str, on_date: str | None = None) -> None:
    form = page.locator("form").filter(has=page.get_by_role("button", name=button))
    if on_date:
        form.get_by_label("Ngày", exact=False).first.fill(on_date)
    form.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/referrals/\d+$"))
    assert f"Chuyển gửi hiện ở trạng thái “{state}”." in flash_text(page)


def test_case_journey_from_intake_to_service_received(
        app: Flask, make: Factory, live_server: str, new_page: Callable[[], Any],
        checks: PageChecks) -> None:
    province = make.unit("TINH", kind="province", name="Hội LHPN tỉnh Sóc Trăng")
    commune = make.unit("PHUONG1", parent=province, name="Hội LHPN phường 1")
    make.user("counselor", commune, username="tuvan", full_name="Lê Thị Thu")
    make.user("supervisor", province, username="lanhdao", full_name="Phạm Thị Hạnh")

    counselor = new_page()
    log_in(counselor, live_server, "tuvan", checks)
    _register_client(counselor, checks)
    case_code = _open_case(counselor, checks)
    _record_incident(counselor, checks)
    _assess_risk(counselor, checks)
    _add_consultation(counselor, checks)
    _record_consent(counselor, checks)
    checks(counselor, "case page with records")
    _draft_and_submit_referral(counselor, checks)

    supervisor = new_page()
    log_in(supervisor, live_server, "lanhdao")
    checks(supervisor, "supervisor home")
    nav(supervisor, "Bảng điều khiển")
    before = _headline(supervisor)
    nav(supervisor, "Duyệt chuyển gửi")
    checks(supervisor, "referral review worklist")
    awaiting = supervisor.locator("section", has=supervisor.get_by_role(
        "heading", name="Chờ tôi duyệt"))
    row = awaiting.get_by_role("row").filter(has_text=case_code)
    row.get_by_role("link", name="Mở chuyển gửi").click()
    supervisor.wait_for_url(re.compile(r"/referrals/\d+$"))
    checks(supervisor, "referral to review")
    _act_on_referral(supervisor, "Duyệt", "Đã duyệt")

    counselor.reload()
    _act_on_referral(counselor, "Đánh dấu đã gửi", "Đã gửi", "15/06/2026")
    _act_on_referral(counselor, "Nơi cung cấp tiếp nhận", "Nơi cung cấp đã tiếp nhận",
                     "15/06/2026")
    _act_on_referral(counselor, "Đã nhận dịch vụ", "Đã nhận dịch vụ", "15/06/2026")
    checks(counselor, "referral, service received")

    nav(supervisor, "Bảng điều khiển")
    checks(supervisor, "dashboard after")
    after = _headline(supervisor)
    # The one detected victim, counted before as not yet served, now as served.
    assert before == (0, 1)
    assert after == (1, 1)

    counselor.get_by_role("link", name=case_code).first.click()
    counselor.wait_for_url(re.compile(r"/cases/\d+$"))
    counselor.get_by_role("link", name="In bản tóm tắt mật").click()
    checks(counselor, "print case summary")
    with counselor.expect_download() as info:
        counselor.get_by_role("button", name="Tải PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert CLIENT_NAME not in download.suggested_filename
    with open(download.path(), "rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    meta = {k: str(v) for k, v in (reader.metadata or {}).items()}
    assert case_code in meta.get("/Title", "")
    assert "MẬT" in reader.pages[0].extract_text()
    for value in meta.values():
        for part in (CLIENT_NAME, "Mai Hoa", CLIENT_PHONE, "0912345678"):
            assert part not in value, meta
