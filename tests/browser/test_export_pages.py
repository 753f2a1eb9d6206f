"""The officers' exports page passes axe (WCAG 2.2 A and AA) and has the basics right, with the
360Giving files available and without them."""

from __future__ import annotations

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus
from portal.extensions import db
from tests import factories
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.services.test_exports import build_programme


@pytest.fixture
def officer_page(page, app, sign_in_page):  # noqa: ANN001, ANN201
    officer = factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    programme = build_programme()
    sign_in_page(page, officer)
    page.programme = programme
    return page


@pytest.mark.parametrize("published", [True, False], ids=["with-grants", "without-grants"])
def test_the_exports_page_is_accessible(officer_page, published):
    programme = officer_page.programme
    if not published:
        programme.accepted.status = AwardStatus.WITHDRAWN
        db.session.commit()
    officer_page.goto(f"/officers/rounds/{programme.round.id}/exports")
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)
    assert (officer_page.get_by_role("link", name="Grants in the 360Giving Data Standard (JSON)").count() == 1) is (
        published
    )


def test_a_download_link_gives_the_file(officer_page):
    officer_page.goto(f"/officers/rounds/{officer_page.programme.round.id}/exports")
    with officer_page.expect_download() as download:
        officer_page.get_by_role("link", name="Awards (CSV)").click()
    assert download.value.suggested_filename == "CIF-2027-awards.csv"
