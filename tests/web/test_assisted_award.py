"""The assisted route for an offer (issue #7, item 9): an officer records a group's answer to its
offer for it (the acceptance its signatory gave, or its refusal) and takes the bank account the
grant is paid into. The effect is the group's own (the same award, returns and e-mails), and the
record says who did it for whom and how: the audit event's actor is the officer, ``on_behalf_of``
the group, ``channel`` how the group reached us. Nobody else reaches these pages."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.domain.workflow import AWARD_TRANSITIONS, AwardStatus, check_transition
from portal.extensions import db as _db
from portal.models import AuditEvent, Award, BankDetails, OutputReturn
from portal.services import ServiceError, acceptance, assisted_award
from tests.helpers import csrf_token_from, visible_text


def london_today():  # noqa: ANN201
    return datetime.now(ZoneInfo("Europe/London")).date()


@pytest.fixture
def member(make_user):  # noqa: ANN001, ANN201
    return make_user(full_name="Amina Khan", email="amina@example.org")


@pytest.fixture
def group(make_organisation, member):  # noqa: ANN001, ANN201
    return make_organisation(members=[member], name="Sparkhill Women's Circle")


@pytest.fixture
def make_group_award(make_application, make_award, group, member):  # noqa: ANN001, ANN201
    def _make(**fields):  # noqa: ANN003, ANN202
        application = make_application(organisation=group, applicant=member, submit=True)
        return make_award(application=application, **fields)

    return _make


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as("officer", full_name="Olu Officer")


def events(*actions: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)))


def accept_url(award) -> str:  # noqa: ANN001
    return f"/officers/awards/{award.id}/acceptance"


def acceptance_data(award, **overrides) -> dict:  # noqa: ANN001, ANN003
    today = london_today()
    data = {
        "channel": "phone",
        "name": "Fatima Begum",
        "role": "Treasurer",
        "accepted_on-day": str(today.day),
        "accepted_on-month": str(today.month),
        "accepted_on-year": str(today.year),
        "conditions": [str(c.id) for c in award.conditions],
    }
    return {**data, **overrides}


def bank_data(**overrides) -> dict:  # noqa: ANN003
    data = {
        "channel": "in_person",
        "given_by": "Fatima Begum",
        "note": "Fatima, the treasurer, brought the group's bank statement to the drop-in on 3 March.",
        "account_name": "Sparkhill Women's Circle",
        "sort_code": "20-00-00",
        "account_number": "5544 3345",
    }
    return {**data, **overrides}


# --- accepting ---------------------------------------------------------------------------------------


def test_an_officer_accepts_an_offer_for_the_group_and_it_is_recorded_so(
    client, make_group_award, group, member, officer, outbox
):
    award = make_group_award()
    award_page = client.get(f"/officers/awards/{award.id}").data.decode()
    assert f'href="{accept_url(award)}"' in award_page  # the officer on the phone finds it on the award

    form = visible_text(client.get(accept_url(award)).data)
    assert "Record the group's acceptance of its offer" in form
    assert "Safeguarding Keep a safeguarding policy and follow it." in form  # to read to the group
    assert "The group agrees to: Safeguarding" in form
    response = client.submit(accept_url(award), acceptance_data(award))
    assert response.headers["Location"] == f"/officers/awards/{award.id}"

    # The effect: the group's own acceptance, its returns due, its members told.
    saved = _db.session.get(Award, award.id)
    assert (saved.status, saved.accepted_name, saved.accepted_role, saved.accepted_on) == (
        AwardStatus.ACCEPTED,
        "Fatima Begum",
        "Treasurer",
        london_today(),
    )
    assert saved.accepted_by_id == officer.id and all(c.agreed_at for c in saved.conditions)
    assert _db.session.scalar(select(func.count(OutputReturn.id)).where(OutputReturn.award_id == award.id)) == 2
    [mail] = [m for m in outbox if m["template"] == "award_accepted"]
    assert mail["to"] == member.email and "Fatima Begum (Treasurer) accepted the grant offer" in mail["body"]
    # The record: the officer, for the group, by phone.
    [event] = events("award.accepted")
    assert (event.actor_id, event.on_behalf_of_id, event.channel) == (officer.id, group.id, "phone")
    assert event.after["name"] == "Fatima Begum" and event.after["conditions_agreed"] == ["Safeguarding"]
    page = visible_text(client.get(f"/officers/awards/{award.id}").data)
    assert "You have recorded that Sparkhill Women's Circle accepts the offer." in page
    assert "Accepted by Fatima Begum (Treasurer). Recorded for the group by Olu Officer." in page
    assert "Enter the bank details for the group" in page  # what the officer does next


def test_an_acceptance_for_a_group_keeps_what_was_typed_and_says_what_is_missing(client, make_group_award, officer):
    award = make_group_award()
    response = client.submit(accept_url(award), acceptance_data(award, channel="", role="", conditions=[]))
    assert response.status_code == 200
    page, html = visible_text(response.data), response.data.decode()
    assert "Choose how the group reached us" in page
    assert "Enter their role in the group, for example treasurer" in page
    assert 'value="Fatima Begum"' in html

    # Past the form's checks, the group's own rules: not a date in the future, every condition agreed.
    future = london_today() + timedelta(days=3)
    data = acceptance_data(award, conditions=[])
    data.update({"accepted_on-day": str(future.day), "accepted_on-month": str(future.month)})
    data["accepted_on-year"] = str(future.year)
    page = visible_text(client.submit(accept_url(award), data).data)
    assert "The date cannot be in the future" in page
    assert "Not ticked: Safeguarding" in page
    assert _db.session.get(Award, award.id).status == AwardStatus.OFFERED
    assert events("award.accepted") == []


def test_an_answer_is_recorded_only_for_an_offer_the_group_can_answer(client, make_group_award, officer):
    hidden = make_group_award(released=False)
    response = client.get(accept_url(hidden))
    assert response.headers["Location"] == f"/officers/awards/{hidden.id}"
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "The group cannot answer this offer until the round's decisions are released to it." in page

    answered = make_group_award(status=AwardStatus.ACCEPTED)
    response = client.submit(accept_url(answered), {}, from_url=f"/officers/awards/{answered.id}")
    assert response.headers["Location"] == f"/officers/awards/{answered.id}"
    assert "The group has already accepted this offer." in visible_text(client.get(response.headers["Location"]).data)
    assert events("award.accepted", "award.declined") == []


def test_only_officers_reach_the_assisted_offer_pages_and_only_for_real_awards(
    client, make_group_award, member, sign_in
):
    award = make_group_award()
    sign_in(member)  # a member of the group answers on its own pages, not the officer's
    token = csrf_token_from(client.get(f"/applicant/applications/{award.application_id}/offer").data)
    for url in (accept_url(award), f"{accept_url(award)}/decline", f"/officers/awards/{award.id}/bank-details/enter"):
        assert client.get(url).status_code == 403
        assert client.post(url, data={"csrf_token": token, **acceptance_data(award)}).status_code == 403
    assert _db.session.get(Award, award.id).status == AwardStatus.OFFERED


def test_an_unknown_award_is_not_found(client, officer):
    token = csrf_token_from(client.get("/officers/").data)
    for url in ("/officers/awards/999999/acceptance", "/officers/awards/999999/acceptance/decline"):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert client.get("/officers/awards/999999/bank-details/enter").status_code == 404


def test_the_service_lets_only_officers_act_for_the_group_and_the_workflow_lets_officers_answer(
    make_group_award, member
):
    award = make_group_award()
    with pytest.raises(ServiceError, match="Only council officers can act on a group's behalf"):
        assisted_award.accept_for_group(
            award,
            name="Amina Khan",
            role="Chair",
            accepted_on=london_today(),
            agreed_condition_ids={c.id for c in award.conditions},
            channel="phone",
            by=member,
        )
    assert check_transition(AWARD_TRANSITIONS, AwardStatus.OFFERED, AwardStatus.ACCEPTED, {Role.OFFICER})
    assert check_transition(AWARD_TRANSITIONS, AwardStatus.OFFERED, AwardStatus.DECLINED, {Role.OFFICER})


# --- declining ---------------------------------------------------------------------------------------


def test_an_officer_records_that_a_group_declines_and_it_is_recorded_so(
    client, make_group_award, group, officer, outbox
):
    award = make_group_award()
    decline = f"{accept_url(award)}/decline"
    assert f'href="{decline}"' in client.get(accept_url(award)).data.decode()
    # Who in the group said so is needed; what was typed stays.
    response = client.submit(decline, {"channel": "paper", "note": "", "reason": "We found other money."})
    assert response.status_code == 200
    assert "Record who in the group told you, and when" in visible_text(response.data)
    assert "We found other money." in response.data.decode()
    assert _db.session.get(Award, award.id).status == AwardStatus.OFFERED

    note = "Letter from Fatima Begum, the chair, dated 3 March."
    response = client.submit(decline, {"channel": "paper", "note": note, "reason": "We found other money."})
    assert response.headers["Location"] == f"/officers/awards/{award.id}"
    saved = _db.session.get(Award, award.id)
    assert (saved.status, saved.declined_reason) == (AwardStatus.DECLINED, "We found other money.")
    assert [m["template"] for m in outbox if m["template"].startswith("award_")] == ["award_declined"]
    [event] = events("award.declined")
    assert (event.actor_id, event.on_behalf_of_id, event.channel, event.note) == (officer.id, group.id, "paper", note)
    assert "The group's reason: We found other money." in visible_text(client.get(f"/officers/awards/{award.id}").data)


# --- bank details ------------------------------------------------------------------------------------


def test_an_officer_gives_the_groups_bank_details_and_it_is_recorded_masked(
    client, make_group_award, group, member, officer, outbox
):
    award = make_group_award(status=AwardStatus.ACCEPTED)
    enter = f"/officers/awards/{award.id}/bank-details/enter"
    assert f'href="{enter}"' in client.get(f"/officers/awards/{award.id}").data.decode()
    response = client.submit(enter, bank_data())
    assert response.headers["Location"] == f"/officers/awards/{award.id}/bank-details"

    details = _db.session.scalar(select(BankDetails).where(BankDetails.award_id == award.id))
    assert (details.sort_code, details.account_number, details.given_by_id) == ("200000", "55443345", officer.id)
    [event] = events("award.bank_details_given")
    assert (event.actor_id, event.on_behalf_of_id, event.channel) == (officer.id, group.id, "in_person")
    assert event.after == {
        "account_name": "Sparkhill Women's Circle",
        "sort_code": "**-**-00",
        "account_number": "****45",
        "replaced": False,
        "given_by": "Fatima Begum",
    }
    assert "55443345" not in json.dumps([event.before, event.after, event.note])
    [mail] = [m for m in outbox if m["template"] == "award_bank_details"]
    assert mail["to"] == member.email
    assert "Fatima Begum, of Sparkhill Women's Circle, gave the bank details" in mail["body"]
    assert "55443345" not in mail["body"]
    page = visible_text(client.get(f"/officers/awards/{award.id}/bank-details").data)
    assert "The bank details for Sparkhill Women's Circle are saved." in page
    assert "Account number 55443345" in page and "Change the bank details for the group" in page

    # Replacing them: the page says which account they replace; the group sees only the masked ones.
    assert "The new details replace the account ending 45." in visible_text(client.get(enter).data)
    assert acceptance.masked_details(_db.session.get(Award, award.id))["account_number"] == "****45"


def test_bank_details_for_a_group_are_checked_and_keep_what_was_typed(client, make_group_award, officer):
    award = make_group_award(status=AwardStatus.ACCEPTED)
    enter = f"/officers/awards/{award.id}/bank-details/enter"
    response = client.submit(enter, bank_data(sort_code="12-34", given_by=""))
    assert response.status_code == 200
    page, html = visible_text(response.data), response.data.decode()
    assert "Enter the name of the person in the group who gave you the details" in page
    response = client.submit(enter, bank_data(sort_code="12-34"))
    page, html = visible_text(response.data), response.data.decode()
    assert "Enter a valid sort code like 309430" in page
    assert 'value="Sparkhill Women&#39;s Circle"' in html and 'value="12-34"' in html
    assert response.headers["Cache-Control"] == "private, no-store"
    assert _db.session.scalar(select(func.count(BankDetails.id))) == 0
    assert events("award.bank_details_given") == []


def test_bank_details_wait_for_the_groups_acceptance(client, make_group_award, officer):
    award = make_group_award()
    response = client.get(f"/officers/awards/{award.id}/bank-details/enter")
    assert response.headers["Location"] == f"/officers/awards/{award.id}"
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "The group must accept the offer before we take its bank details." in page
