"""Screening what came in: eligible, or not with a reason the group is told; withdrawing at the
group's request; messages to the group; more time for one group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, RoundStatus
from portal.models import ApplicationMessage, AuditEvent, DeadlineExtension, Notification, OrganisationMember
from portal.services import ServiceError, screening
from portal.services import applications as applications_service


@pytest.fixture
def officer(make_user):  # noqa: ANN001, ANN201
    return make_user(roles={Role.OFFICER}, full_name="Olu Officer")


@pytest.fixture
def sent(make_application):  # noqa: ANN001, ANN201
    return make_application(submit=True)


def _events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _mail(db, template: str) -> list[Notification]:  # noqa: ANN001
    return db.session.scalars(select(Notification).where(Notification.template == template)).all()


def test_marking_eligible_records_who_and_tells_the_group(db, officer, sent):
    screening.mark_eligible(sent, by=officer)
    db.session.commit()
    assert sent.status == ApplicationStatus.ELIGIBLE
    assert sent.screened_by == officer and sent.screened_at is not None
    [event] = _events(db, "application.screened_eligible")
    assert (event.actor, event.before["status"], event.after["status"]) == (officer, "submitted", "eligible")
    [mail] = _mail(db, "application_screened")
    assert mail.to_address == sent.organisation.members[0].user.email
    assert "your group can be funded in this round" in mail.body_text


def test_not_eligible_needs_a_reason_which_the_group_is_told(db, officer, sent):
    with pytest.raises(ServiceError, match="Give the reason the group will be told"):
        screening.mark_ineligible(sent, "   ", by=officer)
    assert sent.status == ApplicationStatus.SUBMITTED

    screening.mark_ineligible(sent, "Your group works outside the council's area.", by=officer)
    db.session.commit()
    assert (sent.status, sent.ineligible_reason) == (
        ApplicationStatus.INELIGIBLE,
        "Your group works outside the council's area.",
    )
    [message] = sent.messages
    assert message.body == "Your group works outside the council's area." and message.is_from_officer
    [mail] = _mail(db, "application_screened")
    assert "Why: Your group works outside the council's area." in mail.body_text
    [event] = _events(db, "application.screened_ineligible")
    assert event.note == "Your group works outside the council's area."


def test_a_screening_mistake_can_be_put_right_and_the_old_reason_is_kept_in_the_history(db, officer, sent):
    screening.mark_ineligible(sent, "Income too high.", by=officer)
    screening.mark_eligible(sent, by=officer)
    db.session.commit()
    assert sent.status == ApplicationStatus.ELIGIBLE and sent.ineligible_reason is None
    [event] = _events(db, "application.screened_eligible")
    assert event.before == {"status": "ineligible", "ineligible_reason": "Income too high."}


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ApplicationStatus.DRAFT, "It cannot go from draft to eligible."),
        (ApplicationStatus.WITHDRAWN, "It cannot go from withdrawn to eligible."),
        (ApplicationStatus.DECIDED, "It cannot go from decided to eligible."),
        (ApplicationStatus.ELIGIBLE, "It is already eligible."),
    ],
)
def test_screening_is_refused_with_a_plain_reason_where_the_lifecycle_does_not_allow_it(
    db, officer, sent, status, message
):
    sent.status = status
    db.session.commit()
    with pytest.raises(ServiceError, match=message):
        screening.mark_eligible(sent, by=officer)
    assert _mail(db, "application_screened") == []


def test_only_officers_screen(db, sent):
    member = sent.organisation.members[0].user
    with pytest.raises(ServiceError, match="You do not have permission to make this change."):
        screening.mark_eligible(sent, by=member)
    assert sent.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("status", [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.SCORED])
def test_withdrawing_at_the_groups_request_from_any_status_before_decided(db, officer, make_application, status):
    application = make_application(submit=status != ApplicationStatus.DRAFT)
    application.status = status
    db.session.commit()
    screening.withdraw(application, "Their treasurer phoned: the project is cancelled.", by=officer)
    db.session.commit()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawn_reason == "Their treasurer phoned: the project is cancelled."
    [event] = _events(db, "application.withdrawn")
    assert (event.actor, event.on_behalf_of) == (officer, application.organisation)
    assert event.before["status"] == status.value
    [mail] = _mail(db, "application_withdrawn")
    assert "Reason: Their treasurer phoned: the project is cancelled." in mail.body_text
    assert "Withdrawn at your request" in application.messages[0].body


def test_withdrawing_needs_a_reason_and_is_refused_once_decided(db, officer, sent):
    with pytest.raises(ServiceError, match="Say why the group asked to withdraw"):
        screening.withdraw(sent, "", by=officer)
    sent.status = ApplicationStatus.DECIDED
    db.session.commit()
    with pytest.raises(ServiceError, match="It cannot go from decided to withdrawn."):
        screening.withdraw(sent, "Changed their mind", by=officer)
    assert sent.withdrawn_at is None


def test_a_message_is_kept_for_the_status_page_and_emailed_to_every_member(db, officer, make_user, sent):
    second = make_user(roles={Role.APPLICANT})
    sent.organisation.members.append(OrganisationMember(user=second))
    db.session.commit()
    message = screening.send_message(sent, "  Please send your safeguarding policy.  ", by=officer)
    db.session.commit()
    assert db.session.get(ApplicationMessage, message.id).body == "Please send your safeguarding policy."
    mails = _mail(db, "application_message")
    assert sorted(m.to_address for m in mails) == sorted(m.user.email for m in sent.organisation.members)
    assert all("Please send your safeguarding policy." in m.body_text for m in mails)
    assert _events(db, "application.message_sent")[0].actor == officer


def test_an_empty_message_is_refused(db, officer, sent):
    with pytest.raises(ServiceError, match="Write your message"):
        screening.send_message(sent, " \n ", by=officer)
    assert db.session.scalar(select(func.count(ApplicationMessage.id))) == 0


# --- more time for one group -----------------------------------------------------------------


def test_an_extension_is_honoured_by_the_deadline_and_told_to_the_group(db, officer, make_application):
    application = make_application()
    round_, group = application.round, application.organisation
    later = round_.closes_at + timedelta(days=3)
    screening.grant_extension(round_, group, closes_at=later, reason="Treasurer in hospital", by=officer)
    db.session.commit()
    assert applications_service.deadline_for(round_, group) == later
    [event] = _events(db, "deadline.extended")
    assert (event.actor, event.on_behalf_of, event.round_id, event.note) == (
        officer,
        group,
        round_.id,
        "Treasurer in hospital",
    )
    [mail] = _mail(db, "deadline_extended")
    assert "Why: Treasurer in hospital" in mail.body_text


def test_a_second_extension_replaces_the_first(db, officer, make_application):
    application = make_application()
    round_, group = application.round, application.organisation
    screening.grant_extension(round_, group, closes_at=round_.closes_at + timedelta(days=1), reason="One", by=officer)
    screening.grant_extension(round_, group, closes_at=round_.closes_at + timedelta(days=5), reason="Two", by=officer)
    db.session.commit()
    [extension] = db.session.scalars(select(DeadlineExtension)).all()
    assert (extension.closes_at, extension.reason) == (round_.closes_at + timedelta(days=5), "Two")
    assert _events(db, "deadline.extended")[-1].before["reason"] == "One"


def test_an_extension_lets_the_group_send_after_the_round_has_closed(db, officer, make_application, make_organisation):
    application = make_application(complete=True)
    round_, group = application.round, application.organisation
    screening.grant_extension(round_, group, closes_at=round_.closes_at + timedelta(days=2), reason="Flood", by=officer)
    round_.status = RoundStatus.CLOSED
    db.session.commit()
    after_close = round_.closes_at + timedelta(days=1)
    assert applications_service.accepting_from(round_, group, after_close)
    applications_service.submit_application(application, by=application.created_by, now=after_close)
    assert application.status == ApplicationStatus.SUBMITTED
    assert applications_service.deadline_for(round_, make_organisation()) == round_.closes_at  # only this group


@pytest.mark.parametrize(
    ("shift", "reason", "message"),
    [
        (timedelta(days=2), "", "Say why this group is getting more time"),
        (timedelta(hours=-1), "Late", "must be after the round's closing time"),
    ],
)
def test_an_extension_is_refused_with_a_reason(db, officer, make_application, shift, reason, message):
    application = make_application()
    with pytest.raises(ServiceError, match=message):
        screening.grant_extension(
            application.round,
            application.organisation,
            closes_at=application.round.closes_at + shift,
            reason=reason,
            by=officer,
        )
    assert db.session.scalar(select(func.count(DeadlineExtension.id))) == 0


def test_an_extension_in_the_past_or_for_a_finished_round_is_refused(db, officer, make_application, make_round):
    past_round = make_round(closes_at=datetime.now(UTC) - timedelta(days=3), status=RoundStatus.CLOSED)
    application = make_application()
    with pytest.raises(ServiceError, match="must be in the future"):
        screening.grant_extension(
            past_round,
            application.organisation,
            closes_at=datetime.now(UTC) - timedelta(days=1),
            reason="Too late",
            by=officer,
        )
    past_round.status = RoundStatus.IN_ASSESSMENT
    db.session.commit()
    with pytest.raises(ServiceError, match="only give more time while the round is open or just closed"):
        screening.grant_extension(
            past_round,
            application.organisation,
            closes_at=datetime.now(UTC) + timedelta(days=1),
            reason="Too late",
            by=officer,
        )
