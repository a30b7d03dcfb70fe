"""PDF rendering for case summaries, referral slips and periodic reports."""

from caseapp.pdf.render import AssetFetcher, PdfMeta, PdfRenderer, PdfStamp

__all__ = ["AssetFetcher", "PdfMeta", "PdfRenderer", "PdfStamp"]
