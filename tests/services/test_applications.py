"""Drafting and submitting an expression of interest: sections, conflicts, the deadline, one submission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.domain.applications import Channel, Section, SectionState
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, RoundStatus
from portal.models import Application, ApplicationVersion, AuditEvent, DeadlineExtension
from portal.services import ServiceError
from portal.services import applications as service


def test_a_new_application_is_a_draft_with_every_section_not_started(db, make_application):
    application = make_application()
    assert application.status == ApplicationStatus.DRAFT
    assert set(service.states_of(application).values()) == {SectionState.NOT_STARTED}
    assert application.reference is None


def test_saving_without_finishing_leaves_a_section_in_progress(db, make_application):
    application = make_application()
    service.save_project(
        application,
        title="Cafe",
        summary="",
        expected_version=application.lock_version,
        complete=False,
        by=application.created_by,
    )
    db.session.commit()
    assert service.states_of(application)[Section.PROJECT] == SectionState.IN_PROGRESS


def test_a_save_based_on_an_old_version_is_refused_and_changes_nothing(db, make_application):
    application = make_application()
    opened_at = application.lock_version
    service.save_project(
        application,
        title="From tab one",
        summary="",
        expected_version=opened_at,
        complete=False,
        by=application.created_by,
    )
    db.session.commit()
    with pytest.raises(service.EditConflict, match="changed by someone else"):
        service.save_project(
            application,
            title="From tab two",
            summary="",
            expected_version=opened_at,
            complete=False,
            by=application.created_by,
        )
    db.session.rollback()
    assert db.session.get(Application, application.id).title == "From tab one"


def test_answers_respect_the_word_limit_in_words_not_characters(db, make_application):
    application = make_application()
    criterion = application.round.criteria[0]
    criterion.word_limit = 5
    with pytest.raises(ServiceError, match="Your answer has 6 words. Shorten it to 5 words or fewer."):
        service.save_answer(
            application,
            criterion,
            text="one two three four five six",
            recording=None,
            keep_recording=False,
            recording_summary="",
            expected_version=None,
            by=application.created_by,
        )
    service.save_answer(
        application,
        criterion,
        text="Ein langes Wort: Gemeinschaftsküche",
        recording=None,
        keep_recording=False,
        recording_summary="",
        expected_version=None,
        by=application.created_by,
    )


def test_the_budget_must_add_up_and_be_within_the_rounds_amounts(db, make_application):
    application = make_application()
    with pytest.raises(ServiceError, match="add up to £1,000, but you are asking for £3,000"):
        service.save_budget(
            application,
            amount=Decimal("3000"),
            lines=[("Hall", Decimal("1000"))],
            expected_version=None,
            complete=True,
            by=application.created_by,
        )
    with pytest.raises(ServiceError, match="between £500 and £5,000"):
        service.save_budget(
            application,
            amount=Decimal("9000"),
            lines=[("Hall", Decimal("9000"))],
            expected_version=None,
            complete=True,
            by=application.created_by,
        )
    # Unfinished, it is saved as it is, so nothing typed is lost.
    service.save_budget(
        application,
        amount=Decimal("3000"),
        lines=[("Hall", Decimal("1000"))],
        expected_version=None,
        complete=False,
        by=application.created_by,
    )
    db.session.commit()
    assert [line.description for line in application.budget_lines] == ["Hall"]


def test_choosing_another_work_stream_clears_the_planned_outputs(db, make_application):
    application = make_application(complete=True)
    other = application.round.work_streams[1]
    service.choose_work_stream(application, other, expected_version=None, by=application.created_by)
    db.session.commit()
    assert application.planned_outputs == []
    assert service.states_of(application)[Section.OUTPUTS] == SectionState.NOT_STARTED


def test_an_incomplete_application_cannot_be_sent(db, make_application):
    application = make_application()
    with pytest.raises(service.IncompleteApplication) as refused:
        service.submit_application(application, by=application.created_by)
    assert Section.BUDGET in refused.value.missing


def test_submitting_freezes_a_version_gives_a_reference_and_sends_a_receipt(db, make_application, outbox):
    application = make_application(complete=True)
    service.submit_application(application, by=application.created_by)
    db.session.commit()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference == "TST-2026-0001"
    [version] = application.versions
    assert version.content["title"] == "Women's conversation cafe"
    assert version.content["amount_requested"] == "3000.00"
    assert len(version.sha256) == 64
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.submitted"))
    assert event.after == {"status": "submitted", "reference": "TST-2026-0001"}
    from portal.mail import deliver_outbox

    deliver_outbox()
    assert "Reference: TST-2026-0001" in outbox[-1]["body"]


def test_submitting_twice_makes_exactly_one_submission(db, make_application):
    application = make_application(complete=True)
    service.submit_application(application, by=application.created_by)
    db.session.commit()
    service.submit_application(application, by=application.created_by)
    db.session.commit()
    assert db.session.scalar(select(func.count(ApplicationVersion.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "application.submitted")) == 1


def test_references_count_up_within_a_round(db, make_round, make_application):
    round_ = make_round(reference_prefix="CIF-2026-")
    first = make_application(round_=round_, submit=True)
    second = make_application(round_=round_, submit=True)
    assert (first.reference, second.reference) == ("CIF-2026-0001", "CIF-2026-0002")


def test_a_submitted_version_never_changes(db, make_application):
    application = make_application(submit=True)
    version = application.versions[0]
    version.content = {"title": "tampered"}
    with pytest.raises(ValueError, match="never changes"):
        db.session.commit()
    db.session.rollback()


def test_after_the_deadline_nothing_can_be_changed_or_sent(db, make_application):
    application = make_application(complete=True)
    late = application.round.closes_at + timedelta(seconds=1)
    with pytest.raises(service.NotEditable, match="closing date has passed"):
        service.submit_application(application, by=application.created_by, now=late)
    with pytest.raises(service.NotEditable):
        service.save_project(
            application,
            title="x",
            summary="",
            expected_version=None,
            complete=False,
            by=application.created_by,
            now=late,
        )


def test_one_second_before_the_deadline_is_in_time(db, make_application):
    application = make_application(complete=True)
    service.submit_application(
        application, by=application.created_by, now=application.round.closes_at - timedelta(seconds=1)
    )
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize(
    ("deadline_local", "in_time", "late"),
    [
        # Saturday 27 March 2027, noon GMT (the day before the clocks go forward) = 12:00 UTC.
        ("2027-03-27T12:00:00+00:00", "2027-03-27T11:59:59+00:00", "2027-03-27T12:00:00+00:00"),
        # Monday 29 March 2027, noon BST (after) = 11:00 UTC.
        ("2027-03-29T12:00:00+01:00", "2027-03-29T10:59:59+00:00", "2027-03-29T11:00:00+00:00"),
        # Monday 1 November 2027, noon GMT (after the clocks go back) = 12:00 UTC.
        ("2027-11-01T12:00:00+00:00", "2027-11-01T11:59:59+00:00", "2027-11-01T12:00:00+00:00"),
    ],
)
def test_deadlines_either_side_of_the_clock_changes(db, make_round, make_application, deadline_local, in_time, late):
    closes = datetime.fromisoformat(deadline_local).astimezone(UTC)
    round_ = make_round(opens_at=None, closes_at=closes)
    on_time = make_application(round_=round_, complete=True)
    too_late = make_application(round_=round_, complete=True)
    service.submit_application(on_time, by=on_time.created_by, now=datetime.fromisoformat(in_time))
    with pytest.raises(service.NotEditable):
        service.submit_application(too_late, by=too_late.created_by, now=datetime.fromisoformat(late))


def test_an_extension_lets_one_group_send_after_the_round_closes(db, make_user, make_application):
    application = make_application(complete=True)
    round_ = application.round
    officer = make_user(roles={Role.OFFICER})
    db.session.add(
        DeadlineExtension(
            round_id=round_.id,
            organisation_id=application.organisation_id,
            closes_at=round_.closes_at + timedelta(days=2),
            reason="Flood at the hall",
            granted_by_id=officer.id,
        )
    )
    round_.status = RoundStatus.CLOSED
    db.session.commit()
    service.submit_application(application, by=application.created_by, now=round_.closes_at + timedelta(days=1))
    assert application.status == ApplicationStatus.SUBMITTED


def test_an_officer_starts_an_application_on_a_groups_behalf_with_consent(db, make_user, make_round, make_organisation):
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    organisation = make_organisation()
    round_ = make_round()
    with pytest.raises(ServiceError, match="how the group agreed"):
        service.start_application(round_, organisation, by=officer, channel=Channel.PHONE)
    application = service.start_application(
        round_,
        organisation,
        by=officer,
        channel=Channel.PHONE,
        consent_note="Agreed on the phone with the chair, 3 May",
    )
    db.session.commit()
    assert (application.entered_by_id, application.channel) == (officer.id, Channel.PHONE)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.started"))
    assert (event.on_behalf_of_id, event.channel) == (organisation.id, "phone")
