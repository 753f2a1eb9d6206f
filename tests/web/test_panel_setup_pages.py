"""Officers set up a round's panel (rules, members, their registers of interests) and assign EOIs
by hand and in bulk; panel members keep their own register of interests, and are never given an
EOI from a group it links them to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from portal.domain.panel import InterestKind
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus
from portal.models import Interest, Panel, PanelMember, Review
from portal.services import assignments, panels
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import csrf_token_from, page_title, visible_text


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as("officer", full_name="Olu Officer")


@pytest.fixture
def round_(make_round):  # noqa: ANN001, ANN201
    return make_round(title="Community grants 2027", reference_prefix="CIF-2027-")


@pytest.fixture
def eois(round_, make_eligible_application, make_organisation):  # noqa: ANN001, ANN201
    """Three EOIs found eligible, from three groups."""
    return [
        make_eligible_application(round_=round_, organisation=make_organisation(name=name))
        for name in ("Sparkhill Food Bank", "Ladywood Elders", "Aston Youth Boxing")
    ]


@pytest.fixture
def panel(db, round_, make_panel, make_user):  # noqa: ANN001, ANN201
    rita = make_user(roles={Role.PANEL_MEMBER}, full_name="Rita Resident", email="rita@example.org")
    vic = make_user(roles={Role.PANEL_MEMBER}, full_name="Vic Partner", email="vic@example.org")
    return make_panel(round_=round_, members=[rita, vic])


def _client_for(app, user):  # noqa: ANN001, ANN202
    """Another browser, signed in as ``user``."""
    other = app.test_client()
    response = other.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return other


def _count(db, model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


# --- the panel page ------------------------------------------------------------------------------


def test_a_first_visit_creates_nothing_and_offers_to_set_the_panel_up(client, db, officer, round_):
    url = f"/officers/rounds/{round_.id}/panel"
    page = client.get(url)
    text = visible_text(page.data)
    assert page_title(page.data).startswith("Community Stakeholder Panel: Community grants 2027")
    assert "This round has no panel yet." in text and "Set up the panel" in text
    assert _count(db, Panel) == 0

    response = client.submit(url, {}, follow_redirects=True)
    text = visible_text(response.data)
    assert "The panel is set up with the usual rules. Now add its members." in text
    assert "Reviewers each EOI needs 3 panel members without a conflict of interest" in text
    assert "Spread of scores that is discussed More than 25 points out of 100" in text
    assert "Scoring deadline No deadline set" in text
    assert "Nobody is on the panel yet." in text
    assert _count(db, Panel) == 1


def test_an_officer_changes_the_rules_with_the_deadline_in_uk_time(client, db, officer, round_, make_panel):
    panel = make_panel(round_=round_, members=0)
    url = f"/officers/rounds/{round_.id}/panel/rules"
    form = {
        "minimum_reviewers": "4",
        "spread_threshold": "17.5",
        "deadline_on-day": "30",
        "deadline_on-month": "4",
        "deadline_on-year": "2027",
        "deadline_time": "5pm",
    }
    response = client.submit(url, form, follow_redirects=True)
    text = visible_text(response.data)
    assert "The panel's rules are saved." in text
    assert "4 panel members without a conflict of interest" in text
    assert "More than 17.5 points out of 100" in text
    assert "30 April 2027 at 5:00pm (UK time)" in text
    db.session.refresh(panel)
    assert panel.scoring_deadline == datetime(2027, 4, 30, 16, 0, tzinfo=UTC)  # British Summer Time
    again = client.get(url).data.decode()
    assert 'value="4"' in again and 'value="17.5"' in again and 'value="17:00"' in again


def test_rules_that_make_no_sense_are_shown_with_what_was_typed(client, db, officer, round_, make_panel):
    make_panel(round_=round_, members=0)
    url = f"/officers/rounds/{round_.id}/panel/rules"
    response = client.submit(url, {"minimum_reviewers": "three", "spread_threshold": "200", "deadline_time": "5pm"})
    html = response.data.decode()
    text = visible_text(html)
    assert page_title(html).startswith("Error: ")
    assert "Enter how many reviewers as a whole number, like 3" in text
    assert "Enter the spread as a number from 0 to 100, like 25" in text
    assert "Enter the deadline date, or leave the time empty" in text
    assert 'value="three"' in html and 'value="200"' in html and 'value="5pm"' in html
    response = client.submit(url, {"minimum_reviewers": "0", "spread_threshold": "25"})
    assert "Enter a whole number from 1 to 50" in visible_text(response.data)


def test_an_officer_adds_members_by_email_and_sees_their_registers(
    client, db, officer, round_, make_panel, make_user, make_organisation
):
    make_panel(round_=round_, members=0)
    rita = make_user(roles={Role.APPLICANT}, full_name="Rita Resident", email="rita@example.org")
    food_bank = make_organisation(name="Sparkhill Food Bank")
    panels.add_interest(rita, food_bank, kind=InterestKind.TRUSTEE, note="Since 2019", by=rita)
    db.session.commit()
    url = f"/officers/rounds/{round_.id}/panel"
    response = client.submit(
        f"{url}/members",
        {"email": "Rita@Example.org", "kind": "resident", "profile": "Lives in Sparkbrook."},
        from_url=url,
        follow_redirects=True,
    )
    text = visible_text(response.data)
    assert "Rita Resident is on the panel." in text
    assert "Rita Resident rita@example.org Resident Lives in Sparkbrook." in text
    assert "1 interest Sparkhill Food Bank: Trustee or committee member (Since 2019)" in text
    db.session.refresh(rita)
    assert Role.PANEL_MEMBER in rita.roles


def test_adding_a_member_who_cannot_be_added_keeps_what_was_typed(client, db, officer, round_, make_panel):
    panel = make_panel(round_=round_, members=1)
    url = f"/officers/rounds/{round_.id}/panel"
    typed = {"email": "nobody@example.org", "kind": "voluntary_sector_partner", "profile": "Runs a lunch club."}
    response = client.submit(f"{url}/members", typed, from_url=url)
    html = response.data.decode()
    assert page_title(html).startswith("Error: ")
    assert "There is no account for this e-mail address. An admin can create one." in visible_text(html)
    assert 'value="nobody@example.org"' in html and "Runs a lunch club." in html
    assert 'value="voluntary_sector_partner" checked' in html

    existing = panel.members[0].user
    response = client.submit(f"{url}/members", {"email": existing.email, "kind": "resident"}, from_url=url)
    assert f"{existing.full_name} is already on this panel." in visible_text(response.data)
    response = client.submit(f"{url}/members", {"email": "not an address", "kind": ""}, from_url=url)
    text = visible_text(response.data)
    assert "Enter an e-mail address like name@example.org" in text
    assert "Choose whether they are a resident or a voluntary-sector partner" in text
    assert _count(db, PanelMember) == 1


def test_an_officer_changes_a_members_profile(client, db, officer, round_, panel):
    member = panel.members[0]
    url = f"/officers/rounds/{round_.id}/panel/members/{member.id}"
    assert "Lives in the area." in client.get(url).data.decode()
    response = client.submit(
        url, {"kind": "voluntary_sector_partner", "profile": "Runs a food bank."}, follow_redirects=True
    )
    text = visible_text(response.data)
    assert "Rita Resident's details are saved." in text
    assert "Voluntary-sector partner Runs a food bank." in text
    response = client.submit(url, {"kind": "resident", "profile": "x" * 2001})
    assert "Keep the profile to 2000 characters or fewer" in visible_text(response.data)


def test_removing_a_member_unless_they_have_submitted_scores(client, db, officer, round_, panel, eois, make_review):
    rita, vic = panel.members
    rita_id = rita.id
    make_review(eois[0], vic, scores=[3, 3, 3], submit=True)
    url = f"/officers/rounds/{round_.id}/panel"
    response = client.submit(f"{url}/members/{vic.id}/remove", {}, from_url=url, follow_redirects=True)
    assert "Vic Partner has already submitted scores, and the panel" in visible_text(response.data)
    response = client.submit(f"{url}/members/{rita_id}/remove", {}, from_url=url, follow_redirects=True)
    text = visible_text(response.data)
    assert "Rita Resident is no longer on the panel." in text
    assert _count(db, PanelMember) == 1
    assert client.submit(f"{url}/members/{rita_id}/remove", {}, from_url=url).status_code == 404  # gone


def test_a_member_of_another_rounds_panel_is_not_found(client, db, officer, round_, panel, make_panel):
    elsewhere = make_panel(members=1).members[0]
    base = f"/officers/rounds/{round_.id}/panel/members/{elsewhere.id}"
    assert client.get(base).status_code == 404
    from_url = f"/officers/rounds/{round_.id}/panel"
    assert client.submit(f"{base}/remove", {}, from_url=from_url).status_code == 404


# --- assigning -----------------------------------------------------------------------------------


def test_the_assignments_page_warns_about_eois_short_of_reviewers(client, db, officer, round_, panel, eois):
    page = client.get(f"/officers/rounds/{round_.id}/panel/assignments")
    text = visible_text(page.data)
    assert "3 EOIs have fewer than 3 reviewers without a conflict" in text
    assert "CIF-2027-0001 Sparkhill Food Bank Work stream 1 Nobody yet 0 of 3 Needs 3 more" in text


def test_an_officer_assigns_and_unassigns_by_hand(client, db, officer, round_, panel, eois):
    rita, vic = panel.members
    url = f"/officers/rounds/{round_.id}/panel/assignments"
    eoi = eois[0]
    token = csrf_token_from(client.get(url).data)
    prefix = f"eoi{eoi.id}-"
    response = client.post(
        f"{url}/{eoi.id}", data={f"{prefix}csrf_token": token, f"{prefix}member": str(rita.id)}, follow_redirects=True
    )
    text = visible_text(response.data)
    assert "CIF-2027-0001 is assigned to Rita Resident." in text
    assert "Rita Resident: not yet checked for conflicts" in text
    db.session.refresh(eoi)
    assert eoi.status == ApplicationStatus.WITH_PANEL
    [review] = db.session.scalars(select(Review)).all()

    response = client.submit(f"/officers/rounds/{round_.id}/panel/reviews/{review.id}/remove", {}, from_url=url)
    assert response.status_code == 302
    assert "Rita Resident no longer has CIF-2027-0001 to score." in visible_text(client.get(url).data)
    assert _count(db, Review) == 0


def test_a_refused_hand_assignment_is_shown_on_its_row_with_the_choice_kept(client, db, officer, round_, panel, eois):
    rita, vic = panel.members
    eoi = eois[1]
    url = f"/officers/rounds/{round_.id}/panel/assignments"
    token = csrf_token_from(client.get(url).data)
    assignments.assign(eoi, vic, by=officer)  # meanwhile, in another tab
    db.session.commit()
    prefix = f"eoi{eoi.id}-"
    response = client.post(f"{url}/{eoi.id}", data={f"{prefix}csrf_token": token, f"{prefix}member": str(vic.id)})
    html = response.data.decode()
    assert page_title(html).startswith("Error: ")
    assert "Vic Partner is already scoring this EOI." in visible_text(html)
    assert f'href="#{prefix}member"' in html
    assert f'<option value="{vic.id}" selected>Vic Partner</option>' in html
    response = client.post(f"{url}/{eoi.id}", data={f"{prefix}csrf_token": token, f"{prefix}member": ""})
    assert "Choose a panel member" in visible_text(response.data)


def test_a_submitted_review_stays_assigned(client, db, officer, round_, panel, eois, make_review):
    review = make_review(eois[0], panel.members[0], scores=[2, 2, 2], submit=True)
    url = f"/officers/rounds/{round_.id}/panel/assignments"
    assert "Rita Resident: scores submitted" in visible_text(client.get(url).data)
    response = client.submit(
        f"/officers/rounds/{round_.id}/panel/reviews/{review.id}/remove", {}, from_url=url, follow_redirects=True
    )
    assert "Rita Resident has already submitted their scores for this EOI" in visible_text(response.data)
    assert _count(db, Review) == 1


def test_an_officer_assigns_in_bulk_either_way(client, db, officer, round_, panel, eois, make_user):
    panels.add_member(panel, make_user(full_name="Sam Third"), kind="resident", profile=None, by=officer)
    db.session.commit()
    url = f"/officers/rounds/{round_.id}/panel/assignments"
    response = client.submit(f"{url}/bulk", {"mode": "number", "per_eoi": "2"}, from_url=url, follow_redirects=True)
    text = visible_text(response.data)
    assert "6 assignments made." in text
    assert "3 EOIs have fewer than 3 reviewers without a conflict" in text
    response = client.submit(f"{url}/bulk", {"mode": "every"}, from_url=url, follow_redirects=True)
    text = visible_text(response.data)
    assert "3 assignments made." in text
    assert "Every EOI has at least 3 reviewers without a conflict." in text
    response = client.submit(f"{url}/bulk", {"mode": "every"}, from_url=url, follow_redirects=True)
    assert "No assignments were needed" in visible_text(response.data)


def test_bulk_form_errors_keep_the_choice(client, db, officer, round_, panel, eois):
    url = f"/officers/rounds/{round_.id}/panel/assignments"
    response = client.submit(f"{url}/bulk", {"mode": "number", "per_eoi": ""}, from_url=url)
    html = response.data.decode()
    assert page_title(html).startswith("Error: ")
    assert "Enter how many members should score each EOI" in visible_text(html)
    assert 'value="number" checked' in html
    response = client.submit(f"{url}/bulk", {"per_eoi": "two"}, from_url=url)
    text = visible_text(response.data)
    assert "Choose who should score each EOI" in text and "Enter the number of members as a whole number" in text
    assert _count(db, Review) == 0


def test_bulk_without_eois_says_why(client, db, officer, round_, panel):
    url = f"/officers/rounds/{round_.id}/panel/assignments"
    response = client.submit(f"{url}/bulk", {"mode": "every"}, from_url=url)
    assert "There are no eligible EOIs waiting for the panel in this round." in visible_text(response.data)
    assert "No EOIs in this round have been found eligible yet." in visible_text(response.data)


def test_a_member_who_registers_an_interest_is_never_given_that_groups_eoi(
    app, client, db, officer, round_, panel, eois
):
    rita, vic = panel.members
    food_bank = eois[0].organisation
    member_browser = _client_for(app, rita.user)
    response = member_browser.submit(
        "/panel/interests?q=food",
        {"organisation": str(food_bank.id), "kind": "volunteer", "note": "Saturday mornings."},
        follow_redirects=True,
    )
    text = visible_text(response.data)
    assert "Sparkhill Food Bank is in your register. You will not be asked to score its EOIs." in text
    assert "Sparkhill Food Bank Volunteer Saturday mornings." in text

    url = f"/officers/rounds/{round_.id}/panel/assignments"
    page = client.get(url)
    assert "Rita Resident: linked in their register of interests" in visible_text(page.data)
    prefix = f"eoi{eois[0].id}-"
    response = client.post(
        f"{url}/{eois[0].id}",
        data={f"{prefix}csrf_token": csrf_token_from(page.data), f"{prefix}member": str(rita.id)},
    )
    assert "Rita Resident's register of interests links them to Sparkhill Food Bank." in visible_text(response.data)

    client.submit(f"{url}/bulk", {"mode": "every"}, from_url=url)
    pairs = set(db.session.execute(select(Review.application_id, Review.member_id)).all())
    assert (eois[0].id, rita.id) not in pairs
    assert len(pairs) == 5
    assert "Sparkhill Food Bank: Volunteer (Saturday mornings.)" in visible_text(
        client.get(f"/officers/rounds/{round_.id}/panel").data
    )


# --- a member's register of interests ------------------------------------------------------------


@pytest.fixture
def member(login_as):  # noqa: ANN001, ANN201
    return login_as("panel_member", full_name="Rita Resident")


def test_the_register_explains_itself_and_searches_groups_without_javascript(client, db, member, make_organisation):
    for name in ("Sparkhill Food Bank", "Sparkbrook Allotments", "Ladywood Elders"):
        make_organisation(name=name)
    page = client.get("/panel/interests")
    text = visible_text(page.data)
    assert page_title(page.data).startswith("Your register of interests")
    assert "so you are never asked to score a group you are linked to" in text
    assert "You have not listed any groups yet." in text
    html = client.get("/panel/interests?q=spark").data.decode()
    assert "2 groups match ‘spark’." in visible_text(html)
    assert "Sparkhill Food Bank" in html and "Sparkbrook Allotments" in html and "Ladywood Elders" not in html
    assert 'value="spark"' in html


def test_register_errors_keep_what_was_typed(client, db, member, make_organisation):
    group = make_organisation(name="Ladywood Elders")
    response = client.submit("/panel/interests", {"organisation": str(group.id), "note": "My aunt."})
    html = response.data.decode()
    assert page_title(html).startswith("Error: ")
    assert "Choose how you are linked to the group" in visible_text(html)
    assert f'<option value="{group.id}" selected>Ladywood Elders</option>' in html and "My aunt." in html
    response = client.submit("/panel/interests", {"kind": "family"})
    assert "Choose the group you are linked to" in visible_text(response.data)
    client.submit("/panel/interests", {"organisation": str(group.id), "kind": "family"})
    response = client.submit("/panel/interests", {"organisation": str(group.id), "kind": "family"})
    assert "This link to Ladywood Elders is already in the register." in visible_text(response.data)
    assert _count(db, Interest) == 1


def test_a_member_removes_a_link_but_not_someone_elses(client, db, member, make_user, make_organisation):
    group = make_organisation(name="Ladywood Elders")
    mine = panels.add_interest(member, group, kind=InterestKind.MEMBER, note=None, by=member)
    someone = make_user(roles={Role.PANEL_MEMBER})
    theirs = panels.add_interest(someone, group, kind=InterestKind.STAFF, note=None, by=someone)
    db.session.commit()
    assert client.submit(f"/panel/interests/{theirs.id}/remove", {}, from_url="/panel/interests").status_code == 404
    response = client.submit(
        f"/panel/interests/{mine.id}/remove", {}, from_url="/panel/interests", follow_redirects=True
    )
    text = visible_text(response.data)
    assert "Your link to Ladywood Elders has been taken out of your register." in text
    assert "You have not listed any groups yet." in text
    assert [i.user_id for i in db.session.scalars(select(Interest))] == [someone.id]


# --- who may see these pages ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_only_officers_reach_the_panel_set_up(client, db, login_as, round_, role):
    login_as(role)
    for path in ("panel", "panel/assignments", "panel/rules"):
        assert client.get(f"/officers/rounds/{round_.id}/{path}").status_code == 403
    assert client.post(f"/officers/rounds/{round_.id}/panel").status_code in {400, 403}


@pytest.mark.parametrize("role", ["applicant", "officer"])
def test_only_panel_members_keep_a_register(client, db, login_as, role):
    login_as(role)
    assert client.get("/panel/interests").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, db, round_):
    for path in (f"/officers/rounds/{round_.id}/panel", "/panel/interests"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_forms_left_open_too_long_keep_what_was_typed(client, db, officer, round_, panel, eois):
    vic = panel.members[1]
    prefix = f"eoi{eois[0].id}-"
    url = f"/officers/rounds/{round_.id}/panel/assignments"
    response = client.post(f"{url}/{eois[0].id}", data={f"{prefix}member": str(vic.id)})
    html = response.data.decode()
    assert response.status_code == 200 and page_title(html).startswith("Error: ")
    assert "This page was open for a long time" in visible_text(html)
    assert f'<option value="{vic.id}" selected>Vic Partner</option>' in html
    response = client.post(f"/officers/rounds/{round_.id}/panel/members", data={"email": "sam@example.org"})
    assert "This page was open for a long time" in visible_text(response.data)
    assert 'value="sam@example.org"' in response.data.decode()
    assert _count(db, Review) == 0


def test_the_panel_pages_run_the_same_queries_however_many_eois_and_members(
    client, db, officer, make_round, make_panel, make_eligible_application, make_organisation
):
    def queries_for(path: str) -> int:
        statements: list[str] = []

        def _record(conn, cursor, statement, *args):  # noqa: ANN001, ANN002, ANN202
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _record)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", _record)
        return len(statements)

    counts = []
    for size in (2, 6):
        panel = make_panel(round_=make_round(), members=size)
        for _ in range(size):
            make_eligible_application(round_=panel.round)
        assignments.assign_in_bulk(panel.round, per_eoi=None, by=officer)
        db.session.commit()
        for member in panel.members:
            panels.add_interest(member.user, make_organisation(), kind=InterestKind.OTHER, note=None, by=member.user)
        db.session.commit()
        base = f"/officers/rounds/{panel.round_id}/panel"
        counts.append((queries_for(base), queries_for(f"{base}/assignments")))
    assert counts[0] == counts[1]
