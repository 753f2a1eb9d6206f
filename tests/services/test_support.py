"""The support service: a call-back request is stored, audited without personal details, e-mailed to
the council in the same transaction, and marked handled once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Notification, SupportRequest
from portal.services import ServiceError, support

WHEN = datetime(2030, 7, 10, 9, 30, tzinfo=UTC)


def test_a_request_is_stored_and_audited_without_personal_details(app, make_round):
    round_ = make_round()
    request = support.create_support_request(
        name="  Amina\r\nBegum ",
        phone=" 07700  900 982 ",
        best_time="  ",
        language="Bengali",
        message="  Help with the form\nplease  ",
        round_=round_,
        by=None,
        now=WHEN,
    )
    db.session.commit()
    stored = db.session.scalar(select(SupportRequest))
    assert stored.id == request.id
    assert stored.name == "Amina Begum"  # one line: it goes into an e-mail subject
    assert stored.phone == "07700 900 982"
    assert stored.best_time is None
    assert stored.message == "Help with the form\nplease"
    assert stored.round_id == round_.id and stored.user_id is None and stored.email is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "support_request.created"))
    assert (event.object_type, event.object_id, event.actor_id) == ("support_requests", request.id, None)
    assert event.after == {"round_id": round_.id}
    assert event.round_id is None  # not a change to the round: kept out of its history
    assert "Amina" not in str(event.after) and "07700" not in str(event.after)
    assert db.session.scalar(select(Notification)) is None  # nobody to tell


def test_the_council_is_told_in_its_own_language(app, make_user):
    user = make_user(email="member@example.org")
    with app.test_request_context():
        support.create_support_request(
            name="Sam",
            phone="01632 960 001",
            by=user,
            notify="help@council.example",
            notify_language="en",
            link="https://portal.example/officers/support-requests",
            now=WHEN,
        )
    message = db.session.scalar(select(Notification))
    assert message.to_address == "help@council.example"
    assert message.user_id is None
    assert message.subject == "Call back requested by Sam"
    assert "Asked: 10 July 2030 at 10:30am (UK time)" in message.body_text
    assert "Email (signed in): member@example.org" in message.body_text
    assert "https://portal.example/officers/support-requests" in message.body_text


def test_marking_handled_records_who_when_and_the_note_once(app, make_user):
    officer = make_user(roles={"officer"})
    request = support.create_support_request(name="Sam", phone="01632 960 001", by=None, now=WHEN)
    support.mark_support_request_handled(request, note=" Called back ", by=officer, now=WHEN)
    db.session.commit()
    assert (request.handled_at, request.handled_by_id, request.handled_note) == (WHEN, officer.id, "Called back")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "support_request.handled"))
    assert event.actor_id == officer.id and event.note == "Called back"
    with pytest.raises(ServiceError) as refused:
        support.mark_support_request_handled(request, note="Again", by=officer)
    assert "already marked" in str(refused.value.message)
    assert request.handled_note == "Called back"
