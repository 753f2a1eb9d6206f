"""Every page of the three journeys fits a 320 CSS pixel wide screen with JavaScript on (issue #7,
item 4; WCAG 1.4.10 reflow: content at 400% zoom on a 1280 px screen needs no sideways scrolling).

``test_no_js_journeys`` walks the journeys at 320 px without JavaScript; here the same pages are
checked with the scripts running (GOV.UK Frontend collapses the menu, adds the character counts
and the password's "Show" button), each page in the state that shows its real content.
"""

from __future__ import annotations

from playwright.sync_api import Page

from portal.domain.returns import Consent
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db
from portal.models import Application, OutputReturn, Review
from tests import factories
from tests.browser.test_keyboard_journeys import eoi_scene, return_scene, review_scene

PHONE = {"width": 320, "height": 640}
SECTIONS = ("project", "work_stream", "beneficiaries", "activities", "outputs", "budget", "partners", "declarations")


def overflowing(page: Page, paths: list[str]) -> list[str]:
    """The pages among ``paths`` wider than the screen, each with the elements that stick out."""
    wide = []
    for path in paths:
        page.goto(path)
        page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')")
        state = page.evaluate(
            """() => ({
                url: location.pathname,
                scrollWidth: document.documentElement.scrollWidth,
                innerWidth: window.innerWidth,
                culprits: [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')),
            })"""
        )
        assert "/sign-in" not in state["url"], f"{path} sent the user to sign in"
        if state["scrollWidth"] > state["innerWidth"]:
            wide.append(f"{path}: {state['scrollWidth']} px wide, because of {state['culprits']}")
    return wide


def test_the_eoi_pages_fit_a_320_pixel_screen(page: Page, app, sign_in_page):  # noqa: ANN001
    scene = eoi_scene()
    user = scene["user"]
    draft = db.session.get(Application, scene["application"])
    complete = factories.make_application(
        round_=factories.make_round(), organisation=draft.organisation, applicant=user, complete=True
    )
    sent = factories.make_application(
        round_=factories.make_round(), organisation=draft.organisation, applicant=user, submit=True
    )
    criterion = draft.round.criteria[0].id
    page.set_viewport_size(PHONE)
    sign_in_page(page, user)
    base = f"/applicant/applications/{draft.id}"
    paths = [
        "/applicant/",
        f"/applicant/rounds/{draft.round_id}/start",
        base,
        *(f"{base}/{section}" for section in SECTIONS),
        f"{base}/questions",
        f"{base}/questions/{criterion}",
        f"/applicant/applications/{complete.id}/check",
        f"/applicant/applications/{sent.id}/sent",
        f"/applicant/applications/{sent.id}/status",
        f"/rounds/{draft.round_id}",
        "/glossary",
    ]
    assert overflowing(page, paths) == []


def test_the_review_pages_fit_a_320_pixel_screen(page: Page, app, sign_in_page):  # noqa: ANN001
    scene = review_scene()
    review = db.session.get(Review, scene["review"])
    member = review.member
    confirmed = factories.make_review(factories.make_eligible_application(round_=review.application.round), member)
    submitted = factories.make_review(
        factories.make_eligible_application(round_=review.application.round),
        member,
        scores=[3, 2, 1],
        submit=True,
        recommendation="fund",
    )
    page.set_viewport_size(PHONE)
    sign_in_page(page, scene["user"])
    paths = [
        "/panel/",
        f"/panel/reviews/{scene['review']}/conflict",
        f"/panel/reviews/{confirmed.id}",
        f"/panel/reviews/{submitted.id}",
    ]
    assert overflowing(page, paths) == []


def test_the_return_pages_fit_a_320_pixel_screen(page: Page, app, sign_in_page):  # noqa: ANN001
    scene = return_scene()
    due = db.session.get(OutputReturn, scene["return"])
    sent = factories.make_return(
        award=factories.make_award(
            application=factories.make_application(organisation=due.award.application.organisation, submit=True),
            status=AwardStatus.ACCEPTED,
        ),
        status=ReturnStatus.SUBMITTED,
        stories=[{"title": "Amira", "body": "My story.", "consent": Consent.PUBLIC_ANONYMOUS}],
    )
    page.set_viewport_size(PHONE)
    sign_in_page(page, scene["user"])
    paths = [
        "/applicant/returns",
        f"/applicant/returns/{due.id}",
        f"/applicant/returns/{due.id}/stories/new",
        f"/applicant/returns/{sent.id}",
    ]
    assert overflowing(page, paths) == []
