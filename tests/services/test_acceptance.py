"""A group answers its offer: it sees it only once decisions are released; accepts (a name, a role,
a date that is neither in the future nor before the offer, every condition ticked) or declines;
gives bank details only after accepting (format checked per field, stored as digits, audited
masked). Officers remind (at most once a day) and follow every award's answer."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from portal.db import utcnow
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus
from portal.extensions import db as _db
from portal.models import AuditEvent, AwardCondition, Notification, Panel
from portal.services import ServiceError, acceptance, offer_follow_up
from portal.services.acceptance import OfferProblems
from tests import factories

TODAY = datetime.now(ZoneInfo("Europe/London")).date()  # the portal's time zone (TIMEZONE)


@pytest.fixture
def award(make_award):  # noqa: ANN001, ANN201
    """An offer with two conditions, released to a group of two members."""
    award = make_award()
    award.conditions.append(
        AwardCondition(title="Real Living Wage", body="Pay staff the Real Living Wage.", position=1)
    )
    organisation = award.application.organisation
    second = factories.make_user(full_name="Bilal Second")
    from portal.domain.organisations import MembershipRole
    from portal.models import OrganisationMember

    organisation.members.append(OrganisationMember(user=second, role=MembershipRole.MEMBER))
    _db.session.commit()
    return award


def member_of(award):  # noqa: ANN001, ANN201
    return award.application.organisation.members[0].user


def officer():  # noqa: ANN201
    return factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")


def accept(award, by=None, **overrides):  # noqa: ANN001, ANN003, ANN201
    values = {
        "name": "Amina Khan",
        "role": "Treasurer",
        "accepted_on": TODAY,
        "agreed_condition_ids": {c.id for c in award.conditions},
        "by": by or member_of(award),
        "link": "https://portal.example/applicant/applications/1/bank-details",
    }
    return acceptance.accept(award, **{**values, **overrides})


def give(award, by=None, **overrides):  # noqa: ANN001, ANN003, ANN201
    values = {
        "account_name": "Sparkhill Women's Circle",
        "sort_code": "20-00-00",
        "account_number": "5544 3345",
        "by": by or member_of(award),
    }
    return acceptance.give_bank_details(award, **{**values, **overrides})


def events(action):  # noqa: ANN001, ANN201
    return _db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def mails(template):  # noqa: ANN001, ANN201
    return _db.session.scalars(select(Notification).where(Notification.template == template)).all()


# --- seeing the offer --------------------------------------------------------------------------


def test_the_offer_is_seen_only_once_the_decisions_are_released(make_award):
    hidden = make_award(released=False)
    assert acceptance.offer_for(hidden.application) is None
    panel = factories.make_panel(round_=hidden.application.round, members=0)  # decisions not released
    assert acceptance.offer_for(hidden.application) is None
    panel.decisions_released_at = utcnow()
    _db.session.commit()
    assert acceptance.offer_for(hidden.application) == hidden


def test_a_withdrawn_offer_and_an_application_without_an_award_show_nothing(make_award, make_application):
    withdrawn = make_award(status=AwardStatus.WITHDRAWN)
    assert acceptance.offer_for(withdrawn.application) is None
    assert acceptance.offer_for(make_application(submit=True)) is None


def test_a_declined_offer_can_still_be_read(award):
    acceptance.decline(award, reason=None, by=member_of(award))
    assert acceptance.offer_for(award.application) == award


def test_payments_are_read_in_words_and_percentages_as_people_write_them(award):
    [payment] = acceptance.payments_of(award)
    assert payment.amount == Decimal("3000") and payment.percent == "100"
    assert payment.label == "When you accept the offer" and payment.due_on is None


# --- accepting ---------------------------------------------------------------------------------


def test_a_member_accepts_with_every_condition_ticked(award):
    member = member_of(award)
    accept(award, by=member, name="  Amina   Khan ", role="Treasurer")
    _db.session.commit()
    assert award.status == AwardStatus.ACCEPTED
    assert (award.accepted_name, award.accepted_role, award.accepted_on) == ("Amina Khan", "Treasurer", TODAY)
    assert award.accepted_by_id == member.id and award.accepted_at is not None
    assert all(c.agreed_at is not None for c in award.conditions)
    [audited] = events("award.accepted")
    assert audited.actor_id == member.id and audited.round_id == award.application.round_id
    assert audited.after["conditions_agreed"] == ["Safeguarding", "Real Living Wage"]
    sent = mails("award_accepted")
    assert len(sent) == 2  # every member of the group
    assert "Amina Khan (Treasurer) accepted the grant offer" in sent[0].body_text
    assert "https://portal.example/applicant/applications/1/bank-details" in sent[0].body_text


def test_a_condition_not_ticked_is_named(award):
    safeguarding, wage = award.conditions
    with pytest.raises(OfferProblems) as refused:
        accept(award, agreed_condition_ids={safeguarding.id})
    message = str(refused.value.problems["conditions"])
    assert message == "Confirm you agree to every condition. Not ticked: Real Living Wage"
    assert award.status == AwardStatus.OFFERED and not events("award.accepted")


def test_every_problem_with_the_acceptance_is_given_on_its_field(award):
    with pytest.raises(OfferProblems) as refused:
        accept(award, name=" ", role="", accepted_on=None, agreed_condition_ids=set())
    problems = {field: str(message) for field, message in refused.value.problems.items()}
    assert problems == {
        "name": "Enter your full name",
        "role": "Enter your role in the group, for example treasurer",
        "accepted_on": "Enter the date you accept the offer",
        "conditions": "Confirm you agree to every condition. Not ticked: Safeguarding, Real Living Wage",
    }


def test_the_date_cannot_be_in_the_future_or_before_the_offer(award):
    with pytest.raises(OfferProblems) as future:
        accept(award, accepted_on=TODAY + timedelta(days=2))
    assert str(future.value.problems["accepted_on"]) == "The date cannot be in the future"
    with pytest.raises(OfferProblems) as early:
        accept(award, accepted_on=TODAY - timedelta(days=30))
    assert str(early.value.problems["accepted_on"]).startswith("The date cannot be before the offer was made on ")


def test_only_members_of_the_group_accept(award):
    outsider = factories.make_user(roles={Role.APPLICANT})
    for person in (outsider, officer()):
        with pytest.raises(ServiceError, match="Only members of the group can accept this offer"):
            accept(award, by=person)
    assert award.status == AwardStatus.OFFERED


def test_an_offer_cannot_be_accepted_before_the_decisions_are_released(make_award):
    hidden = make_award(released=False)
    with pytest.raises(ServiceError, match="until the decision has been released"):
        accept(hidden)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (AwardStatus.ACCEPTED, "You have already accepted this offer."),
        (AwardStatus.ACTIVE, "You have already accepted this offer."),
        (AwardStatus.DECLINED, "You have already declined this offer."),
        (AwardStatus.WITHDRAWN, "This offer has been withdrawn, so it can no longer be answered."),
    ],
)
def test_an_answered_or_withdrawn_offer_cannot_be_accepted_or_declined(make_award, status, reason):
    award = make_award(status=status)
    with pytest.raises(ServiceError) as refused:
        accept(award)
    assert str(refused.value.message) == reason
    with pytest.raises(ServiceError) as also:
        acceptance.decline(award, reason=None, by=member_of(award))
    assert str(also.value.message) == reason


# --- declining ---------------------------------------------------------------------------------


def test_a_member_declines_and_the_reason_is_kept(award):
    member = member_of(award)
    acceptance.decline(award, reason="  We found other money.\r\n", by=member, link="https://portal.example/s")
    _db.session.commit()
    assert award.status == AwardStatus.DECLINED and award.declined_reason == "We found other money."
    assert award.declined_at is not None
    [audited] = events("award.declined")
    assert audited.after == {"status": "declined", "reason": "We found other money."}
    sent = mails("award_declined")
    assert len(sent) == 2 and "We will not pay this grant" in sent[0].body_text


def test_declining_without_a_reason_is_allowed(award):
    acceptance.decline(award, reason="", by=member_of(award))
    assert award.status == AwardStatus.DECLINED and award.declined_reason is None


def test_only_members_decline(award):
    with pytest.raises(ServiceError, match="Only members of the group can decline this offer"):
        acceptance.decline(award, reason=None, by=officer())


# --- bank details ------------------------------------------------------------------------------


def test_bank_details_only_after_acceptance(award):
    with pytest.raises(ServiceError, match="Accept the offer before you give bank details"):
        give(award)
    assert award.bank_details is None


def test_bank_details_are_stored_as_digits_and_audited_masked(award):
    accept(award)
    details = give(award)
    _db.session.commit()
    assert (details.account_name, details.sort_code, details.account_number) == (
        "Sparkhill Women's Circle",
        "200000",
        "55443345",
    )
    assert details.given_by_id == member_of(award).id
    [audited] = events("award.bank_details_given")
    assert audited.after == {
        "account_name": "Sparkhill Women's Circle",
        "sort_code": "**-**-00",
        "account_number": "****45",
        "replaced": False,
    }
    stored = json.dumps([audited.before, audited.after])
    assert "55443345" not in stored and "200000" not in stored
    assert acceptance.masked_details(award) == {
        "account_name": "Sparkhill Women's Circle",
        "sort_code": "**-**-00",
        "account_number": "****45",
    }
    [notice, _second] = mails("award_bank_details")
    assert "Account number ending: 45" in notice.body_text and "55443345" not in notice.body_text


def test_each_format_problem_is_given_on_its_field(award):
    accept(award)
    with pytest.raises(OfferProblems) as refused:
        give(award, account_name=" ", sort_code="20-00", account_number="1234567x")
    problems = {field: str(message) for field, message in refused.value.problems.items()}
    assert problems == {
        "account_name": "Enter the name on the account",
        "sort_code": "Enter a valid sort code like 309430",
        "account_number": "Enter a valid account number like 00733445",
    }
    assert award.bank_details is None


def test_bank_details_can_be_replaced_while_accepted_and_the_audit_keeps_only_masks(award):
    accept(award)
    give(award)
    give(award, sort_code="309430", account_number="00733411")
    _db.session.commit()
    assert (award.bank_details.sort_code, award.bank_details.account_number) == ("309430", "00733411")
    first, second = events("award.bank_details_given")
    assert second.before == {
        "account_name": "Sparkhill Women's Circle",
        "sort_code": "**-**-00",
        "account_number": "****45",
    }
    assert second.after["replaced"] is True and second.after["account_number"] == "****11"
    assert "00733411" not in json.dumps(second.after) and "55443345" not in json.dumps(second.before)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (AwardStatus.ACTIVE, "Payments have started"),
        (AwardStatus.DECLINED, "You declined this offer"),
        (AwardStatus.WITHDRAWN, "This offer has been withdrawn"),
    ],
)
def test_bank_details_are_refused_unless_accepted(make_award, status, reason):
    award = make_award(status=status)
    with pytest.raises(ServiceError, match=reason):
        give(award)


def test_only_members_give_bank_details(award):
    accept(award)
    with pytest.raises(ServiceError, match="Only members of the group can give its bank details"):
        give(award, by=officer())


# --- reminders ---------------------------------------------------------------------------------


def test_an_officer_reminds_the_group_once_a_day(award):
    by = officer()
    offer_follow_up.remind(award, by=by, link="https://portal.example/offer")
    _db.session.commit()
    assert award.last_reminded_at is not None
    sent = mails("award_reminder")
    assert len(sent) == 2 and "https://portal.example/offer" in sent[0].body_text
    assert sent[0].subject.startswith("Your grant offer ")
    [audited] = events("award.reminded")
    assert audited.actor_id == by.id and audited.after["recipients"] == 2
    with pytest.raises(ServiceError, match="You reminded them on "):
        offer_follow_up.remind(award, by=by, link="x", now=award.last_reminded_at + timedelta(hours=23))
    offer_follow_up.remind(award, by=by, link="x", now=award.last_reminded_at + timedelta(hours=25))
    assert len(events("award.reminded")) == 2


def test_only_officers_remind_and_only_an_unanswered_offer(award):
    with pytest.raises(ServiceError, match="Only officers can remind groups"):
        offer_follow_up.remind(award, by=member_of(award), link="x")
    accept(award)
    with pytest.raises(ServiceError, match="Only an offer still waiting for an answer can be reminded"):
        offer_follow_up.remind(award, by=officer(), link="x")
    assert not mails("award_reminder")


def test_an_unreleased_offer_is_not_reminded(make_award):
    hidden = make_award(released=False)
    with pytest.raises(ServiceError, match="cannot see this offer until"):
        offer_follow_up.remind(hidden, by=officer(), link="x")


# --- the officers' overview --------------------------------------------------------------------


def _statements_while(callable_):  # noqa: ANN001, ANN202
    count = 0

    def counter(*args):  # noqa: ANN002, ANN202
        nonlocal count
        count += 1

    _db.session.expire_all()
    event.listen(_db.engine, "before_cursor_execute", counter)
    try:
        callable_()
    finally:
        event.remove(_db.engine, "before_cursor_execute", counter)
    return count


def test_the_overview_shows_each_awards_answer(award, make_award, make_application):
    round_ = award.application.round
    accept(award)
    give(award)
    other = make_award(application=make_application(round_=round_, submit=True), amount="2500")
    offer_follow_up.remind(other, by=officer(), link="x")
    _db.session.commit()
    rows = {row.award.id: row for row in offer_follow_up.acceptance_overview(round_)}
    accepted, waiting = rows[award.id], rows[other.id]
    assert (accepted.status, accepted.accepted_on, accepted.accepted_by) == (
        AwardStatus.ACCEPTED,
        TODAY,
        "Amina Khan, Treasurer",
    )
    assert accepted.has_bank_details and accepted.bank_details_given_at is not None and not accepted.can_remind
    assert accepted.offered_at is not None and accepted.group == award.application.organisation.name
    assert (waiting.status, waiting.amount, waiting.has_bank_details) == (AwardStatus.OFFERED, Decimal("2500"), False)
    assert waiting.last_reminded_at is not None and waiting.can_remind


def test_the_overview_takes_the_same_number_of_queries_whatever_the_number_of_awards(
    award, make_award, make_application
):
    round_ = award.application.round
    accept(award)
    give(award)
    _db.session.commit()
    few = _statements_while(lambda: offer_follow_up.acceptance_overview(round_))
    for _ in range(4):
        extra = make_award(application=make_application(round_=round_, submit=True))
        accept(extra)
        give(extra)
        _db.session.commit()
    many = _statements_while(lambda: [row.group for row in offer_follow_up.acceptance_overview(round_)])
    assert len(offer_follow_up.acceptance_overview(round_)) == 5
    assert many == few


def test_offered_at_is_the_release_or_the_awards_making_if_later(award):
    panel = _db.session.scalar(select(Panel).where(Panel.round_id == award.application.round_id))
    panel.decisions_released_at = datetime(2027, 3, 1, 9, tzinfo=award.created_at.tzinfo)
    award.created_at = datetime(2027, 3, 5, 9, tzinfo=award.created_at.tzinfo)
    _db.session.commit()
    assert acceptance.offered_at(award) == award.created_at


def test_the_decision_email_links_a_funded_group_to_its_offer_when_the_link_is_given(award):
    from portal.services import notifications

    member, application = member_of(award), award.application
    context = {"application": application, "decision": award.decision, "link": "https://portal.example/status"}
    linked = notifications.queue_email(
        member, "decision_released", subject="A decision", offer_link="https://portal.example/offer", **context
    )
    assert "Read your grant offer, then accept it or turn it down online:\nhttps://portal.example/offer" in (
        linked.body_text
    )
    plain = notifications.queue_email(member, "decision_released", subject="A decision", **context)
    assert "Read your grant offer" not in plain.body_text and "https://portal.example/status" in plain.body_text
