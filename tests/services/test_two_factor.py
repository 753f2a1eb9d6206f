"""Two-factor sign-in in the service: setting it up, codes accepted once, recovery codes, reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.domain.roles import Role
from portal.models import AuditEvent, UserSession
from portal.models.people import RecoveryCode
from portal.services import accounts, two_factor
from portal.services.accounts import SessionLimits

T0 = datetime(2027, 3, 1, 9, 0, 10, tzinfo=UTC)  # 10 seconds into a time step
STEP = int(T0.timestamp()) // 30
LIMITS = SessionLimits(idle=timedelta(minutes=60), absolute=timedelta(hours=12))
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def actions(db) -> list[str]:  # noqa: ANN001
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_setting_up_needs_the_current_code_and_gives_ten_hashed_recovery_codes(db, make_user):
    user = make_user(two_factor=False)
    with pytest.raises(two_factor.WrongCode, match="The code is not right"):
        two_factor.enrol(user, SECRET, two_factor.code_for(SECRET, STEP + 10), by=user, now=T0)
    assert user.two_factor_secret is None

    codes = two_factor.enrol(user, SECRET, two_factor.code_for(SECRET, STEP), by=user, now=T0)
    db.session.commit()
    assert user.two_factor_secret == SECRET and user.two_factor_enabled_at == T0
    assert len(codes) == 10 and all(len(code) == 11 and code[5] == "-" for code in codes)
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert not {code.replace("-", "") for code in codes} & set(stored)  # only hashes are kept
    assert actions(db)[-1] == "user.two_factor_enrolled"


def test_a_code_is_accepted_once_and_an_older_one_never_after(db, make_user):
    user = make_user(two_factor=True)
    user.two_factor_secret = SECRET
    db.session.commit()
    now_code = two_factor.code_for(SECRET, STEP)
    assert two_factor.check_code(user, now_code, now=T0) == "app"
    assert two_factor.check_code(user, now_code, now=T0 + timedelta(seconds=5)) is None  # replayed
    previous = two_factor.code_for(SECRET, STEP - 1)
    assert two_factor.check_code(user, previous, now=T0) is None  # older than the one used
    assert two_factor.check_code(user, two_factor.code_for(SECRET, STEP + 1), now=T0) == "app"  # a fast phone


def test_codes_from_too_long_ago_or_too_far_ahead_are_refused(db, make_user):
    user = make_user(two_factor=True)
    user.two_factor_secret = SECRET
    db.session.commit()
    for step in (STEP - 2, STEP + 2):
        assert two_factor.check_code(user, two_factor.code_for(SECRET, step), now=T0) is None
    assert two_factor.check_code(user, "not a code", now=T0) is None
    assert two_factor.check_code(user, "", now=T0) is None


def test_a_recovery_code_works_once_and_its_use_is_audited(db, make_user):
    user = make_user(two_factor=False)
    codes = two_factor.enrol(user, SECRET, two_factor.code_for(SECRET, STEP), by=user, now=T0)
    db.session.commit()
    assert two_factor.check_code(user, codes[3].upper().replace("-", " "), now=T0) == "recovery"
    assert two_factor.check_code(user, codes[3], now=T0) is None
    assert two_factor.recovery_codes_left(user) == 9
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.recovery_code_used"))
    assert event.object_id == user.id and event.after == {"left": 9}


def test_setting_up_again_replaces_the_recovery_codes(db, make_user):
    user = make_user(two_factor=False)
    old = two_factor.enrol(user, SECRET, two_factor.code_for(SECRET, STEP), by=user, now=T0)
    new = two_factor.new_recovery_codes(user, by=user, now=T0)
    db.session.commit()
    assert two_factor.check_code(user, old[0], now=T0) is None
    assert two_factor.check_code(user, new[0], now=T0) == "recovery"


def test_nobody_without_two_factor_passes_a_second_step(db, make_user):
    user = make_user(two_factor=False)
    assert two_factor.check_code(user, two_factor.code_for(SECRET, STEP), now=T0) is None


def test_turning_it_off_forgets_the_secret_and_codes(db, make_user):
    user = make_user(two_factor=False)
    two_factor.enrol(user, SECRET, two_factor.code_for(SECRET, STEP), by=user, now=T0)
    two_factor.turn_off(user, by=user, now=T0)
    db.session.commit()
    assert (user.two_factor_secret, user.two_factor_enabled_at, user.two_factor_last_step) == (None, None, None)
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert actions(db)[-1] == "user.two_factor_disabled"


def test_an_administrators_reset_ends_every_session(db, make_user):
    admin = make_user(roles={Role.ADMIN})
    officer = make_user(roles={Role.OFFICER})
    _, first = accounts.start_session(officer, ip_address=None, user_agent=None)
    _, second = accounts.start_session(officer, ip_address=None, user_agent=None)
    db.session.commit()
    two_factor.reset(officer, by=admin)
    db.session.commit()
    assert not officer.has_two_factor
    assert accounts.find_live_session(first, LIMITS) is None
    assert accounts.find_live_session(second, LIMITS) is None
    reasons = set(db.session.scalars(select(UserSession.end_reason).where(UserSession.user_id == officer.id)))
    assert reasons == {"two_factor_reset"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset"))
    assert (event.actor_id, event.object_id) == (admin.id, officer.id)


def test_the_qr_code_is_an_svg_data_uri_of_the_setup_address(db, make_user):
    user = make_user(email="olu@example.org")
    uri = two_factor.setup_uri(user, SECRET, issuer="Community grants")
    assert uri.startswith("otpauth://totp/Community%20grants:olu%40example.org?secret=" + SECRET)
    assert two_factor.qr_code_data_uri(uri).startswith("data:image/svg+xml")
    assert two_factor.format_secret("ABCDEFGH") == "ABCD EFGH"
