"""Every route of the app, from its URL map: described in tests/routes_table.py, answering the
person it is for with its real content, and carrying the security headers on every response (the
checks an OWASP ZAP baseline scan makes, which cannot run here)."""

from __future__ import annotations

import re
from collections import defaultdict

from tests.routes_table import missing_from_table
from tests.walk import become, prepare, urls
from tests.world import build_world

SERVICE_AND_COUNCIL = " – Apply for a community grant – Testshire Council"


def test_the_route_table_describes_every_route_of_the_app(app):
    assert missing_from_table(app) == []


def _header_problems(response, url: str, kind: str) -> list[str]:  # noqa: ANN001
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    script_src = next((part for part in csp.split(";") if part.strip().startswith("script-src")), "")
    if "frame-ancestors 'none'" not in csp:
        problems.append("no frame-ancestors 'none' in the content security policy")
    if not script_src or "unsafe-inline" in script_src or "unsafe-eval" in script_src:
        problems.append(f"script-src allows inline or eval script, or is missing: {script_src!r}")
    if "object-src 'none'" not in csp:
        problems.append("object-src is not 'none'")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in expected.items():
        if response.headers.get(name) != value:
            problems.append(f"{name} is {response.headers.get(name)!r}, not {value!r}")
    if "Strict-Transport-Security" in response.headers:
        problems.append("HSTS outside production (it belongs to production only)")
    cache = response.headers.get("Cache-Control", "")
    if kind == "image" and "private" not in cache:
        problems.append(f"an image behind sign-in may be cached by others: {cache!r}")
    if kind not in {"asset", "image"} and "no-store" not in cache:
        problems.append(f"Cache-Control is {cache!r}, without no-store")
    if response.headers.get("Server", "").lower().startswith(("werkzeug", "gunicorn")) and "/" in response.headers.get(
        "Server", ""
    ):
        problems.append("the Server header gives the software's version")
    return [f"{url}: {problem}" for problem in problems]


def _content_problems(response, url: str, kind: str) -> list[str]:  # noqa: ANN001
    expected_status = 302 if kind == "redirect" else 200
    if response.status_code != expected_status:
        where = response.headers.get("Location", "")
        return [f"{url}: answered {response.status_code} {where}, not {expected_status}"]
    content_type = response.headers.get("Content-Type", "")
    disposition = response.headers.get("Content-Disposition", "")
    problems = []
    if kind == "page":
        html = response.get_data(as_text=True)
        title = re.search(r"<title[^>]*>\s*(.*?)\s*</title>", html, re.S)
        if not content_type.startswith("text/html"):
            problems.append(f"a page served as {content_type}")
        if not title or not title.group(1).endswith(SERVICE_AND_COUNCIL) or title.group(1).startswith(" – "):
            problems.append(f"title {title.group(1) if title else None!r} does not name the page, service and council")
        if len(re.findall(r"<h1[\s>]", html)) != 1:
            problems.append("not exactly one <h1>")
        if not re.search(r'<html[^>]* lang="[a-z]', html) or not re.search(r'<body[^>]* dir="(ltr|rtl)"', html):
            problems.append("no lang on <html> or dir on <body>")
    elif kind == "file":
        if not disposition.startswith("attachment"):
            problems.append(f"a download not served as an attachment: {disposition!r}")
        if content_type.startswith("text/html"):
            problems.append("a download served as HTML")
    elif kind == "image" and not content_type.startswith("image/"):
        problems.append(f"an image served as {content_type}")
    elif kind == "json" and not content_type.startswith("application/json"):
        problems.append(f"JSON served as {content_type}")
    return [f"{url}: {problem}" for problem in problems]


def test_every_get_route_shows_its_viewer_real_content_with_the_security_headers(app, client, sign_in):
    world = build_world()
    by_viewer = defaultdict(list)
    for route, url in urls(app, world):
        if "GET" in route.methods:
            by_viewer[route.who_sees()].append((route, url))
    problems: list[str] = []
    for viewer, visits in by_viewer.items():
        become(client, sign_in, world, viewer)
        for route, url in sorted(visits, key=lambda visit: visit[0].last):
            prepare(app, client, route, world)
            response = client.get(url)
            problems += _content_problems(response, url, route.kind)
            problems += _header_problems(response, url, route.kind)
    assert problems == [], "\n".join(problems)


def test_error_pages_carry_the_security_headers_too(app, client, sign_in):
    world = build_world()
    become(client, sign_in, world, "applicant_b")
    for url, status in (("/no-such-page", 404), (f"/applicant/applications/{world.draft}", 404), ("/officers/", 403)):
        response = client.get(url)
        assert response.status_code == status
        assert "<title>Error: " in response.get_data(as_text=True)
        assert _header_problems(response, url, "page") == []
