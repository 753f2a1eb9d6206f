"""The accessibility statement follows the structure the Public Sector Bodies (Websites and Mobile
Applications) (No. 2) Accessibility Regulations 2018 expect (GOV.UK's sample statement), says what
was tested and how, and gives the council's own contact details from configuration (issue #7, item 8)."""

from __future__ import annotations

import re

from tests.helpers import page_title, visible_text

REQUIRED_HEADINGS = [
    ("h1", "Accessibility statement for Apply for a community grant"),
    ("h2", "Using this website"),
    ("h2", "How accessible this website is"),
    ("h2", "Feedback and contact information"),
    ("h3", "Reporting accessibility problems with this website"),
    ("h2", "Enforcement procedure"),
    ("h2", "Technical information about this website's accessibility"),
    ("h3", "Compliance status"),
    ("h2", "Non-accessible content"),
    ("h3", "Non-compliance with the accessibility regulations"),
    ("h3", "Disproportionate burden"),
    ("h3", "Content that's not within the scope of the accessibility regulations"),
    ("h2", "What we're doing to improve accessibility"),
    ("h2", "Preparation of this accessibility statement"),
]
_HEADING = re.compile(r"<(h[1-3])[^>]*>(.*?)</\1>", re.S)


def _headings(html: str) -> list[tuple[str, str]]:
    return [(tag, visible_text(inner).replace("&#39;", "'")) for tag, inner in _HEADING.findall(html)]


def test_the_statement_has_the_required_sections_in_order(client):
    html = client.get("/accessibility").data.decode()
    assert page_title(html) == "Accessibility statement – Apply for a community grant – Testshire Council"
    headings = [h for h in _headings(html) if h in REQUIRED_HEADINGS]
    assert headings == REQUIRED_HEADINGS


def test_the_statement_names_the_regulations_the_enforcers_and_its_dates(client):
    text = visible_text(client.get("/accessibility").data)
    assert "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018" in text
    assert "Equality and Human Rights Commission (EHRC)" in text
    assert "Equality Advisory and Support Service (EASS)" in text
    assert "Equality Commission for Northern Ireland" in text
    assert "Testshire Council is committed to making its website accessible" in text
    assert "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in text
    assert re.search(r"This statement was prepared on \d{1,2} \w+ 20\d\d\. It was last reviewed on", text)
    assert re.search(r"This website was last tested on \d{1,2} \w+ 20\d\d\.", text)


def test_the_statement_says_what_was_tested_and_how(client):
    text = visible_text(client.get("/accessibility").data)
    for claim in (
        "with the axe-core checker against the WCAG 2.0, 2.1 and 2.2 A and AA rules",
        "in the Chromium web browser",
        "using only a keyboard",
        "with JavaScript turned off",
        "320 pixels wide",
        "with Arabic and Urdu laid out right to left",
        "warned at least 2 minutes before you are signed out",
        "against the GOV.UK list of words to avoid",
    ):
        assert claim in text, claim


def test_the_contact_details_come_from_configuration(client, make_app):
    html = client.get("/accessibility").data.decode()
    assert 'href="mailto:help@testshire.example"' in html
    assert "call " not in visible_text(html)

    other = make_app(CONTACT_EMAIL="access@elsewhere.example", CONTACT_PHONE="0121 303 1111", COUNCIL_NAME="Elsewhere")
    text = visible_text(other.test_client().get("/accessibility").data)
    assert "email access@elsewhere.example" in text
    assert "call 0121 303 1111" in text
    assert "Elsewhere is committed to making its website accessible" in text
