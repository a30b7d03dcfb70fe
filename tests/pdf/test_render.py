"""PdfRenderer end to end: real WeasyPrint, real fonts, PDFs read back with pypdf."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from jinja2 import UndefinedError
from pypdf import PasswordType, PdfReader
from pypdf.errors import FileNotDecryptedError
from pypdf.generic import DictionaryObject

from caseapp.pdf import AssetFetcher, PdfMeta, PdfRenderer, PdfStamp
from caseapp.pdf.render import DEFAULT_ASSET_DIR, format_vn_date, format_vn_datetime

REPO = Path(__file__).resolve().parents[2]
PDF_TEMPLATES = REPO / "templates" / "pdf"
TEST_TEMPLATES = Path(__file__).parent / "templates"
FONT_DIR = DEFAULT_ASSET_DIR / "fonts"

CASE_CODE = "HS-2026-0042"
DOC_ID = "PDF-2026-000123"
PRINTED_BY = "Lê Thị Hồng Nhung"
PRINTED_AT = datetime(2026, 3, 8, 2, 30, tzinfo=UTC)
PRINTED_AT_SHOWN = "08/03/2026 09:30"  # Vietnam is UTC+7
CLIENT_NAME = "Phạm Thị Thu Hằng"
CLIENT_PHONE = "0912 345 678"

TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
BASE_VOWELS = "aăâeêioôơuưy"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def vietnamese_letters() -> list[str]:
    """Every Vietnamese vowel (both cases) with every tone, plus đ and Đ."""
    vowels = BASE_VOWELS + BASE_VOWELS.upper()
    return [nfc(vowel + tone) for vowel in vowels for tone in TONE_MARKS] + ["đ", "Đ"]


def page_texts(pdf: bytes) -> list[str]:
    reader = PdfReader(BytesIO(pdf))
    return [nfc(page.extract_text()) for page in reader.pages]


def squash(text: str) -> str:
    """Extraction may split or join runs differently from the source: compare sans blanks."""
    return re.sub(r"\s+", "", text)


def consultation_rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "number": n,
            "day": date(2026, 1, 1) + timedelta(days=n),
            "text": f"Tư vấn pháp lý lần {n}: hướng dẫn thủ tục bảo vệ",
        }
        for n in range(1, count + 1)
    ]


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return PdfRenderer(PDF_TEMPLATES, DEFAULT_ASSET_DIR, extra_template_dirs=[TEST_TEMPLATES])


@pytest.fixture
def meta() -> PdfMeta:
    return PdfMeta(
        title=f"Tóm tắt hồ sơ {CASE_CODE}",
        subject="Tóm tắt hồ sơ",
        keywords=["tóm tắt", CASE_CODE],
    )


@pytest.fixture
def stamp() -> PdfStamp:
    return PdfStamp(document_id=DOC_ID, printed_by=PRINTED_BY, printed_at=PRINTED_AT)


@pytest.fixture
def render_case(renderer: PdfRenderer, meta: PdfMeta, stamp: PdfStamp) -> Callable[..., bytes]:
    def render(*, rows: int = 0, password: str | None = None, **overrides: Any) -> bytes:
        context: dict[str, Any] = {
            "case_code": CASE_CODE,
            "client_name": CLIENT_NAME,
            "client_phone": CLIENT_PHONE,
            "letters": " ".join(vietnamese_letters()),
            "untrusted": "",
            "rows": consultation_rows(rows),
            **overrides,
        }
        return renderer.render(
            "case_summary_test.html", context, meta=meta, stamp=stamp, password=password
        )

    return render


@pytest.fixture
def fetch_log(renderer: PdfRenderer, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every URL WeasyPrint asks the renderer's fetcher for, served or refused."""
    requested: list[str] = []
    fetch = renderer.url_fetcher.fetch

    def recording_fetch(url: str, headers: Any = None) -> Any:
        requested.append(url)
        return fetch(url, headers)

    monkeypatch.setattr(renderer.url_fetcher, "fetch", recording_fetch)
    yield requested


def font_names(pdf: bytes) -> set[str]:
    """BaseFont names used on any page, without the subset prefix (ABCDEF+)."""
    names = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            assert isinstance(font, DictionaryObject)
            names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


# Vietnamese text and fonts


def test_vietnamese_letters_are_the_full_precomposed_set() -> None:
    letters = vietnamese_letters()
    assert len(letters) == len(set(letters)) == 12 * 6 * 2 + 2
    assert all(len(letter) == 1 for letter in letters)  # NFC gives one code point each


def test_vietnamese_text_survives_exactly(render_case: Callable[..., bytes]) -> None:
    text = "\n".join(page_texts(render_case()))

    assert CLIENT_NAME in text
    assert "Tóm tắt hồ sơ" in text
    assert squash("".join(vietnamese_letters())) in squash(text)


@pytest.mark.parametrize("font_file", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_bundled_fonts_cover_every_vietnamese_letter(font_file: str) -> None:
    cmap = TTFont(FONT_DIR / font_file).getBestCmap()
    needed = set("".join(vietnamese_letters()) + CLIENT_NAME + PRINTED_BY + "MẬT")
    assert {char for char in needed if ord(char) not in cmap} == set()


def test_pdf_embeds_only_the_bundled_fonts(
    renderer: PdfRenderer, render_case: Callable[..., bytes]
) -> None:
    pdf = render_case()

    # WeasyPrint names embedded fonts after the family that matched: "Caseapp Sans" exists
    # only through pdf.css's @font-face, so these are the bundled files. Regular for the
    # body, bold for headings and stamp; no glyph fell back to a system face.
    assert font_names(pdf) == {"Caseapp-Sans", "Caseapp-Sans-Bold"}
    # And those faces were read from the bundle through the fetcher, not from the system.
    assert renderer.url_fetcher.served["fonts/DejaVuSans.ttf"] == 1
    assert renderer.url_fetcher.served["fonts/DejaVuSans-Bold.ttf"] == 1


# Stamp on every page


def test_stamp_on_every_page_of_a_long_document(render_case: Callable[..., bytes]) -> None:
    texts = page_texts(render_case(rows=200))
    pages = len(texts)
    assert pages >= 4

    for number, text in enumerate(texts, start=1):
        assert "MẬT" in text, number
        assert DOC_ID in text, number
        assert PRINTED_BY in text, number
        assert PRINTED_AT_SHOWN in text, number
        assert f"Trang {number}/{pages}" in text, number


def test_stamp_rejects_naive_time_and_blank_fields() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        PdfStamp(document_id=DOC_ID, printed_by=PRINTED_BY, printed_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="printed_by"):
        PdfStamp(document_id=DOC_ID, printed_by="  ", printed_at=PRINTED_AT)
    with pytest.raises(ValueError, match="document_id"):
        PdfStamp(document_id="", printed_by=PRINTED_BY, printed_at=PRINTED_AT)


def test_dates_are_shown_in_vietnam_time() -> None:
    late_utc = datetime(2026, 12, 31, 20, 5, tzinfo=UTC)
    assert format_vn_datetime(late_utc) == "01/01/2027 03:05"
    assert format_vn_date(late_utc) == "01/01/2027"
    assert format_vn_date(date(2026, 2, 3)) == "03/02/2026"


# Metadata


def test_metadata_comes_only_from_pdf_meta(
    render_case: Callable[..., bytes], meta: PdfMeta
) -> None:
    pdf = render_case()
    reader = PdfReader(BytesIO(pdf))
    info = reader.metadata
    assert info is not None

    assert info.title == meta.title
    assert info.author == "caseapp"
    assert info.subject == meta.subject
    assert info["/Keywords"] == ", ".join(meta.keywords)
    assert set(info) == {"/Title", "/Author", "/Subject", "/Keywords", "/Producer"}
    for value in info.values():
        assert CLIENT_NAME not in str(value)
        assert CLIENT_PHONE not in str(value)
    # The template's <meta>/<link rel=attachment> tags had no effect either.
    assert reader.xmp_metadata is None
    assert reader.attachments == {}
    # The data is in the body, so its absence above is not an accident of the test.
    assert CLIENT_NAME in nfc(reader.pages[0].extract_text())


# Password


def test_password_encrypts_with_aes_256(render_case: Callable[..., bytes], meta: PdfMeta) -> None:
    password = "mật-khẩu-tạm 2026"
    pdf = render_case(password=password)

    reader = PdfReader(BytesIO(pdf))
    assert reader.is_encrypted
    encrypt = reader.trailer["/Encrypt"].get_object()
    assert (encrypt["/V"], encrypt["/R"]) == (5, 6)
    assert encrypt["/CF"]["/StdCF"]["/CFM"] == "/AESV3"
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()
    # Strings, metadata included, are encrypted too.
    assert CASE_CODE.encode() not in pdf
    assert CASE_CODE.encode("utf-16-be") not in pdf

    assert PdfReader(BytesIO(pdf)).decrypt("wrong") == PasswordType.NOT_DECRYPTED
    assert reader.decrypt(password) != PasswordType.NOT_DECRYPTED
    assert CLIENT_NAME in nfc(reader.pages[0].extract_text())
    assert reader.metadata is not None
    assert reader.metadata.title == meta.title


def test_empty_password_is_refused(render_case: Callable[..., bytes]) -> None:
    with pytest.raises(ValueError, match="password"):
        render_case(password="")


# URL fetcher


def test_context_markup_is_escaped_and_never_fetched(
    render_case: Callable[..., bytes], fetch_log: list[str]
) -> None:
    hostile = '<img src="file:///etc/passwd">'
    text = "\n".join(page_texts(render_case(untrusted=hostile)))

    assert hostile in text
    assert not [url for url in fetch_log if not url.startswith("asset:")]


def test_hostile_template_resources_are_refused_and_render_succeeds(
    renderer: PdfRenderer,
    meta: PdfMeta,
    stamp: PdfStamp,
    fetch_log: list[str],
) -> None:
    pdf = renderer.render("hostile_resources_test.html", {}, meta=meta, stamp=stamp)

    reader = PdfReader(BytesIO(pdf))
    assert "Tài nguyên bị chặn" in nfc(reader.pages[0].extract_text())
    assert [image for page in reader.pages for image in page.images] == []
    # WeasyPrint did ask, and got nothing back.
    assert "file:///etc/passwd" in fetch_log
    assert "http://127.0.0.1:9/pixel.png" in fetch_log
    assert "asset:../../../../etc/passwd" in fetch_log
    fresh = AssetFetcher(DEFAULT_ASSET_DIR)
    for url in fetch_log:
        with pytest.raises(ValueError):
            fresh(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://127.0.0.1/evil.css",
        "data:text/css,body{}",
        "asset:../../etc/passwd",
        "asset:fonts/../../../etc/passwd",
        "asset:fonts/../pdf.css",
        "asset:/etc/passwd",
        "asset://etc/passwd",
        "asset:%2e%2e/%2e%2e/etc/passwd",
        "asset:fonts\\..\\pdf.css",
        "asset:.hidden",
        "asset:",
        "asset:fonts",
        "asset:missing.css",
        "ASSET:pdf.css",
    ],
)
def test_fetcher_refuses(url: str) -> None:
    fetcher = AssetFetcher(DEFAULT_ASSET_DIR)
    with pytest.raises(ValueError):
        fetcher(url)
    assert not fetcher.served


def test_fetcher_serves_bundled_assets() -> None:
    fetcher = AssetFetcher(DEFAULT_ASSET_DIR)

    font = fetcher("asset:fonts/DejaVuSans.ttf")
    css = fetcher("asset:pdf.css")

    assert font.read() == (FONT_DIR / "DejaVuSans.ttf").read_bytes()
    assert font.content_type == "font/ttf"
    assert css.content_type == "text/css"
    font.close()
    css.close()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_fetcher_refuses_symlinks_leaving_the_asset_dir(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.css").write_text("p {}")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (assets / "link.css").symlink_to(outside)
    (assets / "linkdir").symlink_to(tmp_path, target_is_directory=True)
    fetcher = AssetFetcher(assets)

    assert fetcher("asset:ok.css").read() == b"p {}"
    for url in ("asset:link.css", "asset:linkdir/secret.txt"):
        with pytest.raises(ValueError):
            fetcher(url)


# Construction cost and template context


def test_css_and_fonts_are_parsed_once_per_renderer(meta: PdfMeta, stamp: PdfStamp) -> None:
    renderer = PdfRenderer(PDF_TEMPLATES, DEFAULT_ASSET_DIR, extra_template_dirs=[TEST_TEMPLATES])
    stylesheet = renderer.stylesheet
    loaded_at_start = dict(renderer.url_fetcher.served)
    assert loaded_at_start == {
        "pdf.css": 1,
        "fonts/DejaVuSans.ttf": 1,
        "fonts/DejaVuSans-Bold.ttf": 1,
    }

    for _ in range(2):
        renderer.render("hostile_resources_test.html", {}, meta=meta, stamp=stamp)

    assert renderer.url_fetcher.served == loaded_at_start
    assert renderer.stylesheet is stylesheet


def test_reserved_context_keys_are_refused(
    renderer: PdfRenderer, meta: PdfMeta, stamp: PdfStamp
) -> None:
    with pytest.raises(ValueError, match="stamp"):
        renderer.render_html("hostile_resources_test.html", {"stamp": "x"}, meta=meta, stamp=stamp)


def test_missing_context_value_fails_loudly(
    renderer: PdfRenderer, meta: PdfMeta, stamp: PdfStamp
) -> None:
    # A blank where a name or date should be would go unnoticed on a printed form.
    with pytest.raises(UndefinedError):
        renderer.render_html("case_summary_test.html", {}, meta=meta, stamp=stamp)


def test_render_html_is_the_document_weasyprint_receives(
    renderer: PdfRenderer, meta: PdfMeta, stamp: PdfStamp
) -> None:
    html = renderer.render_html("hostile_resources_test.html", {}, meta=meta, stamp=stamp)

    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in html
    assert f"<title>{meta.title}</title>" in html
    assert PRINTED_AT_SHOWN in html
