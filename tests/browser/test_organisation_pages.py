"""The pages about a group pass axe (WCAG 2.2 A and AA) and have the basics right, errors shown too;
the conditional questions and "Prefer not to say" behave in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.domain.organisations import IncomeBand, LegalForm
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import FilePurpose, Locality, OrganisationInvitation, Ward
from portal.services import files, organisations
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.unit import test_filetypes as samples


def _check(page) -> None:  # noqa: ANN001
    assert_page_basics(page)
    assert_no_axe_violations(page)


@pytest.fixture
def places():  # noqa: ANN201
    north = Locality(name="North", position=0, wards=[Ward(name="Riverside"), Ward(name="Old Town")])
    south = Locality(name="South", position=1, wards=[Ward(name="Hillside")])
    db.session.add_all([north, south])
    db.session.commit()
    return north, south


@pytest.fixture
def owner(make_user):  # noqa: ANN001, ANN201
    return make_user(full_name="Amina Khan", email="amina@example.org")


@pytest.fixture
def group(owner, places):  # noqa: ANN001, ANN201
    details = organisations.OrganisationDetails(
        name="Sparkhill Women's Circle",
        legal_form=LegalForm.UNCONSTITUTED,
        accountable_body_name="Umbrella Trust",
        accountable_body_contact="grants@umbrella.example",
        income_band=IncomeBand.UNDER_10K,
        address_line_1="12 Stratford Road",
        town="Birmingham",
        postcode="B11 4BS",
        localities=[places[0]],
        wards=[ward for ward in places[0].wards if ward.name == "Riverside"],
        led_by=["women"],
        works_with=["prefer_not_to_say"],
    )
    organisation = organisations.create_organisation(details, by=owner)
    files.store_upload(
        samples.PDF,
        "Our constitution.pdf",
        purpose=FilePurpose.CONSTITUTION,
        organisation=organisation,
        by=owner,
        max_bytes=1024 * 1024,
    )
    _, token = organisations.invite_member(organisation, "bilal@example.org", by=owner)
    db.session.commit()
    organisation.token = token
    return organisation


def test_the_home_page_without_a_group(page, make_user, sign_in_page, places):
    sign_in_page(page, make_user())
    page.goto("/applicant/")
    assert page.get_by_role("link", name="Tell us about your group").is_visible()
    _check(page)


def test_the_home_page_with_a_group(page, owner, group, sign_in_page):
    sign_in_page(page, owner)
    page.goto("/applicant/")
    assert page.get_by_role("link", name="Sparkhill Women's Circle").is_visible()
    _check(page)


def test_the_new_group_form_and_its_errors(page, make_user, sign_in_page, places):
    sign_in_page(page, make_user())
    page.goto("/applicant/organisations/new")
    _check(page)
    charity_number = page.get_by_label("Charity number")
    assert charity_number.is_visible()
    assert page.get_by_text("Only if you are a registered charity or CIO").is_visible()
    page.get_by_label("Registered charity or CIO").check()
    page.get_by_label("Name of your group").fill("Aston Food Bank")
    charity_number.fill("12AB")
    with page.expect_navigation():
        page.get_by_role("button", name="Save your group's details").click()
    assert page.title().startswith("Error: Tell us about your group")
    summary = page.locator(".govuk-error-summary")
    assert "Enter a charity number in the correct format, like 1012345" in summary.inner_text()
    assert "Select the areas your group works in" in summary.inner_text()
    assert page.get_by_label("Charity number").input_value() == "12AB"
    _check(page)


def test_wards_are_revealed_under_their_area_and_prefer_not_to_say_stands_alone(page, make_user, sign_in_page, places):
    sign_in_page(page, make_user())
    page.goto("/applicant/organisations/new")
    riverside = page.get_by_label("Riverside")
    assert not riverside.is_visible()
    page.get_by_label("North", exact=True).check()
    assert riverside.is_visible()
    leads = page.get_by_role("group", name="Who leads your group? (optional)")
    leads.get_by_label("Women", exact=True).check()
    leads.get_by_label("Prefer not to say").check()
    assert not leads.get_by_label("Women", exact=True).is_checked()
    page.get_by_label("Across the whole city").check()
    assert not page.get_by_label("North", exact=True).is_checked()


def test_the_group_page_for_its_owner_with_errors_too(page, owner, group, sign_in_page):
    sign_in_page(page, owner)
    page.goto(f"/applicant/organisations/{group.id}")
    assert page.get_by_role("link", name="Our constitution.pdf").is_visible()
    assert page.get_by_text("bilal@example.org: the link works until").is_visible()
    _check(page)

    page.get_by_label("Safeguarding policy").check()
    page.get_by_label("Upload the document").set_input_files(
        {"name": "policy.pdf.exe", "mimeType": "application/pdf", "buffer": samples.PDF}
    )
    page.get_by_role("button", name="Upload document").click()
    assert "This file type is not allowed" in page.locator(".govuk-error-summary").inner_text()
    _check(page)

    page.goto(f"/applicant/organisations/{group.id}")
    page.get_by_label("Their email address").fill("not an email")
    page.get_by_role("button", name="Send invitation").click()
    assert "Enter an email address in the correct format" in page.locator(".govuk-error-summary").inner_text()
    _check(page)


def test_the_change_form(page, owner, group, sign_in_page):
    sign_in_page(page, owner)
    page.goto(f"/applicant/organisations/{group.id}/edit")
    assert page.get_by_label("Name of your accountable body").input_value() == "Umbrella Trust"
    assert page.get_by_label("Riverside").is_checked()
    _check(page)
    page.get_by_label("Name of your accountable body").fill("")
    page.get_by_label("Postcode").fill("B11")
    page.get_by_role("button", name="Save your group's details").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the name of your accountable body" in summary
    assert "Enter a full UK postcode, like B11 4BS" in summary
    _check(page)


def test_the_group_page_as_an_officer_reads_it(page, make_user, group, sign_in_page):
    sign_in_page(page, make_user(roles={Role.OFFICER}))
    page.goto(f"/applicant/organisations/{group.id}")
    assert page.locator("h1").inner_text() == "Sparkhill Women's Circle"
    assert page.get_by_role("button", name="Upload document").count() == 0
    _check(page)


def test_the_invitation_pages(page, new_context, owner, group, make_user, sign_in_page):
    link = f"/applicant/invitations/{group.token}"
    page.goto(link)
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    _check(page)

    invited = new_context().new_page()
    sign_in_page(invited, make_user(email="bilal@example.org"))
    invited.goto(link)
    assert invited.get_by_role("button", name="Join Sparkhill Women's Circle").is_visible()
    _check(invited)

    stranger = new_context().new_page()
    sign_in_page(stranger, make_user(email="someone.else@example.org"))
    stranger.goto(link)
    assert stranger.get_by_text("sent to a different email address").is_visible()
    _check(stranger)

    invitation = db.session.scalar(db.select(OrganisationInvitation))
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db.session.commit()
    page.goto(link)
    assert page.locator("h1").inner_text() == "This invitation link does not work"
    _check(page)
