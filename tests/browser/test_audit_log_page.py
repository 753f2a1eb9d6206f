"""The officers' audit log passes axe (WCAG 2.2 A and AA) with events, paging and filter errors shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.domain.roles import Role
from portal.extensions import db
from portal.models import AuditEvent
from tests import factories
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


@pytest.fixture
def officer_page(page, app, sign_in_page):  # noqa: ANN001, ANN201
    officer = factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    start = datetime(2027, 7, 1, 9, tzinfo=UTC)
    for n in range(60):
        db.session.add(
            AuditEvent(
                created_at=start + timedelta(minutes=n),
                actor=officer if n % 2 else None,
                action="round.updated",
                object_type="rounds",
                object_id=1,
                before={"title": f"Title {n}"},
                after={"title": f"Title {n + 1}", "sort_code": "**-**-34"},
            )
        )
    db.session.commit()
    sign_in_page(page, officer)
    return page


def test_the_audit_log_is_accessible_and_filters_by_date(officer_page):
    officer_page.goto("/officers/")
    with officer_page.expect_navigation():
        officer_page.get_by_role("link", name="Audit log").click()
    assert_page_basics(officer_page)
    assert_no_axe_violations(officer_page)
    assert officer_page.get_by_role("navigation", name="Pages of the audit log").count() == 1
    assert "**-**-34" not in officer_page.content()

    from_date = officer_page.get_by_role("group", name="From")
    from_date.get_by_label("Day").fill("31")
    from_date.get_by_label("Month").fill("2")
    from_date.get_by_label("Year").fill("2027")
    with officer_page.expect_navigation():  # else the title may be read mid-navigation (empty; seen in CI)
        officer_page.get_by_role("button", name="Apply filters").click()
    assert officer_page.title().startswith("Error: Audit log")
    assert officer_page.get_by_role("link", name="The date must be a real date").count() == 1
    assert from_date.get_by_label("Day").input_value() == "31"
    assert_no_axe_violations(officer_page)
