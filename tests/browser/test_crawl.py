"""Every page a role reaches by following links, checked like the journeys' pages.

The journeys check the pages they visit; a page no journey visits would go unchecked. Here
each role logs in to the demo province and follows every same-site link breadth-first, one
page per route of the app's URL map (the first URL found for it, so with the demo data's
ids). Each page must answer below 400, with every file it loads; pass axe-core with no
violation of any impact; not scroll sideways; and pass the Nu HTML Checker at the session's
end. Only links are followed, never forms, so nothing is changed. A link whose answer is a
file to download (an export, a template) is noted, not opened.

A new page is checked here as soon as a link leads to it. The figures (routes per role,
page views) are shown at the end of the test run.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from caseapp.auth.models import Role
from caseapp.demo import seed_demo
from caseapp.policy import RULES, action_of
from caseapp.transaction import cli_transaction
from tests.browser.checks import PageChecks
from tests.browser.steps import log_in

# A demo account of each role. The supervisor works at the province, so she reaches every
# unit's pages.
CRAWLERS = {Role.COUNSELOR: "tuvan.lp", Role.SUPERVISOR: "giamsat",
            Role.STATISTICS: "thongke", Role.ADMIN: "admin"}
# Never opened, whatever links to them: static files are no pages, and these end the
# session the crawl runs in.
NEVER_OPENED = {"static", "auth.logout", "main.set_language"}


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # The pages as every real configuration sends them, with their CSRF fields.
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def demo_passwords(app: Flask, tmp_path: Path) -> dict[str, str]:
    app.instance_path = str(tmp_path)  # the demo credentials go to a throwaway folder
    with cli_transaction():  # as `seed-demo` does: the service stages, the command commits
        list(seed_demo())
    lines = (tmp_path / "demo_credentials.txt").read_text(encoding="utf-8").splitlines()
    return dict(line.split(" ", 1) for line in lines if line)


class Crawl:
    """Breadth-first over same-site links, one page per route."""

    def __init__(self, app: Flask, base: str) -> None:
        self.base = base
        self.adapter = app.url_map.bind(urlsplit(base).netloc)
        self.routes: dict[str, str] = {}  # route -> the endpoint it belongs to
        self.queue: deque[str] = deque()
        self.downloads: set[str] = set()

    def _route(self, url: str) -> tuple[str, str] | None:
        """(route, endpoint) of a same-site URL, or None for a URL not to open."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base:
            return None
        try:
            rule, _args = self.adapter.match(parts.path, method="GET", return_rule=True)
        except RequestRedirect as redirect:
            return self._route(redirect.new_url)
        except HTTPException:
            # No route answers GET there: a broken link, opened so its status is reported.
            return parts.path, parts.path
        return None if rule.endpoint in NEVER_OPENED else (rule.rule, rule.endpoint)

    def add(self, url: str) -> None:
        url = urldefrag(url).url
        found = self._route(url)
        if found is not None and found[0] not in self.routes:
            self.routes[found[0]] = found[1]
            self.queue.append(url)

    def keep_downloads_out(self, page: Any) -> None:
        """Answer a navigation to a file with an empty page instead, noting the URL."""

        def handle(route: Any) -> None:
            if route.request.resource_type != "document":
                route.continue_()
                return
            # Redirects are left to the browser, so its address follows them.
            response = route.fetch(max_redirects=0)
            kind = response.headers.get("content-type", "")
            attached = "attachment" in response.headers.get("content-disposition", "")
            if attached or (response.status < 300 and not kind.startswith("text/html")):
                self.downloads.add(route.request.url)
                # Aborting instead would leave the browser on an error page, which
                # interrupts the next navigation.
                route.fulfill(status=200, content_type="text/html", body="")
                return
            route.fulfill(response=response)

        page.route(self.base + "/**", handle)


def _not_reached(app: Flask, role: Role, endpoints: set[str]) -> list[str]:
    """GET routes the policy table opens to the role that no link led to."""
    open_to_role = set()
    for rule in app.url_map.iter_rules():
        action = action_of(app.view_functions[rule.endpoint])
        if "GET" in (rule.methods or ()) and action is not None and role in RULES[action]:
            open_to_role.add(rule.endpoint)
    return sorted(open_to_role - endpoints)


@pytest.mark.parametrize("role", list(CRAWLERS), ids=str)
def test_every_page_a_role_reaches_by_links(
        app: Flask, live_server: str, new_page: Callable[[], Any], checks: PageChecks,
        demo_passwords: dict[str, str], role: Role,
        record_property: Callable[[str, object], None]) -> None:
    started = time.monotonic()
    username = CRAWLERS[role]
    page = new_page()
    log_in(page, live_server, username, password=demo_passwords[username])
    crawl = Crawl(app, live_server)
    crawl.keep_downloads_out(page)
    problems: list[str] = []

    def refused(response: Any) -> None:
        if response.status >= 400 and response.url.startswith(live_server):
            problems.append(f"{response.url}: HTTP {response.status} (on {page.url})")

    page.on("response", refused)
    crawl.add(page.url)
    views = 0
    while crawl.queue:
        url = crawl.queue.popleft()
        page.goto(url)
        if url in crawl.downloads:
            continue
        views += 1
        try:
            checks(page, f"{role} {urlsplit(page.url).path}", any_impact=True)
        except pytest.fail.Exception as failure:
            problems.append(str(failure))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            crawl.add(href)

    record_property("crawl", {
        "role": str(role), "width": (page.viewport_size or {"width": 0})["width"],
        "routes": len(crawl.routes), "views": views, "downloads": len(crawl.downloads),
        "seconds": round(time.monotonic() - started, 1),
        "not_reached": _not_reached(app, role, set(crawl.routes.values())),
    })
    assert views > 1, "the crawl found no page to follow from the home page"
    assert not problems, "\n".join(problems)
