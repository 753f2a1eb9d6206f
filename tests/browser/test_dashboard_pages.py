"""The programme dashboard (officers, and panel members read-only) and the three public pages (the
register of awards, programme progress, stories) pass axe (WCAG 2.2 A and AA) and have the page
basics; each chart is an image with an accessible name, followed by its table."""

from __future__ import annotations

import pytest

from portal.domain.panel import MemberKind
from portal.domain.roles import Role
from portal.domain.workflow import ReturnStatus
from portal.extensions import db
from portal.models import Panel, PanelMember
from tests import factories
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.services.test_monitoring import build_programme


@pytest.fixture
def programme(app):  # noqa: ANN001, ANN201
    programme = build_programme()
    factories.make_return(
        award=programme.third,
        period=2,
        status=ReturnStatus.ACCEPTED,
        stories=[
            {
                "title": "Our first walk",
                "body": "We walked the canal.\n\nIt was cold.",
                "teller_name": "Maryam Begum",
                "consent": "public_named",
            },
            {"title": "A new friend", "body": "I met my neighbour.", "consent": "public_anonymous"},
        ],
    )
    return programme


def check(page) -> None:  # noqa: ANN001
    assert_page_basics(page)
    assert_no_axe_violations(page)


def check_charts(page) -> None:  # noqa: ANN001
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 1
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.evaluate(
            "el => el.getAttribute('aria-labelledby').split(' ').every(id => document.getElementById(id))"
        )
        name = chart.get_attribute("aria-labelledby").split()[0]
        assert page.locator(f"#{name}").text_content().startswith("Progress in")
        # The element after the chart's figure is its table.
        assert chart.evaluate("el => el.closest('figure').nextElementSibling.tagName") == "TABLE"


def test_the_officers_dashboard_is_accessible(page, sign_in_page, programme):
    sign_in_page(page, factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer"))
    page.goto("/officers/dashboard")
    check(page)
    check_charts(page)


def test_the_panel_dashboard_is_accessible(page, sign_in_page, programme):
    member = factories.make_user(roles={Role.PANEL_MEMBER}, full_name="Pat Panel")
    panel = db.session.scalar(db.select(Panel).where(Panel.round_id == programme.round.id))
    panel.members.append(PanelMember(user=member, kind=MemberKind.RESIDENT, profile="Lives in the area."))
    db.session.commit()
    sign_in_page(page, member)
    page.goto("/panel/dashboard")
    check(page)
    check_charts(page)


@pytest.mark.parametrize("path", ["/awards", "/progress", "/stories"])
def test_the_public_pages_are_accessible_without_signing_in(page, programme, path):
    page.goto(path)
    check(page)
    if path == "/progress":
        check_charts(page)


def test_the_register_filter_works_without_javascript(page, programme):
    page.goto("/awards")
    page.select_option("#locality", label="South")
    with page.expect_navigation():
        page.get_by_role("button", name="Show grants").click()
    assert "2 grants, £6,000 in all." in page.locator("#register-summary").text_content()
    check(page)
