"""Users, passwords and server-side sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.domain.roles import Role
from portal.models import AuditEvent, User, UserSession
from portal.services import accounts
from tests.factories import DEFAULT_PASSWORD

LIMITS = accounts.SessionLimits(idle=timedelta(minutes=60), absolute=timedelta(hours=12))
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_passwords_are_stored_as_argon2id_hashes_never_as_text(db, make_user):
    user = make_user(password="a long and happy passphrase")
    assert user.password_hash.startswith("$argon2id$")
    assert "passphrase" not in user.password_hash


def test_emails_are_case_insensitive_and_unique(db, make_user):
    make_user(email="Amina@Example.org")
    with pytest.raises(accounts.EmailTaken):
        accounts.create_user(
            "amina@example.org", "Someone Else", roles={Role.APPLICANT}, password=DEFAULT_PASSWORD, by=None
        )
    assert accounts.find_user_by_email(" AMINA@example.org ").email == "amina@example.org"


def test_weak_passwords_are_refused_by_the_service_whoever_calls_it(db):
    with pytest.raises(accounts.PasswordRejected, match="too common"):
        accounts.create_user("x@example.org", "X", roles={Role.OFFICER}, password="password123", by=None)


def test_authenticate_gives_the_user_only_for_the_right_password(db, make_user):
    user = make_user(email="grace@example.org")
    assert accounts.authenticate("grace@example.org", DEFAULT_PASSWORD) == user
    assert accounts.authenticate("grace@example.org", "wrong password here") is None
    assert accounts.authenticate("nobody@example.org", DEFAULT_PASSWORD) is None


def test_a_disabled_user_cannot_sign_in(db, make_user):
    admin = make_user(roles={Role.ADMIN})
    user = make_user()
    accounts.disable_user(user, by=admin)
    db.session.commit()
    assert accounts.authenticate(user.email, DEFAULT_PASSWORD) is None


def test_creating_a_user_is_audited_with_roles(db):
    user = accounts.create_user(
        "o@example.org", "O", roles={Role.OFFICER, Role.PANEL_MEMBER}, password=DEFAULT_PASSWORD, by=None
    )
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event.object_id == user.id
    assert event.after == {"email": "o@example.org", "roles": ["officer", "panel_member"]}
    assert user.roles == {Role.OFFICER, Role.PANEL_MEMBER}


def test_a_session_lives_until_idle_too_long(db, make_user):
    user = make_user()
    row, token = accounts.start_session(user, ip_address="127.0.0.1", user_agent="pytest", now=T0)
    db.session.commit()
    assert accounts.find_live_session(token, LIMITS, now=T0 + timedelta(minutes=59)) == row
    assert accounts.find_live_session(token, LIMITS, now=T0 + timedelta(minutes=61)) is None
    assert row.end_reason == "idle_timeout"
    # Once ended, it stays ended.
    assert accounts.find_live_session(token, LIMITS, now=T0) is None


def test_a_busy_session_still_ends_at_the_absolute_limit(db, make_user):
    user = make_user()
    row, token = accounts.start_session(user, ip_address=None, user_agent=None, now=T0)
    row.last_seen_at = T0 + timedelta(hours=12)
    db.session.commit()
    assert accounts.find_live_session(token, LIMITS, now=T0 + timedelta(hours=12, minutes=1)) is None
    assert row.end_reason == "absolute_timeout"


def test_the_token_is_not_stored_only_its_hash(db, make_user):
    user = make_user()
    row, token = accounts.start_session(user, ip_address=None, user_agent=None)
    db.session.commit()
    assert token not in row.token_hash
    assert row.token_hash == accounts.hash_token(token)


def test_changing_the_password_ends_every_session(db, make_user):
    user = make_user()
    _, first = accounts.start_session(user, ip_address=None, user_agent=None)
    _, second = accounts.start_session(user, ip_address=None, user_agent=None)
    db.session.commit()
    accounts.set_password(user, "a brand new passphrase", by=user)
    db.session.commit()
    assert accounts.find_live_session(first, LIMITS) is None
    assert accounts.find_live_session(second, LIMITS) is None
    reasons = db.session.scalars(select(UserSession.end_reason).where(UserSession.user_id == user.id)).all()
    assert reasons == ["password_changed", "password_changed"]


def test_disabling_a_user_ends_their_sessions(db, make_user):
    admin = make_user(roles={Role.ADMIN})
    user = make_user()
    _, token = accounts.start_session(user, ip_address=None, user_agent=None)
    db.session.commit()
    accounts.disable_user(user, by=admin)
    db.session.commit()
    assert accounts.find_live_session(token, LIMITS) is None


def test_a_reset_token_works_once_and_ends_sessions(db, make_user):
    user = make_user(email="reset@example.org")
    _, session_token = accounts.start_session(user, ip_address=None, user_agent=None)
    result = accounts.request_password_reset("reset@example.org", valid_for=timedelta(hours=2))
    assert result is not None
    _, token = result
    db.session.commit()
    accounts.reset_password(token, "another fine passphrase")
    db.session.commit()
    assert accounts.authenticate("reset@example.org", "another fine passphrase") == user
    assert accounts.find_live_session(session_token, LIMITS) is None
    with pytest.raises(accounts.ServiceError, match="expired or has already been used"):
        accounts.reset_password(token, "yet another passphrase")


def test_a_reset_token_expires(db, make_user):
    make_user(email="late@example.org")
    _, token = accounts.request_password_reset("late@example.org", valid_for=timedelta(hours=2), now=T0)
    db.session.commit()
    assert accounts.find_reset_token(token, now=T0 + timedelta(hours=1, minutes=59)) is not None
    assert accounts.find_reset_token(token, now=T0 + timedelta(hours=2)) is None


def test_no_reset_for_an_unknown_address(db):
    assert accounts.request_password_reset("ghost@example.org", valid_for=timedelta(hours=2)) is None


def test_roles_can_be_changed_and_it_is_audited(db, make_user):
    admin = make_user(roles={Role.ADMIN})
    user = make_user(roles={Role.APPLICANT})
    accounts.set_roles(user, {Role.APPLICANT, Role.PANEL_MEMBER}, by=admin)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {Role.APPLICANT, Role.PANEL_MEMBER}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.roles_changed"))
    assert event.before == {"roles": ["applicant"]}
    assert event.actor_id == admin.id
