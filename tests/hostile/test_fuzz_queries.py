"""Every GET page, with hostile query strings over the parameters it reads: never a 500.

The parameters come from the page's own filter forms and links (tests/hostile/crawl.py) and
from the view's source (request.args.get("...")), plus the usual names of lists.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from hypothesis import given

from tests.access.test_matrix import url_for_rule
from tests.hostile.conftest import FuzzWorld, fuzz_settings
from tests.hostile.crawl import params_read_by
from tests.hostile.values import query_args

# Names lists commonly read; sent to every page so a new list that reads one is covered.
USUAL = ("page", "per_page", "sort", "q", "unit", "state", "status", "from", "to", "before",
         "next")


def _fuzz(app: Flask, fw: FuzzWorld, rule: Any, role: str) -> None:
    url = url_for_rule(rule, fw.ids)
    params = {name: set() for name in USUAL} | {name: set() for name in
                                                params_read_by(app, rule.endpoint)}
    for name, values in fw.site.query_values.get(rule.endpoint, {}).items():
        params[name] = set(values)
    client = fw.client_for(app, rule.endpoint, role)

    @fuzz_settings()
    @given(args=query_args(params, fw.other_ids))
    def run(args: list[tuple[str, str]]) -> None:
        resp = client.get(url, query_string=args)
        assert resp.status_code < 500, f"{resp.status_code} from {url}"

    run()


@pytest.mark.fuzz
def test_no_page_answers_500_to_any_query_string(app: Flask, fuzz_world: FuzzWorld) -> None:
    only = os.environ.get("CASEAPP_FUZZ_ONLY", "")
    problems: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        role = fuzz_world.role_for(rule)
        if ("GET" not in rule.methods or role is None or rule.endpoint == "static"
                or only not in rule.endpoint):
            continue
        try:
            _fuzz(app, fuzz_world, rule, role)
        except Exception as exc:  # collect every page's failure, not only the first
            notes = "\n".join(getattr(exc, "__notes__", []))
            problems.append(f"{rule.endpoint} {rule.rule}: {type(exc).__name__}: "
                            f"{str(exc)[:300]}\n{notes[:1500]}")
    assert not problems, "\n\n".join(problems)
