"""Vietnamese is the default language: every user-facing string must have a translation,
and the compiled catalog the app reads must match the source catalog."""

from __future__ import annotations

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

from caseapp import ROOT

PO = ROOT / "caseapp" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _key(v: object) -> object:
    # Plural messages have a tuple id (singular, plural); they are keyed by the singular.
    return v[0] if isinstance(v, tuple | list) else v


def _value(v: object) -> object:
    return tuple(v) if isinstance(v, tuple | list) else v


def _done(v: object) -> bool:
    return all(v) if isinstance(v, tuple | list) else bool(v)


def _source_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = dict(DEFAULT_KEYWORDS, _l=None)
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_message_has_a_vietnamese_translation() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {_key(m.id) for m in catalog if m.id and _done(m.string) and not m.fuzzy}
    missing = sorted(_source_msgids() - translated)
    assert not missing, f"untranslated: {missing[:20]} (run flask translate update, then fill)"


def test_compiled_catalog_matches_source() -> None:
    with PO.open("rb") as fh:
        po = {_value(m.id): _value(m.string) for m in read_po(fh)
              if m.id and _done(m.string) and not m.fuzzy}
    with MO.open("rb") as fh:
        mo = {_value(m.id): _value(m.string) for m in read_mo(fh) if m.id}
    assert po == mo, "run: flask --app caseapp translate compile"


def test_pages_render_in_vietnamese_and_switch_to_english(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/auth/login").get_data(as_text=True)
    assert "Đăng nhập" in html and "Tên đăng nhập" in html
    client.post("/language", data={"lang": "en"})
    html = client.get("/auth/login").get_data(as_text=True)
    assert "Log in" in html and 'lang="en"' in html
