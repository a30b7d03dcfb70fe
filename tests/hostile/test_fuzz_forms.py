"""Every form of the app, fed hostile values: no answer is a server error, and a refused
submission leaves every table as it was.

The forms are found by rendering the app's pages (tests/hostile/crawl.py), so a new form is
fuzzed as soon as a page shows it; a POST route no page offers a form for fails the coverage
test until it is listed in NO_FORM with the reason.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from flask import Flask
from hypothesis import given

from tests.hostile.conftest import ANON, SELF, FuzzWorld, fuzz_settings, login
from tests.hostile.crawl import Target, match
from tests.hostile.snapshot import changed_tables, fingerprint
from tests.hostile.values import form_data

# POST routes with no form on any page of the fuzz world, and why.
NO_FORM: dict[str, str] = {}
# A refusal answers 4xx, or 200 with the form shown again. These answer a valid submission
# with a page of results rather than a redirect, so a 200 from them is not a refusal.
RESULT_PAGES = frozenset({"cases.index", "documents.lookup", "imports.index",
                          "admin.reset_password", "audit.verify"})
REFUSED = frozenset({400, 403, 404, 405, 409, 413, 422})
# Walked last, in this order: their success removes or moves what other forms work on.
LAST = ("attachments.delete", "admin.deactivate", "units.retire", "units.move", "units.merge")


def _order(t: Target) -> tuple[int, str]:
    return (LAST.index(t.endpoint) + 1 if t.endpoint in LAST else 0, t.url)


def _refused(endpoint: str, resp: Any) -> bool:
    if resp.status_code in REFUSED:
        return True
    return (resp.status_code == 200 and resp.mimetype == "text/html"
            and endpoint not in RESULT_PAGES)


def _assert_every_post_route_has_a_form(app: Flask, fw: FuzzWorld) -> None:
    found = {t.endpoint for t in fw.site.post_forms.values()}
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    missing = sorted(posts - found - set(NO_FORM))
    assert not missing, f"no page shows a form for: {missing}"


def _fuzz(app: Flask, fw: FuzzWorld, target: Target) -> None:
    role = fw.role_for(match(app, target.url, "POST")[0])  # type: ignore[index]
    assert role is not None
    if role in fw.clients and role not in (SELF, ANON):
        # A form walked earlier may have ended this role's session (a password change).
        fw.clients[role] = login(app, getattr(fw.world, role))

    @fuzz_settings()
    @given(data=form_data(target.fields, fw.other_ids))
    def run(data: dict[str, Any]) -> None:
        c = fw.client_for(app, target.endpoint, role)
        before = fingerprint()
        resp = c.post(target.url, data=data)
        if os.environ.get("CASEAPP_FUZZ_TRACE"):
            errors = re.findall(r'<p class="error" id="([^"]+)">([^<]*)',
                                resp.get_data(as_text=True))
            print(target.url, resp.status_code, {k: str(v)[:40] for k, v in data.items()},
                  errors)
        assert resp.status_code < 500, f"{resp.status_code} from {target.url}"
        if _refused(target.endpoint, resp):
            changed = changed_tables(before, fingerprint())
            assert not changed, (f"refused with {resp.status_code} but changed {changed}")

    run()


@pytest.mark.fuzz
def test_no_form_answers_500_or_writes_when_it_refuses(app: Flask,
                                                       fuzz_world: FuzzWorld) -> None:
    _assert_every_post_route_has_a_form(app, fuzz_world)
    problems: list[str] = []
    only = os.environ.get("CASEAPP_FUZZ_ONLY", "")  # e.g. "clients." when digging by hand
    for target in sorted(fuzz_world.site.post_forms.values(), key=_order):
        if only not in target.endpoint:
            continue
        try:
            _fuzz(app, fuzz_world, target)
        except Exception as exc:  # collect every form's failure, not only the first
            notes = "\n".join(getattr(exc, "__notes__", []))
            problems.append(f"{target.endpoint} {target.url}: {type(exc).__name__}: "
                            f"{str(exc)[:300]}\n{notes[:1500]}")
    assert not problems, "\n\n".join(problems)

