"""The glossary explains the grant words groups meet, each with its own anchor, and the pages where
those words first appear link to them (issue #7, item 6)."""

from __future__ import annotations

import re

import pytest

from portal.domain.workflow import AwardStatus
from portal.public.glossary_routes import TERMS
from tests import factories
from tests.helpers import page_title, visible_text

_GLOSSARY_LINK = re.compile(r'href="/glossary(?:#([^"]*))?"')
_ID = re.compile(r'\bid="([^"]+)"')
EXPECTED_TERMS = {
    "eoi": "Expression of interest (EOI)",
    "vcfse": "VCFSE",
    "work-stream": "Work stream",
    "outputs": "Outputs",
    "outcomes": "Outcomes",
    "accountable-body": "Accountable body",
    "constituted-group": "Constituted group",
    "match-funding": "Match funding",
    "panel": "Panel",
    "return": "Return",
    "safeguarding": "Safeguarding",
}


def glossary_anchors(client) -> set[str]:  # noqa: ANN001
    html = client.get("/glossary").data.decode()
    return set(_ID.findall(html))


def test_the_glossary_lists_each_term_with_an_anchor_and_a_definition(client):
    response = client.get("/glossary")
    html = response.data.decode()
    text = visible_text(html)
    assert page_title(html) == "Glossary – Apply for a community grant – Testshire Council"
    assert html.count("<h1") == 1
    for anchor, term in EXPECTED_TERMS.items():
        assert f'id="{anchor}"' in html, f"no anchor for {term}"
        assert term in text
    assert "An organisation that receives the grant for a group without a constitution" in text
    assert "Voluntary, community, faith and social enterprise organisations" in text
    # Every term defined in the module is shown, in its own <dt> with its anchor.
    for item in TERMS:
        assert re.search(rf'<dt[^>]*id="{item.anchor}"[^>]*>\s*{re.escape(str(item.term))}\s*</dt>', html)


def test_glossary_anchors_are_unique():
    anchors = [item.anchor for item in TERMS]
    assert len(anchors) == len(set(anchors))


def _assert_links_point_at_terms(html: str, anchors: set[str], expected: set[str], page: str) -> None:
    found = set(_GLOSSARY_LINK.findall(html))
    missing_targets = {a for a in found if a and a not in anchors}
    assert not missing_targets, f"{page} links to glossary anchors that do not exist: {missing_targets}"
    assert expected <= found, f"{page} should link to {expected - found} in the glossary"


def test_the_home_and_round_pages_link_their_terms_to_the_glossary(client, make_round):
    round_ = make_round(title="Stronger Communities 2030")
    anchors = glossary_anchors(client)
    _assert_links_point_at_terms(client.get("/").data.decode(), anchors, {"eoi", "accountable-body"}, "home")
    _assert_links_point_at_terms(
        client.get(f"/rounds/{round_.id}").data.decode(), anchors, {"work-stream", "outputs", "panel"}, "round page"
    )


def test_the_task_list_links_to_the_glossary(client, sign_in, make_application):
    application = factories.make_application()
    sign_in(application.organisation.members[0].user)
    html = client.get(f"/applicant/applications/{application.id}").data.decode()
    _assert_links_point_at_terms(html, glossary_anchors(client), {"eoi", ""}, "task list")
    assert "Words like ‘outputs’ and ‘work stream’ are explained in the glossary" in visible_text(html)


def test_the_returns_page_links_to_the_glossary(client, sign_in):
    award = factories.make_award(status=AwardStatus.ACCEPTED)
    factories.make_return(award=award)
    sign_in(award.application.organisation.members[0].user)
    html = client.get("/applicant/returns").data.decode()
    _assert_links_point_at_terms(html, glossary_anchors(client), {"return"}, "returns list")


@pytest.mark.parametrize("path", ["/", "/glossary", "/accessibility"])
def test_the_glossary_and_links_to_it_have_no_broken_anchor(client, path):
    anchors = glossary_anchors(client)
    found = set(_GLOSSARY_LINK.findall(client.get(path).data.decode()))
    assert {a for a in found if a} <= anchors
