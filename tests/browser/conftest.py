"""Browser tests: the app served by a real WSGI server on loopback, driven by Playwright in
Debian's Chromium (/usr/bin/chromium; no browser is downloaded)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.browser.checks import AXE_JS, PageChecks, require_tools

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

def pytest_collection_modifyitems(items: list[Any]) -> None:
    # A conftest's ``pytestmark`` marks nothing: the marker is put on each browser test here,
    # so ``-m "not browser"`` leaves them out.
    skip = (pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
            if shutil.which(CHROMIUM) is None else None)
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if skip is not None:
                item.add_marker(skip)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


VIEWPORTS = {"desktop": (1280, 900), "phone": (375, 812)}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> tuple[int, int]:
    return VIEWPORTS[request.param]


@pytest.fixture
def new_page(browser: Any, viewport: tuple[int, int]) -> Iterator[Callable[[], Any]]:
    """Open a page in a fresh browser context (its own cookies: another user's browser)."""
    contexts: list[Any] = []

    def _open() -> Any:
        width, height = viewport
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(10_000)
        # The HTML the server sent for the page on screen, for the HTML checker (the live
        # DOM also holds what the app's scripts added).
        pg.last_document = None

        def _keep_document(response: Any) -> None:
            if response.request.resource_type == "document" and response.frame == pg.main_frame:
                pg.last_document = response

        pg.on("response", _keep_document)
        return pg

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    return new_page()


@pytest.fixture(scope="session")
def checks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PageChecks]:
    """axe-core on each page at once; the Nu HTML Checker on all of them at session end."""
    require_tools()
    pc = PageChecks(out_dir=tmp_path_factory.mktemp("html"),
                    axe_source=AXE_JS.read_text(encoding="utf-8"))
    yield pc
    errors = pc.validate_html()
    if errors:
        pytest.fail(f"the Nu HTML Checker found errors in {len(errors)} places "
                    f"(pages kept in {pc.out_dir}):\n" + "\n".join(errors), pytrace=False)
