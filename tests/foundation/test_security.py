from __future__ import annotations

import re

from flask import Flask

from caseapp.security import PUBLIC_ENDPOINTS


def _sample_url(rule) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", "1", rule.rule)


def test_every_endpoint_outside_allowlist_redirects_anonymous_to_login(app: Flask) -> None:
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(_sample_url(rule), method=method)
            assert resp.status_code == 302, (rule.rule, method, resp.status_code)
            assert resp.headers["Location"].endswith("/auth/login"), rule.rule
            checked += 1
    assert checked > 0


def test_security_headers_on_every_response(client) -> None:
    resp = client.get("/auth/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Cache-Control"] == "no-store"


def test_health_is_public(client) -> None:
    assert client.get("/health").status_code == 200


def test_login_page_is_vietnamese_by_default(client) -> None:
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="vi"' in html


def test_each_request_sees_its_own_user(app: Flask, make, login_as) -> None:
    unit = make.unit("G1")
    first = make.user("counselor", unit, username="first.user", full_name="First User")
    second = make.user("counselor", unit, username="second.user", full_name="Second User")
    c1, c2 = login_as(first), login_as(second)
    assert "First User" in c1.get("/").get_data(as_text=True)
    assert "Second User" in c2.get("/").get_data(as_text=True)
    assert "First User" in c1.get("/").get_data(as_text=True)
