"""Accessibility and HTML checks on every page a browser test shows (journeys, the crawl).

axe-core runs in the page as the user sees it (after the app's scripts). The HTML the server
sent is kept and validated by the Nu HTML Checker once per test session: one JVM start for
all pages, since starting Java costs seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Set by .ci/run: there the checks must run, never skip.
REQUIRED = os.environ.get("CASEAPP_REQUIRE_BROWSER_TOOLS") == "1"
# A folder to keep a full-page screenshot of every page checked, to look at by eye.
SCREENSHOTS = os.environ.get("CASEAPP_SCREENSHOTS")
BLOCKING_IMPACTS = ("serious", "critical")
CANARY_NAME = "000-known-error.html"
CANARY_HTML = "<!doctype html><html lang=en><title>x</title><p></span>"


def missing_tools() -> str | None:
    """Why the checks cannot run here, or None."""
    if not AXE_JS.is_file() or not VNU_JAR.is_file():
        return ("node_modules is missing axe-core or vnu-jar: run "
                "`npm ci --no-audit --no-fund` at the repository root")
    if shutil.which("java") is None:
        return "java (17 or later) is not installed; the Nu HTML Checker needs it"
    return None


def require_tools() -> None:
    reason = missing_tools()
    if reason is None:
        return
    if REQUIRED:
        pytest.fail(f"browser checks cannot run: {reason}")
    pytest.skip(reason)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "page"


def _format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


@dataclass
class PageChecks:
    """Called once on each page a test shows: ``checks(page, "case page")``."""

    out_dir: Path
    axe_source: str
    pages: dict[str, str] = field(default_factory=dict)
    checked: int = 0

    def __call__(self, page: Any, step: str, *, any_impact: bool = False) -> None:
        """``any_impact``: fail on an axe violation of any impact, not only serious ones."""
        page.wait_for_load_state("load")
        html = self._document_html(page)
        size = page.viewport_size or {"width": 0}
        name = f"{size['width']}px-{len(self.pages) + 1:03d}-{_slug(step)}.html"
        self.pages[name] = html
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / name.replace(".html", ".png")),
                            full_page=True)
        self._axe(page, step, None if any_impact else BLOCKING_IMPACTS)
        self._no_sideways_page_scroll(page, step)
        self.checked += 1

    @staticmethod
    def _no_sideways_page_scroll(page: Any, step: str) -> None:
        # On a phone only tables may scroll sideways (inside their wrapper), never the page.
        overflow = page.evaluate(
            """() => {
                 const width = document.documentElement.clientWidth;
                 if (document.documentElement.scrollWidth <= width) return null;
                 const wide = [...document.querySelectorAll('body *')].filter(el => {
                   const r = el.getBoundingClientRect();
                   return r.right > width + 1 && !el.closest('.table-wrap *');
                 });
                 return wide.slice(0, 5).map(el => el.tagName.toLowerCase() +
                   (el.id ? '#' + el.id : '') +
                   (el.className && typeof el.className === 'string'
                      ? '.' + el.className.trim().split(/ +/).join('.') : ''));
               }"""
        )
        if overflow is not None:
            pytest.fail(f"the page scrolls sideways on {step} ({page.url}); too wide: {overflow}")

    @staticmethod
    def _document_html(page: Any) -> str:
        response = getattr(page, "last_document", None)
        assert response is not None, "no HTML document was loaded"
        assert "text/html" in (response.headers.get("content-type") or "")
        text: str = response.text()
        return text

    def _axe(self, page: Any, step: str, impacts: tuple[str, ...] | None) -> None:
        # page.evaluate runs through the DevTools protocol, which the page's CSP does not
        # govern, so axe is injected without loosening the CSP the app sends.
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(self.axe_source)
        result = page.evaluate(
            """() => axe.run(document, {resultTypes: ['violations']})
                      .then(r => r.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => ({target: n.target,
                                                  failureSummary: n.failureSummary}))})))"""
        )
        blocking = [v for v in result if impacts is None or v["impact"] in impacts]
        if blocking:
            which = "violations" if impacts is None else " or ".join(impacts) + " violations"
            pytest.fail(f"axe found {which} on {step} "
                        f"({page.url}):\n{_format_violations(blocking)}")

    def validate_html(self) -> list[str]:
        """Run the Nu HTML Checker once over every page kept; return its errors."""
        if not self.pages:
            return []
        self.out_dir.mkdir(parents=True, exist_ok=True)
        files = []
        for name, html in self.pages.items():
            path = self.out_dir / name
            path.write_text(html, encoding="utf-8")
            files.append(str(path))
        # A page with a known error goes in with the others: if the checker does not report
        # it, the checker did not really run and its silence proves nothing.
        canary = self.out_dir / CANARY_NAME
        canary.write_text(CANARY_HTML, encoding="utf-8")
        proc = subprocess.run(
            # C1-only JIT: the JVM's start dominates a run this short. The checker needs a
            # deeper stack than the default under C1 frames.
            ["java", "-XX:TieredStopAtLevel=1", "-Xss2m", "-jar", str(VNU_JAR),
             "--errors-only", "--format", "json", str(canary), *files],
            capture_output=True, text=True, timeout=300, check=False,
        )
        failed = f"the Nu HTML Checker failed (exit {proc.returncode}): {proc.stderr[-2000:]}"
        try:
            messages = json.loads(proc.stderr or "{}").get("messages", [])
        except json.JSONDecodeError:
            return [failed]
        errors = []
        canary_seen = False
        for m in messages:
            if m.get("type") not in ("error", "non-document-error"):
                continue
            where = Path(m.get("url", "")).name
            if where == CANARY_NAME:
                canary_seen = True
                continue
            errors.append(f"{where}:{m.get('lastLine', '?')}: {m.get('message')} "
                          f"[{(m.get('extract') or '').strip()[:120]}]")
        if not canary_seen:
            errors.append(f"{failed} (the page with a known error was not reported)")
        return errors
