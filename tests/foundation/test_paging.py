"""paging.py and templates/_pager.html: the one Page, the one pager, the one sort header."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale

from caseapp.paging import ASC, DESC, MAX_PAGE, Page, Sort, page_of, sort_arg

PAGER = '{% from "_pager.html" import pager, sort_header with context %}'


def hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]


@pytest.mark.parametrize(("page", "pages", "shown"), [
    (1, 1, [1]),
    (1, 3, [1, 2, 3]),
    (1, 10, [1, 2, 3, None, 10]),
    (5, 10, [1, 2, 3, 4, 5, 6, 7, None, 10]),
    (6, 12, [1, None, 4, 5, 6, 7, 8, None, 12]),
    (10, 10, [1, None, 8, 9, 10]),
    (4, 7, [1, 2, 3, 4, 5, 6, 7]),
])
def test_page_numbers(page: int, pages: int, shown: list[int | None]) -> None:
    p: Page[int] = Page([0], pages * 10, page, 10)
    assert p.pages == pages
    assert p.numbers() == shown
    assert p.has_previous == (page > 1) and p.has_next == (page < pages)


def test_page_of_gives_the_last_page_past_the_end() -> None:
    rows = list(range(23))
    calls: list[str] = []

    def fetch(limit: int, offset: int) -> tuple[list[int], int]:
        calls.append("fetch")
        return rows[offset:offset + limit], len(rows)

    def count() -> int:
        calls.append("count")
        return len(rows)

    p = page_of(fetch, count, 2, 10)
    assert (p.items, p.total, p.page, p.pages, calls) == (rows[10:20], 23, 2, 3, ["fetch"])
    calls.clear()
    p = page_of(fetch, count, 7, 10)
    assert (p.items, p.page, calls) == (rows[20:], 3, ["fetch", "count", "fetch"])
    assert page_of(fetch, count, -3, 10).page == 1
    assert page_of(fetch, count, MAX_PAGE * 10, 10).page == 3
    empty = page_of(lambda limit, offset: ([], 0), lambda: 0, 4, 10)
    assert (empty.items, empty.total, empty.page, empty.pages) == ([], 0, 1, 1)


def test_sort_arg_accepts_only_the_list_keys(app: Flask) -> None:
    keys = {"code": None, "received": None}
    for query, expected in [
        ("", Sort("received", DESC)),
        ("sort=code", Sort("code", DESC)),
        ("sort=code&direction=asc", Sort("code", ASC)),
        ("sort=code&direction=sideways", Sort("code", DESC)),
        # Anything else, a column name or SQL included, is the default sort.
        ("sort=id&direction=asc", Sort("received", DESC)),
        ("sort=received%3B+drop+table+cases&direction=asc", Sort("received", DESC)),
    ]:
        with app.test_request_context(f"/?{query}"):
            assert sort_arg(keys, "received", DESC) == expected, query


def test_sort_order_by_puts_the_tiebreak_in_the_same_direction() -> None:
    import sqlalchemy as sa

    a, b = sa.column("a"), sa.column("b")
    asc = [str(t) for t in Sort("x", ASC).order_by({"x": a}, b)]
    desc = [str(t) for t in Sort("x", DESC).order_by({"x": a}, b)]
    assert asc == ["a ASC", "b ASC"] and desc == ["a DESC", "b DESC"]


def render_pager(app: Flask, url: str, p: Page[Any], locale: str = "en", **kw: Any) -> str:
    with app.test_request_context(url), force_locale(locale):
        return render_template_string(PAGER + "{{ pager(p, **kw) }}", p=p, kw=kw)


def test_pager_links_numbered_pages_and_keeps_the_other_arguments(app: Flask) -> None:
    html = render_pager(app, "/cases/?status=open&page=6&sort=code", Page([1], 200, 6, 10))
    links = hrefs(html)
    assert all(h.startswith("/cases/?") for h in links)
    assert all("status=open" in h and "sort=code" in h for h in links)
    pages = [int(m) for h in links for m in re.findall(r"[?&]page=(\d+)", h)]
    # Previous, 1, 4 to 8, 20, next.
    assert pages == [5, 1, 4, 5, 6, 7, 8, 20, 7]
    assert html.count('aria-current="page"') == 1
    assert re.search(r'href="[^"]*page=6[^"]*"[^>]*aria-current="page">6<', html)
    assert html.count("…") == 2 and "Previous" in html and "Next" in html
    assert "Page 6 of 20" in html


def test_pager_first_and_single_pages(app: Flask) -> None:
    first = render_pager(app, "/cases/", Page([1], 30, 1, 10))
    assert "Previous" not in first and "Next" in first and "…" not in first
    assert render_pager(app, "/cases/", Page([1], 10, 1, 10)).strip() == ""


def test_pager_second_list_and_extra_arguments(app: Flask) -> None:
    html = render_pager(app, "/referrals/review?page=2", Page([1], 30, 1, 10),
                        param="overrides_page", extra={"before": 99})
    links = hrefs(html)
    assert links and all("page=2" in h and "before=99" in h for h in links)
    assert "overrides_page=2" in links[-1]


def test_pager_labels_are_translated(app: Flask) -> None:
    html = render_pager(app, "/cases/", Page([1], 30, 2, 10), locale="vi")
    assert "Previous" not in html and "Next" not in html
    assert "Trước" in html and "Tiếp" in html


def test_sort_header_toggles_and_marks_the_sorted_column(app: Flask) -> None:
    template = (PAGER + "{{ sort_header('Code', 'code', sort) }}"
                "{{ sort_header('Risk', 'risk', sort) }}")
    with app.test_request_context("/cases/?sort=code&direction=asc&page=3&status=open"):
        html = render_template_string(template, sort=Sort("code", ASC))
    code, risk = html.split("</th>")[:2]
    assert 'aria-sort="ascending"' in code and "aria-sort" not in risk
    code_link, risk_link = hrefs(code)[0], hrefs(risk)[0]
    assert "sort=code" in code_link and "direction=desc" in code_link
    assert "sort=risk" in risk_link and "direction=asc" in risk_link
    # A new order starts from the first page; the filters stay.
    assert "page=" not in code_link + risk_link
    assert "status=open" in code_link and "status=open" in risk_link
    with app.test_request_context("/cases/?sort=code&direction=desc"):
        html = render_template_string(template, sort=Sort("code", DESC))
    assert 'aria-sort="descending"' in html and "direction=asc" in hrefs(html)[0]


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"BABEL_DEFAULT_LOCALE": "en"}
