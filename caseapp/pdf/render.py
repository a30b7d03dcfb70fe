"""One renderer for every caseapp PDF: Jinja template -> HTML -> WeasyPrint -> PDF bytes.

The documents hold confidential data about survivors of violence, so rendering is closed:
templates are autoescaped, the URL fetcher serves only the bundled assets, the PDF
metadata comes only from :class:`PdfMeta`, and every page carries the :class:`PdfStamp`.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import threading
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pydyf
from jinja2 import Environment, FileSystemLoader, StrictUndefined

with warnings.catch_warnings():
    # WeasyPrint warns at import when the system lacks libharfbuzz-subset and falls back to
    # fontTools, which works, only slower (it still logs that on every render). Install
    # libharfbuzz-subset0 on servers; until then, importing this module must not fail in
    # code run with warnings as errors.
    warnings.filterwarnings(
        "ignore", message="HarfBuzz-Subset will be required", category=DeprecationWarning
    )
    from weasyprint import CSS, HTML, Document
    from weasyprint.pdf.metadata import DocumentMetadata
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

DEFAULT_ASSET_DIR = Path(__file__).parent / "assets"
ASSET_SCHEME = "asset:"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# pdf.css must load these through @font-face; checked at start-up so a broken bundle fails
# loudly instead of silently falling back to whatever fonts the server has.
BUNDLED_FONTS = ("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf")

# Strict allowlist rather than a blocklist: no "%" (no encoded tricks), no "\\", no
# segment starting with "." (so no "..", "." or hidden files), no leading "/".
_ASSET_PATH_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")


@dataclass(frozen=True, kw_only=True)
class PdfMeta:
    """What goes into the PDF's document properties, and nothing else.

    These fields are visible without reading the document (file browsers, viewer title bars,
    search indexes), so they must NEVER hold personal data: no client name, phone, address or
    narrative. ``title`` is the document type plus the pseudonymous case code, e.g.
    ``"Tóm tắt hồ sơ HS-2026-0042"``.
    """

    title: str
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    author: str = "caseapp"


@dataclass(frozen=True, kw_only=True)
class PdfStamp:
    """The confidentiality stamp printed on every page (header, footer and watermark).

    ``printed_at`` must be timezone-aware; it is shown in Vietnam time as dd/mm/yyyy HH:MM.
    """

    classification: str = "MẬT"
    document_id: str
    printed_by: str
    printed_at: datetime

    def __post_init__(self) -> None:
        for name in ("classification", "document_id", "printed_by"):
            if not getattr(self, name).strip():
                raise ValueError(f"PdfStamp.{name} must not be blank")
        if self.printed_at.tzinfo is None:
            # A naive time would be printed as-is and could be off by 7 hours on a
            # document whose print time is evidence.
            raise ValueError("PdfStamp.printed_at must be timezone-aware")


def format_vn_datetime(value: datetime) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time."""
    if value.tzinfo is None:
        raise ValueError("refusing to format a naive datetime")
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def format_vn_date(value: date) -> str:
    """dd/mm/yyyy; an aware datetime is first converted to Vietnam time."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("refusing to format a naive datetime")
        value = value.astimezone(LOCAL_TZ)
    return value.strftime("%d/%m/%Y")


class AssetFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves only ``asset:<relative path>`` inside one folder.

    Everything else (``file:``, ``http(s):``, ``data:``, paths escaping the folder) raises;
    WeasyPrint logs the error and renders without the resource.
    """

    def __init__(self, asset_dir: Path) -> None:
        # allowed_protocols=() and no redirects: even if a later WeasyPrint reached the
        # urllib machinery of the base class, it would refuse every scheme.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.asset_dir = asset_dir.resolve(strict=True)
        # Keys are asset paths only (successful fetches), so the counter stays bounded.
        self.served: Counter[str] = Counter()

    def resolve(self, url: str) -> Path:
        """Map an ``asset:`` URL to a regular file inside ``asset_dir`` or raise ValueError."""
        if not url.startswith(ASSET_SCHEME):
            raise ValueError("only asset: URLs are served")
        relative = url.removeprefix(ASSET_SCHEME)
        if not _ASSET_PATH_RE.fullmatch(relative):
            raise ValueError("malformed asset path")
        # resolve() follows symlinks, so a link pointing outside the folder is caught here.
        path = (self.asset_dir / relative).resolve()
        if not path.is_relative_to(self.asset_dir) or not path.is_file():
            raise ValueError("no such asset")
        return path

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        path = self.resolve(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        body = path.read_bytes()
        self.served[path.relative_to(self.asset_dir).as_posix()] += 1
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


class PdfRenderer:
    """Renders Jinja templates to PDF. Create one per process and share it.

    Construction is the expensive part (fontconfig set-up, CSS parsing, font loading) and is
    done once; :meth:`render` reuses the parsed stylesheet and font configuration.
    """

    def __init__(
        self,
        template_dir: Path,
        asset_dir: Path = DEFAULT_ASSET_DIR,
        *,
        extra_template_dirs: Sequence[Path] = (),
    ) -> None:
        self.env = Environment(
            loader=FileSystemLoader([template_dir, *extra_template_dirs]),
            # Unconditional rather than by file extension: every PDF template is HTML, and a
            # template named otherwise must not turn context values into live markup.
            autoescape=True,
            undefined=StrictUndefined,
        )
        self.env.filters["vn_datetime"] = format_vn_datetime
        self.env.filters["vn_date"] = format_vn_date
        self.url_fetcher = AssetFetcher(asset_dir)
        self.font_config = FontConfiguration()
        # The @font-face rules are loaded into font_config while this CSS is parsed, which
        # is why both objects must live as long as the renderer and be used together.
        self.stylesheet = CSS(
            url=f"{ASSET_SCHEME}pdf.css",
            url_fetcher=self.url_fetcher,
            font_config=self.font_config,
        )
        missing = [font for font in BUNDLED_FONTS if not self.url_fetcher.served[font]]
        if missing:
            raise RuntimeError(f"bundled fonts not loaded by pdf.css: {missing}")
        # Pango/fontconfig objects in font_config are not documented as thread-safe, and
        # a threaded server would share them; layout is serialised per process.
        self._lock = threading.Lock()

    def render_html(
        self,
        template_name: str,
        context: Mapping[str, Any],
        *,
        meta: PdfMeta,
        stamp: PdfStamp,
    ) -> str:
        """The final HTML handed to WeasyPrint (``meta`` and ``stamp`` injected)."""
        clashing = {"meta", "stamp"} & context.keys()
        if clashing:
            raise ValueError(f"context keys reserved by the renderer: {sorted(clashing)}")
        template = self.env.get_template(template_name)
        return template.render({**context, "meta": meta, "stamp": stamp})

    def render(
        self,
        template_name: str,
        context: Mapping[str, Any],
        *,
        meta: PdfMeta,
        stamp: PdfStamp,
        password: str | None = None,
    ) -> bytes:
        """Render a template to PDF bytes; AES-256 encrypted when ``password`` is given."""
        if password is not None and not password:
            # An empty user password opens without prompting: that is no protection.
            raise ValueError("password must not be empty")
        html = self.render_html(template_name, context, meta=meta, stamp=stamp)
        with self._lock:
            document = HTML(string=html, url_fetcher=self.url_fetcher).render(
                stylesheets=[self.stylesheet], font_config=self.font_config
            )
            pdf = _write_pdf(document, meta)
        if password is not None:
            pdf = _encrypt(pdf, password)
        return pdf


def _write_pdf(document: Document, meta: PdfMeta) -> bytes:
    # Replace, not amend: WeasyPrint would otherwise take author, keywords, dates,
    # generator and even file attachments (<link rel=attachment>) from any <meta>/<link>
    # found anywhere in the HTML, including in context-driven parts of a template.
    document.metadata = DocumentMetadata(
        title=meta.title,
        authors=[meta.author] if meta.author else [],
        description=meta.subject or None,
        keywords=list(meta.keywords),
        lang="vi",
    )

    def finish(_document: Document, pdf: pydyf.PDF) -> None:
        pdf.info["Producer"] = pydyf.String("caseapp")

    return document.write_pdf(finisher=finish)


def _encrypt(pdf: bytes, password: str) -> bytes:
    # Imported here: pypdf costs every worker memory, and only password-protected copies
    # use it.
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    # The owner password is random and thrown away: no second secret to store or leak.
    writer.encrypt(
        user_password=password,
        owner_password=secrets.token_urlsafe(32),
        algorithm="AES-256",
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
