"""A group tells us about itself, changes its details, and invites people to help with applications."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.domain.organisations import LegalForm, MembershipRole
from portal.domain.roles import Role
from portal.models import AuditEvent, Locality, Organisation, OrganisationInvitation, User, Ward
from tests.helpers import page_title, visible_text

NEW = "/applicant/organisations/new"


@pytest.fixture
def places(db):  # noqa: ANN001, ANN201
    north = Locality(name="North", position=0, wards=[Ward(name="Riverside"), Ward(name="Old Town")])
    south = Locality(name="South", position=1, wards=[Ward(name="Hillside")])
    closed = Locality(name="Closed Area", position=2, is_archived=True)
    db.session.add_all([north, south, closed])
    db.session.commit()
    return {"north": north, "south": south, "riverside": north.wards[1], "hillside": south.wards[0]}


@pytest.fixture
def amina(login_as):  # noqa: ANN001, ANN201
    return login_as("applicant", full_name="Amina Khan", email="amina@example.org")


def group_answers(places, **overrides) -> dict:  # noqa: ANN001, ANN003
    answers = {
        "name": "Sparkhill Women's Circle",
        "legal_form": "community_group",
        "income_band": "under_10k",
        "address_line_1": "12 Stratford Road",
        "address_line_2": "",
        "town": "Birmingham",
        "postcode": "b11 4bs",
        "contact_phone": "0121 496 0000",
        "localities": [str(places["north"].id)],
        "wards": [str(places["riverside"].id)],
        "led_by": ["women"],
        "works_with": ["women", "refugees_migrants"],
    }
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


def saved_group(db) -> Organisation:  # noqa: ANN001
    return db.session.scalar(select(Organisation))


def test_a_person_with_no_group_is_asked_to_tell_us_about_it(client, amina, places):
    home = client.get("/applicant/")
    assert "Tell us about your group" in visible_text(home.data)
    assert f'href="{NEW}"' in home.data.decode()
    form = client.get(NEW)
    text = visible_text(form.data)
    assert page_title(form.data).startswith("Tell us about your group –")
    assert "Across the whole city" in text
    assert "Closed Area" not in text  # archived areas are not offered
    assert "These two questions are optional. Your answers do not affect the decision" in text
    assert "only report them as totals" in text


def test_a_constituted_group_tells_us_about_itself(client, db, amina, places):
    response = client.submit(NEW, group_answers(places))
    organisation = saved_group(db)
    assert response.headers["Location"] == f"/applicant/organisations/{organisation.id}"
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "Thank you. Your group's details are saved." in page
    assert "Sparkhill Women's Circle" in page
    assert "Kind of group Constituted community or voluntary group" in page
    assert "12 Stratford Road Birmingham B11 4BS" in page
    assert "Phone number 0121 496 0000" in page
    assert "Where you work North: Riverside" in page
    assert "Who you mainly work with Women Refugees, asylum seekers or migrants" in page
    assert "Amina Khan (you) amina@example.org Manages the account" in page
    assert organisation.legal_form == LegalForm.COMMUNITY_GROUP
    assert organisation.postcode == "B11 4BS"
    assert organisation.works_with == ["women", "refugees_migrants"]
    assert [(m.user.email, m.role) for m in organisation.members] == [("amina@example.org", MembershipRole.OWNER)]
    home = client.get("/applicant/")
    assert f'href="/applicant/organisations/{organisation.id}">Sparkhill Women&#39;s Circle</a>' in home.data.decode()


def test_an_unconstituted_group_is_told_it_needs_an_accountable_body_and_keeps_every_answer(client, db, amina, places):
    answers = group_answers(
        places, name="Stockland Green Walkers", legal_form="unconstituted", contact_phone="07700 900982"
    )
    response = client.submit(NEW, answers)
    html = response.data.decode()
    assert page_title(html).startswith("Error: Tell us about your group")
    text = visible_text(html)
    assert "There is a problem Enter the name of your accountable body" in text
    assert "a group without a constitution needs one to apply" in text
    assert "An accountable body is an organisation, such as a local charity" in text
    assert 'value="Stockland Green Walkers"' in html
    assert 'value="07700 900982"' in html
    assert 'value="12 Stratford Road"' in html
    assert re.search(r'value="unconstituted"\s+checked', html)
    assert re.search(rf'value="{places["north"].id}"\s+checked', html)
    assert re.search(rf'value="{places["riverside"].id}"\s+checked', html)
    assert re.search(r'name="led_by" type="checkbox" value="women"\s+checked', html)
    assert saved_group(db) is None

    answers.update(accountable_body_name="Umbrella Trust", accountable_body_contact="grants@umbrella.example")
    client.submit(NEW, answers)
    organisation = saved_group(db)
    assert (organisation.accountable_body_name, organisation.accountable_body_contact) == (
        "Umbrella Trust",
        "grants@umbrella.example",
    )
    page = visible_text(client.get(f"/applicant/organisations/{organisation.id}").data)
    assert "Accountable body Umbrella Trust grants@umbrella.example" in page


def test_a_registered_charity_with_a_wrong_number_is_told_the_format(client, db, amina, places):
    answers = group_answers(places, name="Aston Food Bank", legal_form="charity", charity_number="12AB")
    response = client.submit(NEW, answers)
    html = response.data.decode()
    assert "Enter a charity number in the correct format, like 1012345" in visible_text(html)
    assert 'value="12AB"' in html
    assert saved_group(db) is None
    answers["charity_number"] = " 1012345 "
    client.submit(NEW, answers)
    assert saved_group(db).charity_number == "1012345"


def test_a_faith_group_working_across_the_city_that_prefers_not_to_say(client, db, amina, places):
    response = client.submit(
        NEW,
        group_answers(
            places,
            name="Al-Noor Community Mosque",
            legal_form="faith",
            income_band="10k_to_50k",
            localities=["all"],
            wards=None,
            led_by=["prefer_not_to_say"],
            works_with=["faith", "older_people"],
        ),
    )
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "Kind of group Faith organisation" in page
    assert "Yearly income £10,000 to £50,000" in page
    assert "Where you work Across the whole city" in page
    assert "Who leads your group Prefer not to say" in page
    organisation = saved_group(db)
    assert {loc.name for loc in organisation.localities} == {"North", "South"}
    assert organisation.led_by == ["prefer_not_to_say"]
    assert organisation.works_with == ["older_people", "faith"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the name of your group"),
        ({"legal_form": None}, "Select what kind of group you are"),
        ({"income_band": None}, "Select your group's yearly income"),
        ({"postcode": "B11"}, "Enter a full UK postcode, like B11 4BS"),
        ({"contact_phone": "ring the hall"}, "Enter a telephone number, like 0121 496 0000 or 07700 900982"),
        ({"localities": None, "wards": None}, "Select the areas your group works in, or 'Across the whole city'"),
        ({"legal_form": "cic_or_company", "company_number": "ABC"}, "Enter a company number in the correct format"),
        ({"led_by": ["women", "prefer_not_to_say"]}, "Select 'Prefer not to say' on its own, or choose who it is"),
    ],
)
def test_each_problem_is_explained(client, db, amina, places, overrides, message):
    response = client.submit(NEW, group_answers(places, **overrides))
    assert message in visible_text(response.data)
    assert page_title(response.data).startswith("Error: ")
    assert saved_group(db) is None


def test_the_fields_for_each_kind_of_group_are_on_the_page_without_javascript(client, amina, places):
    html = client.get(NEW).data.decode()
    text = visible_text(html)
    for name in ("charity_number", "company_number", "accountable_body_name", "accountable_body_contact"):
        assert f'name="{name}"' in html
    assert "Only if you are a registered charity or CIO" in text
    assert "Only if you are a CIC or company" in text
    assert "Only if your group does not have a constitution" in text


def test_after_telling_us_the_person_goes_back_to_where_they_were(client, db, amina, places):
    response = client.submit(f"{NEW}?next=/applicant/rounds/7/start", group_answers(places))
    assert response.headers["Location"] == "/applicant/rounds/7/start"
    elsewhere = client.submit(f"{NEW}?next=https://evil.example/", group_answers(places, name="Second group"))
    assert elsewhere.headers["Location"].startswith("/applicant/organisations/")


def test_a_group_changes_its_details_and_the_change_is_audited(client, db, amina, places):
    client.submit(NEW, group_answers(places))
    organisation = saved_group(db)
    edit_url = f"/applicant/organisations/{organisation.id}/edit"
    form = client.get(edit_url).data.decode()
    assert 'value="Sparkhill Women&#39;s Circle"' in form
    assert 'value="B11 4BS"' in form
    assert re.search(rf'value="{places["riverside"].id}"\s+checked', form)
    response = client.submit(
        edit_url, group_answers(places, name="Sparkhill Women", localities=[str(places["south"].id)], wards=None)
    )
    assert response.headers["Location"] == f"/applicant/organisations/{organisation.id}"
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "Your group's details are saved." in page
    assert "Where you work South" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.updated"))
    assert event.before["name"] == "Sparkhill Women's Circle" and event.after["name"] == "Sparkhill Women"
    assert event.after["localities"] == ["South"] and event.after["wards"] == []


def test_a_city_wide_group_sees_it_ticked_when_it_comes_back(client, db, amina, places):
    client.submit(NEW, group_answers(places, localities=["all"], wards=None))
    form = client.get(f"/applicant/organisations/{saved_group(db).id}/edit").data.decode()
    assert re.search(r'value="all"\s+checked', form)


# --- invitations ---------------------------------------------------------------------------------


@pytest.fixture
def group(client, db, amina, places):  # noqa: ANN001, ANN201
    client.submit(NEW, group_answers(places))
    return saved_group(db)


def invite(client, organisation, email: str):  # noqa: ANN001, ANN201
    base = f"/applicant/organisations/{organisation.id}"
    return client.submit(f"{base}/invitations", {"email": email}, from_url=base)


def invitation_link(message: dict) -> str:
    return re.search(r"http://localhost(/applicant/invitations/\S+)", message["body"]).group(1)


def test_an_owner_invites_someone_who_gets_an_email_with_a_link(client, db, outbox, group):
    response = invite(client, group, "Bilal@Example.org")
    assert response.headers["Location"].endswith(f"/applicant/organisations/{group.id}#members")
    page = visible_text(client.get(f"/applicant/organisations/{group.id}").data)
    assert "Invitation sent to bilal@example.org." in page
    assert "Invited, not joined yet bilal@example.org: the link works until" in page
    [message] = [m for m in outbox if m["to"] == "bilal@example.org"]
    assert message["subject"] == "Join Sparkhill Women's Circle to apply for grants"
    assert "Amina Khan has invited you to help Sparkhill Women's Circle apply for community grants" in message["body"]
    assert "The link works for 14 days and only once." in message["body"]
    assert invitation_link(message).startswith("/applicant/invitations/")


def test_inviting_explains_mistakes(client, group):
    response = invite(client, group, "not an email")
    text = visible_text(response.data)
    assert "There is a problem Enter an email address in the correct format, like name@example.com" in text
    assert page_title(response.data).startswith("Error: Sparkhill Women")
    response = invite(client, group, "amina@example.org")
    assert "amina@example.org is already a member of this group" in visible_text(response.data)


def test_the_invited_person_signs_in_and_joins(app, client, db, outbox, group, make_user):
    invite(client, group, "Bilal@Example.org")
    link = invitation_link(outbox[-1])
    bilal_client = app.test_client()
    signed_out = bilal_client.get(link)
    text = visible_text(signed_out.data)
    assert "The invitation was sent to bilal@example.org. To join, sign in with that email address" in text
    assert f'href="/sign-in?next={link}"' in signed_out.data.decode()
    assert f'href="/sign-up?next={link}"' in signed_out.data.decode()

    make_user(roles={Role.PANEL_MEMBER}, email="bilal@example.org", full_name="Bilal Ahmed")
    signed_in = bilal_client.submit(
        f"/sign-in?next={link}", {"email": "BILAL@example.org", "password": "correct horse battery staple"}
    )
    assert signed_in.headers["Location"] == link
    page = bilal_client.get(link)
    assert "Join Sparkhill Women's Circle" in visible_text(page.data)
    joined = bilal_client.submit(link, {})
    assert joined.headers["Location"] == f"/applicant/organisations/{group.id}"
    page = visible_text(bilal_client.get(joined.headers["Location"]).data)
    assert "You have joined Sparkhill Women's Circle." in page
    assert "Bilal Ahmed (you) bilal@example.org Member" in page
    assert "Invite someone to help with applications" not in page  # only owners invite
    assert "ask the person who manages your group's account" in page
    bilal = db.session.scalar(select(User).where(User.email == "bilal@example.org"))
    assert bilal.roles == {Role.PANEL_MEMBER, Role.APPLICANT}
    again = bilal_client.get(link)
    assert again.status_code == 404
    assert "The link has expired or has already been used." in visible_text(again.data)


def test_someone_signed_in_as_another_person_cannot_use_the_invitation(app, client, db, outbox, group, make_user):
    invite(client, group, "bilal@example.org")
    link = invitation_link(outbox[-1])
    intruder = make_user(email="someone.else@example.org")
    other = app.test_client()
    other.submit("/sign-in", {"email": intruder.email, "password": "correct horse battery staple"})
    page = other.get(link)
    assert page.status_code == 403
    assert "This invitation was sent to a different email address" in visible_text(page.data)
    refused = other.post(link, data={"csrf_token": re.search(r'value="([^"]+)"', page.data.decode()).group(1)})
    assert refused.status_code == 403
    assert len(saved_group(db).members) == 1


def test_an_expired_invitation_gets_a_clear_page(client, db, outbox, group, make_user):
    invite(client, group, "bilal@example.org")
    link = invitation_link(outbox[-1])
    invitation = db.session.scalar(select(OrganisationInvitation))
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db.session.commit()
    page = client.get(link)
    assert page.status_code == 404
    assert "This invitation link does not work" in visible_text(page.data)
    assert "Ask the person who invited you to send a new invitation." in visible_text(page.data)
    assert client.get("/applicant/invitations/made-up-token").status_code == 404


def test_joining_with_an_expired_form_keeps_the_person_on_the_page(app, client, db, outbox, group, make_user):
    invite(client, group, "bilal@example.org")
    link = invitation_link(outbox[-1])
    make_user(email="bilal@example.org")
    bilal_client = app.test_client()
    bilal_client.submit("/sign-in", {"email": "bilal@example.org", "password": "correct horse battery staple"})
    response = bilal_client.post(link, data={"csrf_token": "stale"})
    assert response.status_code == 200
    assert "This page was open for a long time" in visible_text(response.data)
    assert len(saved_group(db).members) == 1
