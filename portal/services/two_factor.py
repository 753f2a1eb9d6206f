"""Two-factor sign-in: enrolling an authenticator app, checking codes (never the same one twice),
one-time recovery codes, turning it off, and an administrator's reset."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import pyotp
import segno
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import flag_modified

from portal.db import Sealed, utcnow
from portal.domain import two_factor as rules
from portal.extensions import db
from portal.models import User
from portal.models.people import RecoveryCode
from portal.services import ServiceError, audit
from portal.services.accounts import end_all_sessions


class WrongCode(ServiceError):
    """The code typed is not the current one (or was used already)."""


def new_secret() -> str:
    """A random base32 secret (160 bits) for an authenticator app."""
    return pyotp.random_base32()


def setup_uri(user: User, secret: str, *, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The QR code for ``uri`` as an SVG data: URI (the content security policy allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c")


def format_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def code_for(secret: str, step: int) -> str:
    """The code an app shows during ``step`` (tests use it to act as the phone)."""
    return pyotp.TOTP(secret, digits=rules.TOTP_DIGITS, interval=rules.TOTP_PERIOD).generate_otp(step)


def _matching_step(secret: str, code: str, last_used_step: int | None, now: datetime) -> int | None:
    current = rules.time_step(now.timestamp())
    for step in rules.candidate_steps(current, last_used_step):
        if hmac.compare_digest(code_for(secret, step), code):
            return step
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(rules.normalise_code(code).encode()).hexdigest()


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = rules.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code), created_at=now) for code in codes)
    return [rules.format_recovery_code(code) for code in codes]


def enrol(user: User, secret: str, code: str, *, by: User, now: datetime | None = None) -> list[str]:
    """Turn two-factor sign-in on with ``secret`` once the person has typed its current code;
    returns the new recovery codes, to be shown once (only their hashes are kept)."""
    now = now or utcnow()
    code = rules.normalise_code(code)
    step = _matching_step(secret, code, None, now) if rules.is_totp_shape(code) else None
    if step is None:
        raise WrongCode(_l("The code is not right. Enter the 6-digit code your app shows now"))
    db.session.flush()
    user.two_factor_secret = secret
    user.two_factor_enabled_at = now
    user.two_factor_last_step = step
    codes = _replace_recovery_codes(user, now)
    audit.record("user.two_factor_enrolled", user, by=by, now=now)
    return codes


def new_recovery_codes(user: User, *, by: User, now: datetime | None = None) -> list[str]:
    """Fresh recovery codes; the old ones stop working."""
    now = now or utcnow()
    codes = _replace_recovery_codes(user, now)
    audit.record("user.recovery_codes_replaced", user, by=by, now=now)
    return codes


def check_code(user: User, code: str, *, now: datetime | None = None) -> str | None:
    """Accept the second factor: the current app code (``"app"``) or an unused recovery code
    (``"recovery"``); None if neither. Each is accepted once only, even by two requests at once."""
    now = now or utcnow()
    code = rules.normalise_code(code)
    if user.two_factor_secret is None:
        return None
    if rules.is_totp_shape(code):
        step = _matching_step(user.two_factor_secret, code, user.two_factor_last_step, now)
        if step is None:
            return None
        claimed = db.session.execute(
            update(User)
            .where(User.id == user.id, or_(User.two_factor_last_step.is_(None), User.two_factor_last_step < step))
            .values(two_factor_last_step=step)
        )
        return "app" if claimed.rowcount == 1 else None
    if rules.is_recovery_shape(code):
        used = db.session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None)
            )
            .values(used_at=now)
        )
        if used.rowcount != 1:
            return None
        audit.record("user.recovery_code_used", user, by=user, after={"left": recovery_codes_left(user)}, now=now)
        return "recovery"
    return None


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _clear(user: User) -> None:
    user.two_factor_secret = None
    user.two_factor_enabled_at = None
    user.two_factor_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User, *, by: User, now: datetime | None = None) -> None:
    """The person turns it off for themselves (only where their roles do not require it)."""
    _clear(user)
    audit.record("user.two_factor_disabled", user, by=by, now=now)


def reset(user: User, *, by: User | None, now: datetime | None = None) -> None:
    """An administrator resets it (a lost phone): every session ends and the person sets it up
    again the next time they sign in."""
    _clear(user)
    end_all_sessions(user, reason="two_factor_reset", now=now)
    audit.record("user.two_factor_reset", user, by=by, now=now)


def reset_unreadable(*, by: User | None = None, now: datetime | None = None) -> list[str]:
    """After a key was lost: every account whose secret none of the ``TWO_FACTOR_KEYS`` opens is
    reset as an administrator would reset it (its sessions end; the person sets it up again at
    their next sign-in); their e-mail addresses. Loading such an account otherwise fails."""
    tokens = db.session.execute(
        select(User.id, Sealed.as_stored(User.two_factor_secret)).where(User.two_factor_secret.is_not(None))
    )
    lost = [user_id for user_id, token in tokens if not Sealed.opens(token)]
    users = db.session.scalars(
        select(User).where(User.id.in_(lost)).options(defer(User.two_factor_secret)).order_by(User.id)
    ).all()
    for user in users:
        reset(user, by=by, now=now)
    return [user.email for user in users]


def reseal_all(*, by: User | None = None, now: datetime | None = None) -> int:
    """Encrypt every enrolled person's secret again with the first of the ``TWO_FACTOR_KEYS``
    (after a new key was put first), so that the old keys can be taken out; how many. The secrets
    themselves do not change: nobody has to set up their app again."""
    users = list(db.session.scalars(select(User).where(User.two_factor_secret.is_not(None)).order_by(User.id)))
    for user in users:
        flag_modified(user, "two_factor_secret")  # the same text, written again: sealed with the first key
    db.session.flush()
    audit.record("user.two_factor_resealed", None, by=by, after={"accounts": len(users)}, now=now or utcnow())
    return len(users)
