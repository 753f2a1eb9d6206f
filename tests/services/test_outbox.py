"""E-mails are written in the same transaction as the change and sent only after it commits."""

from __future__ import annotations

from sqlalchemy import select

from portal.mail import deliver_outbox
from portal.models import Notification
from portal.services import notifications


def test_a_rolled_back_change_sends_nothing(db, make_user, outbox):
    user = make_user()
    notifications.queue_email(user, "welcome", subject="Welcome")
    db.session.rollback()
    assert deliver_outbox() == 0
    assert outbox == []
    assert db.session.scalars(select(Notification)).all() == []


def test_a_committed_message_is_sent_once(db, make_user, outbox):
    user = make_user(full_name="Grace Obi")
    notifications.queue_email(user, "welcome", subject="Your account is ready")
    db.session.commit()
    assert deliver_outbox() == 1
    assert deliver_outbox() == 0
    assert len(outbox) == 1
    assert outbox[0]["to"] == user.email
    assert outbox[0]["subject"] == "Your account is ready"
    assert "Hello Grace Obi" in outbox[0]["body"]
    assert db.session.scalar(select(Notification)).sent_at is not None


def test_a_failed_send_stays_in_the_outbox_to_retry(db, app, make_user, monkeypatch):
    from portal import mail

    def broken(self, message, config):  # noqa: ANN001, ANN202
        raise OSError("mail server down")

    monkeypatch.setattr(mail.MemoryBackend, "send", broken)
    notifications.queue_email(make_user(), "welcome", subject="Hi")
    db.session.commit()
    assert deliver_outbox() == 0
    message = db.session.scalar(select(Notification))
    assert (message.sent_at, message.attempts, message.last_error) == (None, 1, "mail server down")
    monkeypatch.undo()
    assert deliver_outbox() == 1
