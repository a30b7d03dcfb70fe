"""Find every form and every query parameter the app offers, by reading its own pages.

The fuzz tests do not keep a hand-written list of forms: they render each GET page as the
users who may see it, parse the <form> elements and links, and match each form's action to a
route of ``app.url_map``. A new screen is therefore fuzzed as soon as a page shows its form.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule


@dataclass
class FormField:
    name: str
    kind: str  # input type, "dmy-date", "select", "select-multiple" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)

    def add(self, f: FormField) -> None:
        known = self.fields.get(f.name)
        if known is None:
            self.fields[f.name] = f
        else:
            # Radio buttons and checkbox groups: one field, each box an option.
            known.options.extend(o for o in f.options if o not in known.options)
            if f.kind == "checkbox":
                known.kind = "checkbox-group"


class PageParser(HTMLParser):
    """Collects forms (with their fields and options) and link targets of one page."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(a.get("method", "get").upper(), a.get("action") or self.page_url)
            self.forms.append(self._form)
        elif self._form is None or (not a.get("name") and tag != "option"):
            return
        elif tag in ("input", "button"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            if "data-datepicker" in a:
                kind = "dmy-date"
            value = a.get("value", "")
            if kind in ("checkbox", "radio", "submit"):
                f = FormField(a["name"], kind, value if "checked" in a else "", [value or "y"])
            else:
                f = FormField(a["name"], kind, value, required="required" in a)
            self._form.add(f)
        elif tag == "select":
            self._select = FormField(a["name"],
                                     "select-multiple" if "multiple" in a else "select",
                                     required="required" in a)
            self._form.add(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.value = value
        elif tag == "textarea":
            self._textarea = FormField(a["name"], "textarea", required="required" in a)
            self._form.add(self._textarea)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def parse_page(page_url: str, html: str) -> PageParser:
    p = PageParser(page_url)
    p.feed(html)
    return p


def match(app: Flask, url: str, method: str) -> tuple[Rule, dict[str, Any]] | None:
    """The rule a URL of this app answers with, or None for outside or unknown URLs."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != "localhost":
        return None
    adapter = app.url_map.bind("localhost")
    try:
        rule, args = adapter.match(parts.path, method=method, return_rule=True)
    except HTTPException:
        return None
    return rule, args


_ARG_READ = re.compile(r"request\.args\.get(?:list)?\(\s*[\"'](\w+)[\"']")


def params_read_by(app: Flask, endpoint: str) -> set[str]:
    """Query parameters a view reads by name in its source (request.args.get("...")).

    Filter forms built from request.args are found from the page's GET form instead.
    """
    view = app.view_functions.get(endpoint)
    if view is None:
        return set()
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return set()
    return set(_ARG_READ.findall(source))


@dataclass
class Target:
    """A form to fuzz: where it posts, who saw it, and its fields."""

    endpoint: str
    url: str
    role: str
    fields: dict[str, FormField]
    multipart: bool


@dataclass
class SiteMap:
    post_forms: dict[str, Target] = field(default_factory=dict)  # by URL path
    query_params: dict[str, set[str]] = field(default_factory=dict)  # by endpoint
    query_values: dict[str, dict[str, set[str]]] = field(default_factory=dict)


def crawl(app: Flask, pages: list[tuple[str, str]], clients: dict[str, FlaskClient]) -> SiteMap:
    """Render each (role, url) page and record its forms and links.

    The first role (in the order of ``pages``) that sees a form is the one that posts it.
    """
    site = SiteMap()
    for role, url in pages:
        resp = clients[role].get(url)
        if resp.status_code != 200 or resp.mimetype != "text/html":
            continue
        page = parse_page(url, resp.get_data(as_text=True))
        for form in page.forms:
            path = urlsplit(form.action).path
            found = match(app, path, form.method)
            if found is None:
                continue
            rule, _args = found
            if form.method == "POST":
                multipart = any(f.kind == "file" for f in form.fields.values())
                site.post_forms.setdefault(path, Target(rule.endpoint, path, role, form.fields,
                                                        multipart))
            else:
                _note_params(site, rule.endpoint, {
                    name: set(f.options) | {f.value} for name, f in form.fields.items()})
        for href in page.links:
            found = match(app, href, "GET")
            if found is not None and urlsplit(href).query:
                values: dict[str, set[str]] = {}
                for k, v in parse_qsl(urlsplit(href).query, keep_blank_values=True):
                    values.setdefault(k, set()).add(v)
                _note_params(site, found[0].endpoint, values)
    return site


def _note_params(site: SiteMap, endpoint: str, values: dict[str, set[str]]) -> None:
    site.query_params.setdefault(endpoint, set()).update(values)
    known = site.query_values.setdefault(endpoint, {})
    for k, v in values.items():
        known.setdefault(k, set()).update(v)
