"""Hostile values for form fields and query parameters, as hypothesis strategies."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import strategies as st

from tests.hostile.crawl import FormField

HUGE = "Đ" * 70_000  # multi-byte, past every length limit and column size
XSS = ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
       "javascript:alert(1)")
HOSTILE_TEXT: tuple[str, ...] = (
    "", " ", "\x00", "a\x00b", "\x01\x02\x1b\x7f\x0b\x0c", "\u202e\u200b\ufeff",
    "Nguyễn Thị Hoà, ấp Sóc Trăng — 𝒳 😀", "\r\n\t", "%00", "%s%n{0}", "{{ 7*7 }}",
    "' OR 1=1 --", "../../etc/passwd", *XSS, "=cmd|' /C calc'!A0",
)
HOSTILE_NUMBERS: tuple[str, ...] = (
    "-1", "0", "2147483648", "-9223372036854775809", "99999999999999999999999999",
    "1e309", "NaN", "inf", "3.5", "0x10", "١٢",  # Arabic-Indic digits pass str.isdigit()
)
HOSTILE_DATES: tuple[str, ...] = (
    "31/02/2026", "00/00/0000", "2026-13-45", "1/1/1", "01/01/0001", "31/12/9999",
    "9999-12-31", "15/06/2026", "16/06/2026", "01/01/1900", "2026-06-15T00:00", "15.06.2026",
    "0001-01-01",
)


def hostile_scalar(other_ids: list[str]) -> st.SearchStrategy[str]:
    """One value, from the fixed hostile pools, ids of other units' records, or any text."""
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES + (HUGE,)),
        st.sampled_from(other_ids) if other_ids else st.nothing(),
        st.text(max_size=40),
    )


def hostile_upload() -> st.SearchStrategy[tuple[bytes, str]]:
    names = st.sampled_from(["../../etc/passwd", "/etc/passwd", "a\x00.pdf", "x" * 5000 + ".pdf",
                             "bad\x1b\x07name.png", "scan.pdf", "", "C:\\Windows\\win.ini",
                             "hồ sơ.pdf"])
    contents = st.sampled_from([b"", b"%PDF-1.4\n%%EOF\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                                b"MZ\x90\x00", b"PK\x03\x04" + b"\x00" * 30,
                                b"<script>alert(1)</script>", b"\x00" * 64])
    return st.tuples(contents, names)


def field_value(f: FormField, other_ids: list[str]) -> st.SearchStrategy[Any]:
    """The value to send for a field: None omits it, a list sends it several times."""
    hostile = hostile_scalar(other_ids)
    if f.kind == "file":
        upload = hostile_upload().map(lambda t: (io.BytesIO(t[0]), t[1]))
        return st.one_of(st.none(), upload, hostile)
    choices = [o for o in f.options if o is not None]
    keep = st.just(f.value)
    own = st.sampled_from(choices) if choices else keep
    scalar = st.one_of(keep, own, hostile)
    return st.one_of(
        hostile,
        st.none(),
        scalar,
        st.lists(st.one_of(own, hostile), min_size=2, max_size=3),
    )


def plausible(f: FormField) -> Any:
    """A value the form would likely accept, so that one hostile field is what it judges."""
    if f.kind in ("select", "select-multiple", "radio"):
        real = [o for o in f.options if o]
        return f.value or (real[0] if real and f.required else "")
    if f.kind in ("checkbox", "checkbox-group", "submit"):
        return f.value or None
    if f.kind == "file":
        return (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "scan.pdf")
    if f.value or not f.required:
        return f.value
    if f.kind == "dmy-date":
        return "01/06/2026"
    if f.kind == "number":
        return "1"
    if f.kind == "hidden":
        return ""
    return "Thử 1"


@st.composite
def form_data(draw: st.DrawFn, fields: dict[str, FormField],
              other_ids: list[str]) -> dict[str, Any]:
    """A plausible submission with one to three fields made hostile (sent as a hostile value,
    repeated, or left out), and now and then a stray key the form does not have."""
    data: dict[str, Any] = {}
    for name, f in sorted(fields.items()):
        value = plausible(f)
        if value is not None:
            data[name] = value
    names = sorted(fields)
    if names:
        for name in draw(st.sets(st.sampled_from(names), min_size=1,
                                 max_size=min(3, len(names)))):
            value = draw(field_value(fields[name], other_ids))
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
    if not names or draw(st.integers(0, 3)) == 0:
        data[draw(st.sampled_from(["id", "unit_id", "case_id", "role", "__proto__", "x" * 300]))] \
            = draw(hostile_scalar(other_ids))
    return data


@st.composite
def query_args(draw: st.DrawFn, params: dict[str, set[str]],
               other_ids: list[str]) -> list[tuple[str, str]]:
    """A query string over the parameters a page reads: known, hostile or repeated values."""
    args: list[tuple[str, str]] = []
    for name in sorted(params):
        known = sorted(v for v in params[name] if v is not None)
        choice = st.one_of(st.sampled_from(known), hostile_scalar(other_ids)) if known \
            else hostile_scalar(other_ids)
        for value in draw(st.lists(choice, min_size=0, max_size=2)):
            args.append((name, value))
    return args
