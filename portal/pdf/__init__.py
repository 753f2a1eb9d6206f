"""PDF documents rendered by WeasyPrint from templates/pdf/, fed plain dictionaries (never ORM objects).

- The URL fetcher is locked down: only ``data:`` URIs and the portal's own static files are read;
  ``file://`` and remote URLs are refused (WeasyPrint's default fetcher would read local files).
- Every PDF is tagged (PDF/UA-1) with its title and language, for screen readers.
- One FontConfiguration per process, passed to every render: memory stays flat and it is faster.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from flask import render_template

PORTAL_BASE = "https://portal.invalid/"  # never fetched: a name the fetcher maps to local files
STATIC_PREFIX = PORTAL_BASE + "static/"

_font_config = None


class RefusedURL(ValueError):
    """A resource the PDF asked for that the portal will not fetch."""


def _weasyprint():  # noqa: ANN202 - imported once, lazily: importing it costs ~0.4 s
    import weasyprint

    return weasyprint


def font_config():  # noqa: ANN201
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def make_fetcher(static_root: str | Path):  # noqa: ANN201
    """A URL fetcher that serves ``data:`` URIs and files under ``static_root`` and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(static_root).resolve()

    class PortalFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None):  # noqa: ANN201
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(STATIC_PREFIX):
                relative = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
                path = (root / relative).resolve()
                if root in path.parents and path.is_file():
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})
            raise RefusedURL(f"refused to fetch {url!r}: only the portal's own files are used in PDFs")

    return PortalFetcher()


def html_to_pdf(html: str, *, static_root: str | Path) -> bytes:
    """Render HTML to a tagged PDF. The HTML's <title> and <html lang> become the PDF's metadata."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=PORTAL_BASE, url_fetcher=make_fetcher(static_root))
    return document.write_pdf(pdf_variant="pdf/ua-1", font_config=font_config())


def render_pdf(template: str, context: dict[str, Any], *, static_root: str | Path) -> bytes:
    """``templates/pdf/<template>`` rendered with a plain-dict ``context``, then to PDF."""
    html = render_template(f"pdf/{template}", **context)
    return html_to_pdf(html, static_root=static_root)
