"""Output returns: made from an accepted award's schedule; saved as drafts and sent (numbers for
every numeric measure, spend within the grant), which freezes an immutable hashed version; stories
with consent (a name kept only with named consent, consent withdrawn at any time); answering a
query; an officer entering a return for a group (provenance recorded); reminders before and after
the due date, never twice."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import literal, select

from portal.domain.applications import Channel
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import AuditEvent, Notification, OutputReturn, ReturnMessage, StoredFile
from portal.services import ServiceError, acceptance, returns
from portal.services.files import UploadRefused
from portal.services.returns import EditConflict, ReturnProblems
from tests import factories

NOW = datetime(2027, 9, 20, 9, 0, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64


def member_of(award):  # noqa: ANN001, ANN201
    return award.application.organisation.members[0].user


def officer():  # noqa: ANN201
    return factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")


def measures(output_return):  # noqa: ANN001, ANN201
    """(numeric measure, qualitative measure) of the award's agreed targets."""
    targets = returns.agreed_targets(output_return)
    numeric = next(t.measure for t in targets if t.measure.kind == "numeric")
    words = next(t.measure for t in targets if t.measure.kind == "qualitative")
    return numeric, words


def save(output_return, *, submit=False, by=None, figures=None, spend=Decimal("500"), **overrides):  # noqa: ANN001, ANN003, ANN201
    numeric, words = measures(output_return)
    values = {
        "figures": figures if figures is not None else {numeric.id: 12, words.id: "Five women told their stories."},
        "spend_to_date": spend,
        "went_well": "Good turnout.",
        "was_hard": "Finding a room.",
        "support_needed": "",
        "expected_version": None,
        "submit": submit,
        "by": by or member_of(output_return.award),
        "now": NOW,
        **overrides,
    }
    return returns.save_return(output_return, **values)


def events(action):  # noqa: ANN001, ANN201
    return _db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# --- the schedule ------------------------------------------------------------------------------------


def test_accepting_an_award_makes_one_due_return_per_return_date(make_award):
    award = make_award()
    acceptance.accept(
        award,
        name="Amina Khan",
        role="Treasurer",
        accepted_on=datetime.now(UTC).date(),
        agreed_condition_ids={c.id for c in award.conditions},
        by=member_of(award),
    )
    made = _db.session.scalars(select(OutputReturn).order_by(OutputReturn.period)).all()
    assert [(r.period, r.due_on, r.is_final, r.status) for r in made] == [
        (1, date(2027, 10, 1), False, ReturnStatus.DUE),
        (2, date(2028, 4, 28), True, ReturnStatus.DUE),
    ]
    assert len(events("return.created")) == 2
    assert returns.create_for_award(award, by=member_of(award)) == []  # idempotent
    assert len(_db.session.scalars(select(OutputReturn)).all()) == 2


def test_a_group_sees_only_its_own_returns(make_return):
    mine = make_return()
    theirs = make_return()
    me = member_of(mine.award)
    assert returns.returns_of([mine.award.application.organisation_id]) == [mine]
    assert returns.get_return_for_member(me, mine.id) is mine
    assert returns.get_return_for_member(me, theirs.id) is None
    assert returns.get_return_for_member(officer(), mine.id) is None


def test_whether_a_group_has_returns_follows_its_live_awards(make_return):
    mine = make_return()
    group = mine.award.application.organisation_id
    other = factories.make_organisation()

    def has_returns(organisation_id: int) -> bool:
        return _db.session.scalar(select(returns.any_for_group(literal(organisation_id))))

    assert has_returns(group) is True
    assert has_returns(other.id) is False
    mine.award.status = AwardStatus.WITHDRAWN
    _db.session.flush()
    assert returns.returns_of([group]) == []
    assert has_returns(group) is False


def test_display_status_flags_overdue_returns(make_return):
    output_return = make_return()
    assert returns.display_status(output_return, output_return.due_on) == "due"
    assert returns.display_status(output_return, output_return.due_on + timedelta(days=1)) == "overdue"
    output_return.status = ReturnStatus.SUBMITTED
    assert returns.display_status(output_return, output_return.due_on + timedelta(days=1)) == "sent"


# --- saving and sending ------------------------------------------------------------------------------


def test_saving_keeps_a_draft_with_figures_for_this_period(make_return):
    output_return = make_return()
    numeric, words = measures(output_return)
    save(output_return)
    assert output_return.status == ReturnStatus.DRAFT
    figures = {f.measure_id: (f.quantity, f.description) for f in output_return.figures}
    assert figures == {numeric.id: (12, None), words.id: (None, "Five women told their stories.")}
    assert output_return.versions == []
    assert events("return.saved")[0].after["figures"] == {str(numeric.id): 12}


def test_a_draft_may_leave_numbers_empty_but_sending_needs_every_number(make_return):
    output_return = make_return()
    numeric, words = measures(output_return)
    save(output_return, figures={numeric.id: None, words.id: ""}, spend=None)
    assert output_return.status == ReturnStatus.DRAFT
    with pytest.raises(ReturnProblems) as refused:
        save(output_return, figures={numeric.id: None, words.id: ""}, spend=None, submit=True)
    assert set(refused.value.problems) == {f"m{numeric.id}", "spend_to_date"}
    save(output_return, figures={numeric.id: 0, words.id: ""}, submit=True)  # 0 is a number; words may be empty
    assert output_return.status == ReturnStatus.SUBMITTED


@pytest.mark.parametrize("value", [-1, "twelve", "1.5", True])
def test_numbers_must_be_whole_and_not_negative(make_return, value):
    output_return = make_return()
    numeric, _words = measures(output_return)
    with pytest.raises(ReturnProblems) as refused:
        save(output_return, figures={numeric.id: value})
    assert f"m{numeric.id}" in refused.value.problems


def test_figures_for_measures_not_agreed_are_ignored(make_return):
    output_return = make_return()
    other_stream = output_return.award.application.round.work_streams[1].measures[0]
    save(output_return, figures={other_stream.id: 99})
    assert other_stream.id not in {f.measure_id for f in output_return.figures}


@pytest.mark.parametrize(
    ("spend", "field_problem"), [(Decimal("-1"), True), (Decimal("3000.01"), True), (Decimal("3000"), False)]
)
def test_spend_cannot_be_negative_or_more_than_the_award(make_return, spend, field_problem):
    output_return = make_return()
    if field_problem:
        with pytest.raises(ReturnProblems) as refused:
            save(output_return, spend=spend)
        assert "spend_to_date" in refused.value.problems
    else:
        save(output_return, spend=spend)
        assert output_return.spend_to_date == spend


def test_sending_freezes_an_immutable_hashed_version(make_return):
    output_return = make_return(
        stories=[{"title": "Rukhsana", "body": "I found work.", "consent": Consent.PUBLIC_ANONYMOUS}]
    )
    numeric, words = measures(output_return)
    save(output_return, submit=True)
    assert output_return.status == ReturnStatus.SUBMITTED
    assert output_return.submitted_at == NOW
    (version,) = output_return.versions
    content = version.content
    assert content["figures"][str(numeric.id)]["measure"] == numeric.name
    assert content["figures"][str(numeric.id)]["quantity"] == 12
    assert content["figures"][str(words.id)]["description"] == "Five women told their stories."
    assert content["spend_to_date"] == "500.00"
    assert content["stories"][0]["consent"] == "public_anonymous"
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert version.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    assert events("return.submitted")[0].after["sha256"] == version.sha256
    with pytest.raises(ServiceError):  # a sent return can no longer be changed
        save(output_return, went_well="Changed")
    assert output_return.versions[0].content["went_well"] == "Good turnout."


def test_a_save_based_on_an_older_version_is_refused(make_return):
    output_return = make_return()
    opened = output_return.lock_version
    save(output_return)
    _db.session.commit()
    with pytest.raises(EditConflict):
        save(output_return, expected_version=opened)


def test_people_outside_the_group_cannot_save(make_return):
    output_return = make_return()
    with pytest.raises(ServiceError):
        save(output_return, by=factories.make_user())
    with pytest.raises(ServiceError):  # an officer only through the assisted route
        save(output_return, by=officer())


def test_the_form_shows_target_and_what_earlier_returns_reported(make_return):
    first = make_return()
    numeric, words = measures(first)
    save(first, submit=True)
    second = make_return(award=first.award, period=2)
    row = next(r for r in returns.measure_rows(second) if r.measure_id == numeric.id)
    assert (row.target, row.reported_so_far, row.period_start, row.period_end) == (40, 12, first.due_on, second.due_on)
    first_row = next(r for r in returns.measure_rows(first) if r.measure_id == numeric.id)
    assert first_row.period_start == first.award.starts_on


def test_a_cumulative_measure_reports_the_latest_total_not_the_sum(make_return):
    first = make_return()
    numeric, _words = measures(first)
    numeric.is_cumulative = True
    save(first, submit=True, figures={numeric.id: 12})
    second = make_return(award=first.award, period=2)
    save(second, submit=True, figures={numeric.id: 20})
    third_view = returns.measure_rows(second)
    assert next(r for r in third_view if r.measure_id == numeric.id).reported_so_far == 12


# --- queries -----------------------------------------------------------------------------------------


def test_a_queried_return_is_answered_and_sent_again_as_a_new_version(make_return):
    output_return = make_return()
    save(output_return, submit=True)
    output_return.status = ReturnStatus.QUERIED  # as the officer's review does
    _db.session.add(ReturnMessage(output_return=output_return, from_officer=True, body="Is 12 right?"))
    with pytest.raises(ReturnProblems):
        returns.answer_query(output_return, body="  ", by=member_of(output_return.award))
    message = returns.answer_query(output_return, body="Yes: twelve women.", by=member_of(output_return.award))
    assert message.from_officer is False
    save(output_return, submit=True, went_well="Better now.")
    assert output_return.status == ReturnStatus.SUBMITTED
    assert [v.number for v in output_return.versions] == [1, 2]
    assert output_return.versions[0].content["went_well"] == "Good turnout."
    assert len(events("return.answered")) == 2  # the answer, and the return sent again


def test_a_query_can_only_be_answered_when_there_is_one(make_return):
    output_return = make_return()
    with pytest.raises(ServiceError):
        returns.answer_query(output_return, body="Hello", by=member_of(output_return.award))


def test_a_queried_return_saved_as_a_draft_stays_queried(make_return):
    output_return = make_return(status=ReturnStatus.QUERIED)
    save(output_return)
    assert output_return.status == ReturnStatus.QUERIED


# --- stories -----------------------------------------------------------------------------------------


def add(output_return, **overrides):  # noqa: ANN001, ANN003, ANN201
    values = {
        "title": "Rukhsana's story",
        "body": "I found my voice.",
        "teller_name": "Rukhsana",
        "consent": Consent.PUBLIC_NAMED,
        "by": member_of(output_return.award),
        **overrides,
    }
    return returns.add_story(output_return, **values)


def test_a_name_is_kept_only_with_named_consent(make_return):
    output_return = make_return()
    assert add(output_return).teller_name == "Rukhsana"
    assert add(output_return, consent=Consent.PUBLIC_ANONYMOUS).teller_name is None
    assert add(output_return, consent=Consent.INTERNAL).teller_name is None
    with pytest.raises(ReturnProblems) as refused:
        add(output_return, teller_name="")
    assert "teller_name" in refused.value.problems
    assert output_return.status == ReturnStatus.DRAFT  # adding a story starts the return


@pytest.mark.parametrize(
    ("field", "overrides"), [("title", {"title": ""}), ("body", {"body": " "}), ("consent", {"consent": "shout"})]
)
def test_a_story_needs_a_title_words_and_consent(make_return, field, overrides):
    with pytest.raises(ReturnProblems) as refused:
        add(make_return(), **overrides)
    assert field in refused.value.problems


@pytest.mark.parametrize(("data", "name"), [(JPEG, "photo.jpg"), (MP3, "voice.mp3")])
def test_a_story_keeps_a_photo_or_recording_as_a_file_of_the_group(make_return, data, name):
    output_return = make_return()
    story = add(output_return, upload=data, upload_name=name)
    assert story.file.purpose == "story_media"
    assert story.file.organisation_id == output_return.award.application.organisation_id


def test_a_story_refuses_other_files(make_return):
    with pytest.raises(UploadRefused):
        add(make_return(), upload=PDF, upload_name="story.pdf")
    assert _db.session.scalars(select(StoredFile)).all() == []


def test_stories_change_only_while_the_return_is_editable(make_return):
    output_return = make_return()
    story = add(output_return)
    returns.update_story(
        story,
        title="New title",
        body="New words",
        teller_name="",
        consent=Consent.INTERNAL,
        by=member_of(output_return.award),
    )
    assert (story.title, story.teller_name) == ("New title", None)
    save(output_return, submit=True)
    with pytest.raises(ServiceError):
        add(output_return)
    with pytest.raises(ServiceError):
        returns.remove_story(story, by=member_of(output_return.award))


def test_consent_can_be_withdrawn_at_any_time_even_after_acceptance(make_return):
    output_return = make_return(
        status=ReturnStatus.ACCEPTED, stories=[{"title": "A", "body": "B", "consent": Consent.PUBLIC_ANONYMOUS}]
    )
    story = output_return.stories[0]
    returns.withdraw_consent(story, by=member_of(output_return.award), now=NOW)
    assert story.consent_withdrawn_at == NOW
    assert events("story.consent_withdrawn")[0].after == {"consent": "public_anonymous", "withdrawn": True}
    with pytest.raises(ServiceError):
        returns.withdraw_consent(story, by=member_of(output_return.award))


def test_an_officer_may_withdraw_consent_but_not_another_group(make_return):
    output_return = make_return(
        stories=[{"title": "A", "body": "B", "consent": Consent.PUBLIC_NAMED, "teller_name": "X"}]
    )
    story = output_return.stories[0]
    with pytest.raises(ServiceError):
        returns.withdraw_consent(story, by=factories.make_user())
    returns.withdraw_consent(story, by=officer())
    assert story.consent_withdrawn_at is not None


# --- the assisted route ------------------------------------------------------------------------------


def test_an_officer_enters_and_sends_a_return_for_the_group_with_provenance(make_return):
    output_return = make_return()
    helper = officer()
    with pytest.raises(ReturnProblems):
        returns.start_assisted(output_return, channel=Channel.PHONE, consent_note=" ", by=helper)
    with pytest.raises(ReturnProblems):
        returns.start_assisted(output_return, channel=Channel.ONLINE, consent_note="Agreed", by=helper)
    with pytest.raises(ServiceError):
        returns.start_assisted(
            output_return, channel=Channel.PHONE, consent_note="Agreed", by=member_of(output_return.award)
        )
    returns.start_assisted(output_return, channel=Channel.PHONE, consent_note="Fatima agreed on 3 March", by=helper)
    assert (output_return.channel, output_return.entered_by, output_return.consent_note) == (
        Channel.PHONE,
        helper,
        "Fatima agreed on 3 March",
    )
    save(output_return, submit=True, by=helper)
    assert output_return.submitted_by_id == helper.id
    assert output_return.versions[0].content["entered_by"] == "Olu Officer"
    assert output_return.versions[0].content["channel"] == "phone"
    sent = events("return.submitted")[0]
    assert (sent.on_behalf_of_id, sent.channel) == (output_return.award.application.organisation_id, "phone")


# --- reminders ---------------------------------------------------------------------------------------


def link(output_return):  # noqa: ANN001, ANN201
    return f"https://portal.example/applicant/returns/{output_return.id}"


def test_reminders_before_the_due_date_go_once(make_return, outbox):
    output_return = make_return()  # due 1 October 2027
    assert returns.send_reminders(today=date(2027, 9, 1), link_for=link, now=NOW) == 0  # too early
    assert returns.send_reminders(today=date(2027, 9, 20), link_for=link, now=NOW) == 1
    assert output_return.reminded_before_at == NOW
    assert returns.send_reminders(today=date(2027, 9, 21), link_for=link, now=NOW + timedelta(days=1)) == 0
    (mail,) = _db.session.scalars(select(Notification).where(Notification.template.like("return%"))).all()
    assert mail.template == "return_due"
    assert "1 October 2027" in mail.body_text and link(output_return) in mail.body_text
    assert events("return.reminded")[0].after["kind"] == "before"


def test_overdue_reminders_repeat_weekly_until_the_return_is_sent(make_return):
    output_return = make_return()
    late = NOW + timedelta(days=20)
    assert returns.send_reminders(today=date(2027, 10, 2), link_for=link, now=late) == 1
    assert output_return.reminded_after_at == late
    assert returns.send_reminders(today=date(2027, 10, 5), link_for=link, now=late + timedelta(days=3)) == 0
    assert returns.send_reminders(today=date(2027, 10, 9), link_for=link, now=late + timedelta(days=7)) == 1
    mails = _db.session.scalars(select(Notification).where(Notification.template == "return_overdue")).all()
    assert len(mails) == 2
    output_return.status = ReturnStatus.SUBMITTED
    assert returns.send_reminders(today=date(2027, 10, 30), link_for=link, now=late + timedelta(days=30)) == 0


def test_no_reminders_for_withdrawn_awards(make_return):
    output_return = make_return()
    output_return.award.status = AwardStatus.WITHDRAWN
    assert returns.send_reminders(today=date(2027, 9, 20), link_for=link, now=NOW) == 0
