"""The group's offer pages (read the offer, accept with every condition ticked or decline, then give
bank details, shown masked afterwards) and the officers' acceptances overview, reminders and
bank details page. Other groups and other roles never reach them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus
from portal.extensions import db as _db
from portal.models import AwardCondition
from tests import factories
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import page_title, visible_text


def london_today():  # noqa: ANN201
    return datetime.now(ZoneInfo("Europe/London")).date()


@pytest.fixture
def group_award(app, applicant_with_group, make_application, make_award):  # noqa: ANN001, ANN201
    """The signed-in member's group has a released offer of £3,000 with two conditions."""
    user, group, round_ = applicant_with_group
    application = make_application(round_=round_, organisation=group, applicant=user, submit=True)
    award = make_award(application=application)
    award.conditions.append(
        AwardCondition(title="Real Living Wage", body="Pay anyone you employ the Real Living Wage.", position=1)
    )
    _db.session.commit()
    return award


def offer_url(award) -> str:  # noqa: ANN001
    return f"/applicant/applications/{award.application_id}/offer"


def bank_url(award) -> str:  # noqa: ANN001
    return f"/applicant/applications/{award.application_id}/bank-details"


def decline_url(award) -> str:  # noqa: ANN001
    return f"/applicant/applications/{award.application_id}/offer/decline"


def awards_mail(outbox) -> list[str]:  # noqa: ANN001
    return [m["template"] for m in outbox if m["template"].startswith("award_")]


def acceptance_data(award, **overrides) -> dict:  # noqa: ANN001, ANN003
    today = london_today()
    data = {
        "name": "Amina Khan",
        "role": "Treasurer",
        "accepted_on-day": str(today.day),
        "accepted_on-month": str(today.month),
        "accepted_on-year": str(today.year),
        "conditions": [str(c.id) for c in award.conditions],
    }
    return {**data, **overrides}


def test_the_offer_reads_in_plain_english(client, group_award):
    html = client.get(offer_url(group_award)).data.decode()
    page = visible_text(html)
    assert page_title(html).startswith(f"Your grant offer {group_award.application.reference} – ")
    assert "Amount £3,000.00 In words: three thousand pounds" in page
    assert f"Work stream {group_award.application.work_stream.name}" in page
    assert "When the grant is for From 1 April 2027 to 31 March 2028" in page
    assert "1. Safeguarding Keep a safeguarding policy and follow it." in page
    assert "2. Real Living Wage Pay anyone you employ the Real Living Wage." in page
    assert (
        "We pay the grant in 1 payment. Payment When we pay it Amount 1 When you accept the offer £3,000.00 (100% of the grant)"
        in page
    )
    assert "Mid-point return: by 1 October 2027" in page and "Final return: by 28 April 2028" in page
    assert "Email help@testshire.example and give your reference" in page
    assert "I agree to: Safeguarding" in page and "I agree to: Real Living Wage" in page
    today = london_today()
    assert f'name="accepted_on-day" type="text" value="{today.day}"' in html
    assert f'href="{decline_url(group_award)}"' in html


def test_the_status_page_links_to_the_offer(client, group_award):
    page = client.get(f"/applicant/applications/{group_award.application_id}/status").data.decode()
    assert "Read your grant offer, then accept it or turn it down online." in visible_text(page)
    assert f'href="{offer_url(group_award)}"' in page


def test_the_status_page_follows_the_answer_and_lists_the_newest_letters(client, group_award):
    from portal.domain.awards import LetterKind
    from portal.models import Letter

    status_url = f"/applicant/applications/{group_award.application_id}/status"
    for version in (1, 2):
        _db.session.add(
            Letter(
                application_id=group_award.application_id,
                award_id=group_award.id,
                kind=LetterKind.AWARD,
                version=version,
                template_name="award_letter.html",
                context={},
                storage_key=f"letters/{version}",
                sha256="0" * 64,
                size=10,
            )
        )
    _db.session.commit()
    newest = _db.session.scalar(_db.select(Letter).where(Letter.version == 2))
    html = client.get(status_url).data.decode()
    assert "Your letters Award letter (PDF, issued on " in visible_text(html)
    assert f'href="/applicant/letters/{newest.id}.pdf"' in html and html.count("/applicant/letters/") == 1
    client.submit(offer_url(group_award), acceptance_data(group_award))
    page = visible_text(client.get(status_url).data)
    assert "You accepted this offer on " in page and "Give your bank details" in page


def test_the_status_page_shows_no_offer_before_release(client, applicant_with_group, make_application, make_award):
    user, group, round_ = applicant_with_group
    hidden = make_award(
        application=make_application(round_=round_, organisation=group, applicant=user, submit=True), released=False
    )
    html = client.get(f"/applicant/applications/{hidden.application_id}/status").data.decode()
    assert "/offer" not in html and "Read your offer" not in visible_text(html)


def test_the_whole_journey_from_offer_to_masked_bank_details(client, group_award, outbox):
    award = group_award
    safeguarding = award.conditions[0]

    # Not every condition ticked: refused, with what was typed kept.
    response = client.submit(offer_url(award), acceptance_data(award, conditions=[str(safeguarding.id)], role="Chair"))
    html = response.data.decode()
    assert response.status_code == 200 and page_title(html).startswith("Error: ")
    assert "There is a problem Confirm you agree to every condition. Not ticked: Real Living Wage" in visible_text(html)
    assert 'href="#conditions"' in html
    assert 'value="Amina Khan"' in html and 'value="Chair"' in html
    assert f'value="{safeguarding.id}" checked' in html
    assert f'value="{award.conditions[1].id}" checked' not in html
    _db.session.refresh(award)
    assert award.status == AwardStatus.OFFERED

    # Everything ticked: accepted, on to the bank details.
    response = client.submit(offer_url(award), acceptance_data(award))
    assert response.status_code == 302 and response.headers["Location"] == bank_url(award)
    page = visible_text(client.get(bank_url(award)).data)
    assert "You have accepted the offer. Now give the bank details" in page
    assert awards_mail(outbox) == ["award_accepted"]
    offer_page = visible_text(client.get(offer_url(award)).data)
    assert f"You accepted this offer on {london_today().day} " in offer_page
    assert "Accepted by Amina Khan (Treasurer)" in offer_page and "Accept the offer" not in offer_page

    # Bank details that are not right: an error on each field, what was typed kept.
    response = client.submit(bank_url(award), {"account_name": "", "sort_code": "20-00", "account_number": "1234"})
    html = response.data.decode()
    page = visible_text(html)
    assert page_title(html).startswith("Error: ")
    for message, field in (
        ("Enter the name on the account", "account_name"),
        ("Enter a valid sort code like 309430", "sort_code"),
        ("Enter a valid account number like 00733445", "account_number"),
    ):
        assert message in page and f'href="#{field}"' in html
    assert 'value="20-00"' in html and 'value="1234"' in html
    assert 'inputmode="numeric"' in html and 'autocomplete="off"' in html

    # Right: saved, and from now on shown masked only.
    response = client.submit(
        bank_url(award),
        {"account_name": "Sparkhill Women's Circle", "sort_code": "20-00-00", "account_number": "55443345"},
    )
    assert response.status_code == 302 and response.headers["Location"] == bank_url(award)
    html = client.get(bank_url(award)).data.decode()
    page = visible_text(html)
    assert "Your bank details have been saved." in page
    assert "Name on the account Sparkhill Women's Circle Sort code **-**-00 Account number ****45" in page
    assert "55443345" not in html and "200000" not in html and "20-00-00" not in html
    assert f'href="{bank_url(award)}?change=1"' in html

    # Changing them: the name is offered again, the numbers never.
    html = client.get(bank_url(award) + "?change=1").data.decode()
    assert "The new details replace the account ending 45." in visible_text(html)
    assert "Sparkhill Women&#39;s Circle" in html and "55443345" not in html
    client.submit(
        bank_url(award),
        {"account_name": "Sparkhill Women's Circle", "sort_code": "309430", "account_number": "00733411"},
        from_url=bank_url(award) + "?change=1",
    )
    assert "Account number ****11" in visible_text(client.get(bank_url(award)).data)
    assert awards_mail(outbox) == ["award_accepted", "award_bank_details", "award_bank_details"]


def test_an_expired_form_keeps_what_was_typed(client, group_award):
    client.get(offer_url(group_award))
    response = client.post(offer_url(group_award), data={**acceptance_data(group_award), "csrf_token": "stale"})
    html = response.data.decode()
    assert response.status_code == 200 and "This page was open for a long time" in visible_text(html)
    assert 'value="Amina Khan"' in html and 'value="Treasurer"' in html
    _db.session.refresh(group_award)
    assert group_award.status == AwardStatus.OFFERED


def test_bank_details_wait_for_acceptance(client, group_award):
    response = client.get(bank_url(group_award))
    assert response.status_code == 302 and response.headers["Location"] == offer_url(group_award)
    assert "Accept the offer before you give bank details" in visible_text(client.get(offer_url(group_award)).data)


def test_the_decline_journey(client, group_award, outbox):
    html = client.get(decline_url(group_award)).data.decode()
    page = visible_text(html)
    assert "If you decline the offer, your group will not get this grant and you cannot change your mind later." in page
    response = client.submit(decline_url(group_award), {"reason": "We found the money elsewhere."})
    assert response.status_code == 302 and response.headers["Location"] == offer_url(group_award)
    page = visible_text(client.get(offer_url(group_award)).data)
    assert "You have declined the offer." in page and "You declined this offer on " in page
    assert "Accept the offer" not in page
    _db.session.refresh(group_award)
    assert group_award.status == AwardStatus.DECLINED and group_award.declined_reason == "We found the money elsewhere."
    assert awards_mail(outbox) == ["award_declined"]
    # Nothing more to answer: the decline page and bank details lead back to the offer.
    assert client.get(decline_url(group_award)).headers["Location"] == offer_url(group_award)
    assert client.get(bank_url(group_award)).headers["Location"] == offer_url(group_award)


def test_a_too_long_decline_reason_is_refused_keeping_it(client, group_award):
    response = client.submit(decline_url(group_award), {"reason": "x" * 5001})
    html = response.data.decode()
    assert "Keep this to 5000 characters or fewer" in visible_text(html) and "x" * 5001 in html


def test_another_groups_member_gets_404_everywhere(app, client, group_award, sign_in, make_organisation):
    outsider = factories.make_user(roles={Role.APPLICANT})
    make_organisation(members=[outsider])
    client.get("/sign-out")
    other = app.test_client()
    other.submit("/sign-in", {"email": outsider.email, "password": DEFAULT_PASSWORD})
    for url in (offer_url(group_award), decline_url(group_award), bank_url(group_award)):
        assert other.get(url).status_code == 404
        assert other.submit(url, {"name": "X"}, from_url="/applicant/").status_code == 404


def test_no_offer_page_before_release_or_without_an_award(client, applicant_with_group, make_application, make_award):
    user, group, round_ = applicant_with_group
    hidden = make_award(
        application=make_application(round_=round_, organisation=group, applicant=user, submit=True), released=False
    )
    assert client.get(offer_url(hidden)).status_code == 404
    assert client.get(bank_url(hidden)).status_code == 404
    plain = make_application(round_=round_, organisation=group, applicant=user, submit=True)
    assert client.get(f"/applicant/applications/{plain.id}/offer").status_code == 404


# --- officers -------------------------------------------------------------------------------------


@pytest.fixture
def officer_client(app, group_award):  # noqa: ANN001, ANN201
    officer = factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    other = app.test_client()
    other.submit("/sign-in", {"email": officer.email, "password": DEFAULT_PASSWORD})
    return other


def test_officers_follow_acceptances_and_remind(
    client, officer_client, group_award, make_award, make_application, outbox
):
    round_id = group_award.application.round_id
    waiting = make_award(application=make_application(round_=group_award.application.round, submit=True), amount="2500")
    client.submit(offer_url(group_award), acceptance_data(group_award))
    client.submit(
        bank_url(group_award), {"account_name": "Circle", "sort_code": "200000", "account_number": "55443345"}
    )
    html = officer_client.get(f"/officers/rounds/{round_id}/acceptances").data.decode()
    page = visible_text(html)
    assert "2 awards. 1 accepted, 1 waiting for an answer, 0 declined. Bank details in for 1 award." in page
    assert f"{group_award.application.reference} Sparkhill Women's Circle £3,000 Accepted" in page
    assert "Amina Khan, Treasurer Yes See the bank details for" in page
    assert (
        f"{waiting.application.reference} {waiting.application.organisation.name} £2,500 Waiting for an answer" in page
    )
    assert html.count(">Remind<") == 1 and f'action="/officers/awards/{waiting.id}/remind"' in html

    acceptances = f"/officers/rounds/{round_id}/acceptances"
    response = officer_client.submit(f"/officers/awards/{waiting.id}/remind", {}, from_url=acceptances)
    assert response.status_code == 302 and response.headers["Location"] == acceptances
    assert "Reminder sent to everyone in" in visible_text(officer_client.get(acceptances).data)
    [reminder] = [m for m in outbox if m["template"] == "award_reminder"]
    assert f"http://localhost/applicant/applications/{waiting.application_id}/offer" in reminder["body"]

    officer_client.submit(f"/officers/awards/{waiting.id}/remind", {}, from_url=acceptances)
    assert "You reminded them on " in visible_text(officer_client.get(acceptances).data)
    assert len([m for m in outbox if m["template"] == "award_reminder"]) == 1


def test_a_remind_without_its_token_is_not_sent(officer_client, group_award, outbox):
    response = officer_client.post(f"/officers/awards/{group_award.id}/remind", data={})
    assert response.status_code in (302, 400)
    assert not [m for m in outbox if m["template"] == "award_reminder"]


def test_officers_see_the_full_bank_details_with_who_gave_them(client, officer_client, group_award):
    client.submit(offer_url(group_award), acceptance_data(group_award))
    client.submit(
        bank_url(group_award), {"account_name": "Circle", "sort_code": "20 00 00", "account_number": "55443345"}
    )
    response = officer_client.get(f"/officers/awards/{group_award.id}/bank-details")
    page = visible_text(response.data)
    assert "Name on the account Circle Sort code 20-00-00 Account number 55443345 Given by Amina Khan" in page
    assert response.headers["Cache-Control"] == "private, no-store"
    empty = factories.make_award(
        application=factories.make_application(round_=group_award.application.round, submit=True)
    )
    assert "The group has not given its bank details yet." in visible_text(
        officer_client.get(f"/officers/awards/{empty.id}/bank-details").data
    )
    assert officer_client.get("/officers/awards/999999/bank-details").status_code == 404


def test_an_applicant_cannot_reach_the_officer_pages(client, group_award):
    round_id = group_award.application.round_id
    assert client.get(f"/officers/rounds/{round_id}/acceptances").status_code == 403
    assert client.get(f"/officers/awards/{group_award.id}/bank-details").status_code == 403
    assert client.post(f"/officers/awards/{group_award.id}/remind").status_code in (400, 403)


def test_an_officer_does_not_answer_for_the_group(officer_client, group_award):
    assert officer_client.get(offer_url(group_award)).status_code == 403
    assert officer_client.get(bank_url(group_award)).status_code == 403
