"""Officers review returns: late means past its due date and not sent (due today is not late; a
queried return never is); a round's list with filters and counts in constant queries; accept or
query only a sent return, only as an officer, through the return's state machine; accepting the
final return completes the award through the award's; the group is e-mailed each time; the
officer's view puts figures beside the agreed targets and keeps withdrawn stories marked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from portal.domain.applications import Channel
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import AuditEvent, Notification, ReturnMessage
from portal.services import ServiceError
from portal.services import return_review as review
from tests import factories

TODAY = date(2027, 10, 10)
LINK = "https://portal.example/applicant/returns/1"


def officer():  # noqa: ANN201
    return factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")


def events(action):  # noqa: ANN001, ANN201
    return _db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def mails(template):  # noqa: ANN001, ANN201
    return _db.session.scalars(select(Notification).where(Notification.template == template)).all()


def measures(award):  # noqa: ANN001, ANN201
    """The award's numeric and qualitative measures (the factory's work stream has one of each)."""
    numeric = next(t.measure for t in award.targets if t.quantity is not None)
    words = next(t.measure for t in award.targets if t.quantity is None)
    return numeric, words


@pytest.fixture
def award(make_award):  # noqa: ANN001, ANN201
    return make_award(status=AwardStatus.ACCEPTED)


@pytest.fixture
def sent(award, make_return):  # noqa: ANN001, ANN201
    numeric, words = measures(award)
    return make_return(award=award, status=ReturnStatus.SUBMITTED, figures={numeric.id: 12, words.id: "Three stories"})


# --- lateness ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due_on", "expected"),
    [
        (ReturnStatus.DUE, TODAY, False),  # due today is not late
        (ReturnStatus.DUE, TODAY - timedelta(days=1), True),  # yesterday is
        (ReturnStatus.DRAFT, TODAY - timedelta(days=1), True),
        (ReturnStatus.DUE, TODAY + timedelta(days=1), False),
        (ReturnStatus.SUBMITTED, TODAY - timedelta(days=30), False),
        (ReturnStatus.QUERIED, TODAY - timedelta(days=30), False),  # with the group, but not late
        (ReturnStatus.ACCEPTED, TODAY - timedelta(days=30), False),
    ],
)
def test_late_means_past_due_and_not_sent(status, due_on, expected):
    assert review.late(due_on, status, TODAY) is expected


def test_is_late_reads_the_return(make_return):
    output_return = make_return(due_on=TODAY - timedelta(days=1))
    assert review.is_late(output_return, TODAY)
    assert not review.is_late(output_return, TODAY - timedelta(days=1))


# --- the round's list -------------------------------------------------------------------------------


def test_the_round_list_filters_and_counts_in_constant_queries(make_award, make_return, make_application):
    first = make_award(status=AwardStatus.ACCEPTED)
    round_ = first.application.round
    late = make_return(award=first, period=1, due_on=TODAY - timedelta(days=1))
    due_today = make_return(award=first, period=2, due_on=TODAY)
    second = make_award(application=make_application(round_=round_, submit=True), status=AwardStatus.ACCEPTED)
    queried = make_return(award=second, period=1, status=ReturnStatus.QUERIED, due_on=TODAY - timedelta(days=9))
    assisted = make_return(
        award=second, period=2, status=ReturnStatus.SUBMITTED, channel=Channel.PHONE, due_on=TODAY + timedelta(days=3)
    )
    make_return()  # another round's: never listed

    rows = review.returns_for_round(round_, today=TODAY)
    assert [r.id for r in rows] == [queried.id, late.id, due_today.id, assisted.id]
    assert [r.is_late for r in rows] == [False, True, False, False]
    by_id = {r.id: r for r in rows}
    assert by_id[assisted.id].assisted and not by_id[late.id].assisted
    assert by_id[late.id].reference == first.application.reference
    assert by_id[late.id].group == first.application.organisation.name
    assert by_id[late.id].work_stream == first.application.work_stream.name
    assert by_id[assisted.id].submitted_at is not None and by_id[late.id].submitted_at is None

    assert [r.id for r in review.returns_for_round(round_, late_only=True, today=TODAY)] == [late.id]
    assert [r.id for r in review.returns_for_round(round_, status="queried", today=TODAY)] == [queried.id]
    assert review.returns_for_round(round_, status=ReturnStatus.ACCEPTED, today=TODAY) == []

    counts = review.return_counts(round_, today=TODAY)
    assert counts.total == 4 and counts.late == 1
    assert counts.by_status == {"due": 2, "queried": 1, "submitted": 1}

    _db.session.expire_all()
    assert round_.id  # loaded again before counting
    statements = []
    engine = _db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        review.returns_for_round(round_, today=TODAY)
        review.return_counts(round_, today=TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 2


# --- accepting --------------------------------------------------------------------------------------


def test_an_officer_accepts_a_sent_return_and_the_group_is_told(sent):
    by = officer()
    completed = review.accept_return(sent, by=by, link=LINK)
    _db.session.commit()
    assert completed is False  # the mid-point return
    assert sent.status == ReturnStatus.ACCEPTED
    assert sent.accepted_by_id == by.id and sent.accepted_at is not None
    [audited] = events("return.accepted")
    assert audited.actor_id == by.id and audited.before == {"status": "submitted"}
    assert audited.after["status"] == "accepted" and audited.round_id == sent.award.application.round_id
    [mail] = mails("return_accepted")
    assert "We have accepted the return from" in mail.body_text and LINK in mail.body_text
    assert "final return" not in mail.body_text
    assert sent.award.status == AwardStatus.ACCEPTED and not events("award.updated")


@pytest.mark.parametrize("award_status", [AwardStatus.ACCEPTED, AwardStatus.ACTIVE])
def test_accepting_the_final_return_completes_the_award(make_award, make_return, award_status):
    award = make_award(status=award_status)
    final = make_return(award=award, period=2, status=ReturnStatus.SUBMITTED)
    assert final.is_final
    by = officer()
    assert review.accept_return(final, by=by) is True
    _db.session.commit()
    assert award.status == AwardStatus.COMPLETED
    moves = [(e.before["status"], e.after["status"], e.actor_id) for e in events("award.updated")]
    if award_status == AwardStatus.ACCEPTED:
        assert moves == [("accepted", "active", None), ("active", "completed", by.id)]  # the system, then the officer
    else:
        assert moves == [("active", "completed", by.id)]
    [mail] = mails("return_accepted")
    assert "your grant is now complete" in mail.body_text


def test_a_final_return_leaves_a_withdrawn_award_alone(make_award, make_return):
    award = make_award(status=AwardStatus.WITHDRAWN)
    final = make_return(award=award, period=2, status=ReturnStatus.SUBMITTED)
    assert review.accept_return(final, by=officer()) is False
    assert award.status == AwardStatus.WITHDRAWN and not events("award.updated")


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (ReturnStatus.DUE, "The group has not sent this return yet, so it cannot be accepted."),
        (ReturnStatus.DRAFT, "The group has not sent this return yet, so it cannot be accepted."),
        (
            ReturnStatus.QUERIED,
            "You have asked the group about this return. You can accept it once they send it again.",
        ),
        (ReturnStatus.ACCEPTED, "This return has already been accepted."),
    ],
)
def test_only_a_sent_return_can_be_accepted(make_return, status, reason):
    output_return = make_return(status=status)
    with pytest.raises(ServiceError) as refused:
        review.accept_return(output_return, by=officer())
    assert str(refused.value.message) == reason
    assert output_return.status == status and not events("return.accepted") and not mails("return_accepted")


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.PANEL_MEMBER, Role.ADMIN])
def test_only_officers_accept_or_query(sent, role):
    someone = factories.make_user(roles={role})
    with pytest.raises(ServiceError, match="Only officers can accept returns."):
        review.accept_return(sent, by=someone)
    with pytest.raises(ServiceError, match="Only officers can ask groups about their returns."):
        review.query_return(sent, message="Why?", by=someone, link=LINK)
    assert sent.status == ReturnStatus.SUBMITTED and not events("return.accepted") and not events("return.queried")


# --- querying ---------------------------------------------------------------------------------------


def test_an_officer_queries_with_a_message_the_group_gets_by_email(sent):
    by = officer()
    note = review.query_return(sent, message="  The spend looks high.\r\nCan you explain?  ", by=by, link=LINK)
    _db.session.commit()
    assert sent.status == ReturnStatus.QUERIED
    assert note.from_officer and note.author_id == by.id and note.body == "The spend looks high.\nCan you explain?"
    assert [m.body for m in sent.messages] == [note.body]
    [audited] = events("return.queried")
    assert audited.before == {"status": "submitted"}
    assert audited.after == {"status": "queried", "message": note.body}
    [mail] = mails("return_queried")
    assert "The spend looks high.\nCan you explain?" in mail.body_text and LINK in mail.body_text
    assert mail.subject == f"A question about your return for {sent.award.application.reference}"


@pytest.mark.parametrize(
    ("message", "reason"),
    [("", "Write your question for the group"), ("   \n ", "Write your question for the group")],
)
def test_a_query_needs_a_message(sent, message, reason):
    with pytest.raises(ServiceError) as refused:
        review.query_return(sent, message=message, by=officer(), link=LINK)
    assert str(refused.value.message) == reason
    assert sent.status == ReturnStatus.SUBMITTED and not _db.session.scalars(select(ReturnMessage)).all()


def test_a_query_message_has_a_limit(sent):
    with pytest.raises(ServiceError, match="5000 characters or fewer"):
        review.query_return(sent, message="x" * 5001, by=officer(), link=LINK)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (ReturnStatus.DRAFT, "The group has not sent this return yet, so there is nothing to ask about."),
        (ReturnStatus.QUERIED, "You have already asked the group about this return. Wait for them to send it again."),
        (ReturnStatus.ACCEPTED, "This return has been accepted, so you cannot ask about it any more."),
    ],
)
def test_only_a_sent_return_can_be_queried(make_return, status, reason):
    output_return = make_return(status=status)
    with pytest.raises(ServiceError) as refused:
        review.query_return(output_return, message="Why?", by=officer(), link=LINK)
    assert str(refused.value.message) == reason
    assert not mails("return_queried")


def test_a_queried_return_sent_again_can_be_accepted(sent):
    by = officer()
    review.query_return(sent, message="Please add the spend.", by=by, link=LINK)
    sent.status = ReturnStatus.SUBMITTED  # the group answers and sends again (their service)
    _db.session.commit()
    review.accept_return(sent, by=by)
    assert sent.status == ReturnStatus.ACCEPTED


# --- one return -------------------------------------------------------------------------------------


def test_the_detail_puts_figures_beside_targets_this_period_and_to_date(award, make_return):
    numeric, words = measures(award)
    make_return(award=award, period=1, status=ReturnStatus.ACCEPTED, figures={numeric.id: 12})
    second = make_return(
        award=award,
        period=2,
        status=ReturnStatus.SUBMITTED,
        figures={numeric.id: 10, words.id: "Two stories recorded"},
        spend_to_date=Decimal("1500"),
        went_well="The cafe filled up.",
        stories=[
            {"title": "Finding friends", "body": "I met people.", "consent": Consent.PUBLIC_NAMED},
            {
                "title": "Hard winter",
                "body": "It was hard.",
                "consent": Consent.PUBLIC_ANONYMOUS,
                "consent_withdrawn_at": datetime.now(UTC),
            },
        ],
    )
    detail = review.return_detail(review.return_for_officer(second.id), today=TODAY)
    by_measure = {row.measure.id: row for row in detail.figures}
    people = by_measure[numeric.id]
    assert (people.target, people.this_period, people.to_date, people.percent) == (40, 10, 22, Decimal("55.0"))
    stories = by_measure[words.id]
    assert not stories.is_numeric and stories.target_text == "Stories"
    assert stories.this_period_text == "Two stories recorded"
    assert detail.spend_to_date == Decimal("1500") and detail.spend_percent == Decimal("50.0")
    assert detail.went_well == "The cafe filled up."
    assert [s.title for s in detail.stories] == ["Finding friends", "Hard winter"]
    assert detail.stories[1].consent_withdrawn_at is not None
    assert detail.version.number == 1 and len(detail.versions) == 1
    assert not detail.late


def test_a_cumulative_measure_counts_the_latest_figure(award, make_return):
    numeric, _ = measures(award)
    numeric.is_cumulative = True
    _db.session.commit()
    make_return(award=award, period=1, status=ReturnStatus.ACCEPTED, figures={numeric.id: 12})
    second = make_return(award=award, period=2, status=ReturnStatus.SUBMITTED, figures={numeric.id: 30})
    [row] = [r for r in review.return_detail(second).figures if r.measure.id == numeric.id]
    assert row.to_date == 30 and row.percent == Decimal("75.0")


def test_the_detail_reads_the_frozen_version_not_later_edits(sent):
    numeric, _ = measures(sent.award)
    figure = next(f for f in sent.figures if f.measure_id == numeric.id)
    figure.quantity = 99  # changed after sending (say, while queried)
    _db.session.commit()
    [row] = [r for r in review.return_detail(sent).figures if r.measure.id == numeric.id]
    assert row.this_period == 12
