"""Accessibility checks every browser test can make in one line.

    from tests.browser.axe import assert_no_axe_violations, assert_page_basics

    page.goto("/sign-in")
    assert_page_basics(page)
    assert_no_axe_violations(page)

``assert_no_axe_violations`` runs axe-core (installed by npm, never copied into the repository)
against the WCAG 2.0, 2.1 and 2.2 A and AA rules. No rule is ever disabled: fix the page instead.
The page must come from a browser context made with ``bypass_csp=True`` (the ``page`` fixture's
default), because the portal's Content-Security-Policy would block the injected script.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The live server (tests/browser/conftest.py), not the portal, serves axe here. Loaded by URL, the
# browser caches the script and its compiled code; sent from Python with each page (640 kB) it
# cost about 0.15 s more for every page checked.
AXE_URL = "/__tests__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERVICE_NAME = "Apply for a community grant"  # SERVICE_NAME in tests.conftest.make_test_config

_MAX_NODES_SHOWN = 3
_MAX_HTML = 200


def run_axe(page: Page, *, context: Any = None) -> dict[str, Any]:
    """Run axe on the page (or on ``context``: a selector or an axe context object) and return
    its full result."""
    if not AXE_SCRIPT.is_file():
        raise AssertionError(f"axe-core is not installed at {AXE_SCRIPT}: run `npm ci` first")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
    return page.evaluate(
        """async ([context, tags]) => axe.run(context ?? document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        [context, WCAG_TAGS],
    )


def format_violations(violations: list[dict[str, Any]], url: str) -> str:
    """A readable report: each rule with its impact and help, then the first few elements."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"\n- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']} [{len(nodes)} element(s)]\n  {violation['helpUrl']}"
        )
        for node in nodes[:_MAX_NODES_SHOWN]:
            html = " ".join(node.get("html", "").split())
            if len(html) > _MAX_HTML:
                html = html[: _MAX_HTML - 1] + "…"
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}\n      {html}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n        ")
            if summary:
                lines.append(f"        {summary}")
        if len(nodes) > _MAX_NODES_SHOWN:
            lines.append(f"    … and {len(nodes) - _MAX_NODES_SHOWN} more")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, *, context: Any = None) -> None:
    """Fail with a readable report if axe finds any WCAG 2.2 A/AA violation on the page.

    ``context`` limits the check to part of the page, e.g. ``"#main-content"`` or
    ``{"exclude": [".app-third-party"]}``; by default the whole document is checked.
    """
    violations = run_axe(page, context=context)["violations"]
    assert not violations, format_violations(violations, page.url)


def assert_page_basics(page: Page, *, service_name: str = SERVICE_NAME) -> None:
    """What every page of the portal must have, whatever axe says:

    - exactly one ``<h1>``;
    - a ``<title>`` of the form "<page> – <service> – <council>", with the service name second;
    - a language on ``<html lang>`` and a text direction on ``<body dir>``.
    """
    h1_count = page.locator("h1").count()
    assert h1_count == 1, f"{page.url} has {h1_count} <h1> elements, not exactly one"

    title = page.title()
    parts = [part.strip() for part in title.split(" – ")]
    assert len(parts) >= 3 and parts[0] and parts[-2] == service_name and parts[-1], (
        f"{page.url} title {title!r} is not '<page> – {service_name} – <council>'"
    )

    lang = page.get_attribute("html", "lang")
    assert lang and lang.strip(), f"{page.url} has no <html lang>"
    direction = page.get_attribute("body", "dir")
    assert direction in {"ltr", "rtl"}, f"{page.url} has <body dir={direction!r}>, not ltr or rtl"
