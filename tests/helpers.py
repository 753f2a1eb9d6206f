"""Helpers tests share: reading what a person sees on a page, and posting forms with CSRF."""

from __future__ import annotations

import contextvars
import re
from html.parser import HTMLParser

from flask import has_app_context
from flask.testing import FlaskClient

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "head", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):  # noqa: ANN001
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: bytes | str) -> str:
    """The page's text as a person reads it: tags gone, whitespace collapsed."""
    parser = _TextExtractor()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return " ".join(" ".join(parser.parts).split())


def page_title(html: bytes | str) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.S)
    return " ".join(match.group(1).split()) if match else ""


def csrf_token_from(html: bytes | str) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    match = _CSRF.search(text)
    if not match:
        raise AssertionError("no CSRF token on the page")
    return match.group(1) or match.group(2)


class PortalClient(FlaskClient):
    """A test client whose requests run like real ones: each in a fresh context with its own app
    context, ``g`` and database session, never sharing the test's. After each request the test's
    own session forgets what it loaded, so assertions read what the request really stored."""

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            from portal.extensions import db

            db.session.expire_all()
        return response

    def submit(self, url: str, data: dict | None = None, *, from_url: str | None = None, **kwargs):  # noqa: ANN201
        """Open the page with the form (as a browser would), then post it with its CSRF token."""
        page = self.get(from_url or url)
        assert page.status_code == 200, f"GET {from_url or url} gave {page.status_code}"
        payload = {"csrf_token": csrf_token_from(page.data), **(data or {})}
        return self.post(url, data=payload, **kwargs)
