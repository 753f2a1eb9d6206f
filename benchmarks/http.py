"""A small browser for the benchmarks: ``requests`` with the portal's forms (CSRF token and hidden
fields carried over), and signing in, with the second step of two-factor sign-in when asked."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable

import requests

_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the page's forms (the CSRF token, the version of an optimistic lock)."""
    found = {}
    for tag in _INPUT.findall(page):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            found.setdefault(attrs["name"], html.unescape(attrs.get("value", "")))
    return found


def heading(page: str) -> str:
    """The page's h1, as text."""
    match = _H1.search(page)
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(match.group(1))).split()) if match else ""


def title(page: str) -> str:
    match = _TITLE.search(page)
    return " ".join(html.unescape(match.group(1)).split()) if match else ""


class Browser:
    """One person's browser: cookies, forms, and a record of every response's status and time."""

    def __init__(self, base_url: str, *, timeout: float = 60) -> None:
        self.base = base_url.rstrip("/")
        self.session = requests.Session()
        self.timeout = timeout
        self.statuses: list[int] = []

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def get(self, path: str) -> requests.Response:
        response = self.session.get(self.url(path), timeout=self.timeout, allow_redirects=False)
        self.statuses.append(response.status_code)
        return response

    def submit(
        self, path: str, data: dict, *, files: dict | None = None, from_path: str | None = None
    ) -> tuple[requests.Response, float]:
        """GET the form's page, POST ``data`` with its hidden fields; (response, seconds of the POST)."""
        page = self.get(from_path or path)
        fields = {**hidden_fields(page.text), **data}
        started = time.perf_counter()
        response = self.session.post(
            self.url(path), data=fields, files=files, timeout=self.timeout, allow_redirects=False
        )
        elapsed = time.perf_counter() - started
        self.statuses.append(response.status_code)
        return response, elapsed

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.session.cookies)

    def sign_in(self, email: str, password: str, *, totp: Callable[[], str] | None = None) -> requests.Response:
        """Sign in through the form; give a two-factor code if the portal asks for one."""
        response, _ = self.submit("/sign-in", {"email": email, "password": password})
        location = response.headers.get("Location", "")
        if response.status_code == 302 and "/sign-in/code" in location:
            if totp is None:
                raise RuntimeError(f"{email}: the portal asks for a two-factor code and no secret is known")
            response, _ = self.submit(location, {"code": totp()})
            location = response.headers.get("Location", "")
        if response.status_code != 302 or "/sign-in" in location:
            raise RuntimeError(f"{email}: could not sign in (status {response.status_code}, to {location!r})")
        return response
