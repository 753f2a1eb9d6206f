"""The pages people start from lead to the pages built for them: nobody has to type an address."""

from __future__ import annotations

from portal.domain.workflow import AwardStatus
from portal.extensions import db
from portal.services import audit
from tests.helpers import visible_text


def test_the_public_home_leads_to_what_was_funded_and_achieved(client):
    html = client.get("/").data.decode()
    for href, words in (("/awards", "Grants awarded"), ("/progress", "What the funded groups have achieved")):
        assert f'href="{href}">{words}</a>' in html
    assert 'href="/stories">Stories from the projects</a>' in html


def test_an_officer_reaches_every_stage_of_a_round_from_its_page(client, login_as, make_round):
    login_as("officer")
    round_ = make_round()
    html = client.get(f"/officers/rounds/{round_.id}").data.decode()
    for path in ("panel", "panel/assignments", "moderation", "decisions", "awards", "acceptances", "letters"):
        assert f'href="/officers/rounds/{round_.id}/{path}"' in html, path
    assert f'href="/officers/rounds/{round_.id}/returns"' in html
    assert f'href="/officers/rounds/{round_.id}/exports"' in html
    assert f'href="/officers/dashboard?round={round_.id}"' in html
    assert 'href="/officers/dashboard"' in client.get("/officers/").data.decode()
    # A round with no accepted award yet says so, rather than "not found".
    empty = client.get(f"/officers/dashboard?round={round_.id}")
    assert empty.status_code == 200 and "No round has an accepted award yet." in visible_text(empty.data)
    assert client.get("/officers/dashboard?round=999999").status_code == 404


def test_a_panel_member_sees_the_progress_link_only_once_their_round_has_awards(
    client, login_as, make_round, make_panel, make_eligible_application, make_review, make_award
):
    member = login_as("panel_member")
    round_ = make_round()
    panel = make_panel(round_=round_, members=[member])
    application = make_eligible_application(round_=round_)
    make_review(application, panel.members[0])
    link = f'href="/panel/dashboard?round={round_.id}"'
    assert link not in client.get("/panel/").data.decode()
    award = make_award(application=application, status=AwardStatus.ACCEPTED)
    # Made accepted by the factory: record the audit event accepting it records, by which the
    # portal knows that the rounds with awards may have changed (services/figures_cache.py).
    audit.record("award.accepted", award, by=member)
    db.session.commit()
    assert link in client.get("/panel/").data.decode()


def test_a_funded_group_finds_its_returns_and_an_officer_can_enter_one_for_it(
    app, client, login_as, make_organisation, make_application, make_award, make_return
):
    from portal.domain.workflow import ReturnStatus
    from tests.factories import DEFAULT_PASSWORD

    amina = login_as("applicant")
    group = make_organisation(members=[amina])
    assert "Your output returns" not in visible_text(client.get("/applicant/").data)
    award = make_award(
        application=make_application(organisation=group, applicant=amina, submit=True), status=AwardStatus.ACCEPTED
    )
    due = make_return(award=award, status=ReturnStatus.DUE)
    assert 'href="/applicant/returns"' in client.get("/applicant/").data.decode()

    officer = app.test_client()
    from tests.factories import make_user

    person = make_user(roles={"officer"})
    officer.submit("/sign-in", {"email": person.email, "password": DEFAULT_PASSWORD})
    page = officer.get(f"/officers/returns/{due.id}").data.decode()
    assert f'href="/officers/returns/{due.id}/assisted"' in page


def test_everyone_signed_in_finds_their_two_factor_settings_from_every_page(client, login_as):
    import re

    login_as("applicant")
    link = re.compile(r'href="/account/two-factor">\s*Two-factor sign-in\s*</a>')
    for url in ("/applicant/", "/"):
        assert link.search(client.get(url).data.decode()), url
    assert "Two-factor sign-in" in visible_text(client.get("/account/two-factor").data)
    client.delete_cookie("portal_session")  # signed out: nothing to manage
    assert not link.search(client.get("/").data.decode())
